import { describe, expect, it } from 'vitest';
import { compareFindings, type Orderable } from '../../../src/findings/order.ts';

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
