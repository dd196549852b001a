/**
 * GitHub issue 9 (trust model): a pipeline reads only files inside the project root. Data
 * inputs, `file-path` params and `foreach` files that leave it by `..`, by an absolute path or
 * through a symbolic link are refused at validate time with a located `outside-root` error
 * (exit 2); a path made from `${item.…}` is refused when its task runs (exit 1), and nothing
 * outside is read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agglo } from './support.js';

let base: string;
let dir: string;
beforeAll(() => {
  base = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'agglo-confine-'));
  dir = path.join(base, 'project');
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  fs.writeFileSync(path.join(base, 'secret.csv'), 'a\n42\n');
  fs.writeFileSync(path.join(dir, 'data', 'ok.csv'), 'a\n1\n');
  fs.symlinkSync(path.join(base, 'secret.csv'), path.join(dir, 'data', 'link.csv'));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function pipeline(name: string, body: string): string {
  fs.writeFileSync(path.join(dir, name), body);
  return name;
}

describe('reads stay inside the project root', () => {
  it.each([
    ['a `..` path', '../secret.csv', 'is outside the project root'],
    ['an absolute path', '@ABS@', 'is outside the project root'],
    ['a symbolic link leading out', 'data/link.csv', 'leads through a symbolic link to a file outside the project root'],
  ])('a file-path param with %s is an outside-root error at validate time', (_what, p, why) => {
    const file = p === '@ABS@' ? path.join(base, 'secret.csv') : p;
    const name = pipeline('p.yaml', `stages:\n  r: { step: read-csv, params: { path: ${JSON.stringify(file)} } }\n`);
    for (const cmd of ['validate', 'run']) {
      const r = agglo(dir, cmd, name);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stdout + r.stderr).toContain(`p.yaml:2:40 error outside-root: param \`path\` of stage \`r\` names file \`${file}\`, which ${why}`);
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('a data input and a foreach file outside the root are refused too', () => {
    const name = pipeline('q.yaml', [
      'stages:',
      '  r: { step: read-csv, params: { path: data/ok.csv } }',
      '  w:',
      '    step: write-csv',
      '    foreach: { a: { file: ../secret.csv, column: a } }',
      '    inputs: { data: r }',
      '    params: { path: results/w.csv }',
      '',
    ].join('\n'));
    const r = agglo(dir, 'validate', name);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('q.yaml:5:27 error outside-root: file `../secret.csv` for foreach dimension `a` of stage `w` is outside the project root');
  });

  it('a path made from ${item} is refused when the task runs, and the other items run', () => {
    const name = pipeline('i.yaml', 'stages:\n  r:\n    step: read-csv\n    foreach: { f: [data/ok.csv, ../secret.csv] }\n    params: { path: "${item.f}" }\n');
    const r = agglo(dir, 'run', name, '--keep-going');
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('file `../secret.csv` (param path) is outside the project root');
    const ok = agglo(dir, 'show', 'r', '--item', 'f=data/ok.csv', '--csv', '-p', name);
    expect(ok.stdout.trim()).toBe('a\n1');
  });
});
