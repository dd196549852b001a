/**
 * GitHub issue 9 (trust model, docs/security.md, "Writes"): a step writes only files under
 * results/. A path that climbs out (`..`, absolute, backslashes) fails the task with a clear
 * reason (exit 1), and a symbolic link below results/ is never written through, so no step
 * can overwrite an input file or anything outside the project.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agglo } from './support.js';

const plugin = `
export const put = { name: 'put', version: '1', description: 'writes "x" to the file named by path',
  params: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] }, inputs: {}, outputs: { v: 'v' },
  run(ctx) { ctx.writeFile(ctx.params.path, 'x'); return { v: { ok: true } }; } };
`;

let base: string;
let dir: string;
beforeAll(() => {
  base = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'agglo-writes-'));
  dir = path.join(base, 'project');
  fs.mkdirSync(path.join(dir, 'plugins'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'plugins', 'put.mjs'), plugin);
  fs.writeFileSync(path.join(dir, 'data', 'input.csv'), 'a\n1\n');
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function run(target: string): { code: number; out: string } {
  fs.writeFileSync(path.join(dir, 'p.yaml'), `plugins: [plugins/put.mjs]\nstages:\n  w: { step: put, params: { path: ${JSON.stringify(target)} } }\n`);
  const r = agglo(dir, 'run', 'p.yaml');
  return { code: r.code, out: r.stdout + r.stderr };
}

describe('steps write only under results/', () => {
  it.each([
    ['a `..` path', '../escaped.txt'],
    ['`..` inside results/', 'results/../../escaped.txt'],
    ['an absolute path', '@ABS@'],
    ['backslashes', 'results\\..\\..\\escaped.txt'],
    ['a file outside results/ in the project', 'data/input.csv'],
  ])('%s fails the task with a clear reason and writes nothing', (_what, p) => {
    const target = p === '@ABS@' ? path.join(base, 'escaped.txt') : p;
    const r = run(target);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(`error: stage \`w\`: files can only be written under results/, not \`${target}\``);
    expect(r.out).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(base, 'escaped.txt'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'data', 'input.csv'), 'utf8')).toBe('a\n1\n');
  });

  it('a symbolic link below results/ (to data/) is never written through', () => {
    fs.mkdirSync(path.join(dir, 'results'), { recursive: true });
    fs.symlinkSync('../data', path.join(dir, 'results', 'linked'));
    try {
      const r = run('results/linked/input.csv');
      expect(r.code, r.out).toBe(1);
      expect(r.out).toMatch(/results\/linked.* symbolic link/);
      expect(r.out).not.toMatch(/\n\s+at /);
      expect(fs.readFileSync(path.join(dir, 'data', 'input.csv'), 'utf8')).toBe('a\n1\n');
    } finally {
      fs.rmSync(path.join(dir, 'results', 'linked'));
    }
  });

  it('a plain path under results/ is written', () => {
    const r = run('results/ok.txt');
    expect(r.code, r.out).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'results', 'ok.txt'), 'utf8')).toBe('x');
  });
});
