/**
 * The variants of a sweep: the cross product of its dimensions' choices, less the
 * combinations `exclude:` matches, plus those `include:` adds (each once, in order: the
 * cross product first, in declaration order with the last dimension varying fastest).
 */
import type { ChoiceMap, SweepDimension, SweepSpec } from './sweep-file.js';

/** The most variants a sweep may have (before exclusions): beyond it the sweep is refused. */
export const MAX_SWEEP_VARIANTS = 100_000;

export interface Variant {
  /** `dim=choice,dim=choice` in dimension order, e.g. `years=2013..2023,estimator=random`. */
  readonly id: string;
  /** Dimension → choice name, in dimension order. */
  readonly choices: Readonly<Record<string, string>>;
}

/** The variant id of a full choice map. */
export function variantId(dims: readonly SweepDimension[], choices: Readonly<Record<string, string>>): string {
  return dims.map((d) => `${d.name}=${choices[d.name]}`).join(',');
}

/** How many combinations the cross product has. */
export function crossSize(dims: readonly SweepDimension[]): number {
  return dims.reduce((n, d) => n * d.choices.length, 1);
}

const matches = (ex: ChoiceMap, choices: Readonly<Record<string, string>>) => Object.entries(ex.choices).every(([d, c]) => choices[d] === c);

/** The variants (call only when crossSize is within MAX_SWEEP_VARIANTS). */
export function expandVariants(sweep: Pick<SweepSpec, 'dimensions' | 'exclude' | 'include'>): Variant[] {
  const dims = sweep.dimensions;
  const out: Variant[] = [];
  const seen = new Set<string>();
  const add = (choices: Record<string, string>) => {
    const id = variantId(dims, choices);
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ id, choices });
  };
  const total = crossSize(dims);
  for (let k = 0; k < total; k++) {
    const choices: Record<string, string> = {};
    let rest = k;
    for (let i = dims.length - 1; i >= 0; i--) {
      const d = dims[i]!;
      choices[d.name] = d.choices[rest % d.choices.length]!.name;
      rest = Math.floor(rest / d.choices.length);
    }
    const ordered = Object.fromEntries(dims.map((d) => [d.name, choices[d.name]!]));
    if (sweep.exclude.some((ex) => matches(ex, ordered))) continue;
    add(ordered);
  }
  for (const inc of sweep.include) add(Object.fromEntries(dims.map((d) => [d.name, inc.choices[d.name]!])));
  return out;
}
