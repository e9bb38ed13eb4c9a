import { getOctokit } from '@actions/github';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncGithubReviewComments } from '../../../../src/platforms/github/review-comments.ts';
import type { ReviewComment } from '../../../../src/platforms/types.ts';
import { reviewMarker } from '../../../../src/report/markdown/review-comment.ts';
import type { RecordedRequest } from '../../../support/fake-api-server.ts';
import { BOT_LOGIN, type FakeGitHub, startFakeGitHub } from '../../../support/fake-github.ts';

/*
 * The sync of a pull request's review comments, against the loopback fake GitHub (REST review
 * comments, GraphQL review threads): what it creates, edits and resolves, and what it never touches.
 */

const HEAD = 'a'.repeat(40);
const PULL = 7;
const TARGET = { owner: 'octo', repo: 'shop', pull: PULL, headSha: HEAD };

function wanted(fingerprint: string, line: number, text = 'weak hash', startLine = line): ReviewComment {
  return {
    fingerprint,
    path: 'app.py',
    startLine,
    endLine: line,
    body: `${reviewMarker('default', fingerprint)}\n${text}\n`,
  };
}

/** Writes: every non-GET, but GraphQL only for its mutations (a query is a POST that reads). */
function writes(requests: readonly RecordedRequest[]): string[] {
  return requests
    .filter((r) => {
      if (r.method === 'GET') return false;
      if (r.path !== '/graphql') return true;
      return /^\s*mutation\b/.test(String((r.body as { query?: unknown }).query));
    })
    .map((r) => `${r.method} ${r.path}`);
}

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.setDiff(PULL, { 'app.py': [3, 4, 5, 10, 11, 12] });
});
afterEach(async () => {
  await gh.stop();
});

function sync(comments: ReviewComment[], key = 'default') {
  // Octokit without the throttling the Action adds (writes that notify people 3 s apart): the sync's
  // own logic is what is tested here; github-action and review-comments integration tests run it whole.
  const client = getOctokit('ghs_test', { baseUrl: gh.url });
  return syncGithubReviewComments(client, TARGET, key, comments);
}

describe('syncGithubReviewComments', () => {
  it('creates one comment per wanted problem on the head commit, multi-line ones with start_line', async () => {
    const outcome = await sync([wanted('fp1', 3), wanted('fp2', 12, 'shell', 10)]);
    expect(outcome).toEqual({ created: 2, updated: 0, unchanged: 0, resolved: 0 });
    const made = gh.reviewComments(PULL);
    expect(made.map((c) => [c.line, c.start_line, c.commit_id, c.side, c.user.login])).toEqual([
      [3, null, HEAD, 'RIGHT', BOT_LOGIN],
      [12, 10, HEAD, 'RIGHT', BOT_LOGIN],
    ]);
    // Nothing was listed as ours: the threads were not even asked for.
    expect(gh.requests.filter((r) => r.path === '/graphql')).toEqual([]);
  });

  it('a second sync with the same comments only reads', async () => {
    await sync([wanted('fp1', 3)]);
    const before = gh.requests.length;
    expect(await sync([wanted('fp1', 3)])).toEqual({ created: 0, updated: 0, unchanged: 1, resolved: 0 });
    expect(writes(gh.requests.slice(before))).toEqual([]);
  });

  it('edits a comment whose text changed, in place', async () => {
    await sync([wanted('fp1', 3)]);
    const [first] = gh.reviewComments(PULL);
    expect(await sync([wanted('fp1', 3, 'weak hash, now with CC6.7')])).toMatchObject({ updated: 1 });
    expect(gh.reviewComments(PULL)).toHaveLength(1);
    expect(gh.reviewComments(PULL)[0]?.body).toContain('CC6.7');
    expect(writes(gh.requests).at(-1)).toBe(`PATCH /repos/octo/shop/pulls/comments/${first?.id}`);
  });

  it('resolves the thread of a problem no longer wanted, once', async () => {
    await sync([wanted('fp1', 3), wanted('fp2', 4)]);
    const [, second] = gh.reviewComments(PULL);
    expect(await sync([wanted('fp1', 3)])).toEqual({ created: 0, updated: 0, unchanged: 1, resolved: 1 });
    expect(gh.threadOf(second?.id ?? 0)?.isResolved).toBe(true);
    const before = gh.requests.length;
    expect(await sync([wanted('fp1', 3)])).toMatchObject({ resolved: 0 });
    expect(writes(gh.requests.slice(before))).toEqual([]);
  });

  it('a problem that moved gets a new comment where it is, and the old thread is resolved', async () => {
    await sync([wanted('fp1', 3)]);
    const [old] = gh.reviewComments(PULL);
    expect(await sync([wanted('fp1', 5)])).toEqual({ created: 1, updated: 0, unchanged: 0, resolved: 1 });
    expect(gh.threadOf(old?.id ?? 0)?.isResolved).toBe(true);
    expect(gh.reviewComments(PULL).map((c) => c.line)).toEqual([3, 5]);
  });

  it('a problem that comes back after its thread was resolved gets a new comment', async () => {
    await sync([wanted('fp1', 3)]);
    await sync([]);
    expect(await sync([wanted('fp1', 3)])).toMatchObject({ created: 1, resolved: 0 });
    expect(gh.reviewComments(PULL)).toHaveLength(2);
  });

  it("never touches a person's comment, nor another key's, even with our marker", async () => {
    const person = gh.seedReviewComment(PULL, {
      path: 'app.py',
      line: 3,
      body: `${reviewMarker('default', 'fp1')}\nme`,
    });
    const otherKey = gh.seedReviewComment(
      PULL,
      { path: 'app.py', line: 4, body: `${reviewMarker('infra', 'fp9')}\nother job` },
      { user: { login: BOT_LOGIN, id: 41898282, type: 'Bot' } },
    );
    expect(await sync([])).toEqual({ created: 0, updated: 0, unchanged: 0, resolved: 0 });
    expect(await sync([wanted('fp1', 3)])).toMatchObject({ created: 1, unchanged: 0 });
    expect(await sync([])).toMatchObject({ resolved: 1 });
    for (const c of [person, otherKey]) expect(gh.threadOf(c.id)?.isResolved).toBe(false);
    expect(gh.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('lists comments and threads across pages', async () => {
    for (let n = 0; n < 120; n++)
      gh.seedReviewComment(PULL, { path: 'app.py', line: 10, body: `chatter ${n}` });
    await sync([wanted('fp1', 3)]);
    const before = gh.requests.length;
    expect(await sync([wanted('fp1', 3)])).toMatchObject({ unchanged: 1, created: 0 });
    const reads = gh.requests.slice(before).filter((r) => r.path === '/graphql');
    expect(reads.length).toBe(2);
  });

  it('a line off the diff is refused (422), as GitHub refuses it; the other comments still go', async () => {
    await expect(sync([wanted('fp1', 40), wanted('fp2', 3)])).rejects.toThrow(
      /refused 1 review comment \(422.*app\.py:40.*1 created/,
    );
    expect(gh.reviewComments(PULL).map((c) => c.line)).toEqual([3]);
  });
});
