/** `agglo dag [PIPELINE] --format mermaid|dot|text`: the stage graph, stale stages marked. */
import { runPipeline, type StageReport } from '../run.js';
import { EXIT_INVALID, EXIT_OK, loadOrReport, makeExecutor, openProject, UsageError, type Io } from './common.js';
import type { Plan } from '../plan.js';

export async function dagCommand(flags: { pipeline: string; format: string }, io: Io): Promise<number> {
  if (!FORMATS.includes(flags.format)) throw new UsageError(`--format must be mermaid, dot or text, got \`${flags.format}\``);
  const project = openProject(io);
  const { loaded, plan } = await loadOrReport(flags.pipeline, project, io);
  if (!plan) return EXIT_INVALID;
  const dry = await runPipeline({ plan, store: project.store, executor: makeExecutor(loaded, 1), root: project.root }, { jobs: 1, keepGoing: true, dryRun: true });
  const status = new Map(dry.stages.map((s) => [s.id, s]));
  io.out(flags.format === 'mermaid' ? mermaid(plan, status) : flags.format === 'dot' ? dot(plan, status) : text(plan, status));
  return EXIT_OK;
}

const FORMATS = ['mermaid', 'dot', 'text'];

function label(plan: Plan, id: string, s: StageReport | undefined): string {
  const p = plan.stages.get(id)!;
  const fan = p.dims.length ? ` ×${s?.items.total ?? '?'}` : '';
  return `${id}\\n${p.spec.step}${fan}${s && s.status !== 'cached' ? `\\n(${s.status === 'would-run' ? 'stale' : s.status})` : ''}`;
}

function implicit(plan: Plan, from: string, to: string): boolean {
  const s = plan.stages.get(to)!;
  return s.observed.includes(from) && !Object.values(s.spec.inputs).some((r) => r.kind === 'stage' && r.stage === from);
}

export function mermaid(plan: Plan, status: Map<string, StageReport>): string {
  const lines = ['flowchart TD'];
  for (const id of plan.order) lines.push(`  ${id}["${label(plan, id, status.get(id)).replaceAll('\\n', '<br/>')}"]`);
  // Edges into a pipeline-observing stage (report) that are not data inputs are dotted.
  for (const e of plan.graph.edges()) lines.push(`  ${e.v} ${implicit(plan, e.v, e.w) ? '-.->' : '-->'} ${e.w}`);
  const stale = plan.order.filter((id) => status.get(id)?.status !== 'cached');
  lines.push('  classDef stale fill:#fde2e1,stroke:#c0392b;', '  classDef fresh fill:#e3f4e1,stroke:#2e7d32;');
  if (stale.length) lines.push(`  class ${stale.join(',')} stale;`);
  const fresh = plan.order.filter((id) => status.get(id)?.status === 'cached');
  if (fresh.length) lines.push(`  class ${fresh.join(',')} fresh;`);
  return lines.join('\n') + '\n';
}

export function dot(plan: Plan, status: Map<string, StageReport>): string {
  const lines = ['digraph agglo {', '  rankdir=TB;', '  node [shape=box, style="rounded,filled", fontname="Helvetica"];'];
  for (const id of plan.order) {
    const fresh = status.get(id)?.status === 'cached';
    lines.push(`  "${id}" [label="${label(plan, id, status.get(id))}", fillcolor="${fresh ? '#e3f4e1' : '#fde2e1'}"];`);
  }
  for (const e of plan.graph.edges()) lines.push(`  "${e.v}" -> "${e.w}"${implicit(plan, e.v, e.w) ? ' [style=dotted]' : ''};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

/**
 * The graph as text for the terminal: one line per stage in run order (every stage after
 * those it reads), marked `·` up to date or `○` stale (`✗` failed, `-` skipped: e.g. a
 * foreach file that cannot be read), with its step, its fan-out and the stages it reads
 * (`←`). A stage that observes the whole pipeline (a report) names the stages it reads as
 * data and counts the others.
 */
export function text(plan: Plan, status: Map<string, StageReport>): string {
  const kind = (id: string) => TEXT_MARKS.find((m) => m.status === (status.get(id)?.status ?? 'would-run')) ?? TEXT_MARKS[1]!;
  const lines = plan.order.map((id) => {
    const p = plan.stages.get(id)!;
    const fan = p.dims.length ? ` ×${status.get(id)?.items.total || '?'}` : '';
    const data = p.deps.filter((d) => !implicit(plan, d, id));
    const seen = p.deps.length - data.length;
    const reads = data.length ? ` ← ${data.join(', ')}` : '';
    const observes = seen ? `${data.length ? ';' : ' ←'} observes ${seen} more stage${seen === 1 ? '' : 's'}` : '';
    return `${kind(id).mark} ${id} (${p.spec.step}${fan})${reads}${observes}`;
  });
  const counts = TEXT_MARKS.map((m) => ({ ...m, n: plan.order.filter((id) => kind(id) === m).length })).filter((m) => m.n > 0 || m.status !== 'failed' && m.status !== 'skipped');
  lines.push('', `${plan.order.length} stages: ${counts.map((m) => `${m.n} ${m.label} (${m.mark})`).join(', ')}`);
  return lines.join('\n') + '\n';
}

const TEXT_MARKS = [
  { status: 'cached', mark: '·', label: 'up to date' },
  { status: 'would-run', mark: '○', label: 'stale' },
  { status: 'failed', mark: '✗', label: 'failed' },
  { status: 'skipped', mark: '-', label: 'skipped' },
] as const;
