/**
 * Run output. On a terminal: a live display, one line per stage (status, items done/total,
 * cached vs ran, elapsed), redrawn in place. Otherwise: one plain line per finished stage.
 */
import type { RunEvent, StageReport } from './run.js';

interface Live { id: string; total: number; cached: number; ran: number; failed: number; t0: number; done?: StageReport }

const SYMBOL: Record<string, string> = { ran: '✓', cached: '·', failed: '✗', skipped: '-', 'would-run': '○' };

export function stageLine(r: StageReport): string {
  const { total, ran, cached, failed } = r.items;
  const first = r.status === 'would-run' ? `${total - cached - failed} would run` : `${ran} ran`;
  const counts = total > 1 ? ` ${total} items: ${first}, ${cached} cached${failed ? `, ${failed} failed` : ''}` : '';
  const time = r.status === 'ran' || r.status === 'failed' ? ` ${(r.ms / 1000).toFixed(2)}s` : '';
  return `${SYMBOL[r.status] ?? ' '} ${r.status.padEnd(7)} ${r.id} (${r.step})${counts}${time} — ${r.reason}`;
}

export class Progress {
  private readonly live = new Map<string, Live>();
  private timer: NodeJS.Timeout | undefined;
  private drawn = 0;

  constructor(private readonly write: (s: string) => void, private readonly tty: boolean) {
    if (tty) this.timer = setInterval(() => this.redraw(), 100);
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
        if (!this.tty) this.write(stageLine(e.report) + '\n');
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
    const lines = [...this.live.values()].map((l) => {
      if (l.done) return stageLine(l.done);
      const secs = ((performance.now() - l.t0) / 1000).toFixed(1);
      return `… running ${l.id} ${l.ran + l.cached + l.failed}/${l.total} (${l.cached} cached, ${l.ran} ran${l.failed ? `, ${l.failed} failed` : ''}) ${secs}s`;
    });
    if (lines.length) this.write(lines.join('\n') + '\n');
    this.drawn = lines.length;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty) this.redraw();
  }
}
