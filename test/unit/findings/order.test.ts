import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/findings/finding.ts';
import { byLocation, compareFindings, type Orderable } from '../../../src/findings/order.ts';

const f = (over: Partial<Orderable>): Orderable => ({
  severity: 'medium',
  path: 'a.py',
  line: 1,
  scanner: 'bandit',
  ruleId: 'B1',
  fingerprint: '0',
  ...over,
});

describe('compareFindings', () => {
  it('orders by severity, then path, line, scanner, rule and fingerprint', () => {
    const items = [
      f({ fingerprint: '2' }),
      f({ ruleId: 'B0' }),
      f({ scanner: 'aaa' }),
      f({ line: 0 }),
      f({ path: 'B.py' }),
      f({ severity: 'critical' }),
      f({ severity: 'info' }),
    ];
    expect([...items].sort(compareFindings)).toEqual([
      items[5],
      items[4],
      items[3],
      items[2],
      items[1],
      items[0],
      items[6],
    ]);
  });

  it('is independent of the input order and of the locale (code-unit comparison)', () => {
    const items = [f({ path: 'é.py' }), f({ path: 'z.py' }), f({ path: 'E.py' })];
    const sorted = [...items].sort(compareFindings).map((x) => x.path);
    expect(
      [...items]
        .reverse()
        .sort(compareFindings)
        .map((x) => x.path),
    ).toEqual(sorted);
    expect(sorted).toEqual(['E.py', 'z.py', 'é.py']);
  });
});

describe('byLocation', () => {
  const at = (over: Partial<Finding>): Finding =>
    ({ path: 'a.py', line: 1, ruleId: 'R', message: 'm', fingerprint: '0', ...over }) as Finding;

  it('orders by path, line, column, rule, message, then fingerprint, whatever order they came in', () => {
    const sorted = [
      at({ path: 'a.py', line: 1 }),
      at({ path: 'a.py', line: 1, column: 4 }),
      at({ path: 'a.py', line: 1, column: 4, ruleId: 'S' }),
      at({ path: 'a.py', line: 1, column: 4, ruleId: 'S', message: 'n: a second package on the line' }),
      at({ path: 'a.py', line: 2 }),
      at({ path: 'b.py', line: 1 }),
    ];
    for (const shuffled of [
      [...sorted].reverse(),
      [sorted[3], sorted[0], sorted[5], sorted[1], sorted[4], sorted[2]],
    ])
      expect([...(shuffled as Finding[])].sort(byLocation)).toEqual(sorted);
  });
});
