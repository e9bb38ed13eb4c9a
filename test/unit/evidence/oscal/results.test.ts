import { describe, expect, it } from 'vitest';
import {
  assessedControls,
  judgingScanners,
  unclaimedControls,
} from '../../../../src/evidence/oscal/results.ts';
import { oscalOf } from '../../../support/oscal-results.ts';
import { control, finding, report, scanner } from '../../../support/report-builders.ts';

describe('per-criterion OSCAL findings', () => {
  it('target the criterion’s objective in the catalog, not the control id', () => {
    const { byTarget } = oscalOf(
      report({ controls: [control('CC6.1', 'fail', { findings: ['fp1'] })], findings: [finding(1)] }),
    );
    const f = byTarget('cc6.1_obj');
    expect(f?.target.status).toEqual({ state: 'not-satisfied', reason: 'fail' });
    expect(f?.['related-observations']).toHaveLength(1);
  });

  it('read warn as not-satisfied (fail) and not-evaluated as not-satisfied (other)', () => {
    const { byTarget } = oscalOf(
      report({
        controls: [
          control('CC6.1', 'warn', { findings: ['fp1'] }),
          control('CC7.1', 'not-evaluated', { failedScanners: ['semgrep'] }),
        ],
        findings: [finding(1)],
      }),
    );
    expect(byTarget('cc6.1_obj')?.target.status).toMatchObject({ state: 'not-satisfied', reason: 'fail' });
    expect(byTarget('cc7.1_obj')?.target.status).toMatchObject({ state: 'not-satisfied', reason: 'other' });
  });

  it('claim satisfied for a pass only when a covering scanner ran and judged files, and say how far it reaches', () => {
    const { byTarget } = oscalOf(report({ controls: [control('CC6.2', 'pass')] }));
    const status = byTarget('cc6.2_obj')?.target.status;
    expect(status).toMatchObject({ state: 'satisfied', reason: 'pass' });
    expect(status?.remarks).toMatch(/semgrep judged the change's files/);
    expect(status?.remarks).toMatch(/organisational side needs other evidence/);
  });

  it('make no claim for a pass whose covering scanners were skipped, judged no file or are absent', () => {
    const r = report({
      controls: [
        control('CC6.2', 'pass', { coveredBy: ['kics'] }),
        control('CC9.2', 'pass', { coveredBy: ['semgrep'] }),
        control('CC6.8', 'pass', { coveredBy: [] }),
        control('CC1.1', 'not-covered', { coveredBy: [] }),
        control('A1.1', 'out-of-scope'),
      ],
      scanners: [scanner('semgrep', { filesScanned: 0 }), scanner('kics', { status: 'skipped' })],
    });
    expect(assessedControls(r)).toEqual([]);
    expect(judgingScanners(r, r.controls[0] as (typeof r.controls)[number])).toEqual([]);
    expect(unclaimedControls(r)).toEqual({
      notCovered: ['CC6.2', 'CC9.2', 'CC6.8', 'CC1.1'],
      outOfScope: ['A1.1'],
    });
    const { result } = oscalOf(r);
    // Only the gate's own finding: nothing about the criteria no scanner judged.
    expect(result.findings.map((f) => f.target['target-id'])).toEqual(['cc8.1_obj.3']);
    expect(result.props.filter((p) => p.name === 'not-covered').map((p) => p.value)).toEqual([
      'CC6.2',
      'CC9.2',
      'CC6.8',
      'CC1.1',
    ]);
    expect(result.remarks).toMatch(/silence from a scanner is not evidence/);
    expect(result['reviewed-controls']['control-selections'][0]?.['include-controls']).toEqual([
      { 'control-id': 'cc8.1' },
    ]);
  });

  it('read a pass over findings that existed before the change as not-satisfied (other)', () => {
    const { byTarget } = oscalOf(
      report({
        controls: [control('CC6.1', 'pass', { existing: ['fp1'] })],
        findings: [finding(1, { baselineState: 'unchanged' })],
      }),
    );
    expect(byTarget('cc6.1_obj')?.target.status).toMatchObject({ state: 'not-satisfied', reason: 'other' });
    expect(byTarget('cc6.1_obj')?.target.status.remarks).toMatch(/existed before it/);
  });
});
