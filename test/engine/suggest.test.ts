import { describe, expect, test } from 'vitest';
import { didYouMean, editDistance, nameList, suggest } from '../../engine/suggest.js';

describe('editDistance', () => {
  test('matches textbook values', () => {
    // kitten → sitting is 3 (substitute k→s, e→i, insert g): the standard Levenshtein example.
    expect(editDistance('kitten', 'sitting')).toBe(3);
    // Optimal string alignment gives CA → ABC = 3 (true Damerau–Levenshtein would give 2);
    // worked example in the Wikipedia article "Damerau–Levenshtein distance".
    expect(editDistance('ca', 'abc')).toBe(3);
    // A swapped pair of adjacent letters is one edit.
    expect(editDistance('ras', 'rsa')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('suggest', () => {
  const steps = ['panel-regression', 'ras', 'read-csv', 'summarize'];
  test('finds near misses', () => {
    expect(suggest('panel-regresion', steps)).toBe('panel-regression');
    expect(suggest('rsa', steps)).toBe('ras');
    expect(suggest('READ-CSV', steps)).toBe('read-csv');
  });
  test('does not suggest distant names', () => {
    expect(suggest('fe', steps)).toBeUndefined();
    expect(suggest('regression', steps)).toBeUndefined();
  });
  test('formats hints and lists', () => {
    expect(didYouMean('modle', ['y', 'model'])).toBe('did you mean `model`?');
    expect(didYouMean('zzz', ['model'])).toBeUndefined();
    expect(nameList(['a', 'b'])).toBe('`a`, `b`');
    expect(nameList([])).toBe('(none)');
  });
});
