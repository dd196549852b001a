/**
 * The editor schema (`agglo schema`) checked with ajv's draft-07 validator, independently of
 * the language server (test/e2e/editor-schema.test.ts drives that): the repository's own
 * pipelines pass, the mistakes agglo reports fail, and `${…}` references pass wherever agglo
 * would accept them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { builtinSteps } from '../../steps/index.js';
import { parseDuration, parseMemory } from '../../engine/limits.js';
import { DURATION_PATTERN, MEMORY_PATTERN, pipelineJsonSchema } from '../../engine/pipeline-json-schema.js';
import { defineStep, type StepDefinition } from '../../engine/step.js';
import { STAGE_KEYS, TOP_KEYS } from '../../engine/pipeline-schema.js';

const repo = path.resolve(import.meta.dirname, '../..');

/** A draft-07 validator of pipelines (as plain data) against the schema of `defs`. */
function validatorOf(defs: readonly StepDefinition[]): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(pipelineJsonSchema(defs));
}

const builtin = validatorOf(builtinSteps);

function errorsOf(v: ValidateFunction, doc: unknown): string[] {
  return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const accepts = (doc: unknown, v = builtin) => expect(errorsOf(v, doc)).toEqual([]);
const rejects = (doc: unknown, v = builtin) => expect(v(doc)).toBe(false);

/** A full pipeline with one stage. */
const one = (stage: Record<string, unknown>) => ({ stages: { s: stage } });
const fe = (params: Record<string, unknown>) => one({ step: 'panel-regression', inputs: { data: 'panel' }, params: { y: 'idt', x: ['gdp'], entity: 'province', time: 'year', ...params } });

describe('the pipeline schema of the built-in steps', () => {
  it('is a valid draft-07 schema', () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(pipelineJsonSchema(builtinSteps)), ajv.errorsText(ajv.errors)).toBe(true);
    expect(pipelineJsonSchema(builtinSteps).$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('accepts every pipeline in pipelines/ (the paper and its variations)', () => {
    const files = ['pipelines/paper.yaml', ...fs.readdirSync(path.join(repo, 'pipelines/examples')).map((f) => `pipelines/examples/${f}`)];
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect(errorsOf(builtin, parse(fs.readFileSync(path.join(repo, f), 'utf8'))), f).toEqual([]);
  });

  it('lists every built-in step by name, with its description', () => {
    const step = (pipelineJsonSchema(builtinSteps).definitions as Record<string, { enum: string[]; enumDescriptions: string[] }>).step!;
    expect(step.enum).toEqual(builtinSteps.map((d) => d.name));
    expect(step.enum).toContain('panel-regression');
    const readCsv = builtinSteps.find((d) => d.name === 'read-csv')!;
    expect(step.enumDescriptions[step.enum.indexOf('read-csv')]).toBe(readCsv.description.trim().replace(/\s+/g, ' '));
  });

  it('rejects what agglo validate rejects: unknown step, unknown param, bad enum value, wrong type, missing step or param', () => {
    accepts(fe({ model: 'within' }));
    rejects(one({ step: 'panel-regresion' }));
    rejects(fe({ modle: 'within' }));
    rejects(fe({ model: 'withn' }));
    rejects(fe({ x: 'gdp' }));
    rejects(one({ params: { path: 'data/x.csv' } }));
    rejects(one({ step: 'panel-regression', inputs: { data: 'panel' }, params: { x: ['gdp'], entity: 'province', time: 'year' } }));
    rejects(one({ step: 'read-csv' }));
    rejects(one({ step: 'read-csv', params: { path: 'x.csv' }, input: {} }));
    rejects({ stage: {} });
    rejects({ params: {} });
  });

  it('checks inputs by the step: unknown names, required ones, free names where the step takes any', () => {
    rejects(one({ step: 'panel-regression', inputs: { dta: 'panel' }, params: { y: 'a', x: ['b'], entity: 'e', time: 't' } }));
    rejects(one({ step: 'panel-regression', params: { y: 'a', x: ['b'], entity: 'e', time: 't' } }));
    accepts(one({ step: 'regression-table', inputs: { fe: 'within', re: 'random' }, params: { path: 'results/t5' } }));
  });

  it('accepts a whole `${…}` reference where a list, number or enum value is expected', () => {
    accepts(fe({ x: '${params.x}', model: '${params.model}' }));
    accepts(one({ step: 'ras', foreach: { year: '${params.years}' }, inputs: { base: 'b', targets: 't' }, params: { max_iterations: '${params.rounds}', on_nonconvergence: '${params.ras_rule}' } }));
    rejects(fe({ x: 'gdp ${params.x}' }));
  });

  it('accepts text with a reference where a string must match a pattern or enum (text substitution)', () => {
    accepts(one({ step: 'write-csv', inputs: { data: 'x' }, params: { path: '${params.results}/table.csv' } }));
    rejects(one({ step: 'write-csv', inputs: { data: 'x' }, params: { path: 'output/table.csv' } }));
  });

  it('foreach: lists, ranges, params, {file, column} and {stage, column, output}', () => {
    const s = (foreach: unknown) => one({ step: 'read-csv', foreach, params: { path: 'data/x.csv' } });
    for (const ok of [{ y: [2011, 2012] }, { y: '2011..2023' }, { y: '${params.years}' }, { p: { file: 'data/p.csv', column: 'code' } }, { p: { stage: 'panel', column: 'province', output: 'table' } }]) accepts(s(ok));
    for (const bad of [{ y: [] }, { y: 'soon' }, { y: { file: 'data/p.csv' } }, { y: { file: 'a', column: 'b', colum: 'c' } }, { 'bad name': [1] }, { y: [[1]] }]) rejects(s(bad));
  });

  it('limits: the patterns read what parseDuration and parseMemory read', () => {
    const time = new RegExp(DURATION_PATTERN);
    const memory = new RegExp(MEMORY_PATTERN);
    for (const v of ['90s', '30m', '30 min', '2h', '500ms', '1.5s', '7d', '2 H', 'soon', '10 parsecs', '-1s', '1..2h']) expect(time.test(v), v).toBe(parseDuration(v).ok);
    for (const v of ['512 MiB', '4 GiB', '4GB', '1.5 GiB', '64m', '1 KiB', 'lots', '-64m']) expect(memory.test(v), v).toBe(parseMemory(v).ok);
    accepts({ limits: { time: '2h' }, stages: { s: { step: 'read-csv', params: { path: 'x.csv' }, limits: { time: 90, memory: '2 GiB' } } } });
    rejects({ limits: { tme: '2h' }, stages: {} });
    rejects(one({ step: 'read-csv', params: { path: 'x.csv' }, limits: { memory: 16 } }));
  });

  it('a variation (extends) need not repeat a stage\'s step or required params, and null removes', () => {
    accepts({ extends: '../paper.yaml', stages: { within: { params: { effect: 'twoways' } }, table1_md: null } });
    accepts({ extends: '../paper.yaml', stages: { fe: { step: 'panel-regression', params: { model: 'random', vcov: null } } } });
    accepts({ extends: '../paper.yaml', params: { years: '2015..2023' } });
    rejects({ extends: '../paper.yaml', stages: { fe: { step: 'panel-regression', params: { modle: 'random' } } } });
    rejects({ extends: '../paper.yaml', stages: { fe: { step: 'panel-regression', params: { model: 'randm' } } } });
    rejects({ stages: { table1_md: null } });
  });

  it('has every key of the language, at the top and in a stage, in the order of the structure schema', () => {
    const schema = pipelineJsonSchema(builtinSteps) as { properties: object; definitions: Record<string, { properties: object }> };
    expect(Object.keys(schema.properties)).toEqual([...TOP_KEYS]);
    expect(Object.keys(schema.definitions.stage!.properties)).toEqual([...STAGE_KEYS]);
    expect(Object.keys(schema.definitions['partial-stage']!.properties)).toEqual([...STAGE_KEYS]);
  });

  it('is the same text for the same steps', () => {
    expect(JSON.stringify(pipelineJsonSchema(builtinSteps))).toBe(JSON.stringify(pipelineJsonSchema([...builtinSteps])));
  });
});

describe('a plugin step schema in the pipeline schema', () => {
  const tuple = defineStep({
    name: 'tuple-step',
    version: '1',
    description: 'Test step with a 2020-12 tuple, local definitions and a nested required key.',
    params: {
      type: 'object',
      $defs: { weight: { type: 'number', minimum: 0 } },
      properties: {
        range: { type: 'array', prefixItems: [{ type: 'integer' }, { type: 'integer' }], items: false },
        weights: { type: 'object', additionalProperties: { $ref: '#/$defs/weight' } },
        rule: { type: 'object', required: ['column'], properties: { column: { type: 'string' }, min: { type: 'number' } }, additionalProperties: false },
      },
      required: ['range'],
      additionalProperties: false,
    },
    inputs: {},
    outputs: { out: 'x' },
    run: () => ({ out: null }),
  });
  const v = validatorOf([...builtinSteps, tuple]);
  const stage = (params: unknown) => one({ step: 'tuple-step', params });

  it('prefixItems become draft-07 tuple items; local $refs point into the pipeline schema', () => {
    accepts(stage({ range: [2011, 2023], weights: { gdp: 0.5 }, rule: { column: 'gdp' } }), v);
    rejects(stage({ range: [2011, 'x'] }), v);
    rejects(stage({ range: [2011, 2023, 2024] }), v);
    rejects(stage({ range: [1, 2], weights: { gdp: -1 } }), v);
    accepts(stage({ range: ['${params.first}', 2023], weights: { gdp: '${params.w}' } }), v);
  });

  it('required keys of nested maps hold in a full pipeline, not in a variation (maps merge)', () => {
    rejects(stage({ range: [1, 2], rule: { min: 0 } }), v);
    accepts({ extends: 'base.yaml', stages: { s: { step: 'tuple-step', params: { rule: { min: 0 } } } } }, v);
  });
});
