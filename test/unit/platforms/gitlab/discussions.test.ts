import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiBudget, apiLimits } from '../../../../src/platforms/api-limits.ts';
import { gitlabClient } from '../../../../src/platforms/gitlab/client.ts';
import { syncGitlabDiscussions } from '../../../../src/platforms/gitlab/discussions.ts';
import type { ReviewComment } from '../../../../src/platforms/types.ts';
import { reviewMarker } from '../../../../src/report/markdown/review-comment.ts';
import { type FakeGitLab, PROJECT_ID, startFakeGitLab } from '../../../support/fake-gitlab.ts';

/*
 * The sync of a merge request's diff discussions, against the loopback fake GitLab: positions from
 * the merge request's diff_refs, edits, resolution, and the discussions it never touches.
 */

const IID = 7;
const BASE = 'b'.repeat(40);
const HEAD = 'c'.repeat(40);

function wanted(fingerprint: string, line: number, text = 'weak hash'): ReviewComment {
  return {
    fingerprint,
    path: 'app.py',
    startLine: line,
    endLine: line,
    body: `${reviewMarker('default', fingerprint)}\n${text}\n`,
  };
}

let gl: FakeGitLab;
beforeEach(async () => {
  gl = await startFakeGitLab();
  gl.diffRefs.set(IID, { base_sha: BASE, start_sha: BASE, head_sha: HEAD });
  gl.setDiff(IID, { 'app.py': [3, 4, 5] });
});
afterEach(async () => {
  await gl.stop();
});

function sync(comments: ReviewComment[], headSha = HEAD) {
  const client = gitlabClient(gl.url, 'glpat-test', apiBudget(apiLimits({})), () => {});
  return syncGitlabDiscussions(client, { project: PROJECT_ID, iid: IID, headSha }, 'default', comments);
}

const writes = () => gl.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

describe('syncGitlabDiscussions', () => {
  it("opens a diff discussion positioned with the merge request's diff_refs", async () => {
    expect(await sync([wanted('fp1', 3)])).toEqual({ created: 1, updated: 0, unchanged: 0, resolved: 0 });
    const [d] = gl.discussions(IID);
    expect(d?.notes[0]?.position).toMatchObject({
      position_type: 'text',
      base_sha: BASE,
      start_sha: BASE,
      head_sha: HEAD,
      new_path: 'app.py',
      new_line: 3,
    });
    expect(d?.notes[0]?.author.id).toBe(gl.bot.id);
  });

  it('a second sync with the same comments only reads', async () => {
    await sync([wanted('fp1', 3)]);
    const before = writes().length;
    expect(await sync([wanted('fp1', 3)])).toEqual({ created: 0, updated: 0, unchanged: 1, resolved: 0 });
    expect(writes().slice(before)).toEqual([]);
  });

  it('edits the note whose text changed', async () => {
    await sync([wanted('fp1', 3)]);
    expect(await sync([wanted('fp1', 3, 'now with CC6.7')])).toMatchObject({ updated: 1 });
    expect(gl.discussions(IID)).toHaveLength(1);
    expect(gl.discussions(IID)[0]?.notes[0]?.body).toContain('CC6.7');
  });

  it('resolves the discussion of a problem no longer wanted, once; a moved problem gets a new one', async () => {
    await sync([wanted('fp1', 3), wanted('fp2', 4)]);
    expect(await sync([wanted('fp1', 5)])).toEqual({ created: 1, updated: 0, unchanged: 0, resolved: 2 });
    expect(gl.discussions(IID).map((d) => [d.notes[0]?.position?.new_line, d.notes[0]?.resolved])).toEqual([
      [3, true],
      [4, true],
      [5, false],
    ]);
    const before = writes().length;
    expect(await sync([wanted('fp1', 5)])).toMatchObject({ unchanged: 1, resolved: 0 });
    expect(writes().slice(before)).toEqual([]);
  });

  it("never touches a person's discussion, even one quoting our marker", async () => {
    const person = gl.seedDiscussion(IID, {
      path: 'app.py',
      line: 3,
      body: `${reviewMarker('default', 'fp1')}\nme`,
    });
    expect(await sync([])).toEqual({ created: 0, updated: 0, unchanged: 0, resolved: 0 });
    expect(await sync([wanted('fp1', 3)])).toMatchObject({ created: 1 });
    expect(gl.discussions(IID).find((d) => d.id === person.id)?.notes[0]?.resolved).toBe(false);
    expect(gl.requests.filter((r) => r.method !== 'GET' && r.path.includes(person.id))).toEqual([]);
  });

  it('opens nothing when the merge request has moved past the scanned head', async () => {
    await expect(sync([wanted('fp1', 3)], 'd'.repeat(40))).rejects.toThrow(/head/);
    expect(gl.discussions(IID)).toEqual([]);
  });

  it('a line off the diff is refused (400), as GitLab refuses it; the other discussions still go', async () => {
    await expect(sync([wanted('fp1', 40), wanted('fp2', 3)])).rejects.toThrow(
      /refused 1 diff discussion \(400.*app\.py:40.*1 created/,
    );
    expect(gl.discussions(IID).map((d) => d.notes[0]?.position?.new_line)).toEqual([3]);
  });
});
