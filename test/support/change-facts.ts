import type { ChangeFacts, ReviewFact } from '../../src/change-management/facts.ts';
import type { GateRunFacts } from '../../src/change-management/gate-run.ts';

/** Commit ids that read as what they are in test output. */
export const BASE_SHA = 'b'.repeat(40);
export const FIRST_HEAD = '1'.repeat(40);
export const HEAD_SHA = 'a'.repeat(40);
export const MERGE_SHA = 'c'.repeat(40);

export function approval(
  reviewer: string,
  commitSha = HEAD_SHA,
  submittedAt = '2026-11-02T10:00:00Z',
): ReviewFact {
  return { reviewer, state: 'approved', commitSha, submittedAt };
}

/** A clean change: authored by dev-alice, approved on its final head by dev-bob, gate passed and required. */
export function changeFacts(overrides: Partial<ChangeFacts> = {}): ChangeFacts {
  return {
    platform: 'github',
    repository: 'octo/shop',
    number: 42,
    title: 'Add the order export',
    url: 'https://github.com/octo/shop/pull/42',
    author: 'dev-alice',
    baseRef: 'main',
    baseSha: BASE_SHA,
    headSha: HEAD_SHA,
    mergeCommitSha: MERGE_SHA,
    merged: true,
    mergedBy: 'dev-bob',
    mergedAt: '2026-11-02T12:00:00Z',
    commits: [{ sha: HEAD_SHA, author: 'dev-alice', committer: 'dev-alice', date: '2026-11-02T09:00:00Z' }],
    lastPush: {
      sha: HEAD_SHA,
      at: '2026-11-02T09:00:00Z',
      by: 'dev-alice',
      source: "the head commit's committer",
    },
    reviews: [approval('dev-bob')],
    changedFiles: ['app/export.py'],
    policyFiles: [],
    codeOwners: null,
    ownerTeams: {},
    gateChecks: [
      {
        name: 'controlgate / SOC 2',
        state: 'success',
        description: 'Passed: no new blocking problems',
        targetUrl: null,
        createdAt: '2026-11-02T09:05:00Z',
        creator: 'github-actions[bot]',
      },
    ],
    requiredCheck: { required: true, source: 'rulesets for main', detail: null },
    gaps: [],
    ...overrides,
  };
}

/** The gate run on the head: intact, unsigned, passed in enforce mode. */
export function gateRun(overrides: Partial<GateRunFacts> = {}): GateRunFacts {
  return {
    location: 'artifact controlgate-evidence #7',
    intact: true,
    problems: [],
    digest: 'd'.repeat(64),
    signature: 'absent',
    signer: null,
    repository: 'octo/shop',
    platform: 'github',
    event: 'pull_request',
    headSha: HEAD_SHA,
    changeNumber: 42,
    finishedAt: '2026-11-02T09:05:00Z',
    runUrl: 'https://github.com/octo/shop/actions/runs/1',
    decision: 'pass',
    exitCode: 0,
    failMode: 'enforce',
    failingCriteria: [],
    notEvaluatedCriteria: [],
    scannersFailed: [],
    policySource: 'base',
    waivers: [],
    ...overrides,
  };
}
