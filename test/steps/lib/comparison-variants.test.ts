/**
 * The "variants" section of paper-comparison: one row per collected variant, the row of this
 * run marked, an out-of-date table said to be so, and a missing one said how to make.
 */
import { describe, expect, it } from 'vitest';
import { tableFromRows } from '../../../engine/table.js';
import { currentVariant, variantsSection } from '../../../steps/lib/comparison-variants.js';

// This run's summary (the shape of paper-comparison's `summary` output; numbers made up).
const summary = { spearman: 0.8456660090624968, idt_mean: 0.84, idt_sd: 0.31, coefficients_compared: 9, same_sign: 6, same_significance: 3, f_individual: 83.5466, hausman: 25.54, paper_idt_mean: 0.966, paper_idt_sd: 0.476, paper_f_individual: 89.81, paper_hausman: 296.92 };
const row = (base: string, spearman: number, hausman = 25.54) => ({ variant: `base=${base}`, base, spearman, idt_mean: 0.84, idt_sd: 0.31, coefficients_compared: 9, same_sign: 6, same_significance: 3, f_individual: 83.5466, hausman });

describe('variants section', () => {
  it('marks the row that is this run, labels rows by their choices, and ends with the paper', () => {
    const t = tableFromRows([row('2007', 0.75), row('nearest', 0.8456660090624968)]);
    const md = variantsSection(t, summary, { heading: 'Base-table variants', sweep: 'pipelines/sweeps/b.yaml' }).join('\n');
    expect(md).toContain('## Base-table variants');
    expect(md).toContain("| base | Spearman's ρ (Table 2) | idt mean | idt SD | Table 5 same sign | same significance | F | Hausman |");
    expect(md).toContain('| 2007 | 0.750 | 0.840 | 0.310 | 6 of 9 | 3 of 9 | 83.55 | 25.54 |');
    expect(md).toContain('| nearest (this run) | 0.846 |');
    expect(md).toContain('| the paper | 1 | 0.966 | 0.476 |  |  | 89.81 | 296.92 |');
    expect(md).not.toContain('Out of date');
  });

  it('says the table is out of date when no row is this run (a number differs beyond 1e-9 relative)', () => {
    const t = tableFromRows([row('nearest', 0.8456660090624968, 25.54 * (1 + 1e-6))]);
    expect(currentVariant([row('nearest', 0.8456660090624968, 25.54 * (1 + 1e-12))], summary)).toBe(0);
    expect(currentVariant([row('nearest', 0.8456660090624968, 25.54 * (1 + 1e-6))], summary)).toBe(-1);
    const md = variantsSection(t, summary, { heading: 'V', sweep: 'pipelines/sweeps/b.yaml' }).join('\n');
    expect(md).toContain('> **Out of date.** No row below is this run\'s result');
    expect(md).toContain('Run `agglo sweep pipelines/sweeps/b.yaml` again, then this pipeline.');
    expect(md).not.toContain('(this run)');
  });

  it('says how to collect the table while there is none', () => {
    expect(variantsSection(tableFromRows([]), summary, { heading: 'V', sweep: 'pipelines/sweeps/b.yaml' })).toEqual(['## V', '', 'Not collected yet: run `agglo sweep pipelines/sweeps/b.yaml`, then this pipeline again.', '']);
  });
});
