import { describe, expect, it } from 'vitest';
import { waiverDeadline } from '../../../../src/evidence/oscal/risks.ts';
import { oscalOf } from '../../../support/oscal-results.ts';
import { control, finding, report, waiver } from '../../../support/report-builders.ts';

function waivedReport(approver = 'alice@example.com', startedAt?: string) {
  const applied = { ...waiver('W1', { fingerprint: 'fp2', rule: null, approver }), findings: ['fp2'] };
  const r = report({
    controls: [control('CC6.1', 'pass', { waived: ['fp2'] })],
    findings: [finding(2, { waiver: 'W1' })],
    waivers: { applied: [applied], expired: [], stale: [] },
  });
  return startedAt ? { ...r, startedAt } : r;
}

describe('waivers as OSCAL risks', () => {
  it('become a deviation-approved risk with the expiry as deadline and the waived observation', () => {
    const { result } = oscalOf(waivedReport());
    const [risk] = result.risks ?? [];
    expect(risk?.status).toBe('deviation-approved');
    expect(risk?.deadline).toBe('2027-03-31T23:59:59Z');
    expect(risk?.props).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'ticket', value: 'SEC-1' }),
        expect.objectContaining({ name: 'approver', value: 'alice@example.com' }),
      ]),
    );
    expect(risk?.['related-observations']).toEqual([{ 'observation-uuid': result.observations[0]?.uuid }]);
    expect(risk?.origins?.[0]?.actors[0]?.type).toBe('tool');
  });

  it('name the approver as a party with the approver role, logged on the approval', () => {
    const { result, metadata } = oscalOf(waivedReport());
    const parties = metadata.parties as { uuid: string; type: string; name: string }[];
    expect(parties).toEqual([expect.objectContaining({ type: 'person', name: 'alice@example.com' })]);
    expect(metadata.roles).toEqual([{ id: 'waiver-approver', title: 'Waiver approver' }]);
    expect(metadata['responsible-parties']).toEqual([
      { 'role-id': 'waiver-approver', 'party-uuids': [parties[0]?.uuid] },
    ]);
    const entry = result.risks?.[0]?.['risk-log'].entries[0];
    expect(entry?.['logged-by']).toEqual([{ 'party-uuid': parties[0]?.uuid, 'role-id': 'waiver-approver' }]);
    expect(entry?.['status-change']).toBe('deviation-approved');
  });

  it('are cited by the criterion finding, which is not-satisfied (other), not satisfied', () => {
    const { result, byTarget } = oscalOf(waivedReport());
    const f = byTarget('cc6.1_obj');
    expect(f?.target.status).toMatchObject({ state: 'not-satisfied', reason: 'other' });
    expect(f?.['related-risks']).toEqual([{ 'risk-uuid': result.risks?.[0]?.uuid }]);
  });

  it('keep their UUID from run to run; a team approver is an organisation', () => {
    const a = oscalOf(waivedReport('@octo/security')).result.risks?.[0]?.uuid;
    const b = oscalOf(waivedReport('@octo/security', '2026-02-01T00:00:00.000Z')).result.risks?.[0]?.uuid;
    expect(a).toBe(b);
    const parties = oscalOf(waivedReport('@octo/security')).metadata.parties as { type: string }[];
    expect(parties[0]?.type).toBe('organization');
  });

  it('give no deadline for a date that cannot be read', () => {
    expect(waiverDeadline('2027-03-31')).toBe('2027-03-31T23:59:59Z');
    expect(waiverDeadline('next year')).toBeUndefined();
  });

  it('leave the metadata without parties when nothing is waived', () => {
    const { metadata, result } = oscalOf(report({ controls: [control('CC6.1', 'pass')] }));
    expect(metadata.parties).toBeUndefined();
    expect(result.risks).toBeUndefined();
  });
});
