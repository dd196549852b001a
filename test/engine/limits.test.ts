import { describe, expect, it } from 'vitest';
import { formatDuration, formatMemory, parseDuration, parseMemory } from '../../engine/limits.js';

describe('parseDuration', () => {
  it.each([
    [90, 90_000], ['90s', 90_000], ['30m', 1_800_000], ['30 min', 1_800_000], ['2h', 7_200_000], ['500ms', 500], ['1.5s', 1500], ['7d', 604_800_000],
  ] as const)('%s is %d ms', (v, ms) => expect(parseDuration(v)).toEqual({ ok: true, value: ms }));
  it.each(['soon', '', '10 parsecs', '-1s', true, null, [30]])('%s is not a duration', (v) => expect(parseDuration(v).ok).toBe(false));
  it('is more than zero and at most 7 days', () => {
    expect(parseDuration(0)).toEqual({ ok: false, message: 'must be more than zero' });
    expect(parseDuration('8d')).toEqual({ ok: false, message: 'must be at most 7 days' });
  });
});

describe('parseMemory', () => {
  it.each([[512, 512], ['512 MiB', 512], ['4 GiB', 4096], ['4GB', 4096], ['1.5 GiB', 1536], ['64m', 64]] as const)('%s is %d MiB', (v, mb) => expect(parseMemory(v)).toEqual({ ok: true, value: mb }));
  it.each(['1 KiB', 'lots', '', false, {}])('%s is not a size', (v) => expect(parseMemory(v).ok).toBe(false));
  it('is at least 32 MiB', () => expect(parseMemory(16)).toEqual({ ok: false, message: 'must be at least 32 MiB' }));
});

describe('formatting for messages', () => {
  it('durations and sizes read naturally', () => {
    expect([500, 1000, 90_000, 1_800_000, 7_200_000].map(formatDuration)).toEqual(['500 ms', '1 s', '90 s', '30 min', '2 h']);
    expect([64, 1024, 1536, 4096].map(formatMemory)).toEqual(['64 MiB', '1 GiB', '1536 MiB', '4 GiB']);
  });
});
