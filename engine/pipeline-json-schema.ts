/**
 * The JSON Schema of the whole pipeline language for editors (`agglo schema`): the file's
 * structure (engine/pipeline-schema.ts), and for each stage the params and inputs of its
 * step, chosen by `step:` (one `if`/`then` per registered step). The YAML language server
 * (VS Code's Red Hat YAML extension and others) then completes step names, params and their
 * values, shows the descriptions on hover, and marks a wrong param as you type.
 *
 * It is written for editors, not for agglo's own checking (validate does more: files,
 * references, columns, cycles): where the two could disagree it leans towards accepting.
 * A value may be a `${…}` reference wherever a step expects a list or number
 * (editor-params-schema.ts); a variation (`extends`) need not repeat a stage's `step:` or
 * required params, and `null` removes a stage or a key, as the merge does.
 */
import { TOP_KEYS, STAGE_KEYS } from './pipeline-schema.js';
import type { JsonSchema, StepDefinition } from './step.js';
import { editorParamsSchema, REFERENCE_PATTERN, TEXT_REFERENCE_PATTERN } from './editor-params-schema.js';
import type { Json } from './value.js';

export const JSON_SCHEMA_DRAFT = 'http://json-schema.org/draft-07/schema#';

/** `limits.time` as parseDuration (engine/limits.ts) reads it; the schema test checks the two agree. */
export const DURATION_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*([mM][sS]|[sS]|[sS][eE][cC]|[mM]|[mM][iI][nN]|[hH]|[dD])\\s*$';
/** `limits.memory` as parseMemory (engine/limits.ts) reads it. */
export const MEMORY_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*([mM][iI][bB]|[mM][bB]|[mM]|[gG][iI][bB]|[gG][bB]|[gG])\\s*$';
/** A `FIRST..LAST` range of whole numbers (parseRange in engine/interpolate.ts). */
export const RANGE_PATTERN = '^\\s*-?\\d+\\s*\\.\\.\\s*-?\\d+\\s*$';
/** A stage id (validate-stages.ts) and a foreach dimension name (validate-foreach.ts). */
const STAGE_ID_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]*$';
const DIMENSION_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

const REF = '#/definitions/reference';
const TEXT_REF = '#/definitions/text-with-reference';

/** `#/definitions/KEY` with KEY escaped as a JSON Pointer token. */
function definitionRef(key: string): string {
  return `#/definitions/${encodeURIComponent(key.replaceAll('~', '~0').replaceAll('/', '~1'))}`;
}

/** The schemas of `keys`, in that order; a key of the language without one here is a bug. */
function inOrder(keys: readonly string[], schemas: Record<string, JsonSchema>): JsonSchema {
  return Object.fromEntries(keys.map((k) => {
    const s = schemas[k];
    if (!s) throw new Error(`pipeline-json-schema.ts has no schema for key \`${k}\` of the pipeline language`);
    return [k, s];
  }));
}

function oneLine(s: string): string {
  return s.trim().replace(/\s+/g, ' ');
}

const limitsSchema = (description: string): JsonSchema => ({
  type: ['object', 'null'],
  description,
  properties: {
    time: {
      description: 'Wall-clock time of one task: `90s`, `30m`, `2h`, `500ms`, or a number of seconds; at most 7 days. Default 1 h.',
      anyOf: [{ type: 'number', exclusiveMinimum: 0, maximum: 7 * 24 * 3600 }, { type: 'string', pattern: DURATION_PATTERN }],
    },
    memory: {
      description: 'Heap of the worker thread running one task: `512 MiB`, `4 GiB`, or a number of MiB; from 32 MiB to 1024 GiB. Default 4 GiB.',
      anyOf: [{ type: 'number', minimum: 32, maximum: 1024 * 1024 }, { type: 'string', pattern: MEMORY_PATTERN }],
    },
  },
  additionalProperties: false,
});

function foreachSchema(partial: boolean): JsonSchema {
  const dimension: JsonSchema = {
    description: 'The values of one dimension: a list, a range `2011..2023`, `${params.NAME}` naming a list, `{file, column}` or `{stage, column}`. `${item.DIM}` in the params is the current value.',
    anyOf: [
      { type: 'array', minItems: 1, items: { type: ['string', 'number'] }, description: 'A literal list of strings and/or numbers.' },
      { type: 'string', pattern: RANGE_PATTERN, description: 'A range FIRST..LAST of whole numbers, both ends included.' },
      { type: 'string', pattern: '^\\$\\{\\s*params\\.[^}]*\\}$', description: 'A list or range from `params:`.' },
      {
        type: 'object', required: ['file', 'column'], additionalProperties: false, description: 'The distinct non-empty values of a CSV column, in first-seen order.',
        properties: { file: { type: 'string', description: 'CSV file, relative to the project root.' }, column: { type: 'string', description: 'Column name.' } },
      },
      {
        type: 'object', required: ['stage', 'column'], additionalProperties: false, description: "The distinct values of a column of an upstream stage's table output (known when that stage has run).",
        properties: {
          stage: { type: 'string', description: 'Stage id, or `STAGE.OUTPUT`.' },
          column: { type: 'string', description: 'Column name.' },
          output: { type: 'string', description: "Output of the stage (default: its step's first output)." },
        },
      },
      ...(partial ? [{ type: 'null' }] : []),
    ] as Json[],
  };
  return {
    type: ['object', 'null'],
    description: 'Fans the stage out over items, the cartesian product of its dimensions (first varies slowest): dimension name → values.',
    propertyNames: { pattern: DIMENSION_PATTERN },
    additionalProperties: dimension,
  };
}

const INPUT_DESCRIPTION = 'A stage (`panel`: its first output), a stage output (`panel.table`) or a file (`data/io.csv`, any value with `/` or `.`).';

/** The `if step == NAME then …` rule of one step, strict (a full pipeline) or partial (a variation). */
function stepRule(def: StepDefinition, partial: boolean): JsonSchema {
  const paramsRef = definitionRef(`${partial ? 'partial-' : ''}params-${def.name}`);
  const required = partial ? [] : ((def.params.required ?? []) as string[]);
  const params: JsonSchema = required.length > 0 ? { allOf: [{ $ref: paramsRef }], required } : { $ref: paramsRef };
  const named = Object.entries(def.inputs).filter(([n]) => n !== '*');
  const free = def.inputs['*'];
  const inputType = partial ? ['string', 'null'] : 'string';
  const inputs: JsonSchema = {
    type: ['object', 'null'],
    properties: Object.fromEntries(named.map(([n, spec]) => [n, { type: inputType, description: `${spec.description}${spec.optional ? ' (optional)' : ''}` }])),
    additionalProperties: free ? { type: inputType, description: free.description } : false,
  };
  const requiredInputs = partial ? [] : named.filter(([, spec]) => !spec.optional).map(([n]) => n);
  if (requiredInputs.length > 0) inputs.required = requiredInputs;
  // The step's description is shown from `enumDescriptions` of the step names (hover on `step:`).
  const then: JsonSchema = { properties: { params, inputs } };
  const mustHave = [...(required.length > 0 ? ['params'] : []), ...(requiredInputs.length > 0 ? ['inputs'] : [])];
  if (mustHave.length > 0) then.required = mustHave;
  return { if: { properties: { step: { const: def.name } }, required: ['step'] }, then };
}

function stageSchema(defs: readonly StepDefinition[], partial: boolean): JsonSchema {
  const nullable = (t: string) => (partial ? [t, 'null'] : t);
  const properties: Record<string, JsonSchema> = {
    step: { $ref: '#/definitions/step' },
    description: { type: nullable('string'), description: 'Free text, shown by tools.' },
    foreach: { $ref: partial ? '#/definitions/partial-foreach' : '#/definitions/foreach' },
    inputs: { type: ['object', 'null'], description: 'Input name → where the value comes from: ' + INPUT_DESCRIPTION, additionalProperties: { type: nullable('string') } },
    params: { type: ['object', 'null'], description: "The step's params, checked against its schema (`agglo steps NAME` lists them)." },
    limits: { $ref: '#/definitions/stage-limits' },
  };
  const schema: JsonSchema = {
    type: 'object',
    description: partial
      ? 'A stage of the base pipeline to change (maps merge key by key, `null` removes a key) or a new stage.'
      : 'A stage: one step run on its inputs with its params.',
    properties: inOrder(STAGE_KEYS, properties),
    additionalProperties: false,
    allOf: defs.map((d) => stepRule(d, partial)),
  };
  if (!partial) schema.required = ['step'];
  return schema;
}

/**
 * The pipeline language's JSON Schema with the params of `defs` (the registered steps, in
 * the order to list them). Deterministic: the same steps give the same text.
 */
export function pipelineJsonSchema(defs: readonly StepDefinition[]): JsonSchema {
  const definitions: Record<string, JsonSchema> = {
    // No descriptions here: hover shows the param's own.
    reference: { type: 'string', pattern: REFERENCE_PATTERN },
    'text-with-reference': { type: 'string', pattern: TEXT_REFERENCE_PATTERN },
    step: {
      type: 'string',
      description: 'Name of a registered step (`agglo steps` lists them).',
      enum: defs.map((d) => d.name),
      enumDescriptions: defs.map((d) => oneLine(d.description)),
    },
    stage: stageSchema(defs, false),
    'partial-stage': stageSchema(defs, true),
    foreach: foreachSchema(false),
    'partial-foreach': foreachSchema(true),
    'stage-limits': limitsSchema("Time and memory of each of the stage's tasks, which then run in a worker thread."),
  };
  for (const d of defs) {
    const strictKey = `params-${d.name}`;
    const partialKey = `partial-params-${d.name}`;
    const described = { ...d.params, description: `Params of \`${d.name}\` (\`agglo steps ${d.name}\` describes them).` };
    definitions[strictKey] = editorParamsSchema(described, { referenceRef: REF, textReferenceRef: TEXT_REF, root: definitionRef(strictKey), partial: false });
    definitions[partialKey] = editorParamsSchema(described, { referenceRef: REF, textReferenceRef: TEXT_REF, root: definitionRef(partialKey), partial: true });
  }
  const top: Record<string, JsonSchema> = {
    extends: { type: 'string', description: 'Another pipeline file this one varies, relative to this file: its params are replaced key by key, its stages merged deeply (`null` removes one).' },
    limits: limitsSchema('Time and memory limits of every task that runs in a worker thread.'),
    params: { type: ['object', 'null'], description: 'Values for the whole file, used as `${params.NAME}`; `A..B` is the integer list A, A+1, …, B.' },
    plugins: { type: ['array', 'null'], items: { type: 'string' }, description: 'Extra step modules: paths relative to the project root, or installed package names.' },
    stages: { type: 'object', description: 'Stage id → stage. Independent stages run in parallel.', propertyNames: { pattern: STAGE_ID_PATTERN } },
  };
  return {
    $schema: JSON_SCHEMA_DRAFT,
    $comment: 'Generated by `agglo schema` from the registered steps; do not edit. Regenerate after changing a step (README, "Editor support").',
    description: 'An agglo pipeline: params, plugins and stages, each stage running one step (docs/pipeline-reference.md).',
    type: 'object',
    properties: inOrder(TOP_KEYS, top),
    additionalProperties: false,
    // A variation (`extends`) only says what differs from its base.
    if: { required: ['extends'] },
    then: { properties: { stages: { additionalProperties: { anyOf: [{ type: 'null' }, { $ref: '#/definitions/partial-stage' }] } } } },
    else: { required: ['stages'], properties: { stages: { additionalProperties: { $ref: '#/definitions/stage' } } } },
    definitions,
  };
}
