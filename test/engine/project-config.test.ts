/** engine/project-config.ts: agglo.config.yaml, the settings a pipeline may not grant itself. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outsideRoot } from '../../engine/confine.js';
import { projectConfig } from '../../engine/project-config.js';

function tempProject(): { base: string; root: string } {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-settings-')));
  const root = path.join(base, 'p');
  fs.mkdirSync(root);
  fs.mkdirSync(path.join(base, 'shared'));
  fs.writeFileSync(path.join(base, 'shared', 'x.csv'), 'a\n1\n');
  return { base, root };
}

describe('projectConfig', () => {
  it('no settings file: nothing allowed, no diagnostics, the local executor and the SLURM defaults', () => {
    const { root } = tempProject();
    const c = projectConfig(root);
    expect(c).toMatchObject({ allowRead: [], diagnostics: [], executor: 'local' });
    // The defaults of engine/cluster/slurm-config.ts (docs/distributed.md).
    expect(c.slurm).toMatchObject({ time: '01:00:00', cpusPerTask: 1, maxJobs: 4, batch: 64, retries: 2, remote: 'fanout', node: 'node', setup: [], sbatchArgs: [], pollMs: 20, monitorMs: 2000 });
    expect(c.slurm.spool).toBe(path.join(root, 'cache', 'cluster'));
    expect(c.slurm.partition).toBeUndefined();
  });

  it('allow_read folders (relative to the root, or absolute) open reads below them, and only there', () => {
    const { base, root } = tempProject();
    fs.writeFileSync(path.join(root, 'agglo.config.yaml'), 'allow_read: [../shared]\n');
    expect(projectConfig(root).allowRead).toEqual([path.join(base, 'shared')]);
    expect(outsideRoot(path.join(base, 'shared', 'x.csv'), root)).toBeUndefined();
    expect(outsideRoot(path.join(base, 'elsewhere.csv'), root)).toBe('is outside the project root');
    // A link inside the allowed folder that leads elsewhere is still refused.
    fs.symlinkSync(path.join(base, 'elsewhere.csv'), path.join(base, 'shared', 'link.csv'));
    fs.writeFileSync(path.join(base, 'elsewhere.csv'), 'b\n');
    expect(outsideRoot(path.join(base, 'shared', 'link.csv'), root)).toBe('leads through a symbolic link to a file outside the project root');
  });

  it('is read again when the file changes (agglo watch), and an emptied file grants nothing', () => {
    const { root } = tempProject();
    const f = path.join(root, 'agglo.config.yaml');
    fs.writeFileSync(f, 'allow_read: [../shared]\n');
    expect(projectConfig(root).allowRead).toHaveLength(1);
    fs.writeFileSync(f, '# nothing allowed\n');
    fs.utimesSync(f, new Date(), new Date(Date.now() + 5000));
    expect(projectConfig(root)).toMatchObject({ allowRead: [], diagnostics: [] });
  });

  it('a wrong shape is a located error and grants nothing', () => {
    const { root } = tempProject();
    fs.writeFileSync(path.join(root, 'agglo.config.yaml'), 'allow_read: ../shared\n');
    const c = projectConfig(root);
    expect(c.allowRead).toEqual([]);
    expect(c.diagnostics.map((d) => [d.file, d.line, d.col, d.code, d.message])).toEqual([['agglo.config.yaml', 1, 13, 'bad-settings', '`allow_read` must be a list of folders']]);
  });
});
