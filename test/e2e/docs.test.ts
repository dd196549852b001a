/** The docs stay true to the code: the generated step reference is current, and the README's tour pipeline runs. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agglo, makeProject, repo, runJson } from './support.js';

describe('documentation', () => {
  it('docs/steps/reference.md is what `agglo steps --markdown` prints (run `npm run docs` after changing a step)', () => {
    const r = agglo(repo, 'steps', '--markdown');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'docs/steps/reference.md'), 'utf8')).toBe(r.stdout);
  });

  it("the README's tour pipeline is valid and runs on the embedded data", () => {
    const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
    const yaml = /## A short tour[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toBeDefined();
    const dir = makeProject({ 'pipelines/paper.yaml': yaml!, 'data/tidy/panel.csv': fs.readFileSync(path.join(repo, 'data/tidy/panel.csv'), 'utf8') });
    const r = runJson(dir, 'run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stages.by_year!.items.total).toBe(13);
  });
});
