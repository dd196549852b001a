import { describe, expect, it } from 'vitest';
import { firstSentence } from '../../engine/commands/steps.js';
import { builtinSteps } from '../../steps/index.js';

describe('the one-line summary of `agglo steps`', () => {
  it('is the whole first sentence: abbreviations and decimals do not end it', () => {
    expect(firstSentence('Sums rows, e.g. a table of sectors. Then more.')).toBe('Sums rows, e.g. a table of sectors.');
    expect(firstSentence('Leontief inverse (Miller & Blair eq. 2.11) by LU. Details.')).toBe('Leontief inverse (Miller & Blair eq. 2.11) by LU.');
    expect(firstSentence('Matches R plm 2.6.')).toBe('Matches R plm 2.6.');
    expect(firstSentence('No period at all')).toBe('No period at all');
    expect(firstSentence('Two\n  lines. Next.')).toBe('Two lines.');
  });

  it('of every built-in step ends where a sentence ends', () => {
    for (const s of builtinSteps) expect(firstSentence(s.description), s.name).toMatch(/[.!?)]$/);
  });
});
