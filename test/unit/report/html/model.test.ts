import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../../../src/findings/finding.ts';
import {
  type Control,
  criterionState,
  sortFindings,
  waivedPasses,
} from '../../../../src/report/html/model.ts';
import { baseline, control, finding, report, waiver } from '../../../support/report-builders.ts';

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

describe('waivedPasses (a pass that rests on a waiver)', () => {
  const applied = { ...waiver('W-1'), findings: ['fp1'] };

  it('names a passing criterion with a waived finding at or above its threshold, with its waiver', () => {
    const r = report({
      controls: [control('CC7.2', 'pass', { waived: ['fp1'] })],
      findings: [finding(1, { waiver: 'W-1', criteria: ['CC7.2'] })],
      waivers: { applied: [applied], expired: [], stale: [] },
    });
    const passes = waivedPasses(r);
    expect([...passes.keys()]).toEqual(['CC7.2']);
    expect(passes.get('CC7.2')?.waivers.map((w) => w.id)).toEqual(['W-1']);
    expect(passes.get('CC7.2')?.findings.map((f) => f.fingerprint)).toEqual(['fp1']);
    expect(criterionState(r.controls[0] as Control, passes)).toBe('waived-pass');
  });

  it('leaves a clean pass, a pass whose waived findings are below the threshold, and a fail alone', () => {
    const r = report({
      controls: [
        control('CC6.2', 'pass'),
        control('CC7.2', 'pass', { waived: ['fp1'], severity: 'critical' }),
        control('CC6.1', 'fail', { findings: ['fp2'], waived: ['fp3'] }),
      ],
      findings: [
        finding(1, { waiver: 'W-1', severity: 'high' }),
        finding(2),
        finding(3, { waiver: 'W-1', severity: 'critical' }),
      ],
      waivers: { applied: [{ ...applied, findings: ['fp1', 'fp3'] }], expired: [], stale: [] },
    });
    const passes = waivedPasses(r);
    expect(passes.size).toBe(0);
    expect(r.controls.map((c) => criterionState(c, passes))).toEqual(['pass', 'pass', 'fail']);
  });

  it('falls back to the finding’s waiver name when the report lists no applied waiver for it', () => {
    const r = report({
      controls: [control('CC7.2', 'pass', { waived: ['fp1'] })],
      findings: [finding(1, { waiver: 'line 7' })],
    });
    expect(waivedPasses(r).get('CC7.2')).toMatchObject({ waivers: [], unlisted: ['line 7'] });
  });
});
