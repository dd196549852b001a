/** `agglo show STAGE [--item k=v …] [--output NAME] [--json|--csv]`: a stage's cached result. */
import { decodeValue } from '../canonical.js';
import { formatCsv } from '../csv.js';
import { dict, own } from '../dict.js';
import { formatTable } from '../format-table.js';
import { gather } from '../inputs.js';
import { runPipeline } from '../run.js';
import { loadState, stateName } from '../state.js';
import { tableRows } from '../table.js';
import { isCollection, isTable, type ItemKey, type Value } from '../value.js';
import { canonicalScalar } from '../items.js';
import { suggest } from '../suggest.js';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK, loadOrReport, makeExecutor, openProject, UsageError, type Io } from './common.js';

export interface ShowFlags {
  readonly pipeline: string;
  readonly stage: string;
  readonly items: string[];
  readonly output?: string;
  readonly json: boolean;
  readonly csv: boolean;
}

export async function showCommand(flags: ShowFlags, io: Io): Promise<number> {
  const project = openProject(io);
  const { loaded, plan } = await loadOrReport(flags.pipeline, project, io);
  if (!plan) return EXIT_INVALID;
  const planned = plan.stages.get(flags.stage);
  if (!planned) {
    const hint = suggest(flags.stage, [...plan.stages.keys()]);
    io.err(`error: no stage \`${flags.stage}\` in ${plan.pipeline.displayFile}${hint ? `; did you mean \`${hint}\`?` : ''}\n`);
    return EXIT_INVALID;
  }
  const outputs = Object.keys(planned.step.def.outputs);
  const output = flags.output ?? outputs[0]!;
  if (!outputs.includes(output)) {
    io.err(`error: step \`${planned.spec.step}\` has no output \`${output}\`; outputs are: ${outputs.join(', ')}\n`);
    return EXIT_INVALID;
  }
  const filter = parseItemFilter(flags.items);
  const state = own(loadState(project.store, stateName(project.root, plan.pipeline.file)).stages, flags.stage);
  if (!state || Object.keys(state.items).length === 0) {
    io.err(`error: stage \`${flags.stage}\` has no result yet; run \`agglo run ${plan.pipeline.displayFile}\` first\n`);
    return EXIT_FAILED;
  }
  const dry = await runPipeline({ plan, store: project.store, executor: makeExecutor(loaded, 1), root: project.root }, { jobs: 1, keepGoing: true, dryRun: true, targets: [flags.stage] });
  const st = dry.stages.find((s) => s.id === flags.stage);
  if (st && st.status !== 'cached') io.err(`warning: \`${flags.stage}\` is out of date (${st.reason}); showing its last result\n`);

  const keys: ItemKey[] = [];
  const values: Value[] = [];
  for (const [id, item] of Object.entries(state.items)) {
    const key = parseItemId(id);
    if (!Object.entries(filter).every(([k, v]) => Object.hasOwn(key, k) && String(key[k]) === v)) continue;
    const h = own(item.outputs, output);
    const bytes = h ? project.store.getObject(h) : undefined;
    if (!bytes) {
      io.err(`error: the cached result of \`${flags.stage}\`${id ? ` ${id}` : ''} is missing or damaged; run the pipeline again to recompute it\n`);
      return EXIT_FAILED;
    }
    keys.push(typedKey(key, planned.spec.foreach ? Object.keys(planned.spec.foreach) : []));
    values.push(decodeValue(Buffer.from(bytes).toString('utf8')) as Value);
  }
  if (values.length === 0) {
    io.err(`error: no item of \`${flags.stage}\` matches ${flags.items.join(' ')}\n`);
    return EXIT_FAILED;
  }
  const value = planned.dims.length === 0 || values.length === 1 ? values[0]! : gather(keys, values, planned.dims);
  io.out(render(value, flags));
  return EXIT_OK;
}

function render(v: Value, flags: ShowFlags): string {
  if (isTable(v)) {
    if (flags.csv) return formatCsv(v);
    if (flags.json) return JSON.stringify(tableRows(v), null, 2) + '\n';
    return formatTable(v, 200);
  }
  if (isCollection(v) && !flags.json) return v.items.map((it) => `# ${Object.entries(it.key).map(([k, x]) => `${k}=${x}`).join(', ')}\n${render(it.value, flags)}`).join('\n');
  return JSON.stringify(v, null, 2) + '\n';
}

function parseItemFilter(args: string[]): Record<string, string> {
  const out = dict<string>();
  for (const a of args) {
    const m = /^([^=]+)=(.*)$/.exec(a);
    if (!m) throw new UsageError(`--item takes key=value, got \`${a}\``);
    out[m[1]!] = m[2]!;
  }
  return out;
}

function parseItemId(id: string): Record<string, string> {
  const out = dict<string>();
  if (!id) return out;
  for (const part of id.split(',')) {
    const i = part.indexOf('=');
    out[part.slice(0, i)] = decodeURIComponent(part.slice(i + 1));
  }
  return out;
}

/** Item ids are text; numbers come back as numbers so stacked key columns stay numeric. */
function typedKey(k: Record<string, string>, dims: string[]): ItemKey {
  const out: ItemKey = dict();
  for (const d of dims) {
    out[d] = canonicalScalar(own(k, d) ?? '');
  }
  return out;
}
