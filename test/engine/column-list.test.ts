/** Missing-column messages (engine/column-list.ts): a suggestion, or one short list. */
import { describe, expect, it } from 'vitest';
import { columnHint, columnListText, missingColumnsText, missingParamColumnsText } from '../../engine/column-list.js';

// The 53 columns of the paper's `variables` stage, the list the issue saw printed four times.
const PANEL = 'province, year, digital_va, idva, total_va, digital_share, idva_share, gdp, gdp_per_capita, population, tertiary_share, tertiary_va, non_tertiary_va, urbanization_rate, college_students, college_students_per_100k, hospital_beds_per_10k, rd_spend_industrial, rd_personnel_industrial, rd_spend_total, rd_intensity_total, dfi_index, dfi_coverage_breadth, dfi_usage_depth, dfi_digitization_level, telecom_volume, software_revenue, ecommerce_sales, patents_granted, tech_market_turnover, employment, avg_wage, public_service_share, public_admin_share, productivity, practitioners, lq, dfi, software_gdp, ecommerce_gdp, patents_pc, techmarket_gdp, digital_va_share, del_score, rd, idt, pcw, del, estr, pdl, urban, med, psl'.split(', ');

describe('column lists', () => {
  it('lists up to 12 columns, then says how many more', () => {
    expect(PANEL).toHaveLength(53);
    expect(columnListText(['a', 'b'])).toBe('a, b');
    expect(columnListText([])).toBe('(none)');
    expect(columnListText(PANEL)).toBe('province, year, digital_va, idva, total_va, digital_share, idva_share, gdp, gdp_per_capita, population, tertiary_share, tertiary_va and 41 more');
  });
  it('suggests a close name instead of listing', () => {
    expect(columnHint('urbn', PANEL)).toBe('did you mean `urban`?');
    expect(columnHint('zzz', ['a', 'b'])).toBe('its columns are: a, b');
  });
  it('run-time messages name each missing column with its suggestion, and list the columns at most once', () => {
    expect(missingColumnsText('input `data`', ['urbn'], PANEL)).toBe('input `data` has no column `urbn` (did you mean `urban`?)');
    expect(missingColumnsText('input `data`', ['urbn', 'zzzz'], PANEL)).toBe(`input \`data\` has no column \`urbn\` (did you mean \`urban\`?), \`zzzz\`; columns are: ${columnListText(PANEL)}`);
    expect(missingParamColumnsText('input `data`', [{ param: 'x[6]', name: 'urbn' }, { param: 'y', name: 'idtt' }], PANEL))
      .toBe('param `x[6]` names column `urbn` (did you mean `urban`?); param `y` names column `idtt` (did you mean `idt`?), which input `data` does not have');
    const none = missingParamColumnsText('input `data`', [{ param: 'x[0]', name: 'qqqqqq' }], PANEL);
    expect(none).toBe(`param \`x[0]\` names column \`qqqqqq\`, which input \`data\` does not have; columns are: ${columnListText(PANEL)}`);
    expect(none.split('province').length - 1).toBe(1);
  });
});
