/**
 * Editor support (issue 10, item 4): `agglo schema` writes the JSON Schema of pipeline files,
 * the pipelines in pipelines/ name the committed copy in their first line (the
 * yaml-language-server modeline), and the real YAML language server (the npm package VS
 * Code's YAML extension runs) completes step names and params from it and marks a wrong
 * param. The server reads the schema from the local file; the schema store is switched off,
 * so nothing is fetched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from './lsp-client.js';
import { agglo, makeProject, repo } from './support.js';

const SCHEMA = 'schema/agglo-pipeline.schema.json';

const SWEEP_SCHEMA = 'schema/agglo-sweep.schema.json';

/** YAML files under `dir` (relative to the repository) that are sweep files (a top-level `sweep:` key), or pipelines. */
function yamlFiles(sweeps: boolean, dir = 'pipelines'): string[] {
  return fs.readdirSync(path.join(repo, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(sweeps, `${dir}/${e.name}`) : /\.ya?ml$/.test(e.name) && /^sweep:/m.test(fs.readFileSync(path.join(repo, dir, e.name), 'utf8')) === sweeps ? [`${dir}/${e.name}`] : []);
}
const pipelineFiles = () => yamlFiles(false);
const sweepFiles = () => yamlFiles(true);

describe('agglo schema', () => {
  it(`${SCHEMA} is what \`agglo schema\` prints (regenerate with \`agglo schema -o ${SCHEMA}\` after changing a step)`, () => {
    const r = agglo(repo, 'schema');
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(repo, SCHEMA), 'utf8')).toBe(r.stdout);
  });

  it(`${SWEEP_SCHEMA} is what \`agglo schema --sweep\` prints`, () => {
    const r = agglo(repo, 'schema', '--sweep');
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(repo, SWEEP_SCHEMA), 'utf8')).toBe(r.stdout);
    const withPipeline = agglo(repo, 'schema', '--sweep', '-p', 'pipelines/paper.yaml');
    expect(withPipeline.code).toBe(2);
    expect(withPipeline.stderr).toMatch(/^error: --sweep takes no pipeline/);
  });

  it('every pipeline (and sweep file) in pipelines/ names the committed schema in its first line, by a path relative to the file', () => {
    const files = pipelineFiles();
    expect(files).toContain('pipelines/paper.yaml');
    expect(sweepFiles()).toContain('pipelines/sweeps/robustness.yaml');
    for (const [f, schema] of [...files.map((f): [string, string] => [f, SCHEMA]), ...sweepFiles().map((f): [string, string] => [f, SWEEP_SCHEMA])]) {
      const first = fs.readFileSync(path.join(repo, f), 'utf8').split('\n')[0];
      const rel = path.relative(path.dirname(path.join(repo, f)), path.join(repo, schema)).split(path.sep).join('/');
      expect(first, f).toBe(`# yaml-language-server: $schema=${rel}`);
    }
  });

  it('-p adds the steps of the pipeline\'s plugins; -o writes inside the project only', () => {
    const dir = makeProject({
      'plugins/clip.mjs': `export default {
  name: 'clip', version: '1', description: 'Clamps a column.',
  params: { type: 'object', properties: { column: { type: 'string', description: 'The column to clamp.' }, upper: { type: 'number' } }, required: ['column'], additionalProperties: false },
  inputs: { data: { description: 'A table.' } }, outputs: { table: 'The table.' },
  run: (ctx) => ({ table: ctx.inputs.data }),
};
`,
      'pipelines/p.yaml': 'plugins: [plugins/clip.mjs]\nstages:\n  c: { step: clip, inputs: { data: data/x.csv }, params: { column: a } }\n',
      'data/x.csv': 'a\n1\n',
    });
    const r = agglo(dir, 'schema', '-p', 'pipelines/p.yaml', '-o', 'schema/p.schema.json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`schema/p.schema.json: the pipeline schema with ${(JSON.parse(agglo(dir, 'schema').stdout).definitions.step.enum as string[]).length + 1} steps\n`);
    const schema = JSON.parse(fs.readFileSync(path.join(dir, 'schema/p.schema.json'), 'utf8'));
    expect(schema.definitions.step.enum).toContain('clip');
    expect(schema.definitions['params-clip'].properties.column.description).toBe('The column to clamp.');
    expect(JSON.parse(agglo(dir, 'schema').stdout).definitions.step.enum).not.toContain('clip');

    const outside = agglo(dir, 'schema', '-o', '../elsewhere.json');
    expect(outside.code).toBe(2);
    expect(outside.stderr).toBe('error: --output `../elsewhere.json` is outside the project (the folder agglo runs in); write the schema inside it, e.g. `-o schema/my-pipeline.schema.json`, and point the modeline at it\n');
    expect(fs.existsSync(path.join(dir, '../elsewhere.json'))).toBe(false);
    const folder = agglo(dir, 'schema', '-o', 'schema');
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/^error: --output `schema` is a folder/);
  });

  it('a plugin that cannot be loaded is a located error, exit 2, and no schema', () => {
    const dir = makeProject({ 'pipelines/p.yaml': 'plugins: [plugins/nope.mjs]\nstages:\n  c: { step: clip }\n' });
    const r = agglo(dir, 'schema', '-p', 'pipelines/p.yaml', '-o', 'schema/p.schema.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pipelines\/p\.yaml:1:11 error missing-plugin: plugin `plugins\/nope\.mjs` not found/);
    expect(r.stderr).toContain("error: the schema needs the steps of `pipelines/p.yaml`'s plugins");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(dir, 'schema'))).toBe(false);
    const missing = agglo(dir, 'schema', '-p', 'pipelines/none.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: `pipelines/none.yaml` could not be read as a pipeline, so its plugins are unknown");
  });

  it('other problems of the pipeline do not stop it: the schema is what helps fix them', () => {
    const dir = makeProject({ 'pipelines/p.yaml': 'stages:\n  c: { step: read-csv, params: { pth: data/x.csv } }\n' });
    const r = agglo(dir, 'schema', '-p', 'pipelines/p.yaml');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('note: `pipelines/p.yaml` has 2 problems (`agglo validate pipelines/p.yaml` lists them); the schema is complete without fixing them\n');
    expect(JSON.parse(r.stdout).definitions.step.enum).toContain('read-csv');
  });
});

interface Diagnostic { range: { start: { line: number; character: number } }; message: string; severity: number }
interface CompletionItem { label: string }

describe('the YAML language server with the committed schema', () => {
  let server: LspClient;
  /** Settings the server asks for (`workspace/configuration`): no schema store, nothing fetched. */
  const yamlSettings = { validate: true, completion: true, hover: true, schemaStore: { enable: false }, kubernetesCRDStore: { enable: false }, schemas: {} };

  beforeAll(async () => {
    const bin = JSON.parse(fs.readFileSync(path.join(repo, 'node_modules/yaml-language-server/package.json'), 'utf8')).bin['yaml-language-server'] as string;
    server = new LspClient(process.execPath, [path.join('node_modules/yaml-language-server', bin), '--stdio'], repo, (method, params) =>
      method === 'workspace/configuration' ? (params as { items: { section?: string }[] }).items.map((i) => (i.section === 'yaml' ? yamlSettings : {})) : null);
    await server.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(repo).href,
      capabilities: { workspace: { configuration: true }, textDocument: { completion: { completionItem: { documentationFormat: ['plaintext'] } }, hover: { contentFormat: ['plaintext'] } } },
    });
    server.notify('initialized', {});
  }, 20_000);

  afterAll(() => server?.close());

  let opened = 0;
  /** Opens `text` as a (never saved) document in pipelines/, so the modeline's relative path finds the schema. */
  function open(text: string, file = `pipelines/editor-test-${++opened}.yaml`): string {
    const uri = pathToFileURL(path.join(repo, file)).href;
    server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    return uri;
  }
  const diagnostics = async (uri: string) => (await server.waitFor<{ uri: string; diagnostics: Diagnostic[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri)).diagnostics;
  async function complete(uri: string, line: number, character: number): Promise<string[]> {
    const r = await server.request<{ items: CompletionItem[] } | CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line, character } });
    return (Array.isArray(r) ? r : r.items).map((i) => i.label);
  }
  const MODELINE = `# yaml-language-server: $schema=../${SCHEMA}\n`;
  /** Zero-based line and column of the one occurrence of `word` in `text`. */
  function at(text: string, word: string): { line: number; col: number } {
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes(word));
    return { line, col: lines[line]!.indexOf(word) };
  }

  it('finds no problem in any pipeline of pipelines/ (`${params.…}` where lists and numbers go included)', async () => {
    for (const f of pipelineFiles()) {
      const uri = open(fs.readFileSync(path.join(repo, f), 'utf8'), f);
      expect((await diagnostics(uri)).map((d) => `${d.range.start.line + 1}: ${d.message}`), f).toEqual([]);
    }
    // The same file with one misspelt param: the silence above is the schema's, not a server that did not look.
    const paper = fs.readFileSync(path.join(repo, 'pipelines/paper.yaml'), 'utf8').replace('entity: province, time: year, model: random', 'entity: province, time: year, modle: random');
    const broken = await diagnostics(open(paper));
    expect(broken.map((d) => ({ line: d.range.start.line, col: d.range.start.character, message: d.message }))).toEqual([{ ...at(paper, 'modle'), message: 'Property modle is not allowed.' }]);
  }, 20_000);

  it('finds no problem in any sweep file of pipelines/sweeps/, and marks a misspelt key and a collect entry with both terms and columns', async () => {
    for (const f of sweepFiles()) {
      const uri = open(fs.readFileSync(path.join(repo, f), 'utf8'), f);
      expect((await diagnostics(uri)).map((d) => `${d.range.start.line + 1}: ${d.message}`), f).toEqual([]);
    }
    const text = `# yaml-language-server: $schema=../../${SWEEP_SCHEMA}\nsweep: ../paper.yaml\ndimensions:\n  est:\n    within: {}\n    random: { stages: { within: { parms: {} } } }\nexclude: []\ncolect: []\n`;
    const found = (await diagnostics(open(text, 'pipelines/sweeps/editor-test.yaml'))).map((d) => ({ line: d.range.start.line, col: d.range.start.character, message: d.message }));
    expect(found).toContainEqual({ ...at(text, 'colect'), message: 'Property colect is not allowed.' });
    expect(found.some((d) => /Missing property "collect"/.test(d.message))).toBe(true);
    const both = `# yaml-language-server: $schema=../../${SWEEP_SCHEMA}\nsweep: ../paper.yaml\ndimensions: { d: { a: {} } }\ncollect:\n  - { stage: within, terms: [gdp], columns: [r2] }\n`;
    expect((await diagnostics(open(both, 'pipelines/sweeps/editor-test-2.yaml'))).map((d) => d.range.start.line)).toEqual([4]);
  }, 20_000);

  it('completes step names after `step:`', async () => {
    const uri = open(`${MODELINE}stages:\n  fe:\n    step: \n`);
    const labels = await complete(uri, 3, 10);
    expect(labels).toEqual(expect.arrayContaining(['read-csv', 'panel-regression', 'ras', 'derive']));
  });

  it('completes the params of the stage\'s step, and their values', async () => {
    const uri = open(`${MODELINE}stages:\n  fe:\n    step: panel-regression\n    params:\n      \n`);
    expect(await complete(uri, 5, 6)).toEqual(expect.arrayContaining(['y', 'x', 'entity', 'time', 'model', 'effect', 'vcov']));
    const values = open(`${MODELINE}stages:\n  fe:\n    step: panel-regression\n    params:\n      model: \n`);
    expect((await complete(values, 5, 13)).sort()).toEqual(['between', 'pooled', 'random', 'within']);
  });

  it('marks a misspelt param and a wrong value where they are written', async () => {
    const text = `${MODELINE}stages:
  fe:
    step: panel-regression
    inputs: { data: panel }
    params: { y: idt, x: [gdp], entity: province, time: year, modle: within }
  re:
    step: panel-regression
    inputs: { data: panel }
    params: { y: idt, x: "\${params.x}", entity: province, time: year, model: randm }
`;
    const uri = open(text);
    const found = (await diagnostics(uri)).map((d) => ({ line: d.range.start.line, col: d.range.start.character, message: d.message, error: d.severity === 1 }));
    expect(found).toHaveLength(2);
    expect(found).toContainEqual({ ...at(text, 'modle'), message: 'Property modle is not allowed.', error: true });
    expect(found).toContainEqual({ ...at(text, 'randm'), message: 'Value is not accepted. Valid values: "pooled", "within", "random", "between".', error: true });
  });

  it('shows a param\'s description on hover', async () => {
    const uri = open(`${MODELINE}stages:\n  fe:\n    step: panel-regression\n    params:\n      model: within\n`);
    const hover = await server.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 8 } });
    const model = (await import('../../steps/panel-regression.js')).panelRegression.params.properties as Record<string, { description: string }>;
    expect(hover.contents.value).toContain(model.model!.description);
  });

  it('with a schema from `agglo schema -p`, completes a plugin step\'s params', async () => {
    const dir = makeProject({
      'plugins/clip.mjs': "export default { name: 'clip', version: '1', description: 'Clamps.', params: { type: 'object', properties: { column: { type: 'string' }, upper: { type: 'number' } }, additionalProperties: false }, inputs: {}, outputs: { table: 't' }, run: () => ({ table: null }) };\n",
      'pipelines/p.yaml': 'plugins: [plugins/clip.mjs]\nstages: {}\n',
    });
    expect(agglo(dir, 'schema', '-p', 'pipelines/p.yaml', '-o', 'schema/p.schema.json').code).toBe(0);
    const uri = pathToFileURL(path.join(dir, 'pipelines/q.yaml')).href;
    server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: '# yaml-language-server: $schema=../schema/p.schema.json\nplugins: [plugins/clip.mjs]\nstages:\n  c:\n    step: clip\n    params:\n      \n' } });
    expect(await complete(uri, 6, 6)).toEqual(['column', 'upper']);
  });
});
