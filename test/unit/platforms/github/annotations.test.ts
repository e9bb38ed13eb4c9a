import { describe, expect, it } from 'vitest';
import { annotate, annotationTargets } from '../../../../src/platforms/github/annotations.ts';
import { baseline, control, finding, report } from '../../../support/report-builders.ts';

function recorder() {
  const made: string[] = [];
  const out = {
    error: (message: string | Error, p?: { title?: string; file?: string; startLine?: number }) => {
      made.push(`error ${p?.file}:${p?.startLine} ${p?.title} ${String(message)}`);
    },
    warning: (message: string | Error, p?: { title?: string; file?: string; startLine?: number }) => {
      made.push(`warning ${p?.file}:${p?.startLine} ${p?.title} ${String(message)}`);
    },
  };
  return { made, out };
}

describe('annotations', () => {
  it('errors on the blocking problems, warnings on the next most severe findings', () => {
    const findings = [
      finding(1, { severity: 'high', message: 'blocks' }),
      finding(2, { severity: 'medium', message: 'below the bar' }),
      finding(3, { severity: 'low', message: 'low one' }),
      finding(4, { severity: 'info', message: 'informational' }),
    ];
    const r = report({
      controls: [control('CC6.1', 'fail', { findings: ['fp1'], belowThreshold: ['fp2', 'fp3', 'fp4'] })],
      findings,
    });
    const { made, out } = recorder();
    expect(annotate(r, out)).toEqual({ errors: 1, warnings: 2 });
    expect(made).toEqual([
      'error app/file1.py:11 HIGH rule-1 (CC6.1) semgrep: blocks',
      'warning app/file2.py:12 MEDIUM rule-2 (CC6.1) semgrep: below the bar',
      'warning app/file3.py:13 LOW rule-3 (CC6.1) semgrep: low one',
    ]);
  });

  it('at most 10 of each, the most severe first', () => {
    const blocking = Array.from({ length: 12 }, (_, i) =>
      finding(i + 1, { severity: i < 2 ? 'high' : 'critical' }),
    );
    const other = Array.from({ length: 12 }, (_, i) =>
      finding(i + 20, { severity: i < 3 ? 'medium' : 'low' }),
    );
    const r = report({
      controls: [
        control('CC7.1', 'fail', { findings: blocking.map((f) => f.fingerprint) }),
        control('CC8.1', 'warn', { findings: other.map((f) => f.fingerprint) }),
      ],
      findings: [...blocking, ...other],
    });
    const { errors, warnings } = annotationTargets(r);
    expect(errors).toHaveLength(10);
    expect(errors.every((f) => f.severity === 'critical')).toBe(true);
    expect(warnings).toHaveLength(10);
    expect(warnings.slice(0, 3).map((f) => f.severity)).toEqual(['medium', 'medium', 'medium']);
  });

  it('compared with a base: only what the change introduced; never suppressed, waived or outside the workspace', () => {
    const findings = [
      finding(1, { baselineState: 'new' }),
      finding(2, { baselineState: 'unchanged' }),
      finding(3, { baselineState: 'new', suppressed: true }),
      finding(4, { baselineState: 'new', waiver: 'W-1' }),
      finding(5, { baselineState: 'new', inWorkspace: false, severity: 'medium' }),
      finding(6, { baselineState: 'new', severity: 'medium' }),
    ];
    const r = report({
      controls: [control('CC6.1', 'fail', { findings: ['fp1'], existing: ['fp2'] })],
      findings,
      baseline: baseline(),
    });
    const { errors, warnings } = annotationTargets(r);
    expect(errors.map((f) => f.fingerprint)).toEqual(['fp1']);
    expect(warnings.map((f) => f.fingerprint)).toEqual(['fp6']);
  });
});
