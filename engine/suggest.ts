/**
 * "Did you mean …?" for near-miss names (step, stage, param, input and key names).
 *
 * Uses the optimal-string-alignment variant of the Damerau–Levenshtein distance, so a
 * swapped pair of letters (`rsa` for `ras`) counts as one edit like a typo does.
 */

/** Edit distance with insertions, deletions, substitutions and adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  // Three rolling rows: two back is needed for the transposition case.
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}

/**
 * The largest distance still taken as a typo: about a third of the longer name, at least
 * one, so `fe` does not suggest `ras` but `panel-regresion` suggests `panel-regression`.
 */
function threshold(a: string, b: string): number {
  return Math.max(1, Math.floor(Math.max(a.length, b.length) / 3));
}

/**
 * The closest candidate to `name` within the typo threshold (case-insensitive), or
 * undefined. Ties go to the earlier candidate, so pass candidates in a stable order.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d <= threshold(name, c) && d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

/** A "did you mean `x`?" hint, or undefined when no candidate is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const s = suggest(name, candidates);
  return s === undefined ? undefined : `did you mean \`${s}\`?`;
}

/** Formats a list of names for a message: "`a`, `b`, `c`" (or "(none)"). */
export function nameList(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.map((n) => `\`${n}\``).join(', ');
}
