import { describe, expect, it } from 'vitest';
import { oscalOf } from '../../../support/oscal-results.ts';
import { control, finding, report } from '../../../support/report-builders.ts';

const GATE = 'cc8.1_obj.3';

describe('the change gate as a control activity', () => {
  it('is satisfied when it blocks a change, with the blocking findings as its observations', () => {
    const r = report({ controls: [control('CC6.1', 'fail', { findings: ['fp1'] })], findings: [finding(1)] });
    expect(r.decision).toBe('block');
    const { byTarget, result } = oscalOf(r);
    const gate = byTarget(GATE);
    expect(gate?.target.status).toMatchObject({ state: 'satisfied', reason: 'pass' });
    expect(gate?.target.status.remarks).toMatch(/stopped the change/);
    expect(gate?.['related-observations']).toEqual([
      expect.objectContaining({ 'observation-uuid': result.observations[0]?.uuid }),
    ]);
    expect(gate?.props).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'blocked-by', value: 'CC6.1' })]),
    );
    // The content finding still says the change fails CC6.1, and that it did not merge.
    expect(byTarget('cc6.1_obj')?.target.status.state).toBe('not-satisfied');
  });

  it('is satisfied when every criterion was evaluated and the change passed', () => {
    const { byTarget } = oscalOf(report({ controls: [control('CC6.1', 'pass')] }));
    expect(byTarget(GATE)?.target.status).toMatchObject({ state: 'satisfied', reason: 'pass' });
    expect(byTarget(GATE)?.['related-observations']).toBeUndefined();
  });

  it('is not-satisfied (other) when it let a change through that it could not fully check', () => {
    const r = report({
      controls: [control('CC7.1', 'not-evaluated', { failedScanners: ['semgrep'], blocking: false })],
    });
    expect(r.decision).toBe('pass');
    const status = oscalOf(r).byTarget(GATE)?.target.status;
    expect(status).toMatchObject({ state: 'not-satisfied', reason: 'other' });
    expect(status?.remarks).toMatch(/CC7\.1 could not be evaluated/);
  });
});
