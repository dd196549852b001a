import { describe, expect, it } from 'vitest';
import type { ForeachSource, InputRef, Pipeline, StageSpec } from '../../engine/pipeline.js';
import { downstreamOf, planPipeline, stageDeps } from '../../engine/plan.js';
import { StepRegistry } from '../../engine/registry.js';
import { defineStep } from '../../engine/step.js';

const range = { file: 'p.yaml', line: 1, col: 1, endLine: 1, endCol: 2 };

function registry(): StepRegistry {
  const r = new StepRegistry();
  r.add(defineStep({ name: 'noop', version: '1', description: '', params: { type: 'object' }, inputs: {}, outputs: { out: '' }, run: () => ({ out: null }) }));
  return r;
}

/** A stage reading from the given upstream stages (input names a, b, …). */
function stage(id: string, from: string[] = [], foreach?: Record<string, ForeachSource>): StageSpec {
  const inputs: Record<string, InputRef> = {};
  from.forEach((s, i) => (inputs[String.fromCharCode(97 + i)] = { kind: 'stage', stage: s }));
  return { id, step: 'noop', params: {}, inputs, ...(foreach ? { foreach } : {}), range };
}

function pipeline(stages: StageSpec[]): Pipeline {
  return { file: '/p/p.yaml', displayFile: 'p.yaml', root: '/p', params: {}, plugins: [], stages, locate: () => undefined };
}

describe('stageDeps', () => {
  it('lists input stages and foreach source stages once each, ignoring file inputs', () => {
    const s: StageSpec = {
      id: 'x', step: 'noop', params: {}, range,
      inputs: { a: { kind: 'stage', stage: 'up' }, b: { kind: 'stage', stage: 'up', output: 'other' }, c: { kind: 'file', path: 'data/x.csv' } },
      foreach: { year: { kind: 'stage', stage: 'years', column: 'year' }, p: { kind: 'values', values: ['A'] }, q: { kind: 'file', path: 'data/q.csv', column: 'q' } },
    };
    expect(stageDeps(s)).toEqual(['up', 'years']);
  });
});

describe('planPipeline', () => {
  it('orders stages topologically even when declared before their upstream', () => {
    const plan = planPipeline(pipeline([stage('c', ['b']), stage('b', ['a']), stage('a')]), registry());
    expect(plan.order).toEqual(['a', 'b', 'c']);
  });

  it('breaks ties by declaration order (stable, not graph node order)', () => {
    // Diamond plus independent stages: every ready set is sorted by declaration position.
    const stages = [stage('z'), stage('y', ['z']), stage('m'), stage('x', ['z']), stage('join', ['x', 'y']), stage('a')];
    const plan = planPipeline(pipeline(stages), registry());
    // Kahn with earliest-declared-first, by hand: ready {z,m,a} → z; ready {m,a,y,x} → y (declared 2nd);
    // → m; → x; → join (declared 5th, before a); → a.
    expect(plan.order).toEqual(['z', 'y', 'm', 'x', 'join', 'a']);
  });

  it('gives the same order on every call and for any input naming order', () => {
    const mk = (names: string[]) => [stage('s1'), stage('s2', names), stage('s3'), stage('s4', ['s3'])];
    const o1 = planPipeline(pipeline(mk(['s3', 's1'])), registry()).order;
    const o2 = planPipeline(pipeline(mk(['s1', 's3'])), registry()).order;
    expect(o1).toEqual(['s1', 's3', 's2', 's4']);
    expect(o2).toEqual(o1);
    for (let i = 0; i < 5; i++) expect(planPipeline(pipeline(mk(['s3', 's1'])), registry()).order).toEqual(o1);
  });

  it('keeps declaration order for stages with no edges', () => {
    expect(planPipeline(pipeline([stage('q'), stage('b'), stage('k')]), registry()).order).toEqual(['q', 'b', 'k']);
  });

  it('records deps, dims in declaration order and an edge for a foreach source', () => {
    const plan = planPipeline(pipeline([
      stage('years'),
      stage('panel'),
      stage('fit', ['panel', 'panel'], { year: { kind: 'stage', stage: 'years', column: 'year' }, province: { kind: 'values', values: ['A'] } }),
    ]), registry());
    const fit = plan.stages.get('fit')!;
    expect(fit.deps).toEqual(['panel', 'years']);
    expect(fit.dims).toEqual(['year', 'province']);
    expect(fit.step.def.name).toBe('noop');
    expect(plan.graph.hasEdge('years', 'fit')).toBe(true);
    expect(plan.stages.get('panel')!.dims).toEqual([]);
  });

  it('throws (a bug: validation should have caught it) on an unknown step or a cycle', () => {
    const bad: StageSpec = { ...stage('a'), step: 'nope' };
    expect(() => planPipeline(pipeline([bad]), registry())).toThrow(/unknown step nope/);
    expect(() => planPipeline(pipeline([stage('a', ['b']), stage('b', ['a'])]), registry())).toThrow(/cycle/);
  });
});

describe('downstreamOf', () => {
  it('is every transitive successor, not including the stage itself', () => {
    const plan = planPipeline(pipeline([stage('a'), stage('b', ['a']), stage('c', ['b']), stage('d', ['a']), stage('e')]), registry());
    expect([...downstreamOf(plan, 'a')].sort()).toEqual(['b', 'c', 'd']);
    expect([...downstreamOf(plan, 'c')]).toEqual([]);
    expect([...downstreamOf(plan, 'e')]).toEqual([]);
  });
});

// GitHub issue 9: graphlib kept nodes in plain objects, so these ids broke planning.
describe('planPipeline with stage ids named like Object.prototype members', () => {
  it('orders and links constructor, __proto__, toString, hasOwnProperty like any other ids', () => {
    const plan = planPipeline(pipeline([stage('toString', ['__proto__']), stage('__proto__', ['constructor']), stage('constructor'), stage('hasOwnProperty', ['toString', 'constructor'])]), registry());
    expect(plan.order).toEqual(['constructor', '__proto__', 'toString', 'hasOwnProperty']);
    expect(plan.graph.edges()).toEqual([
      { v: '__proto__', w: 'toString' }, { v: 'constructor', w: '__proto__' }, { v: 'toString', w: 'hasOwnProperty' }, { v: 'constructor', w: 'hasOwnProperty' },
    ]);
    expect(plan.graph.hasEdge('constructor', 'toString')).toBe(false);
    expect([...downstreamOf(plan, 'constructor')]).toEqual(['__proto__', 'hasOwnProperty', 'toString']);
  });
});
