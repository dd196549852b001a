/**
 * A small registry of fake steps for front-end tests: just enough schema to exercise
 * file-path params, enums, required params and inputs, and nested params.
 */
import { StepRegistry } from '../../../engine/registry.js';
import { defineStep } from '../../../engine/step.js';
import type { StepDefinition } from '../../../engine/step.js';

const noop = () => ({});

export const readCsv = defineStep({
  name: 'read-csv', version: '1', description: 'Reads a CSV file into a table.',
  params: { type: 'object', properties: { path: { type: 'string', format: 'file-path', description: 'CSV file relative to the project root' } }, required: ['path'], additionalProperties: false },
  inputs: {}, outputs: { table: 'the rows' }, run: noop,
});

export const panelRegression = defineStep({
  name: 'panel-regression', version: '1', description: 'Panel regression.',
  params: {
    type: 'object',
    properties: {
      y: { type: 'string', description: 'dependent variable column' },
      x: { type: 'array', items: { type: 'string' } },
      entity: { type: 'string' }, time: { type: 'string' },
      model: { enum: ['pooling', 'within', 'random'], default: 'within' },
      cluster: { anyOf: [{ type: 'string' }, { type: 'boolean' }] },
    },
    required: ['y', 'x'], additionalProperties: false,
  },
  inputs: { data: { description: 'the panel table' } }, outputs: { coefficients: 'estimates', model: 'fit' }, run: noop,
});

export const ras = defineStep({
  name: 'ras', version: '1', description: 'RAS balancing.',
  params: {
    type: 'object',
    properties: { tolerance: { type: 'number', default: 1e-6 }, year: { type: 'integer' }, max_iterations: { type: 'integer', minimum: 1 }, options: { type: 'object', properties: { damping: { type: 'number' } }, additionalProperties: false } },
    additionalProperties: false,
  },
  inputs: { base: { description: 'the base-year IoTable' }, totals: { description: 'target row and column totals' }, weights: { description: 'optional weights', optional: true } },
  outputs: { table: 'the balanced IoTable', iterations: 'how many iterations' }, run: noop,
});

export const summarize = defineStep({
  name: 'summarize', version: '1', description: 'Summary of any table.',
  params: { type: 'object', properties: { label: { type: 'string' } }, additionalProperties: false },
  inputs: { data: { description: 'any table' } }, outputs: { summary: 'the summary' }, run: noop,
});

/** A fresh registry holding the fake steps. */
export function fakeRegistry(extra: StepDefinition[] = []): StepRegistry {
  const r = new StepRegistry();
  for (const d of [readCsv, panelRegression, ras, summarize, ...extra]) r.add(d);
  return r;
}

/** Files that "exist" for tests (project-relative), with CSV contents where needed. */
export const fakeFiles: Record<string, string> = {
  'data/panel.csv': 'province,year,idt,gdp\nBEJ,2011,1,2\nTJN,2011,3,4\n',
  'data/io2007.csv': 'sector,a\n',
  'data/totals.csv': 'sector,total\n',
  'data/empty.csv': 'province,year\n',
};
