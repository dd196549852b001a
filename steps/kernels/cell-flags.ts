/**
 * Cell-by-cell provenance of model variables: each variable is computed from source columns
 * of a data set whose cells are flagged real | derived | estimated | missing; a variable's cell
 * is as good as its worst source cell (estimated > derived > real; missing stays missing
 * unless the pipeline filled it, which makes it estimated).
 */

export type CellStatus = 'real' | 'derived' | 'estimated' | 'missing';

/** One flagged source cell. */
export interface SourceFlag {
  entity: string;
  time: number;
  column: string;
  status: CellStatus;
  method: string;
}

/** The provenance of one model-variable cell. */
export interface VariableCell {
  entity: string;
  time: number;
  variable: string;
  status: CellStatus;
  /** Source columns (with their method) that made the cell estimated or derived; empty when real. */
  because: string;
}

const RANK: Record<CellStatus, number> = { real: 0, derived: 1, estimated: 2, missing: 3 };
export const STATUSES: readonly CellStatus[] = ['real', 'derived', 'estimated', 'missing'];

export function isCellStatus(s: string): s is CellStatus {
  // Own keys only: `constructor` or `toString` in a status cell must not pass as a status.
  return Object.hasOwn(RANK, s);
}

const cellKey = (entity: string, time: number, column: string): string => `${entity}\u0000${time}\u0000${column}`;

/**
 * Every (entity, time) × variable cell's status. A source cell without a flag is an error
 * reported through `onMissingFlag` (the flags must cover every cell they are asked about).
 * A column in `across` enters every entity's cell of a period (e.g. eq 9's employment weights
 * enter every province's location quotient of that year): its status in a cell is the worst
 * over all entities of the sample in that period.
 */
export function variableCells(
  flags: readonly SourceFlag[],
  sources: Readonly<Record<string, readonly string[]>>,
  sample: readonly { entity: string; time: number }[],
  onMissingFlag: (entity: string, time: number, column: string) => never,
  across: ReadonlySet<string> = new Set(),
): VariableCell[] {
  const byCell = new Map<string, SourceFlag>();
  for (const f of flags) byCell.set(cellKey(f.entity, f.time, f.column), f);
  const flagOf = (entity: string, time: number, c: string): SourceFlag => byCell.get(cellKey(entity, time, c)) ?? onMissingFlag(entity, time, c);
  // For `across` columns: per (time, column) the worst status and the entities that are not real.
  const period = new Map<string, { status: CellStatus; entities: string[] }>();
  const entitiesAt = new Map<number, string[]>();
  for (const { entity, time } of sample) entitiesAt.set(time, [...(entitiesAt.get(time) ?? []), entity]);
  for (const c of across) {
    for (const [time, ents] of entitiesAt) {
      let status: CellStatus = 'real';
      const bad: string[] = [];
      for (const e of ents) {
        const s = flagOf(e, time, c).status;
        if (s !== 'real') bad.push(e);
        if (RANK[s] > RANK[status]) status = s;
      }
      period.set(`${time}\u0000${c}`, { status, entities: bad });
    }
  }
  const out: VariableCell[] = [];
  for (const [variable, cols] of Object.entries(sources)) {
    for (const { entity, time } of sample) {
      let status: CellStatus = 'real';
      const why: string[] = [];
      for (const c of cols) {
        let s: CellStatus;
        if (across.has(c)) {
          const p = period.get(`${time}\u0000${c}`)!;
          s = p.status;
          if (s !== 'real') why.push(`${c}: ${s} in ${time} for ${p.entities.length === entitiesAt.get(time)!.length ? 'every entity' : p.entities.join(' ')} (it enters every entity's value of the period)`);
        } else {
          const f = flagOf(entity, time, c);
          s = f.status;
          if (s !== 'real') why.push(`${c}: ${s}${f.method ? ` (${f.method})` : ''}`);
        }
        if (RANK[s] > RANK[status]) status = s;
      }
      out.push({ entity, time, variable, status, because: why.join('; ') });
    }
  }
  return out;
}

/** Per variable: counts by status and where the estimated cells are ("2011: all 30; 2012: GUD"). */
export interface VariableSummary {
  variable: string;
  cells: number;
  counts: Record<CellStatus, number>;
  where: string;
}

export function summarise(cells: readonly VariableCell[], entitiesPerTime: ReadonlyMap<number, number>): VariableSummary[] {
  const by = new Map<string, VariableCell[]>();
  for (const c of cells) by.set(c.variable, [...(by.get(c.variable) ?? []), c]);
  return [...by].map(([variable, cs]) => {
    const counts = { real: 0, derived: 0, estimated: 0, missing: 0 } as Record<CellStatus, number>;
    for (const c of cs) counts[c.status]++;
    const est = cs.filter((c) => c.status === 'estimated');
    const times = [...new Set(est.map((c) => c.time))].sort((a, b) => a - b);
    const where = times.map((t) => {
      const es = est.filter((c) => c.time === t).map((c) => c.entity);
      return es.length === entitiesPerTime.get(t) ? `${t}: all ${es.length}` : `${t}: ${es.join(' ')}`;
    }).join('; ');
    return { variable, cells: cs.length, counts, where };
  });
}

/** One sentence for a table note: "Estimated cells: pcw 30 of 390 (2011: all 30); …". */
export function noteText(summary: readonly VariableSummary[], where: string | undefined): string {
  const est = summary.filter((s) => s.counts.estimated > 0);
  if (est.length === 0) return 'Every cell of these variables is real or derived from real data.';
  const parts = est.map((s) => `${s.variable} ${s.counts.estimated} of ${s.cells} (${s.where})`);
  return `Estimated cells: ${parts.join('; ')}.${where ? ` Cell by cell: ${where}.` : ''}`;
}
