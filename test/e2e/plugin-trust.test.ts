/**
 * GitHub issue 9 (trust model, docs/security.md): plugins are code. `agglo validate` does not
 * import them unless --load-plugins asks; a plugin is loaded only from inside the project (a
 * path, or a package in the project's own node_modules) unless the project's settings
 * (agglo.config.yaml `allow_read`) allow a folder outside; the same setting is the one opt-in
 * for reading data outside the root. Each plugin here writes a marker file when imported, so
 * "was its code run?" is observable.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agglo } from './support.js';

/** A plugin that leaves `marker-NAME` in the working directory when imported. */
const plugin = (name: string) => `
import fs from 'node:fs';
fs.writeFileSync('marker-${name}', 'imported');
export const hello = { name: 'hello-${name}', version: '1', description: 'one row',
  params: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'], additionalProperties: false }, inputs: {}, outputs: { table: 't' },
  run(ctx) { return { table: { kind: 'table', columns: [{ name: 'n', values: [ctx.params.n] }] } }; } };
`;

let base: string;
let dir: string;
beforeAll(() => {
  base = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'agglo-plugins-'));
  dir = path.join(base, 'project');
  for (const d of ['plugins', 'pipelines', 'node_modules/inside-pkg', 'data']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.mkdirSync(path.join(base, 'shared', 'plugins'), { recursive: true });
  fs.mkdirSync(path.join(base, 'node_modules', 'above-pkg'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'plugins', 'local.mjs'), plugin('local'));
  fs.writeFileSync(path.join(base, 'shared', 'plugins', 'outside.mjs'), plugin('outside'));
  fs.writeFileSync(path.join(base, 'shared', 'numbers.csv'), 'n\n7\n');
  fs.symlinkSync(path.join(base, 'shared', 'plugins', 'outside.mjs'), path.join(dir, 'plugins', 'link.mjs'));
  for (const [where, name] of [[path.join(dir, 'node_modules/inside-pkg'), 'inside'], [path.join(base, 'node_modules/above-pkg'), 'above']] as const) {
    fs.writeFileSync(path.join(where, 'package.json'), JSON.stringify({ name: `${name}-pkg`, type: 'module', main: 'index.js' }));
    fs.writeFileSync(path.join(where, 'index.js'), plugin(name));
  }
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function pipeline(name: string, spec: string, n: unknown = 1): string {
  const step = spec.includes('local') ? 'local' : spec.includes('inside') ? 'inside' : spec.includes('above') ? 'above' : 'outside';
  fs.writeFileSync(path.join(dir, 'pipelines', name), `plugins: [${JSON.stringify(spec)}]\nstages:\n  h: { step: hello-${step}, params: { n: ${JSON.stringify(n)} } }\n`);
  return `pipelines/${name}`;
}

function clearMarkers(): void {
  for (const f of fs.readdirSync(dir)) if (f.startsWith('marker-')) fs.rmSync(path.join(dir, f));
}

const markers = () => fs.readdirSync(dir).filter((f) => f.startsWith('marker-')).sort();
const settings = (text: string | undefined) => {
  const f = path.join(dir, 'agglo.config.yaml');
  if (text === undefined) fs.rmSync(f, { force: true });
  else fs.writeFileSync(f, text);
};

describe('agglo validate does not run plugins unless asked', () => {
  it('without --load-plugins: the plugin is not imported and its stages are listed as not checked', () => {
    clearMarkers();
    const r = agglo(dir, 'validate', pipeline('bad-param.yaml', 'plugins/local.mjs', 'many'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("pipelines/bad-param.yaml: ok (1 stages; 1 not checked: `h` uses plugin steps, and plugins are not run by validate — `agglo validate --load-plugins` checks them too, running the plugins' code)\n");
    expect(markers()).toEqual([]);
  });

  it('with --load-plugins: imported, and its stage params are checked', () => {
    clearMarkers();
    const r = agglo(dir, 'validate', 'pipelines/bad-param.yaml', '--load-plugins');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pipelines/bad-param.yaml:3:40 error wrong-type: param `n` of stage `h` must be a number');
    expect(markers()).toEqual(['marker-local']);
  });

  it('run imports a listed plugin (running a pipeline trusts it)', () => {
    clearMarkers();
    const r = agglo(dir, 'run', pipeline('good.yaml', 'plugins/local.mjs'));
    expect(r.code, r.stderr).toBe(0);
    expect(markers()).toEqual(['marker-local']);
  });

  it('a package in the project node_modules is a plugin like a file', () => {
    clearMarkers();
    const r = agglo(dir, 'run', pipeline('pkg.yaml', 'inside-pkg'));
    expect(r.code, r.stderr).toBe(0);
    expect(markers()).toEqual(['marker-inside']);
  });
});

describe('plugins load only from inside the project', () => {
  it.each([
    ['a `..` path', '../shared/plugins/outside.mjs', 'is outside the project root'],
    ['an absolute path', '@ABS@', 'is outside the project root'],
    ['a symbolic link leading out', 'plugins/link.mjs', 'leads through a symbolic link to a file outside the project root'],
    ['a package found above the project', 'above-pkg', 'is a package installed outside the project (Node found it in a node_modules folder above the project root)'],
  ])('%s is refused before it is imported, by validate and by run', (_what, spec, why) => {
    const s = spec === '@ABS@' ? path.join(base, 'shared', 'plugins', 'outside.mjs') : spec;
    const file = pipeline('out.yaml', s);
    for (const args of [['validate', '--load-plugins'], ['validate'], ['run']]) {
      clearMarkers();
      const r = agglo(dir, args[0]!, file, ...args.slice(1));
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toContain(`pipelines/out.yaml:1:11 error outside-root: plugin \`${s}\` ${why}`);
      expect(r.stderr).toContain('plugins are code: agglo loads them only from inside the project');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(markers()).toEqual([]);
    }
  });
});

describe('agglo.config.yaml allow_read: the one opt-in for reading outside the root', () => {
  it('a folder listed there may hold plugins and data', () => {
    settings('allow_read:\n  - ../shared\n');
    try {
      clearMarkers();
      expect(agglo(dir, 'run', pipeline('allowed.yaml', '../shared/plugins/outside.mjs')).code).toBe(0);
      expect(markers()).toEqual(['marker-outside']);
      fs.writeFileSync(path.join(dir, 'pipelines', 'data.yaml'), `stages:\n  r: { step: read-csv, params: { path: ${JSON.stringify(path.join(base, 'shared', 'numbers.csv'))} } }\n`);
      const r = agglo(dir, 'run', 'pipelines/data.yaml');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(agglo(dir, 'show', 'r', '--pipeline', 'pipelines/data.yaml', '--json').stdout)).toEqual([{ n: 7 }]);
    } finally {
      settings(undefined);
    }
    // Without the setting, the same data file is refused again.
    expect(agglo(dir, 'validate', 'pipelines/data.yaml').code).toBe(2);
  });

  it('a broken settings file is a located error and grants nothing', () => {
    settings('allow_read:\n  - ../nowhere\nallow_write: [/]\n');
    try {
      const r = agglo(dir, 'validate', pipeline('good.yaml', 'plugins/local.mjs'));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('agglo.config.yaml:2:5 error bad-settings: `allow_read` folder `../nowhere` does not exist or is not a folder');
      expect(r.stderr).toContain('agglo.config.yaml:3:1 error unknown-key: unknown setting `allow_write` in `agglo.config.yaml`');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      settings(undefined);
    }
  });
});
