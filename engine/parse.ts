/**
 * Phase 1: YAML text → a parsed document that remembers where every node came from, so
 * that later phases can point their diagnostics at the exact key or value.
 */
import fs from 'node:fs';
import { LineCounter, Scalar, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Alias, Document, Node, Pair } from 'yaml';
import type { Diagnostic, SourceRange } from './diagnostic.js';

/**
 * The largest pipeline file (or `extends:` base) read, in bytes. The biggest real pipeline
 * (pipelines/paper.yaml) is 16 KiB; 10 MiB leaves room for generated files while keeping a
 * runaway file (a log, a data dump, `/dev/zero` behind a link) from being read into memory.
 */
export const MAX_PIPELINE_BYTES = 10 * 1024 * 1024;

/**
 * The `yaml` package's own bound on alias expansion (`maxAliasCount` of `toJS`): roughly how
 * many times, counting nesting, anchored values may be copied by aliases. Ten times the
 * package's default of 100, so an anchor can be reused in every stage of a large pipeline,
 * while a "billion laughs" file (aliases of aliases, growing exponentially) is refused
 * after about a thousand copies instead of exhausting memory.
 */
export const MAX_ALIAS_COUNT = 1000;

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

/**
 * A node found by {@link walk}. `alias` is the first alias the path went through: the node is
 * then inside the anchored value, written elsewhere, and diagnostics point at the alias.
 */
type Located = { node: unknown; pair?: Pair<unknown, unknown>; alias?: Alias };

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
    let n = cur.node;
    // Follow an alias to the value of its anchor (parsePipelineText has checked it resolves).
    if (isAlias(n)) {
      const target = n.resolve(doc);
      if (!target) return undefined;
      cur = { ...cur, alias: cur.alias ?? n };
      n = target;
    }
    if (isMap(n)) {
      const pair = n.items.find((p) => keyOf(p) === String(seg));
      if (!pair) return undefined;
      cur = { node: pair.value, pair, ...(cur.alias ? { alias: cur.alias } : {}) };
    } else if (isSeq(n) && typeof seg === 'number') {
      if (seg < 0 || seg >= n.items.length) return undefined;
      cur = { node: n.items[seg], ...(cur.alias ? { alias: cur.alias } : {}) };
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
  // Duplicate keys are found by checkKeys (in one pass; the package's own check compares each
  // key with every earlier one, which takes seconds on a map of 20,000 keys).
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  const diagnostics: Diagnostic[] = [];
  const notUtf8 = text.indexOf('\uFFFD');
  if (notUtf8 >= 0) {
    // Bytes that are not UTF-8 were read as U+FFFD: names made of them would be garbled.
    return {
      diagnostics: [{
        ...toRange(lc, displayFile, notUtf8, notUtf8 + 1), severity: 'error', code: 'not-utf8',
        message: 'the file is not UTF-8 text here (a byte that is not UTF-8 is shown as `\uFFFD`)',
        hint: 'save the file as UTF-8 (a Latin-1 or GBK file: convert it, e.g. with iconv)',
      }],
    };
  }
  const report = (severity: 'error' | 'warning', e: { code: string; message: string; pos: [number, number] }) => {
    const duplicate = e.code === 'DUPLICATE_KEY';
    const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const quote = e.code === 'MISSING_CHAR' ? /^Missing closing (["'])quote/.exec(message)?.[1] : undefined;
    const bracket = e.code === 'BAD_INDENT' ? /end with a ([}\]])$/.exec(message)?.[1] : undefined;
    const opener = bracket ? unclosedBracket(text, bracket === '}' ? '{' : '[') : undefined;
    // A second "must end with" after an unclosed bracket follows from the first.
    if (bracket && opener === undefined && diagnostics.some((d) => d.message.endsWith('is never closed'))) return;
    if (opener !== undefined) {
      // yaml reports an unclosed `{`/`[` where it gave up (often the end of the file); point at the opener.
      if (diagnostics.some((d) => d.code === 'yaml-syntax' && d.line === lc.linePos(opener).line && d.col === lc.linePos(opener).col)) return;
      const kind = bracket === '}' ? 'map' : 'list';
      diagnostics.push({
        severity, code: 'yaml-syntax', message: `the ${kind} opened here with \`${text[opener]}\` is never closed`,
        hint: `add the closing \`${bracket}\` where the ${kind} ends (a \`${text[opener]} … ${bracket}\` that spans lines must be closed before the next key)`,
        ...toRange(lc, displayFile, opener, opener + 1),
      });
      return;
    }
    if (quote) {
      // yaml reports an unclosed string where the file ends; point at its opening quote.
      const open = openingQuote(text, e.pos[0], quote);
      const lineEnd = text.indexOf('\n', open);
      diagnostics.push({
        severity, code: 'yaml-syntax', message: `a quoted string is never closed: it starts here and runs to the end of the file`,
        hint: `add the closing \`${quote}\` where the string ends`,
        ...toRange(lc, displayFile, open, lineEnd < 0 ? text.length : lineEnd),
      });
      return;
    }
    // yaml points at the first character of a duplicate key; underline the whole key.
    const key = duplicate ? /^("[^"\n]*"|'[^'\n]*'|[^:#\n]*?)(?=\s*:)/.exec(text.slice(e.pos[0]))?.[1] : undefined;
    const end = key ? e.pos[0] + key.length : Math.max(e.pos[1], e.pos[0] + 1);
    diagnostics.push({
      severity,
      code: duplicate ? 'duplicate-key' : 'yaml-syntax',
      message: duplicate ? `key \`${key ?? '?'}\` appears twice in the same map` : message,
      ...(duplicate ? { hint: 'remove or rename one of the two entries' } : {}),
      ...(e.code === 'TAB_AS_INDENT' ? { hint: 'indent with spaces: YAML does not allow tabs at the start of a line' } : {}),
      ...toRange(lc, displayFile, e.pos[0], end),
    });
  };
  // An unclosed string makes everything after it unreadable: the errors yaml adds at the
  // same place (e.g. "Flow map … must end with a }") follow from it and are left out.
  const unclosed = doc.errors.find((e) => e.code === 'MISSING_CHAR' && /^Missing closing ["']quote/.test(e.message));
  for (const e of doc.errors) if (!unclosed || e === unclosed || e.pos[0] !== unclosed.pos[0]) report('error', e);
  for (const w of doc.warnings) report('warning', w);
  if (doc.errors.length > 0) return { diagnostics };
  const aliasProblems = checkAliases(doc, (n) => {
    const span = nodeSpan(n) ?? [0, 0];
    return toRange(lc, displayFile, span[0], span[1]);
  });
  if (aliasProblems.length > 0) return { diagnostics: [...diagnostics, ...aliasProblems] };
  const keyProblems = checkKeys(doc, text, (n) => {
    const span = nodeSpan(n) ?? [0, 0];
    return toRange(lc, displayFile, span[0], Math.max(span[1], span[0] + 1));
  }, (offset) => lc.linePos(offset).line);
  if (keyProblems.length > 0) return { diagnostics: [...diagnostics, ...keyProblems] };

  const whole = toRange(lc, displayFile, 0, 0);
  const locate = (path: NodePath): SourceRange | undefined => {
    const found = walk(doc, path);
    if (!found) return undefined;
    const span = nodeSpan(found.alias ?? found.node);
    if (span && span[1] > span[0]) return toRange(lc, displayFile, span[0], span[1]);
    const keySpan = found.pair ? nodeSpan(found.pair.key) : undefined;
    return keySpan ? toRange(lc, displayFile, keySpan[0], keySpan[1]) : span ? toRange(lc, displayFile, span[0], span[0] + 1) : whole;
  };
  const locateKey = (path: NodePath): SourceRange | undefined => {
    const found = walk(doc, path);
    if (!found) return undefined;
    // A key inside an anchored value: point at the alias that brings it here.
    const keySpan = found.pair && !found.alias ? nodeSpan(found.pair.key) : undefined;
    return keySpan ? toRange(lc, displayFile, keySpan[0], keySpan[1]) : locate(path);
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
 * Offset of the innermost `open` bracket (`{` or `[`) that is never closed, outside quoted
 * strings and comments; undefined when every one is closed. A closing bracket that does not
 * match the innermost open one means that one was left open.
 */
function unclosedBracket(text: string, open: '{' | '['): number | undefined {
  const stack: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s{[,:]/.test(text[i - 1]!))) quote = c;
    else if (c === '{' || c === '[') stack.push(i);
    else if (c === '}' || c === ']') {
      const top = stack.pop();
      if (top !== undefined && text[top] !== (c === '}' ? '{' : '[')) return text[top] === open ? top : undefined;
    }
  }
  const left = stack.filter((i) => text[i] === open);
  return left[left.length - 1];
}

/**
 * Offset of the quote that opens the string yaml found unclosed at `end`: the last `quote`
 * before it, skipping a `\"` escape in a double-quoted string and a doubled `''` in a
 * single-quoted one (no closing quote follows the opening one, so the last is the opener).
 */
function openingQuote(text: string, end: number, quote: string): number {
  for (let i = Math.min(end, text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    if (quote === '"' && text[i - 1] === '\\') continue;
    if (quote === "'" && text[i - 1] === "'") { i--; continue; }
    return i;
  }
  return end;
}

/**
 * The `plugins:` entries with their ranges, so the CLI can load plugin modules (and report
 * the ones that fail to load) before validating stages against the registry. Entries that
 * are not strings are skipped here and reported by validation.
 */
export function pluginSpecifiers(parsed: ParsedFile): { specifier: string; range: SourceRange }[] {
  const found = walk(parsed.doc, ['plugins']);
  const plugins = isAlias(found?.node) ? found.node.resolve(parsed.doc) : found?.node;
  if (!isSeq(plugins)) return [];
  const out: { specifier: string; range: SourceRange }[] = [];
  plugins.items.forEach((entry, i) => {
    const item = isAlias(entry) ? entry.resolve(parsed.doc) : entry;
    if (isScalar(item) && typeof item.value === 'string') out.push({ specifier: item.value, range: parsed.locateNearest(['plugins', i]) });
  });
  return out;
}

/** The document as plain data (maps become objects). parsePipelineText has checked its aliases. */
export function toPlain(parsed: ParsedFile): unknown {
  return parsed.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
}

/** Tags that make a value something other than a plain map, list, string, number or boolean. */
const FOREIGN_TAGS: Record<string, string> = {
  'tag:yaml.org,2002:omap': 'an ordered map (`!!omap`), read as a list of pairs',
  'tag:yaml.org,2002:pairs': 'a list of pairs (`!!pairs`)',
  'tag:yaml.org,2002:set': 'a set (`!!set`), whose entries have no values',
  'tag:yaml.org,2002:binary': 'binary data (`!!binary`)',
  'tag:yaml.org,2002:timestamp': 'a timestamp (`!!timestamp`)',
};

/** What the keys of the map at `path` are, for messages: "a stage id", "a param name"… */
function keyRole(path: NodePath): string {
  const [a, b, c, d] = path;
  if (path.length === 0) return 'a top-level key';
  if (path.length === 1 && a === 'stages') return 'a stage id';
  if (path.length === 1 && a === 'params') return 'a param name';
  if (a === 'stages' && path.length === 2) return `a key of stage \`${String(b)}\``;
  if (a === 'stages' && path.length === 3 && c === 'foreach') return `a foreach dimension of stage \`${String(b)}\``;
  if (a === 'stages' && path.length === 3 && c === 'inputs') return `an input name of stage \`${String(b)}\``;
  if (a === 'stages' && path.length === 3 && c === 'params') return `a param name of stage \`${String(b)}\``;
  if (a === 'stages' && path.length === 4 && c === 'foreach') return `a key of foreach dimension \`${String(d)}\` of stage \`${String(b)}\``;
  return `a key in \`${path.map(String).join('.')}\``;
}

/**
 * Keys and tags that do not survive the conversion to plain data: a key that is an alias, a
 * list or a map (it would become text such as `a,b` or `[object Object]`); a stage id or
 * foreach dimension that is `true`, `false`, `~` or a number rather than text; two keys of a
 * map that differ in the YAML (`true` and `"true"`) but become the same text, which would
 * silently merge the entries; and `!!omap`, `!!set` and similar tags, which make values that
 * are not plain maps and lists. Values repeated by aliases are checked where they are written.
 */
function checkKeys(doc: Document.Parsed, text: string, at: (n: unknown) => SourceRange, lineOf: (offset: number) => number): Diagnostic[] {
  const out: Diagnostic[] = [];
  const source = (n: unknown): string => {
    const span = nodeSpan(n);
    return span ? text.slice(span[0], span[1]).trim() : String(n);
  };
  const visitNode = (node: unknown, path: NodePath, after = 0): void => {
    if (!isMap(node) && !isSeq(node) && !isScalar(node)) return; // aliases, empty values
    const foreign = node.tag !== undefined ? FOREIGN_TAGS[node.tag] : undefined;
    if (foreign) {
      const what = path.length === 0 ? 'the pipeline file' : `\`${path.map(String).join('.')}\``;
      // Point at the tag (`!!omap`) when it is written in the short form before the value.
      const start = nodeSpan(node)?.[0] ?? 0;
      const short = `!!${node.tag!.slice(node.tag!.lastIndexOf(':') + 1)}`;
      const tagAt = text.lastIndexOf(short, start);
      const where = tagAt >= after ? { range: [tagAt, tagAt + short.length] } : node;
      out.push({ ...at(where), severity: 'error', code: 'bad-tag', message: `${what} is ${foreign}, which a pipeline file cannot use`, hint: 'remove the tag: write a plain map `{ … }`, list `[ … ]` or value' });
      return;
    }
    if (isSeq(node)) {
      node.items.forEach((item, i) => visitNode(item, [...path, i], i > 0 ? nodeSpan(node.items[i - 1])?.[1] ?? 0 : nodeSpan(node)?.[0] ?? 0));
      return;
    }
    if (!isMap(node)) return;
    const role = keyRole(path);
    const textKey = path.length <= 1 || (path[0] === 'stages' && path.length === 3 && path[2] === 'foreach');
    const seen = new Map<string, unknown>();
    for (const pair of node.items) {
      const k = pair.key;
      if (isAlias(k) || isMap(k) || isSeq(k)) {
        const kind = isAlias(k) ? `an alias (\`*${k.source}\`)` : isMap(k) ? 'a map' : 'a list';
        out.push({ ...at(k), severity: 'error', code: 'bad-key', message: `${role} must be plain text, not ${kind}`, hint: 'write the key as a name, e.g. `panel:`; aliases and `? [ … ]` can only be used as values' });
        continue;
      }
      if (!isScalar(k)) continue;
      const name = String(k.value);
      if (textKey && (k.value === null || typeof k.value === 'boolean')) {
        const kind = k.value === null ? 'empty (null)' : 'true or false';
        out.push({ ...at(k), severity: 'error', code: 'bad-key', message: `${role} must be text, but \`${source(k)}\` is read as ${kind}`, hint: k.value === null ? 'give it a name' : `quote it (\`"${source(k)}":\`) or choose another name` });
      }
      const before = seen.get(name);
      if (before !== undefined) {
        const same = source(before) === source(k);
        out.push({ ...at(k), severity: 'error', code: 'duplicate-key', message: `key \`${source(k)}\` appears twice in the same map`, hint: same ? 'remove or rename one of the two entries' : `it is the same key as \`${source(before)}\` on line ${lineOf(nodeSpan(before)?.[0] ?? 0)} once read; remove or rename one of the two entries` });
      } else seen.set(name, k);
      visitNode(pair.value, [...path, name], nodeSpan(k)?.[1] ?? 0);
    }
  };
  visitNode(doc.contents, []);
  return out;
}

/**
 * Aliases the `yaml` package would throw on when the document becomes plain data: one whose
 * anchor is not defined before it, one inside the value it refers to (a value containing
 * itself), and expansion beyond {@link MAX_ALIAS_COUNT}. Each becomes a diagnostic at the alias.
 */
function checkAliases(doc: Document.Parsed, at: (n: Node) => SourceRange): Diagnostic[] {
  const out: Diagnostic[] = [];
  const anchors = new Map<string, Node>();
  const aliases: Alias[] = [];
  /** The anchored node each alias refers to (the last anchor of its name before it). */
  const targets = new Map<Alias, Node>();
  // `visit` walks in document order, as the package resolves aliases: the last anchor of a
  // name before an alias is the one it refers to.
  visit(doc, {
    Node: (_key, node, ancestors) => {
      if (isAlias(node)) {
        aliases.push(node);
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
        if (!target) {
          out.push({ ...at(node), severity: 'error', code: 'unknown-alias', message: `alias \`*${node.source}\` refers to no anchor: \`&${node.source}\` is not defined before it`, hint: `put \`&${node.source}\` on a value above this line, or write the value here` });
        } else if (ancestors.includes(target)) {
          out.push({ ...at(node), severity: 'error', code: 'unknown-alias', message: `alias \`*${node.source}\` is inside the value \`&${node.source}\` it refers to, which would contain itself`, hint: 'an alias can only repeat a value that is complete before it' });
        }
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  if (out.length > 0 || aliases.length === 0) return out;
  const culprit = aliasOverLimitCounted(aliases, targets) ?? aliasOverLimit(doc, aliases.length);
  if (culprit !== undefined) {
    const alias = aliases[culprit]!;
    out.push({
      ...at(alias), severity: 'error', code: 'too-many-aliases',
      message: `alias \`*${alias.source}\` takes the file past the limit of ${MAX_ALIAS_COUNT} alias expansions (the YAML reader's \`maxAliasCount\`, which counts the aliases nested in anchored values)`,
      hint: 'aliases of values that hold aliases multiply; write the values out, or share them with `${params.NAME}`',
    });
  }
  return out;
}

/**
 * Index of the alias at which converting the document passes {@link MAX_ALIAS_COUNT}, found
 * in one pass by counting as the `yaml` package does when it converts (nodes/Alias.js): each
 * anchored node starts at count 1 when converted; resolving an alias adds 1 to its target's
 * count, and fixes the target's alias count on first use (the largest count × alias count of
 * the aliases inside it, or 1); the package throws at the first alias where count × alias
 * count exceeds the limit. Aliases are resolved in document order, each target before its
 * aliases. Undefined when no alias crosses the limit by this count, which {@link aliasOverLimit}
 * then confirms with the package itself (one conversion: a file with many aliases takes
 * O(aliases²) there, so the common case of a bomb is found here, without it).
 */
export function aliasOverLimitCounted(aliases: readonly Alias[], targets: ReadonlyMap<Alias, Node>): number | undefined {
  const data = new Map<Node, { count: number; aliasCount: number }>();
  const aliasCountOf = (node: unknown): number => {
    if (isAlias(node)) {
      const d = data.get(targets.get(node)!);
      return d ? d.count * d.aliasCount : 0;
    }
    if (isMap(node) || isSeq(node)) {
      let max = 0;
      for (const item of node.items as unknown[]) max = Math.max(max, isPair(item) ? Math.max(aliasCountOf(item.key), aliasCountOf(item.value)) : aliasCountOf(item));
      return max;
    }
    return 1;
  };
  for (let i = 0; i < aliases.length; i++) {
    const target = targets.get(aliases[i]!)!;
    let d = data.get(target);
    if (!d) data.set(target, (d = { count: 1, aliasCount: 0 }));
    d.count += 1;
    if (d.aliasCount === 0) d.aliasCount = aliasCountOf(target);
    if (d.count * d.aliasCount > MAX_ALIAS_COUNT) return i;
  }
  return undefined;
}

/**
 * Index of the alias at which converting the document passes {@link MAX_ALIAS_COUNT}, or
 * undefined when it does not. The package resolves aliases in document order and throws at
 * the one that crosses its limit, so keeping only the first k aliases (the rest made null)
 * throws exactly when k includes that alias: a binary search finds it with the package's
 * own count, in a few bounded conversions.
 */
export function aliasOverLimit(doc: Document.Parsed, count: number): number | undefined {
  const overLimit = (keep: number): boolean => {
    const copy = keep === count ? doc : doc.clone();
    if (keep < count) {
      let i = 0;
      visit(copy, { Alias: () => (i++ < keep ? undefined : new Scalar(null)) });
    }
    try {
      copy.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      return false;
    } catch (e) {
      if (e instanceof ReferenceError) return true;
      throw e;
    }
  };
  if (!overLimit(count)) return undefined;
  let lo = 0; // the first `lo` aliases convert
  let hi = count; // the first `hi` aliases do not
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (overLimit(mid)) hi = mid;
    else lo = mid;
  }
  return hi - 1;
}

/** Why a pipeline file could not be read; `message` completes "file `x` …". */
export type PipelineFileProblem =
  | { readonly reason: 'missing-file'; readonly message: string }
  | { readonly reason: 'not-a-file'; readonly message: string }
  | { readonly reason: 'file-too-large'; readonly message: string };

/** Kinds of file that are not regular files, as named in messages. */
function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'a special file';
}

/** "10 MiB" for whole mebibytes, else exact: "10,485,774 bytes". */
export function formatBytes(n: number): string {
  const mib = n / (1024 * 1024);
  return n > 0 && Number.isInteger(mib) ? `${mib} MiB` : `${n.toLocaleString('en-US')} bytes`;
}

/**
 * Reads a pipeline file (UTF-8), refusing anything that is not a regular file before reading
 * from it (a folder, a FIFO that would block, a device such as `/dev/zero` that never ends)
 * and any file over `limit` bytes, even one that grows while it is read. `what` names the
 * kind of file in messages.
 */
export function readPipelineFile(abs: string, limit: number = MAX_PIPELINE_BYTES, what = 'pipeline file'): { text: string } | PipelineFileProblem {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
    fd = fs.openSync(abs, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return { reason: 'not-a-file', message: `is a folder, not a ${what}` };
    return { reason: 'missing-file', message: code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? 'error'})` };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { reason: 'not-a-file', message: `is ${kindOf(st)}, not a ${what}` };
    const over = `more than the limit of ${formatBytes(limit)} for a ${what}`;
    if (st.size > limit) return { reason: 'file-too-large', message: `is ${formatBytes(st.size)}, ${over}` };
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(64 * 1024);
    let total = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit) return { reason: 'file-too-large', message: `grew while being read to ${over}` };
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return { text: Buffer.concat(chunks).toString('utf8') };
  } catch (e) {
    return { reason: 'missing-file', message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    fs.closeSync(fd);
  }
}

