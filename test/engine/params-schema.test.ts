import { expect, test, vi } from 'vitest';
import { ajv, applyParamsSchema, filePathParams, paramPathText } from '../../engine/params-schema.js';
import { defineStep } from '../../engine/step.js';
import { panelRegression, ras, readCsv } from './support/fake-steps.js';

test('applies schema defaults without touching the input', () => {
  const input = { y: 'idt', x: ['gdp'] };
  const r = applyParamsSchema(panelRegression, input);
  expect(r.errors).toEqual([]);
  expect(r.params).toEqual({ y: 'idt', x: ['gdp'], model: 'within' });
  expect(input).toEqual({ y: 'idt', x: ['gdp'] });
});

test('reports every error with a readable path', () => {
  const r = applyParamsSchema(panelRegression, { y: 1, x: ['gdp', 2], model: 'fixed', extra: true });
  expect(r.errors).toEqual(expect.arrayContaining([
    { path: 'y', message: 'must be a string' },
    { path: 'x[1]', message: 'must be a string' },
    { path: 'model', message: 'must be one of `pooling`, `within`, `random`' },
    { path: 'extra', message: 'is not a known param' },
  ]));
  expect(applyParamsSchema(panelRegression, {}).errors).toEqual([{ path: 'y', message: 'is required' }, { path: 'x', message: 'is required' }]);
});

test('compiles a step\'s schema once, however many items call it', () => {
  const step = defineStep({ ...ras, name: 'ras-copy' });
  const compile = vi.spyOn(ajv, 'compile');
  try {
    for (let i = 0; i < 1000; i++) expect(applyParamsSchema(step, { tolerance: 0.001, year: 2000 + (i % 20) }).errors).toEqual([]);
    expect(compile).toHaveBeenCalledTimes(1);
  } finally {
    compile.mockRestore();
  }
});

test('a broken step schema is an error, not a crash', () => {
  const bad = defineStep({ ...readCsv, name: 'bad', params: { type: 'no-such-type' } });
  expect(applyParamsSchema(bad, {}).errors[0]!.message).toMatch(/params schema of step `bad` is invalid/);
});

test('filePathParams finds file params in properties and list items', () => {
  const schema = { type: 'object', properties: { path: { type: 'string', format: 'file-path' }, more: { type: 'array', items: { type: 'string', format: 'file-path' } }, n: { type: 'number' } } };
  expect(filePathParams(schema, { path: 'a.csv', more: ['b.csv', 'c.csv'], n: 1 })).toEqual([
    { path: ['path'], value: 'a.csv' }, { path: ['more', 0], value: 'b.csv' }, { path: ['more', 1], value: 'c.csv' },
  ]);
});

test('paramPathText', () => {
  expect(paramPathText('')).toBe('');
  expect(paramPathText('/options/weights/0', 'x')).toBe('options.weights[0].x');
});
