import { describe, expect, it } from 'vitest';
import { approvalReviews, lastPushOf } from '../../../../src/platforms/gitlab/approval-history.ts';
import { ownerNames } from '../../../../src/platforms/gitlab/code-owners.ts';

/*
 * GitLab approvals as reviews: the time from the system notes, the head from the diff versions.
 * The reader's HTTP side is tested against the fake GitLab (test/integration/change-facts-gitlab).
 */

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function note(id: number, who: string, body: string, at: string): Record<string, unknown> {
  return { id, system: true, body, author: { username: who }, created_at: at };
}

const versions = [
  { id: 2, head_commit_sha: B, created_at: '2026-03-02T12:00:00Z' },
  { id: 1, head_commit_sha: A, created_at: '2026-03-02T10:00:00Z' },
];

describe('approvalReviews', () => {
  it('takes the latest standing approval and the head current at that moment', () => {
    const notes = [
      note(4, 'bob', 'approved this merge request', '2026-03-02T12:00:00Z'),
      note(1, 'bob', 'approved this merge request', '2026-03-02T10:30:00Z'),
      note(2, 'bob', 'unapproved this merge request', '2026-03-02T11:00:00Z'),
      note(3, 'carol', 'approved this merge request', '2026-03-02T11:30:00Z'),
      {
        id: 5,
        system: false,
        body: 'approved this merge request',
        author: { username: 'eve' },
        created_at: '2026-03-02T13:00:00Z',
      },
    ];
    expect(approvalReviews(['bob', 'carol'], notes, versions)).toEqual([
      { reviewer: 'carol', state: 'approved', commitSha: A, submittedAt: '2026-03-02T11:30:00Z' },
      // At the very moment of the push: that version counts as current.
      { reviewer: 'bob', state: 'approved', commitSha: B, submittedAt: '2026-03-02T12:00:00Z' },
    ]);
  });

  it('an approver with no note: no time, and no head when the change had several', () => {
    expect(approvalReviews(['dan'], [], versions)).toEqual([
      { reviewer: 'dan', state: 'approved', commitSha: null, submittedAt: null },
    ]);
  });

  it('without the approvals API, the notes say who still approves', () => {
    const notes = [
      note(1, 'bob', 'approved this merge request', '2026-03-02T10:30:00Z'),
      note(2, 'carol', 'approved this merge request', '2026-03-02T10:40:00Z'),
      note(3, 'carol', 'unapproved this merge request', '2026-03-02T10:50:00Z'),
    ];
    expect(approvalReviews(undefined, notes, undefined)).toEqual([
      { reviewer: 'bob', state: 'approved', commitSha: null, submittedAt: '2026-03-02T10:30:00Z' },
    ]);
  });
});

describe('lastPushOf', () => {
  const push = (to: string, ref: string, who: string, at: string) => ({
    id: at.length,
    author_username: who,
    created_at: at,
    push_data: { commit_to: to, ref },
  });

  it("the newest push of the head to the change's branch", () => {
    const events = [
      push(B, 'main', 'merger', '2026-03-02T15:00:00Z'),
      push(B, 'feature', 'eve', '2026-03-02T12:00:00Z'),
      push(A, 'feature', 'alice', '2026-03-02T10:00:00Z'),
    ];
    expect(lastPushOf(B, 'feature', events, versions)).toEqual({
      sha: B,
      at: '2026-03-02T12:00:00Z',
      by: 'eve',
      source: 'push event',
    });
  });

  it('no push event: the newest version, by nobody known', () => {
    expect(lastPushOf(B, 'feature', [], versions)?.by).toBeNull();
    expect(lastPushOf(B, 'feature', undefined, undefined)).toBeNull();
  });
});

describe('ownerNames', () => {
  it('names users and groups once, in order, past comments, sections and e-mails', () => {
    const text = [
      '# @not-an-owner',
      '[Security][2] @acme/security',
      '/.controlgate.yml @acme/security @dev.alice ops@example.com',
      '^[Docs] @@developer',
      '*.md @docs-team/',
    ].join('\n');
    expect(ownerNames(text)).toEqual(['acme/security', 'dev.alice', 'docs-team']);
  });
});
