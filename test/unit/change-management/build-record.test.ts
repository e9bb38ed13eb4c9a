import { describe, expect, it } from 'vitest';
import { buildMergeRecord } from '../../../src/change-management/build-record.ts';
import type { ChangeFacts } from '../../../src/change-management/facts.ts';
import type { GateRunFacts } from '../../../src/change-management/gate-run.ts';
import { approval, changeFacts, FIRST_HEAD, gateRun, HEAD_SHA } from '../../support/change-facts.ts';

const NOW = new Date('2026-11-02T12:01:00Z');

function record(facts: ChangeFacts, run: GateRunFacts | null = gateRun()) {
  return buildMergeRecord(facts, { recordedAt: NOW, gateRun: run, controlgateVersion: '0.1.0' });
}

function codes(facts: ChangeFacts, run: GateRunFacts | null = gateRun()): string[] {
  return record(facts, run).exceptions.map((e) => e.code);
}

describe('buildMergeRecord', () => {
  it('finds nothing to report on a clean change: approved on its final head by another person, gate passed and required', () => {
    const r = record(changeFacts());
    expect(r.exceptions).toEqual([]);
    expect(r.judgement).toMatchObject({
      finalHeadApprovers: ['dev-bob'],
      staleApprovers: [],
      independentApprovers: ['dev-bob'],
      selfApproved: false,
      policyChanged: [],
      policyOwnerApproved: null,
      gate: { check: 'success', decision: 'pass', digest: 'd'.repeat(64), signature: 'absent' },
      requiredCheck: true,
    });
    expect(r.kind).toBe('controlgate.merge-record');
    expect(r.recordedAt).toBe(NOW.toISOString());
  });

  it('reports self-approval and no approval when only the author approved', () => {
    expect(codes(changeFacts({ reviews: [approval('dev-alice')] }))).toEqual([
      'self-approval',
      'no-approval',
    ]);
  });

  it('reports approvals given before the last push', () => {
    const r = record(changeFacts({ reviews: [approval('dev-bob', FIRST_HEAD)] }));
    expect(r.exceptions.map((e) => e.code)).toEqual(['approval-before-last-push']);
    expect(r.exceptions[0]?.text).toContain('111111111111');
    expect(r.judgement.staleApprovers).toEqual(['dev-bob']);
  });

  it('lets a later approval of the final head count, and a later change request withdraw an approval', () => {
    const later = { ...approval('dev-bob'), submittedAt: '2026-11-02T11:00:00Z' };
    expect(codes(changeFacts({ reviews: [approval('dev-bob', FIRST_HEAD), later] }))).toEqual([]);
    const withdrawn = {
      ...approval('dev-bob'),
      state: 'changes_requested' as const,
      submittedAt: '2026-11-02T11:00:00Z',
    };
    expect(codes(changeFacts({ reviews: [approval('dev-bob'), withdrawn] }))).toEqual(['no-approval']);
  });

  it('reports an approver who pushed the final head themselves', () => {
    const facts = changeFacts({ lastPush: { sha: HEAD_SHA, at: null, by: 'dev-bob', source: 'push event' } });
    expect(codes(facts)).toEqual(['approver-is-last-pusher']);
  });

  it('reports a change merged while the gate blocked it, from the bundle and from the check alone', () => {
    const blocked = gateRun({ decision: 'block', exitCode: 1, failingCriteria: ['CC6.1', 'CC7.1'] });
    const r = record(changeFacts(), blocked);
    expect(r.exceptions.map((e) => e.code)).toEqual(['merged-while-blocked']);
    expect(r.exceptions[0]?.text).toContain('CC6.1, CC7.1');
    const check = changeFacts().gateChecks[0];
    if (!check) throw new Error('the clean change has a gate check');
    const failed = changeFacts({ gateChecks: [{ ...check, state: 'failure' }] });
    expect(codes(failed, null)).toEqual(['merged-while-blocked']);
  });

  it("does not take a passing bundle over a failing check: the artifact may not be the gate's", () => {
    const check = changeFacts().gateChecks[0];
    if (!check) throw new Error('the clean change has a gate check');
    const r = record(changeFacts({ gateChecks: [{ ...check, state: 'failure' }] }), gateRun());
    expect(r.exceptions.map((e) => e.code)).toEqual(['bundle-unverifiable', 'merged-while-blocked']);
    expect(r.exceptions[0]?.text).toContain(
      'says pass, but the gate check "controlgate / SOC 2" was failure',
    );
    const pending = record(changeFacts({ gateChecks: [{ ...check, state: 'pending' }] }), gateRun());
    expect(pending.exceptions.map((e) => e.code)).toEqual(['bundle-unverifiable', 'merged-not-evaluated']);
  });

  it('reports no gate run, a passing check without evidence, and an unverifiable bundle', () => {
    expect(codes(changeFacts({ gateChecks: [] }), null)).toEqual(['no-gate-run']);
    expect(codes(changeFacts(), null)).toEqual(['gate-evidence-missing']);
    const tampered = gateRun({
      intact: false,
      problems: ['controlgate.json: content changed (SHA-256 differs)'],
    });
    const r = record(changeFacts(), tampered);
    expect(r.exceptions.map((e) => e.code)).toEqual(['bundle-unverifiable']);
    expect(r.exceptions[0]?.text).toContain('content changed');
    expect(r.judgement.gate.decision).toBe('none');
    expect(codes(changeFacts(), gateRun({ headSha: FIRST_HEAD }))).toEqual(['gate-evidence-missing']);
  });

  it('reports report-only mode, missing scanners, exit 2 and a check that was not required', () => {
    expect(codes(changeFacts(), gateRun({ failMode: 'report-only' }))).toEqual(['gate-report-only']);
    expect(
      codes(changeFacts(), gateRun({ scannersFailed: ['kics'], notEvaluatedCriteria: ['CC7.1'] })),
    ).toEqual(['scanners-missing']);
    expect(codes(changeFacts(), gateRun({ exitCode: 2, decision: 'block' }))).toEqual([
      'merged-not-evaluated',
    ]);
    const notRequired = changeFacts({
      requiredCheck: { required: false, source: 'rulesets for main', detail: null },
    });
    expect(codes(notRequired)).toEqual(['gate-not-required']);
    const unknown = changeFacts({
      requiredCheck: { required: 'unknown', source: 'branch protection', detail: '403' },
    });
    expect(codes(unknown)).toEqual([]);
  });

  const POLICY = {
    path: '.controlgate.yml',
    kind: 'config' as const,
    base: 'fail-on: high\n',
    head: 'fail-on: critical\n',
  };
  const OWNERS = { path: '.github/CODEOWNERS', text: '* @octo/devs\n/.controlgate.yml @octo/security\n' };

  it('reports a policy change its owners did not approve, and accepts one they did', () => {
    const facts = changeFacts({
      policyFiles: [POLICY],
      codeOwners: OWNERS,
      ownerTeams: { '@octo/security': ['sec-carol'] },
    });
    const r = record(facts);
    expect(r.exceptions.map((e) => e.code)).toEqual(['policy-changed', 'policy-not-owner-approved']);
    expect(r.judgement.policyOwners).toEqual([{ path: '.controlgate.yml', owners: ['@octo/security'] }]);
    expect(r.judgement.policyOwnerApproved).toBe(false);
    const approved = { ...facts, reviews: [approval('dev-bob'), approval('sec-carol')] };
    expect(codes(approved)).toEqual(['policy-changed']);
  });

  it('says owner approval is unknown when the team cannot be read or there is no code owners file', () => {
    expect(codes(changeFacts({ policyFiles: [POLICY], codeOwners: OWNERS }))).toEqual([
      'policy-changed',
      'policy-owner-approval-unknown',
    ]);
    expect(codes(changeFacts({ policyFiles: [POLICY] }))).toEqual([
      'policy-changed',
      'policy-owner-approval-unknown',
    ]);
  });

  it('ignores a policy file the change did not edit', () => {
    expect(codes(changeFacts({ policyFiles: [{ ...POLICY, head: POLICY.base }] }))).toEqual([]);
  });

  it("checks the approver of each waiver the change adds against the change's author and approvers", () => {
    const entry = (id: string, approver: string) =>
      `  - id: ${id}\n    rule: B324\n    reason: accepted for the migration\n    approver: ${approver}\n    ticket: SEC-1\n    expires: 2027-01-31\n`;
    const base = `waivers:\n${entry('W1', 'sec-carol')}`;
    const head = `waivers:\n${entry('W1', 'sec-carol')}${entry('W2', '"@dev-alice"')}${entry('W3', 'sec-dan')}${entry('W4', 'Dev-Bob')}`;
    const r = record(
      changeFacts({
        policyFiles: [{ path: '.controlgate-waivers.yml', kind: 'waivers', base, head }],
        codeOwners: { path: 'CODEOWNERS', text: '.controlgate-waivers.yml @dev-bob\n' },
      }),
    );
    expect(r.judgement.waiversAdded).toEqual([
      {
        id: 'W2',
        approver: '@dev-alice',
        expires: '2027-01-31',
        approverIsAuthor: true,
        approverApprovedChange: false,
      },
      {
        id: 'W3',
        approver: 'sec-dan',
        expires: '2027-01-31',
        approverIsAuthor: false,
        approverApprovedChange: false,
      },
      {
        id: 'W4',
        approver: 'Dev-Bob',
        expires: '2027-01-31',
        approverIsAuthor: false,
        approverApprovedChange: true,
      },
    ]);
    expect(r.exceptions.map((e) => e.code)).toEqual([
      'policy-changed',
      'waiver-approver-is-author',
      'waiver-approver-not-approver',
    ]);
  });
});
