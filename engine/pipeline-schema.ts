/**
 * The JSON Schema of the pipeline file's structure, and the mapping of its ajv errors to
 * diagnostics. Meaning (steps, references, files, cycles) is checked by validate-stages.ts;
 * this only makes sure every section has the right shape, and names unknown keys.
 */
import type { ErrorObject } from 'ajv';
import type { ParsedFile, NodePath } from './parse.js';
import { ajv } from './params-schema.js';
import { own } from './dict.js';
import type { Reporter } from './validate-report.js';
import { didYouMean, nameList } from './suggest.js';

/** Keys allowed in a stage. */
export const STAGE_KEYS = ['step', 'description', 'foreach', 'inputs', 'params', 'limits'] as const;
/** Keys allowed at the top of the file. */
export const TOP_KEYS = ['extends', 'limits', 'params', 'plugins', 'stages'] as const;

const stageSchema = {
  type: 'object',
  required: ['step'],
  properties: {
    step: { type: 'string' },
    description: { type: 'string' },
    foreach: { type: 'object' },
    inputs: { type: ['object', 'null'], additionalProperties: { type: 'string' } },
    params: { type: ['object', 'null'] },
    limits: { type: ['object', 'null'] },
  },
  additionalProperties: false,
};

/** The pipeline file's schema (draft 2020-12). */
export const pipelineSchema = {
  type: 'object',
  required: ['stages'],
  properties: {
    params: { type: ['object', 'null'] },
    extends: { type: 'string' },
    limits: { type: ['object', 'null'] },
    plugins: { type: ['array', 'null'], items: { type: 'string' } },
    stages: { type: 'object', additionalProperties: stageSchema },
  },
  additionalProperties: false,
};

/** Compiled on first use, not at import: `agglo steps` or `agglo --version` never need it. */
let compiled: ReturnType<typeof ajv.compile> | undefined;
function validator(): ReturnType<typeof ajv.compile> {
  return (compiled ??= ajv.compile(pipelineSchema));
}

const TYPE_WORDS: Record<string, string> = { object: 'a map', array: 'a list', string: 'a string', number: 'a number', integer: 'an integer', boolean: 'true or false', null: 'empty' };

/** How a YAML value is described in messages: "a list", "a number"… */
export function describeType(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null || v === undefined) return 'empty';
  if (typeof v === 'object') return 'a map';
  return TYPE_WORDS[typeof v] ?? typeof v;
}

/** Turns an ajv instancePath into a node path, using the data to tell list indexes from keys. */
export function nodePathOf(instancePath: string, data: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  let cur: unknown = data;
  for (const raw of instancePath.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) { out.push(Number(seg)); cur = cur[Number(seg)]; }
    else { out.push(seg); cur = typeof cur === 'object' && cur !== null ? own(cur as Record<string, unknown>, seg) : undefined; }
  }
  return out;
}

function dotted(path: NodePath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function where(path: NodePath): string {
  if (path.length === 0) return 'the pipeline file';
  if (path[0] === 'stages' && path.length >= 2) {
    const rest = path.slice(2);
    return rest.length === 0 ? `stage \`${path[1]}\`` : `\`${dotted(rest)}\` of stage \`${path[1]}\``;
  }
  return `\`${dotted(path)}\``;
}

/**
 * Checks the file's structure. Returns false when the document is not a map at all, in
 * which case nothing else can be checked.
 */
export function checkStructure(parsed: ParsedFile, data: unknown, report: Reporter): boolean {
  const validateStructure = validator();
  if (validateStructure(data)) return true;
  const errors: ErrorObject[] = validateStructure.errors ?? [];
  for (const e of errors) {
    const path = nodePathOf(e.instancePath, data);
    const p = e.params as Record<string, unknown>;
    if (e.keyword === 'additionalProperties') {
      const key = String(p.additionalProperty);
      const allowed: readonly string[] = path.length === 0 ? TOP_KEYS : STAGE_KEYS;
      const what = path.length === 0 ? `unknown top-level key \`${key}\`` : `${where(path)} has unknown key \`${key}\``;
      report.error('unknown-key', what, parsed.locateKey([...path, key]) ?? parsed.locateNearest(path), {
        hint: didYouMean(key, allowed) ?? `allowed keys are ${nameList(allowed)}`,
      });
    } else if (e.keyword === 'required' && p.missingProperty === 'step') {
      report.error('missing-step', `stage \`${path[1]}\` has no \`step:\``, parsed.locateKey(path) ?? parsed.locateNearest(path), {
        hint: 'add `step: NAME`; `agglo steps` lists the registered steps',
      });
    } else if (e.keyword === 'required') {
      report.error('missing-key', `the pipeline file has no \`${String(p.missingProperty)}:\` section`, parsed.locateNearest(path), {
        hint: 'a pipeline needs at least `stages:` with one stage, e.g. `stages: { panel: { step: read-csv, params: { path: data/panel.csv } } }`',
      });
    } else if (e.keyword === 'type') {
      const want = String(p.type).split(',').filter((t) => t !== 'null').map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      const value = path.reduce<unknown>((v, k) => (typeof v !== 'object' || v === null ? undefined : Array.isArray(v) ? v[k as number] : own(v as Record<string, unknown>, String(k))), data);
      if (path.length === 2 && path[0] === 'stages' && (value === null || value === undefined)) {
        report.error('missing-step', `stage \`${path[1]}\` is empty`, parsed.locateKey(path) ?? parsed.locateNearest(path), {
          hint: 'give it at least `step: NAME`; `agglo steps` lists the registered steps',
        });
      } else {
        report.error('wrong-type', `${where(path)} must be ${want}, not ${describeType(value)}`, parsed.locateNearest(path));
      }
    } else {
      report.error('bad-value', `${where(path)} ${e.message ?? 'is invalid'}`, parsed.locateNearest(path));
    }
  }
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}
