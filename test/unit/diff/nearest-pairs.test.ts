import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairNearest } from '../../../src/diff/nearest-pairs.ts';

/** The pairs as "a-position:b-position", sorted, so tests read as positions. */
function paired(a: number[], b: number[]): string[] {
  return pairNearest(a, b)
    .map(([i, j]) => `${a[i]}:${b[j]}`)
    .sort();
}

describe('pairNearest', () => {
  it('pairs each of the shorter list with the nearest of the longer one', () => {
    expect(paired([3, 20], [19])).toEqual(['20:19']);
    expect(paired([19], [3, 20])).toEqual(['19:20']);
    expect(paired([1, 50, 100], [49, 99])).toEqual(['100:99', '50:49']);
  });

  it('takes the closest pair first, even when that leaves a nearer neighbour without a partner', () => {
    // 10 is closest to 11; 5 is then paired with the only one left.
    expect(paired([5, 11], [10, 30])).toEqual(['11:10', '5:30']);
  });

  it('at equal distance pairs further up the file, whatever the input order', () => {
    expect(paired([10, 30], [20])).toEqual(['10:20']);
    expect(paired([30, 10], [20])).toEqual(['10:20']);
  });

  it('pairs nothing when a list is empty', () => {
    expect(pairNearest([], [1, 2])).toEqual([]);
    expect(pairNearest([1], [])).toEqual([]);
  });

  it('pairs one for one, min(|a|, |b|) pairs, every index at most once', () => {
    const positions = fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 40 });
    fc.assert(
      fc.property(positions, positions, (a, b) => {
        const pairs = pairNearest(a, b);
        expect(pairs).toHaveLength(Math.min(a.length, b.length));
        expect(new Set(pairs.map(([i]) => i)).size).toBe(pairs.length);
        expect(new Set(pairs.map(([, j]) => j)).size).toBe(pairs.length);
      }),
    );
  });

  it('the first pair taken is a closest pair of all', () => {
    const positions = fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(positions, positions, (a, b) => {
        const closest = Math.min(...a.flatMap((x) => b.map((y) => Math.abs(x - y))));
        const distances = pairNearest(a, b).map(([i, j]) => Math.abs((a[i] ?? 0) - (b[j] ?? 0)));
        expect(Math.min(...distances)).toBe(closest);
      }),
    );
  });
});
