/**
 * Phase 1: YAML text → a parsed document that remembers where every node came from, so
 * that later phases can point their diagnostics at the exact key or value.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { Diagnostic, SourceRange } from './diagnostic.js';

/** A path to a YAML node, e.g. `['stages', 'fe', 'params', 'y']`. */
export type NodePath = readonly (string | number)[];

/** A successfully parsed pipeline file. */
export interface ParsedFile {
  /** Absolute path. */
  readonly file: string;
  /** The path as shown in messages (relative to the working directory). */
  readonly displayFile: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  /** Range of the value at `path` (or of its key when the value is empty); undefined if absent. */
  locate(path: NodePath): SourceRange | undefined;
  /** Range of the key of the map entry at `path` (for unknown keys); undefined if absent. */
  locateKey(path: NodePath): SourceRange | undefined;
  /** Like `locate`, falling back to the deepest existing ancestor, then to the file start. */
  locateNearest(path: NodePath): SourceRange;
}

type Located = { node: unknown; pair?: Pair<unknown, unknown> };

/** Converts a [start, end) offset pair to a SourceRange. */
function toRange(lc: LineCounter, file: string, start: number, end: number): SourceRange {
  const s = lc.linePos(start);
  const e = lc.linePos(Math.max(end, start));
  return { file, line: s.line, col: s.col, endLine: e.line, endCol: e.col };
}

function nodeSpan(n: unknown): [number, number] | undefined {
  const r = (n as Node | null | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}

function keyOf(pair: Pair<unknown, unknown>): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return String(k.value);
  return typeof k === 'string' ? k : undefined;
}

function walk(doc: Document.Parsed, path: NodePath): Located | undefined {
  let cur: Located = { node: doc.contents };
  for (const seg of path) {
    const n = cur.node;
    if (isMap(n)) {
      const pair = n.items.find((p) => keyOf(p) === String(seg));
      if (!pair) return undefined;
      cur = { node: pair.value, pair };
    } else if (isSeq(n) && typeof seg === 'number') {
      if (seg < 0 || seg >= n.items.length) return undefined;
      cur = { node: n.items[seg] };
    } else return undefined;
  }
  return cur;
}

/**
 * Parses pipeline YAML. Syntax errors (and duplicate keys) become diagnostics with the
 * position the yaml package reports; when there are any, no ParsedFile is returned because
 * the tree cannot be trusted for further checks.
 */
export function parsePipelineText(text: string, file: string, displayFile: string): { parsed?: ParsedFile; diagnostics: Diagnostic[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const diagnostics: Diagnostic[] = [];
  const report = (severity: 'error' | 'warning', e: { code: string; message: string; pos: [number, number] }) => {
    const duplicate = e.code === 'DUPLICATE_KEY';
    const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    // yaml points at the first character of a duplicate key; underline the whole key.
    const key = duplicate ? /^("[^"\n]*"|'[^'\n]*'|[^:#\n]*?)(?=\s*:)/.exec(text.slice(e.pos[0]))?.[1] : undefined;
    const end = key ? e.pos[0] + key.length : Math.max(e.pos[1], e.pos[0] + 1);
    diagnostics.push({
      severity,
      code: duplicate ? 'duplicate-key' : 'yaml-syntax',
      message: duplicate ? `key \`${key ?? '?'}\` appears twice in the same map` : message,
      ...(duplicate ? { hint: 'remove or rename one of the two entries' } : {}),
      ...toRange(lc, displayFile, e.pos[0], end),
    });
  };
  for (const e of doc.errors) report('error', e);
  for (const w of doc.warnings) report('warning', w);
  if (doc.errors.length > 0) return { diagnostics };

  const whole = toRange(lc, displayFile, 0, 0);
  const locate = (path: NodePath): SourceRange | undefined => {
    const found = walk(doc, path);
    if (!found) return undefined;
    const span = nodeSpan(found.node);
    if (span && span[1] > span[0]) return toRange(lc, displayFile, span[0], span[1]);
    const keySpan = found.pair ? nodeSpan(found.pair.key) : undefined;
    return keySpan ? toRange(lc, displayFile, keySpan[0], keySpan[1]) : span ? toRange(lc, displayFile, span[0], span[0] + 1) : whole;
  };
  const locateKey = (path: NodePath): SourceRange | undefined => {
    const found = walk(doc, path);
    const keySpan = found?.pair ? nodeSpan(found.pair.key) : undefined;
    return keySpan ? toRange(lc, displayFile, keySpan[0], keySpan[1]) : found ? locate(path) : undefined;
  };
  const locateNearest = (path: NodePath): SourceRange => {
    for (let n = path.length; n > 0; n--) {
      const r = locate(path.slice(0, n));
      if (r) return r;
    }
    return whole;
  };
  return { parsed: { file, displayFile, text, doc, locate, locateKey, locateNearest }, diagnostics };
}

/**
 * The `plugins:` entries with their ranges, so the CLI can load plugin modules (and report
 * the ones that fail to load) before validating stages against the registry. Entries that
 * are not strings are skipped here and reported by validation.
 */
export function pluginSpecifiers(parsed: ParsedFile): { specifier: string; range: SourceRange }[] {
  const plugins = walk(parsed.doc, ['plugins']);
  if (!plugins || !isSeq(plugins.node)) return [];
  const out: { specifier: string; range: SourceRange }[] = [];
  plugins.node.items.forEach((item, i) => {
    if (isScalar(item) && typeof item.value === 'string') out.push({ specifier: item.value, range: parsed.locateNearest(['plugins', i]) });
  });
  return out;
}

/** The document as plain data (maps become objects). */
export function toPlain(parsed: ParsedFile): unknown {
  return parsed.doc.toJS({ maxAliasCount: 1000 });
}

