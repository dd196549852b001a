/**
 * `runStep` (engine/plugin-testing.ts) runs a step as a pipeline stage would: each case
 * below is something a real run does too (docs/pipeline-reference.md: params checked and
 * defaulted, frozen inputs, plain-data outputs; engine/run-step.ts: user errors vs crashes).
 */
import { describe, expect, it } from 'vitest';
import { runStep } from '../../engine/plugin-testing.js';
import { defineStep, StepError } from '../../engine/step.js';
import { tableFromColumns } from '../../engine/table.js';
import type { Table, Value } from '../../engine/value.js';

/** A step whose `run` is given, with one param `k` (default 2) and one input `data`. */
const step = (run: (ctx: { params: { k: number }; inputs: Record<string, Value> }) => Record<string, Value>, extra: object = {}) => defineStep<{ k: number }>({
  name: 'probe',
  version: '1',
  description: 'a test step',
  params: { type: 'object', properties: { k: { type: 'integer', minimum: 1, default: 2 } }, additionalProperties: false },
  inputs: { data: { description: 'a table' }, extra: { description: 'optional', optional: true } },
  outputs: { out: 'anything' },
  run,
  ...extra,
});

const data = tableFromColumns({ x: [1, 2, 3] });

describe('runStep', () => {
  it('fills in schema defaults, passes notes and files through', async () => {
    const s = defineStep<{ k: number }>({
      ...step(() => ({})),
      run(ctx) {
        ctx.note(`k is ${ctx.params.k}`);
        ctx.writeFile('results/k.txt', String(ctx.params.k));
        return { out: ctx.params.k };
      },
    });
    const r = await runStep(s, { inputs: { data } });
    expect(r).toEqual({ outputs: { out: 2 }, notes: ['k is 2'], files: [{ path: 'results/k.txt', content: '2' }] });
    expect((await runStep(s, { params: { k: 5 }, inputs: { data } })).outputs.out).toBe(5);
  });

  it('refuses params the schema refuses, and inputs the step does not declare or lacks', async () => {
    const s = step(() => ({ out: 1 }));
    await expect(runStep(s, { params: { k: 0 }, inputs: { data } })).rejects.toThrow('the params do not match the schema of step `probe`: k: must be >= 1');
    await expect(runStep(s, { params: { kk: 1 }, inputs: { data } })).rejects.toThrow(/kk/);
    await expect(runStep(s, { inputs: { data, dta: data } })).rejects.toThrow('step `probe` has no input `dta`; its inputs are: data, extra');
    await expect(runStep(s, { inputs: {} })).rejects.toThrow('step `probe` needs input `data`');
  });

  it('hands the step frozen inputs, so a step that changes one fails as it would in a run', async () => {
    const s = step((ctx) => {
      (ctx.inputs.data as Table).columns[0]!.values[0] = 99;
      return { out: 1 };
    });
    await expect(runStep(s, { inputs: { data } })).rejects.toThrow(/step `probe` crashed: Cannot assign to read only property '0'/);
    expect(data.columns[0]!.values[0]).toBe(1); // the caller's table is a copy's source, untouched
  });

  it('returns outputs as the next stage receives them: plain data, frozen', async () => {
    const s = step(() => ({ out: { v: Float64Array.of(1.5, NaN) as unknown as number[], inf: -Infinity } }));
    const { outputs } = await runStep(s, { inputs: { data } });
    expect(outputs.out).toEqual({ v: [1.5, NaN], inf: -Infinity });
    expect(Object.isFrozen((outputs.out as { v: number[] }).v)).toBe(true);
  });

  it('a StepError rejects as a StepError with its reason; anything else as a crash with its stack', async () => {
    const user = step(() => {
      throw new StepError('too-few-rows', 'probe: not enough rows');
    });
    const e = await runStep(user, { inputs: { data } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StepError);
    expect([(e as StepError).reason, (e as StepError).message]).toEqual(['too-few-rows', 'probe: not enough rows']);

    const named = step(() => {
      throw Object.assign(new Error('probe: own class'), { name: 'StepError' });
    });
    const n = await runStep(named, { inputs: { data } }).catch((x: unknown) => x);
    expect([(n as StepError).reason, (n as StepError).message]).toEqual(['step-error', 'probe: own class']);

    const bug = step(function buggyRun() {
      throw new TypeError('x is not a function');
    });
    const c = await runStep(bug, { inputs: { data } }).catch((x: unknown) => x);
    expect(c).not.toBeInstanceOf(StepError);
    expect((c as Error).message).toBe('step `probe` crashed: x is not a function');
    expect((c as Error).stack).toMatch(/buggyRun/);
  });

  it('an output that is missing or cannot be stored is an error', async () => {
    await expect(runStep(step(() => ({})), { inputs: { data } })).rejects.toThrow('step `probe` crashed: step probe did not return output(s) out');
    await expect(runStep(step(() => ({ out: 10n as unknown as Value })), { inputs: { data } })).rejects.toThrow(/returned an output that cannot be stored: .*BigInt/);
  });
});
