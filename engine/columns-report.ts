/**
 * Turns the unknown columns that steps report before running (engine/columns.ts) into
 * diagnostics that point where the name is written. A param given as `x: "${params.x}"` is
 * followed to the entry of `params:` that holds the misspelt name, and the same misspelling
 * used by several stages (the paper's four models share `params.x`) is one diagnostic
 * naming them all.
 */
import type { Diagnostic, SourceRange } from './diagnostic.js';
import type { ParsedFile } from './parse.js';
import type { InputRef } from './pipeline.js';
import type { ParamPath, UnknownColumn } from './step.js';
import { columnListText } from './column-list.js';
import { didYouMean } from './suggest.js';
import { sortDiagnostics } from './validate-report.js';

/** One reported unknown column, with the stage and its input wiring. */
export interface ColumnProblem extends UnknownColumn {
  readonly stage: string;
  /** Where the input named by `input` comes from. */
  readonly ref?: InputRef;
}

const WHOLE_PARAM_REF = /^\$\{\s*params\.([^}]+?)\s*\}$/;

/**
 * The place in the YAML where the value at `params.<at>` of stage `stage` is written, following
 * `${params.…}` references made of one whole reference; `written` is false when the param is
 * not in the file (its schema default is in effect).
 */
export function locateParam(parsed: ParsedFile, stage: string, at: ParamPath, key = false): { range: SourceRange; written: boolean } {
  let target: (string | number)[] = ['stages', stage, 'params', ...at];
  // A reference chain longer than this would be a cycle, which validation has rejected.
  for (let hops = 0; hops < 32; hops++) {
    let redirected = false;
    for (let k = 1; k <= target.length; k++) {
      const raw = getIn(parsed, target.slice(0, k));
      if (raw === undefined) {
        // getIn compares keys strictly (`2011:` is a number key); the locator knows better.
        const found = parsed.locate(target);
        return found ? { range: (key ? parsed.locateKey(target) : undefined) ?? found, written: true } : { range: parsed.locateNearest(target), written: false };
      }
      if (typeof raw !== 'string') continue;
      const whole = WHOLE_PARAM_REF.exec(raw);
      if (whole) {
        target = ['params', ...whole[1]!.split('.'), ...target.slice(k)];
        redirected = true;
        break;
      }
      // Text with a reference inside, or a range such as `1..42`: the name is in this string.
      const range = key && k === target.length ? parsed.locateKey(target) : parsed.locate(target.slice(0, k));
      return { range: range ?? parsed.locateNearest(target), written: true };
    }
    if (!redirected) return { range: (key ? parsed.locateKey(target) : parsed.locate(target)) ?? parsed.locateNearest(target), written: true };
  }
  return { range: parsed.locateNearest(target), written: true };
}

/** The plain value at `p` in the parsed file (a collection comes back as a node, which is enough here). */
function getIn(parsed: ParsedFile, p: readonly (string | number)[]): unknown {
  try {
    const v = parsed.doc.getIn(p as (string | number)[]);
    return v === null ? undefined : v;
  } catch {
    return undefined;
  }
}

/** `['x', 2]` → `x[2]`; `['columns', 'lgdp']` → `columns.lgdp`. */
export function paramText(at: ParamPath): string {
  let out = '';
  for (const s of at) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

/** Narrows a one-line range to the single whole-word occurrence of `name` in it, if there is exactly one. */
function narrow(range: SourceRange, name: string, textOf: (file: string) => string | undefined): SourceRange {
  if (range.line !== range.endLine) return range;
  const line = textOf(range.file)?.split(/\r\n|\r|\n/)[range.line - 1];
  if (line === undefined) return range;
  const segment = line.slice(range.col - 1, range.endCol - 1);
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const hits = [...segment.matchAll(new RegExp(`(?<![A-Za-z0-9_$.])${escaped}(?![A-Za-z0-9_$])`, 'g'))];
  if (hits.length !== 1) return range;
  const col = range.col + hits[0]!.index!;
  return { ...range, col, endCol: col + name.length };
}

function sourceText(p: ColumnProblem): string {
  if (p.file !== undefined) return `file \`${p.file}\` does not have`;
  if (p.input !== undefined) {
    const r = p.ref;
    const from = r === undefined ? '' : r.kind === 'file' ? ` (file \`${r.path}\`)` : ` (from stage \`${r.stage}\`${r.output !== undefined ? `, output \`${r.output}\`` : ''})`;
    return `input \`${p.input}\`${from} does not have`;
  }
  return `is not among ${p.among ?? 'the columns'}`;
}

function stagesText(stages: readonly string[]): string {
  const q = stages.map((s) => `\`${s}\``);
  return q.length === 1 ? `stage ${q[0]}` : `stages ${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

/**
 * Diagnostics of the problems, one per place and name: the params (and stages) that read a
 * misspelt name written once (in `params:`, used by several stages and params) are named
 * together, sorted like validation's.
 */
export function columnDiagnostics(problems: readonly ColumnProblem[], parsed: ParsedFile, textOf: (file: string) => string | undefined): Diagnostic[] {
  const groups = new Map<string, { range: SourceRange; heads: Map<string, string[]>; tail: string; hint: string }>();
  for (const p of problems) {
    const { range, written } = locateParam(parsed, p.stage, p.at, p.key === true);
    const at = p.expression !== undefined && written ? narrow(range, p.name, textOf) : range;
    const head = `param \`${paramText(p.at)}\`${written ? '' : ' (its default)'}`;
    const verb = p.expression !== undefined ? `reads column \`${p.name}\` in \`${p.expression}\`` : `names column \`${p.name}\``;
    const tail = `${verb}, which ${sourceText(p)}`;
    const listName = p.expression !== undefined ? 'the columns it can read are' : p.among !== undefined && p.input === undefined && p.file === undefined ? `${p.among} are` : 'its columns are';
    const close = p.hint ?? didYouMean(p.name, p.columns) ?? `${listName}: ${columnListText(p.columns)}`;
    // A default the user never wrote: say how to change it.
    const hint = written || p.hint !== undefined ? close : `set \`${paramText(p.at)}\` in the stage's params; ${close}`;
    const key = JSON.stringify([at.file, at.line, at.col, tail, hint]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { range: at, heads: new Map(), tail, hint }));
    const stages = g.heads.get(head) ?? [];
    if (!stages.includes(p.stage)) stages.push(p.stage);
    g.heads.set(head, stages);
  }
  const out: Diagnostic[] = [];
  for (const g of groups.values()) {
    const who = [...g.heads].map(([head, stages]) => `${head} of ${stagesText(stages)}`);
    const subject = who.length === 1 ? who[0]! : `${who.slice(0, -1).join(', ')} and ${who[who.length - 1]}`;
    // Several subjects take the plural verb ("… and param `y` of stage `b` name column …").
    const tail = who.length === 1 ? g.tail : g.tail.replace(/^names /, 'name ').replace(/^reads /, 'read ');
    out.push({ ...g.range, severity: 'error', code: 'unknown-column', message: `${subject} ${tail}`, hint: g.hint });
  }
  return sortDiagnostics(out);
}
