/**
 * Run output. On a terminal: a live display, one line per stage (status, items done/total,
 * cached vs ran, elapsed), redrawn in place. Otherwise: one plain line per finished stage.
 * Stages that stayed cached are one line at the end ("· 33 stages cached (up to date)")
 * unless `verbose`: a rerun shows what ran, failed or was skipped, not the whole pipeline.
 */
import type { RunEvent, StageReport } from './run.js';

interface Live { id: string; total: number; cached: number; ran: number; failed: number; t0: number; done?: StageReport }

const SYMBOL: Record<string, string> = { ran: '✓', cached: '·', failed: '✗', skipped: '-', 'would-run': '○' };

export function stageLine(r: StageReport): string {
  const { total, ran, cached, failed } = r.items;
  const first = r.status === 'would-run' ? `${total - cached - failed} would run` : `${ran} ran`;
  const counts = total > 1 ? ` ${total} items: ${first}, ${cached} cached${failed ? `, ${failed} failed` : ''}` : '';
  const time = r.status === 'ran' || r.status === 'failed' ? ` ${(r.ms / 1000).toFixed(2)}s` : '';
  const jobs = r.jobs?.length ? ` [SLURM job${r.jobs.length === 1 ? '' : 's'} ${r.jobs.length > 6 ? `${r.jobs.slice(0, 6).join(', ')}, … (${r.jobs.length})` : r.jobs.join(', ')}]` : '';
  return `${SYMBOL[r.status] ?? ' '} ${r.status.padEnd(7)} ${r.id} (${r.step})${counts}${time}${jobs} — ${r.reason}`;
}

/** The one line for the stages that stayed cached (empty when none did). */
export function cachedLine(n: number): string {
  return n === 0 ? '' : `${SYMBOL.cached} ${n} stage${n === 1 ? '' : 's'} cached (up to date)`;
}

export class Progress {
  private readonly live = new Map<string, Live>();
  private timer: NodeJS.Timeout | undefined;
  private drawn = 0;
  /** Stages finished as cached whose lines were left out (not verbose). */
  private cached = 0;

  constructor(private readonly write: (s: string) => void, private readonly tty: boolean, private readonly verbose = false) {
    if (tty) this.timer = setInterval(() => this.redraw(), 100);
  }

  /** Whether a finished stage gets a line of its own. */
  private shown(r: StageReport): boolean {
    return this.verbose || r.status !== 'cached';
  }

  onEvent = (e: RunEvent): void => {
    switch (e.type) {
      case 'stage-start':
        this.live.set(e.id, { id: e.id, total: e.total, cached: e.cached, ran: 0, failed: 0, t0: performance.now() });
        break;
      case 'task-done': {
        const l = this.live.get(e.id);
        if (l && e.status === 'ran') l.ran++;
        if (l && e.status === 'failed') l.failed++;
        break;
      }
      case 'stage-done': {
        const l = this.live.get(e.report.id) ?? { id: e.report.id, total: 0, cached: 0, ran: 0, failed: 0, t0: performance.now() };
        l.done = e.report;
        this.live.set(e.report.id, l);
        if (!this.shown(e.report)) this.cached++;
        else if (!this.tty) this.write(stageLine(e.report) + '\n');
        break;
      }
      case 'warning':
        this.clear();
        this.write(`warning: ${e.message}\n`);
        break;
    }
  };

  private clear(): void {
    if (this.tty && this.drawn > 0) this.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }

  private redraw(): void {
    this.clear();
    const lines = [...this.live.values()].filter((l) => !l.done || this.shown(l.done)).map((l) => {
      if (l.done) return stageLine(l.done);
      const secs = ((performance.now() - l.t0) / 1000).toFixed(1);
      return `… running ${l.id} ${l.ran + l.cached + l.failed}/${l.total} (${l.cached} cached, ${l.ran} ran${l.failed ? `, ${l.failed} failed` : ''}) ${secs}s`;
    });
    if (this.cached > 0) lines.push(cachedLine(this.cached));
    if (this.clusterText) lines.push(this.clusterText);
    if (lines.length) this.write(lines.join('\n') + '\n');
    this.drawn = lines.length;
  }

  private clusterText = '';
  private clusterAt = 0;
  /**
   * Where the tasks sent to a cluster are, by stage (engine/cluster/slurm-executor.ts). On a
   * terminal it is part of the live display; otherwise a line at most every 2 seconds.
   */
  cluster(stages: ReadonlyMap<string, { queued: number; running: number; done: number }>, jobs: readonly string[]): void {
    const parts = [...stages].filter(([, c]) => c.queued + c.running > 0).map(([id, c]) => `${id} ${c.queued} queued, ${c.running} running, ${c.done} done`);
    this.clusterText = parts.length ? `slurm: ${parts.join('; ')} (${jobs.length} worker job${jobs.length === 1 ? '' : 's'}${jobs.length ? `: ${jobs.slice(0, 8).join(', ')}${jobs.length > 8 ? ', …' : ''}` : ''})` : '';
    if (this.tty || !this.clusterText || performance.now() - this.clusterAt < 2000) return;
    this.clusterAt = performance.now();
    this.write(this.clusterText + '\n');
  }

  /** Ends the display: the final redraw on a terminal, else the line for the cached stages. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty) this.redraw();
    else if (this.cached > 0) this.write(cachedLine(this.cached) + '\n');
  }
}
