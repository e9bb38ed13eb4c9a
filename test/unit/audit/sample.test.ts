import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PopulationRow } from '../../../src/audit/population.ts';
import { drawSample, sampleKey } from '../../../src/audit/sample.ts';

const rows = Array.from(
  { length: 25 },
  (_, i) => ({ repository: 'octo/shop', number: i + 1 }) as PopulationRow,
);

describe('drawSample', () => {
  it('the same seed gives the same sample, whatever the order of the population', () => {
    const a = drawSample(rows, { size: 5, seed: 'FY2026-Q1' });
    const b = drawSample([...rows].reverse(), { size: 5, seed: 'FY2026-Q1' });
    expect(b).toEqual(a);
    expect(a.changes).toHaveLength(5);
  });

  it('another seed gives another sample', () => {
    const a = drawSample(rows, { size: 5, seed: 'one' }).changes.map((c) => c.number);
    const b = drawSample(rows, { size: 5, seed: 'two' }).changes.map((c) => c.number);
    expect(b).not.toEqual(a);
  });

  it('is what sha256sum gives by hand: the lowest hashes of "<seed>:<repository>#<number>"', () => {
    const byHand = rows
      .map((r) => ({ n: r.number, h: createHash('sha256').update(`s1:octo/shop#${r.number}`).digest('hex') }))
      .sort((x, y) => (x.h < y.h ? -1 : 1))
      .slice(0, 3);
    const sample = drawSample(rows, { size: 3, seed: 's1' });
    expect(sample.changes.map((c) => [c.number, c.rank])).toEqual(byHand.map((x) => [x.n, x.h]));
    expect(sample.changes[0]?.key).toBe(sampleKey('s1', 'octo/shop', byHand[0]?.n ?? 0));
    expect(sample.method).toContain('SHA-256');
    expect(sample.method).toContain('sha256sum');
    expect(sample.method).toContain('"s1"');
  });

  it("the method's example command, run in a shell, gives the first change's rank (quotes in the seed too)", () => {
    const sample = drawSample(rows, { size: 1, seed: "it's $HOME `x`" });
    const command = /e\.g\. (printf .* \| sha256sum)\),/.exec(sample.method)?.[1] ?? '';
    const out = execFileSync('sh', ['-c', command], { encoding: 'utf8' });
    expect(out.split(' ')[0]).toBe(sample.changes[0]?.rank);
  });

  it('a sample larger than the population is the whole population', () => {
    const sample = drawSample(rows.slice(0, 2), { size: 10, seed: 'x' });
    expect(sample.size).toBe(2);
    expect(sample.changes).toHaveLength(2);
  });

  it('refuses a size that is not a whole number', () => {
    expect(() => drawSample(rows, { size: 1.5, seed: 'x' })).toThrow(/whole number/);
  });
});
