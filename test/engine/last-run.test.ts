import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastRunPipeline, recordLastRun } from '../../engine/last-run.js';
import { LocalStore } from '../../engine/store.js';

let root: string;
let store: LocalStore;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-last-run-'));
  store = new LocalStore(path.join(root, 'cache'));
  fs.mkdirSync(path.join(root, 'pipelines'));
  for (const f of ['paper.yaml', 'other.yaml']) fs.writeFileSync(path.join(root, 'pipelines', f), 'stages: {}\n');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const stateFile = () => path.join(root, 'cache', 'state', 'last-run.json');

describe('the pipeline last run here (for `agglo show`)', () => {
  it('is unknown before any run, then the last pipeline recorded, relative to the root', () => {
    expect(lastRunPipeline(store, root)).toBeUndefined();
    recordLastRun(store, root, 'pipelines/paper.yaml');
    expect(lastRunPipeline(store, root)).toBe('pipelines/paper.yaml');
    recordLastRun(store, root, path.join(root, 'pipelines', 'other.yaml'));
    expect(lastRunPipeline(store, root)).toBe('pipelines/other.yaml');
  });

  it('is not rewritten by a rerun of the same pipeline', () => {
    recordLastRun(store, root, 'pipelines/paper.yaml');
    const old = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(stateFile(), old, old);
    recordLastRun(store, root, 'pipelines/paper.yaml');
    expect(fs.statSync(stateFile()).mtimeMs).toBe(old.getTime());
  });

  it('is ignored when the file it names is gone, outside the project, or the record is damaged', () => {
    recordLastRun(store, root, 'pipelines/other.yaml');
    fs.rmSync(path.join(root, 'pipelines', 'other.yaml'));
    expect(lastRunPipeline(store, root)).toBeUndefined();
    fs.writeFileSync(stateFile(), JSON.stringify({ version: 1, file: '../../etc/passwd' }));
    expect(lastRunPipeline(store, root)).toBeUndefined();
    fs.writeFileSync(stateFile(), JSON.stringify({ version: 1, file: 'pipelines' }));
    expect(lastRunPipeline(store, root)).toBeUndefined();
    fs.writeFileSync(path.join(root, 'notes.txt'), 'not a pipeline');
    fs.writeFileSync(stateFile(), JSON.stringify({ version: 1, file: 'notes.txt' }));
    expect(lastRunPipeline(store, root)).toBeUndefined();
    for (const junk of ['not json', '[]', '{"file": 3}', 'null']) {
      fs.writeFileSync(stateFile(), junk);
      expect(lastRunPipeline(store, root), junk).toBeUndefined();
    }
  });
});
