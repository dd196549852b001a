/**
 * Step params against the step's own JSON Schema: validation with ajv (all errors, schema
 * defaults filled in) and discovery of `format: "file-path"` params. Validators are compiled
 * once per step definition, because the planner calls {@link applyParamsSchema} once per
 * item, up to ~100,000 times in a run.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { JsonSchema, StepDefinition } from './step.js';

/** The ajv instance shared by the engine: every error, defaults applied, lenient on unknown keywords. */
export function makeAjv(): Ajv2020 {
  // validateSchema: false skips compiling the draft 2020-12 meta-schema (~0.1 s at every
  // start): built-in schemas are checked by the tests, plugin schemas by checkStepSchema.
  // code.optimize: false skips ajv's pass over the generated code, about 40% of compiling a
  // step's schema (every start compiles the schemas of the steps a pipeline uses).
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false, logger: false, validateSchema: false, code: { optimize: false } });
  // Any string is a well-formed file path; whether the file exists is checked against the
  // project root by validation, which ajv knows nothing about.
  ajv.addFormat('file-path', { type: 'string', validate: () => true });
  ajv.addFormat('optional-file-path', { type: 'string', validate: () => true });
  return ajv;
}

/**
 * The one ajv instance of the process: each instance compiles the JSON Schema meta-schema
 * on first use (about 0.1 s), so the pipeline schema and every step schema share it.
 */
export const ajv = makeAjv();
const compiled = new WeakMap<StepDefinition, ValidateFunction | Error>();

function validatorFor(step: StepDefinition): ValidateFunction | Error {
  let v = compiled.get(step);
  if (!v) {
    try {
      v = ajv.compile(step.params);
    } catch (e) {
      v = e instanceof Error ? e : new Error(String(e));
    }
    compiled.set(step, v);
  }
  return v;
}

/** Raw outcome of checking params: ajv's errors, or the reason the step's schema is unusable. */
export interface ParamsCheck {
  /** A copy of the params with schema defaults filled in. */
  readonly params: Record<string, unknown>;
  readonly errors: readonly ErrorObject[];
  /** Set when the step's params schema itself does not compile (a bug in the step). */
  readonly schemaError?: string;
}

/** Validates a copy of `params` against `step.params`, returning every ajv error. */
export function checkParams(step: StepDefinition, params: Record<string, unknown>): ParamsCheck {
  const copy = structuredClone(params);
  const validate = validatorFor(step);
  if (validate instanceof Error) return { params: copy, errors: [], schemaError: `the params schema of step \`${step.name}\` is invalid: ${validate.message}` };
  validate(copy);
  return { params: copy, errors: validate.errors ?? [] };
}

/** `/x/0/name` → `x[0].name`, the way a param is named in messages. */
export function paramPathText(instancePath: string, extra?: string): string {
  const segs = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) segs.push(extra);
  let out = '';
  for (const s of segs) out += /^\d+$/.test(s) ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

/** A readable message for one ajv error (without the param name). */
export function ajvMessage(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type': return `must be ${String(p.type).split(',').map(article).join(' or ')}`;
    case 'enum': return `must be one of ${(p.allowedValues as unknown[]).map((v) => `\`${String(v)}\``).join(', ')}`;
    case 'const': return `must be \`${String(p.allowedValue)}\``;
    case 'required': return `is required`;
    case 'additionalProperties': return `is not a known param`;
    default: return e.message ?? `fails the \`${e.keyword}\` rule`;
  }
}

function article(t: string): string {
  switch (t) {
    case 'object': return 'a map';
    case 'array': return 'a list';
    case 'integer': return 'an integer';
    case 'null': return 'empty';
    default: return `a ${t}`;
  }
}

/**
 * Validates one item's params after `${item…}` substitution and applies schema defaults.
 * Error paths name the param as in messages (`x[0]`, `weights.gdp`); the empty path means
 * the params as a whole.
 */
export function applyParamsSchema(step: StepDefinition, params: Record<string, unknown>): { params: Record<string, unknown>; errors: { path: string; message: string }[] } {
  const r = checkParams(step, params);
  if (r.schemaError) return { params: r.params, errors: [{ path: '', message: r.schemaError }] };
  const errors = r.errors
    .filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'if')
    .map((e) => {
      const p = e.params as Record<string, unknown>;
      const extra = e.keyword === 'required' ? String(p.missingProperty) : e.keyword === 'additionalProperties' ? String(p.additionalProperty) : undefined;
      return { path: paramPathText(e.instancePath, extra), message: ajvMessage(e) };
    });
  return { params: r.params, errors };
}

/**
 * The content hash a task records for an `optional-file-path` param whose file does not exist
 * (a value no file's sha256 is known to take): the file's appearance changes the fingerprint.
 */
export const ABSENT_FILE_HASH = 'a'.repeat(64);

/** A file a step reads, named by a param: `optional` when it may be absent (`format: "optional-file-path"`). */
export interface FilePathParam { path: (string | number)[]; value: string; optional?: true }

/**
 * Every value in `params` that the schema marks `format: "file-path"` (or
 * `"optional-file-path"`: a file the step reads when it exists), with its path, looking
 * through `properties` and array `items` (the shapes steps use for file params).
 */
export function filePathParams(schema: JsonSchema, params: unknown, path: (string | number)[] = []): FilePathParam[] {
  const out: FilePathParam[] = [];
  if ((schema.format === 'file-path' || schema.format === 'optional-file-path') && typeof params === 'string') out.push({ path, value: params, ...(schema.format === 'optional-file-path' ? { optional: true as const } : {}) });
  const props = schema.properties;
  if (isObj(props) && isObj(params)) {
    for (const [k, sub] of Object.entries(props)) {
      if (isObj(sub) && Object.hasOwn(params, k)) out.push(...filePathParams(sub as JsonSchema, params[k], [...path, k]));
    }
  }
  const items = schema.items;
  if (isObj(items) && Array.isArray(params)) params.forEach((v, i) => out.push(...filePathParams(items as JsonSchema, v, [...path, i])));
  return out;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Names of the top-level params a step declares (for "did you mean"). */
export function declaredParams(step: StepDefinition): string[] {
  const props = step.params.properties;
  return isObj(props) ? Object.keys(props) : [];
}

/** Problems with a plugin step's params schema itself (checked against the meta-schema), or undefined. */
export function checkStepSchema(step: StepDefinition): string | undefined {
  const ok = ajv.validateSchema(step.params);
  if (ok) return undefined;
  return `the params schema of step \`${step.name}\` is not a valid JSON Schema: ${ajv.errorsText(ajv.errors)}`;
}

/** Params with the schema's defaults filled in (errors ignored: for finding default file paths). */
export function withDefaults(step: StepDefinition, params: Record<string, unknown>): Record<string, unknown> {
  return checkParams(step, params).params;
}
