/**
 * `agglo show STAGE [-p PIPELINE] [--item k=v …] [--output NAME] [--json|--csv]`: a stage's
 * cached result. Without `-p`, of the pipeline last run in this project (engine/last-run.ts),
 * saying so on stderr. Long results are cut on the terminal (the first rows or items and how
 * to see the rest); `--csv` and `--json` print everything.
 */
import { decodeValue } from '../canonical.js';
import { formatCsv } from '../csv.js';
import { dict, own } from '../dict.js';
import { formatTable } from '../format-table.js';
import { gather } from '../inputs.js';
import { lastRunPipeline } from '../last-run.js';
import type { Plan } from '../plan.js';
import { runPipeline } from '../run.js';
import { loadState, stateName } from '../state.js';
import { nrow, tableRows } from '../table.js';
import { isCollection, isTable, type ItemKey, type Value } from '../value.js';
import { canonicalScalar } from '../items.js';
import { suggest } from '../suggest.js';
import { DEFAULT_PIPELINE, EXIT_FAILED, EXIT_INVALID, EXIT_OK, loadOrReport, makeExecutor, openProject, UsageError, type Io, type Project } from './common.js';

export interface ShowFlags {
  /** The pipeline named with `-p` (or as the first argument); undefined: the one last run here. */
  readonly pipeline?: string;
  readonly stage: string;
  readonly items: string[];
  readonly output?: string;
  readonly json: boolean;
  readonly csv: boolean;
}

/** Rows of a table, and lines of any other result, shown on the terminal before it is cut. */
export const SHOW_ROWS = 200;
/** Items of a collection shown on the terminal before it is cut. */
export const SHOW_ITEMS = 5;

export async function showCommand(flags: ShowFlags, io: Io): Promise<number> {
  const project = openProject(io);
  const last = flags.pipeline === undefined ? lastRunPipeline(project.store, project.root) : undefined;
  const file = flags.pipeline ?? last ?? DEFAULT_PIPELINE;
  // Said only when it is not the default: a script showing the paper's results gets no noise.
  if (last !== undefined && last !== DEFAULT_PIPELINE) io.err(`(${last}, the pipeline last run here)\n`);
  const { loaded, plan } = await loadOrReport(file, project, io);
  if (!plan) return EXIT_INVALID;
  const planned = plan.stages.get(flags.stage);
  if (!planned) {
    const hint = suggest(flags.stage, [...plan.stages.keys()]);
    const which = flags.pipeline !== undefined ? '' : last !== undefined ? ' (the pipeline last run here)' : ' (the default pipeline)';
    const other = flags.pipeline === undefined ? ' To show a stage of another pipeline, pass `-p PIPELINE`.' : '';
    io.err(`error: no stage \`${flags.stage}\` in ${plan.pipeline.displayFile}${which}${hint ? `; did you mean \`${hint}\`?` : '.'}${other}\n`);
    return EXIT_INVALID;
  }
  const outputs = Object.keys(planned.step.def.outputs);
  const output = flags.output ?? outputs[0]!;
  if (!outputs.includes(output)) {
    io.err(`error: step \`${planned.spec.step}\` has no output \`${output}\`; outputs are: ${outputs.join(', ')}\n`);
    return EXIT_INVALID;
  }
  const filter = parseItemFilter(flags.items);
  const result = readStageResult(project, plan, flags.stage, output, filter);
  if ('error' in result) {
    io.err(`error: ${result.error}\n`);
    return EXIT_FAILED;
  }
  const dry = await runPipeline({ plan, store: project.store, executor: makeExecutor(loaded, 1), root: project.root }, { jobs: 1, keepGoing: true, dryRun: true, targets: [flags.stage] });
  const st = dry.stages.find((s) => s.id === flags.stage);
  if (st && st.status !== 'cached') io.err(`warning: \`${flags.stage}\` is out of date (${st.reason}); showing its last result\n`);
  // A table stacked from many items is cut like any other: say how to pick one item.
  const first = result.items.length > 1 ? result.items[0] : undefined;
  const pick = first ? `\`${Object.entries(first).map(([k, x]) => `--item ${k}=${x}`).join(' ')}\` shows one of its ${result.items.length} items` : undefined;
  io.out(render(result.value, flags, true, pick));
  return EXIT_OK;
}

/**
 * A stage's last result (output `output`) from the pipeline's state and the cache, its items
 * restricted to those matching `filter` (dimension → value as text) and gathered as a run
 * would gather them; or why there is none. For `agglo show` and scripts/start.mjs.
 */
export function readStageResult(project: Project, plan: Plan, stage: string, output: string, filter: Readonly<Record<string, string>> = {}): { value: Value; items: ItemKey[] } | { error: string } {
  const planned = plan.stages.get(stage);
  if (!planned) return { error: `no stage \`${stage}\` in ${plan.pipeline.displayFile}` };
  const state = own(loadState(project.store, stateName(project.root, plan.pipeline.file)).stages, stage);
  if (!state || Object.keys(state.items).length === 0) {
    return { error: `stage \`${stage}\` has no result yet; run \`agglo run ${plan.pipeline.displayFile}\` first` };
  }
  const keys: ItemKey[] = [];
  const values: Value[] = [];
  for (const [id, item] of Object.entries(state.items)) {
    const key = parseItemId(id);
    if (!Object.entries(filter).every(([k, v]) => Object.hasOwn(key, k) && String(key[k]) === v)) continue;
    const h = own(item.outputs, output);
    const bytes = h ? project.store.getObject(h) : undefined;
    if (!bytes) return { error: `the cached result of \`${stage}\`${id ? ` ${id}` : ''} is missing or damaged; run the pipeline again to recompute it` };
    keys.push(typedKey(key, planned.spec.foreach ? Object.keys(planned.spec.foreach) : []));
    values.push(decodeValue(Buffer.from(bytes).toString('utf8')) as Value);
  }
  if (values.length === 0) {
    return { error: `no item of \`${stage}\` matches ${Object.entries(filter).map(([k, v]) => `${k}=${v}`).join(' ')}` };
  }
  return { value: planned.dims.length === 0 || values.length === 1 ? values[0]! : gather(keys, values, planned.dims), items: planned.dims.length === 0 ? [] : keys };
}

/**
 * The text `show` prints. `--csv` and `--json` print all of it; otherwise (`cut`) a table
 * shows its first {@link SHOW_ROWS} rows, a collection its first {@link SHOW_ITEMS} items and
 * any other result its first {@link SHOW_ROWS} lines, each with what to pass for the rest;
 * `pick` (how to choose one item) follows a table that was cut.
 */
export function render(v: Value, flags: Pick<ShowFlags, 'json' | 'csv'>, cut: boolean, pick?: string): string {
  const plain = cut && !flags.json && !flags.csv;
  if (isTable(v)) {
    if (flags.csv) return formatCsv(v);
    if (flags.json) return JSON.stringify(tableRows(v), null, 2) + '\n';
    const text = formatTable(v, plain ? SHOW_ROWS : Infinity);
    return plain && pick && nrow(v) > SHOW_ROWS ? `${text}  (${pick})\n` : text;
  }
  if (isCollection(v) && !flags.json) {
    const shown = plain ? v.items.slice(0, SHOW_ITEMS) : v.items;
    const text = shown.map((it) => `# ${Object.entries(it.key).map(([k, x]) => `${k}=${x}`).join(', ')}\n${render(it.value, flags, cut)}`).join('\n');
    const rest = v.items.length - shown.length;
    if (rest === 0) return text;
    const next = v.items[shown.length]!.key;
    const example = Object.entries(next).map(([k, x]) => `--item ${k}=${x}`).join(' ');
    return `${text}\n… ${rest} more item${rest === 1 ? '' : 's'}; \`${example}\` shows one, --json all of them\n`;
  }
  const json = JSON.stringify(v, null, 2) + '\n';
  if (!plain) return json;
  const lines = json.split('\n');
  // The last element is the empty string after the final newline.
  const more = lines.length - 1 - SHOW_ROWS;
  if (more <= 0) return json;
  return `${lines.slice(0, SHOW_ROWS).join('\n')}\n… ${more} more lines; --json for all\n`;
}

function parseItemFilter(args: string[]): Record<string, string> {
  const out = dict<string>();
  for (const a of args) {
    const m = /^([^=]+)=(.*)$/.exec(a);
    if (!m) throw new UsageError(`--item takes key=value, got \`${a}\``);
    out[m[1]!] = m[2]!;
  }
  return out;
}

function parseItemId(id: string): Record<string, string> {
  const out = dict<string>();
  if (!id) return out;
  for (const part of id.split(',')) {
    const i = part.indexOf('=');
    out[part.slice(0, i)] = decodeURIComponent(part.slice(i + 1));
  }
  return out;
}

/** Item ids are text; numbers come back as numbers so stacked key columns stay numeric. */
function typedKey(k: Record<string, string>, dims: string[]): ItemKey {
  const out: ItemKey = dict();
  for (const d of dims) {
    out[d] = canonicalScalar(own(k, d) ?? '');
  }
  return out;
}
