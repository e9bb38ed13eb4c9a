import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/findings/finding.ts';
import { groupProblems, problemBaselineState } from '../../../src/findings/problems.ts';

let counter = 0;
function finding(overrides: Partial<Finding>): Finding {
  counter += 1;
  return {
    scanner: 'semgrep',
    scannerVersion: '1',
    ruleId: 'r',
    message: 'm',
    severity: 'high',
    severitySource: 'level',
    cwe: ['CWE-89'],
    tags: [],
    path: 'app.py',
    inWorkspace: true,
    line: 10,
    endLine: 10,
    suppressed: false,
    suppressions: [],
    fingerprint: `fp${counter}`,
    secret: false,
    resultIndex: 0,
    ...overrides,
  };
}

const sameCwe = (a: Finding, b: Finding) => a.cwe.some((c) => b.cwe.includes(c));
const ids = (groups: Finding[][]) => groups.map((g) => g.map((f) => f.fingerprint));

describe('groupProblems', () => {
  it('merges findings of two tools on overlapping lines of one file about one weakness', () => {
    const a = finding({ scanner: 'semgrep', line: 10, endLine: 12 });
    const b = finding({ scanner: 'bandit', line: 12, endLine: 12 });
    expect(ids(groupProblems([a, b], sameCwe))).toEqual([[a.fingerprint, b.fingerprint]]);
  });

  it('keeps apart: the same tool, another file, lines that do not meet, another weakness, a place outside the workspace', () => {
    const base = finding({ scanner: 'semgrep' });
    const others = [
      finding({ scanner: 'semgrep' }),
      finding({ scanner: 'bandit', path: 'other.py' }),
      finding({ scanner: 'bandit', line: 11, endLine: 11 }),
      finding({ scanner: 'bandit', cwe: ['CWE-78'] }),
      finding({ scanner: 'bandit', inWorkspace: false }),
    ];
    const groups = groupProblems([base, ...others], sameCwe);
    expect(groups).toHaveLength(6);
  });

  it('links transitively: a third tool agreeing with one of two merged findings joins them', () => {
    const a = finding({ scanner: 'semgrep', line: 5, endLine: 8 });
    const b = finding({ scanner: 'bandit', line: 8, endLine: 8 });
    const c = finding({ scanner: 'custom', line: 8, endLine: 9 });
    expect(ids(groupProblems([c, a, b], sameCwe))).toEqual([[c.fingerprint, a.fingerprint, b.fingerprint]]);
  });

  it('gives the same groups whatever the input order', () => {
    const list = [
      finding({ scanner: 'semgrep', line: 1, endLine: 3 }),
      finding({ scanner: 'bandit', line: 3, endLine: 3 }),
      finding({ scanner: 'bandit', line: 20, endLine: 20 }),
      finding({ scanner: 'semgrep', line: 19, endLine: 21, cwe: ['CWE-78'] }),
      finding({ scanner: 'bandit', line: 21, endLine: 21, cwe: ['CWE-78'] }),
    ];
    const norm = (groups: Finding[][]) =>
      groups
        .map((g) =>
          g
            .map((f) => f.fingerprint)
            .sort()
            .join('+'),
        )
        .sort();
    expect(norm(groupProblems([...list].reverse(), sameCwe))).toEqual(norm(groupProblems(list, sameCwe)));
    expect(norm(groupProblems(list, sameCwe))).toHaveLength(3);
  });

  it('asks the relation only for pairs of different tools at the same place', () => {
    const asked: string[] = [];
    const findings = [
      ...Array.from({ length: 50 }, (_, i) => finding({ scanner: 'semgrep', line: i * 10, endLine: i * 10 })),
      ...Array.from({ length: 50 }, (_, i) =>
        finding({ scanner: 'bandit', line: i * 10 + 5, endLine: i * 10 + 5 }),
      ),
      finding({ scanner: 'bandit', line: 100, endLine: 100 }),
    ];
    groupProblems(findings, (a, b) => {
      asked.push(`${a.fingerprint}/${b.fingerprint}`);
      return true;
    });
    expect(asked).toHaveLength(1);
  });
});

describe('problemBaselineState', () => {
  it('is existing when any tool found it at the base, new when all that compared call it new', () => {
    expect(
      problemBaselineState([finding({ baselineState: 'new' }), finding({ baselineState: 'unchanged' })]),
    ).toBe('unchanged');
    expect(problemBaselineState([finding({ baselineState: 'new' }), finding({ baselineState: 'new' })])).toBe(
      'new',
    );
    expect(problemBaselineState([finding({}), finding({})])).toBeUndefined();
  });
});
