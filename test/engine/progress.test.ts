import { describe, expect, it } from 'vitest';
import { cachedLine, Progress, stageLine } from '../../engine/progress.js';
import type { StageReport } from '../../engine/run.js';

function report(id: string, status: StageReport['status'], reason: string, total = 1): StageReport {
  const ran = status === 'ran' ? total : 0;
  return { id, step: 'derive', status, reason, items: { total, ran, cached: total - ran, failed: 0 }, ms: 120, errors: [], notes: [] };
}

/** A Progress fed the stage-done events of `reports`, and what it wrote. */
function feed(reports: StageReport[], opts: { tty?: boolean; verbose?: boolean } = {}): string {
  let out = '';
  const p = new Progress((s) => (out += s), opts.tty === true, opts.verbose === true);
  for (const r of reports) {
    p.onEvent({ type: 'stage-start', id: r.id, total: r.items.total, cached: r.items.cached });
    p.onEvent({ type: 'stage-done', report: r });
  }
  p.stop();
  return out;
}

const stages = [
  report('panel', 'cached', 'up to date'),
  report('vars', 'ran', 'param `columns` changed'),
  report('fe', 'cached', 'up to date'),
  report('by_year', 'cached', 'up to date', 13),
  report('summary', 'failed', 'no rows'),
];

describe('Progress: one line for the cached stages (issue 10)', () => {
  it('prints the stages that ran or failed as they finish, then one line for the cached ones', () => {
    expect(feed(stages)).toBe([
      '✓ ran     vars (derive) 0.12s — param `columns` changed',
      '✗ failed  summary (derive) 0.12s — no rows',
      '· 3 stages cached (up to date)',
      '',
    ].join('\n'));
  });

  it('--verbose prints every stage, cached ones included, and no count line', () => {
    expect(feed(stages, { verbose: true })).toBe(stages.map((s) => stageLine(s) + '\n').join(''));
  });

  it('prints no count line when nothing stayed cached, and says "stage" for one', () => {
    expect(feed([report('vars', 'ran', 'never run')])).toBe('✓ ran     vars (derive) 0.12s — never run\n');
    expect(feed([report('vars', 'cached', 'up to date')])).toBe('· 1 stage cached (up to date)\n');
    expect(cachedLine(0)).toBe('');
  });

  it('on a terminal, the last frame shows the stages that ran and the count line', () => {
    const out = feed(stages, { tty: true });
    const frames = out.split(/\x1b\[\d+F\x1b\[J/);
    expect(frames.at(-1)).toBe([
      '✓ ran     vars (derive) 0.12s — param `columns` changed',
      '✗ failed  summary (derive) 0.12s — no rows',
      '· 3 stages cached (up to date)',
      '',
    ].join('\n'));
  });
});
