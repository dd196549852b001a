/**
 * `extends:` — a pipeline that is a small variation of another (like tsconfig's extends):
 *
 *   extends: ../paper.yaml          # relative to this file
 *   params: { years: 2015..2023 }   # each param replaces the base's
 *   stages:
 *     within: { params: { effect: twoways } }   # maps merge deeply, lists and scalars replace
 *     table1_md: null                          # null removes a stage
 *
 * The result is a composite ParsedFile: plain data merged, and every node located in the
 * file it came from, so diagnostics point into the child or the base as appropriate.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Document } from 'yaml';
import type { Diagnostic, SourceRange } from './diagnostic.js';
import { parsePipelineText, readPipelineFile, toPlain, type NodePath, type ParsedFile } from './parse.js';
import { dict, own } from './dict.js';
import { outsideRoot } from './confine.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge: maps merge key by key, `null` deletes, anything else replaces. */
export function mergeDeep(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over;
  const out: Obj = dict(Object.entries(base));
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = mergeDeep(own(base, k), v);
  }
  return out;
}

/** Merges a child pipeline's plain data over its base's. */
export function mergePipelines(base: Obj, child: Obj): Obj {
  const out: Obj = {};
  out.params = dict([...Object.entries(isObj(base.params) ? base.params : {}), ...Object.entries(isObj(child.params) ? child.params : {})]);
  const plugins = [...(Array.isArray(base.plugins) ? base.plugins : []), ...(Array.isArray(child.plugins) ? child.plugins : [])];
  if (plugins.length) out.plugins = [...new Set(plugins)];
  out.stages = mergeDeep(isObj(base.stages) ? base.stages : {}, isObj(child.stages) ? child.stages : {});
  // limits merge key by key like a stage's maps; a value of the wrong type is kept for validation to report.
  if (base.limits !== undefined || child.limits !== undefined) {
    const limits = child.limits === undefined ? base.limits : mergeDeep(base.limits, child.limits);
    if (limits !== null) out.limits = limits;
  }
  return out;
}

export interface Extended {
  readonly parsed?: ParsedFile;
  readonly diagnostics: Diagnostic[];
  /** Every file of the chain after the first, also one that did not parse (for `watch` and for printing diagnostics). */
  readonly bases: { file: string; displayFile: string; text: string }[];
}

/**
 * Follows `extends:` from `child` (chains allowed, cycles reported). `root` is where
 * display paths are relative to.
 */
export function resolveExtends(child: ParsedFile, root: string): Extended {
  const chain: ParsedFile[] = [child];
  const diagnostics: Diagnostic[] = [];
  let unparsed: Extended['bases'][number] | undefined;
  for (;;) {
    const cur = chain[chain.length - 1]!;
    const plain = toPlain(cur);
    const ext = isObj(plain) ? plain.extends : undefined;
    if (ext === undefined || ext === null) break;
    const at = cur.locateNearest(['extends']);
    if (typeof ext !== 'string') {
      diagnostics.push({ ...at, severity: 'error', code: 'wrong-type', message: '`extends` must be the path of another pipeline file' });
      break;
    }
    const abs = path.resolve(path.dirname(cur.file), ext);
    const outside = outsideRoot(abs, root);
    if (outside) {
      diagnostics.push({ ...at, severity: 'error', code: 'outside-root', message: `\`extends\`: \`${ext}\` ${outside}`, hint: 'a pipeline can only extend files inside the project root (the folder agglo runs in); copy the base into the project, or let the project read that folder with `allow_read` in agglo.config.yaml (docs/security.md)' });
      break;
    }
    if (chain.some((p) => p.file === abs)) {
      diagnostics.push({ ...at, severity: 'error', code: 'cycle', message: `\`extends\` makes a cycle: ${[...chain.map((p) => p.displayFile), path.relative(root, abs)].join(' → ')}` });
      break;
    }
    const read = readPipelineFile(abs);
    if (!('text' in read)) {
      const where = read.reason === 'missing-file' ? ' (paths are relative to this file)' : '';
      diagnostics.push({ ...at, severity: 'error', code: read.reason, message: `\`extends\`: file \`${ext}\` ${read.message}${where}` });
      break;
    }
    const text = read.text;
    const r = parsePipelineText(text, abs, path.relative(root, abs));
    diagnostics.push(...r.diagnostics);
    if (!r.parsed) {
      // Its text still goes with the diagnostics (to show the line) and to watch (to rerun when fixed).
      unparsed = { file: abs, displayFile: path.relative(root, abs), text };
      break;
    }
    chain.push(r.parsed);
  }
  const bases = chain.slice(1).map((p) => ({ file: p.file, displayFile: p.displayFile, text: p.text }));
  if (unparsed) bases.push(unparsed);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics, bases };
  if (chain.length === 1) return { parsed: child, diagnostics, bases };
  let merged: Obj = {};
  for (const p of [...chain].reverse()) {
    const plain = toPlain(p);
    merged = mergePipelines(merged, isObj(plain) ? plain : {});
  }
  return { parsed: composite(chain, merged), diagnostics, bases };
}

/** A ParsedFile over merged data whose nodes are located in the nearest file defining them. */
function composite(chain: ParsedFile[], merged: Obj): ParsedFile {
  const child = chain[0]!;
  const first = (f: (p: ParsedFile) => SourceRange | undefined): SourceRange | undefined => {
    for (const p of chain) {
      const r = f(p);
      if (r) return r;
    }
    return undefined;
  };
  const locate = (p: NodePath) => first((c) => c.locate(p));
  return {
    file: child.file,
    displayFile: child.displayFile,
    text: child.text,
    doc: new Document(merged) as unknown as ParsedFile['doc'],
    locate,
    locateKey: (p) => first((c) => c.locateKey(p)),
    locateNearest: (p) => {
      for (let n = p.length; n > 0; n--) {
        const r = locate(p.slice(0, n));
        if (r) return r;
      }
      return child.locateNearest([]);
    },
  };
}
