import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../../../src/findings/finding.ts';
import { sortFindings } from '../../../../src/report/html/model.ts';
import { baseline, finding } from '../../../support/report-builders.ts';

describe('sortFindings with a limit (the HTML report’s first rows)', () => {
  // A spread of states, severities and places, in a scrambled order.
  const findings = Array.from({ length: 3_000 }, (_, i) =>
    finding(i, {
      severity: SEVERITIES[(i * 7) % SEVERITIES.length],
      path: `src/m${(i * 13) % 97}.py`,
      line: (i * 31) % 500,
      baselineState: i % 3 === 0 ? 'unchanged' : 'new',
    }),
  );

  it.each([
    ['without a comparison', null],
    ['after a comparison (new first)', baseline()],
  ] as const)('gives exactly the first rows of the full order, %s', (_, base) => {
    const full = sortFindings(findings, base);
    for (const limit of [1, 50, 599, 600, 601, 2_000, 5_000]) {
      expect(sortFindings(findings, base, limit)).toEqual(full.slice(0, limit));
    }
  });
});
