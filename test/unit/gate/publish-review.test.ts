import { describe, expect, it } from 'vitest';
import type { ChangeContext } from '../../../src/change-context.ts';
import {
  newBlockingProblems,
  planReview,
  publishReview,
  reviewCommentFor,
} from '../../../src/gate/publish-review.ts';
import type { HeadFile, ReviewLines } from '../../../src/gate/review-lines.ts';
import type { Platform, ReviewComment } from '../../../src/platforms/types.ts';
import type { JsonReport } from '../../../src/report/json-report-schema.ts';
import { readReviewMarker } from '../../../src/report/markdown/review-comment.ts';
import { baseline, control, finding, report } from '../../support/report-builders.ts';

const context = { changeNumber: 7, headSha: 'h'.repeat(40), baseSha: 'b'.repeat(40) } as ChangeContext;

const FILE = ['import hashlib', '', 'def digest(p):', '    return hashlib.md5(p).hexdigest()', ''].join('\n');

/** app/file1.py: the change wrote lines 3 and 4. */
const head: HeadFile = { repoPath: 'svc/app/file1.py', changed: new Set([3, 4]), text: FILE };

function linesOf(files: Record<string, HeadFile>): () => Promise<ReviewLines> {
  return async () => ({ of: async (p) => files[p] });
}

const onChanged = finding(1, { baselineState: 'new', line: 4, endLine: 4 });
const offChanged = finding(2, { baselineState: 'new', path: 'app/file1.py', line: 1, endLine: 1 });

function failing(...findings: JsonReport['findings']): JsonReport {
  return report({
    controls: [control('CC6.1', 'fail', { findings: findings.map((f) => f.fingerprint) })],
    findings,
    baseline: baseline(),
  });
}

function plan(r: JsonReport, mode: 'update' | 'review' | 'both' | 'off', more: { unverified?: string } = {}) {
  return planReview(r, {
    mode,
    commentKey: 'default',
    context,
    flavor: 'github',
    canReview: true,
    lines: linesOf({ 'app/file1.py': head }),
    ...more,
  });
}

describe('newBlockingProblems', () => {
  it('keeps only new, unsuppressed, unwaived problems in the workspace that a failing blocking criterion names', () => {
    const kept = finding(1, { baselineState: 'new' });
    const r = report({
      controls: [
        control('CC6.1', 'fail', { findings: ['fp1', 'fp2', 'fp3', 'fp4', 'fp5'] }),
        control('CC7.1', 'warn', { findings: ['fp6'], blocking: false }),
      ],
      findings: [
        kept,
        finding(2, { baselineState: 'unchanged' }),
        finding(3, { baselineState: 'new', suppressed: true }),
        finding(4, { baselineState: 'new', waiver: 'W-1' }),
        finding(5, { baselineState: 'new', inWorkspace: false }),
        finding(6, { baselineState: 'new' }),
        finding(7, { baselineState: 'new' }),
      ],
    });
    expect(newBlockingProblems(r).map((f) => f.fingerprint)).toEqual(['fp1']);
  });
});

describe('reviewCommentFor', () => {
  it('puts a comment on a changed line, at the head path', () => {
    const c = reviewCommentFor(onChanged, head, 'default', 'github');
    expect(c).toMatchObject({ fingerprint: 'fp1', path: 'svc/app/file1.py', startLine: 4, endLine: 4 });
    expect(readReviewMarker(c?.body ?? '')).toEqual({ key: 'default', fingerprint: 'fp1' });
  });

  it('leaves a problem on a line the change did not write to the sticky comment', () => {
    expect(reviewCommentFor(offChanged, head, 'default', 'github')).toBeUndefined();
  });

  it("suggests the tool's fix as whole lines when they fit the head file", () => {
    const fix = { startLine: 4, startColumn: 12, endLine: 4, endColumn: 23, text: 'hashlib.sha256' };
    const c = reviewCommentFor({ ...onChanged, fix }, head, 'default', 'github');
    expect(c?.body).toContain('```suggestion\n    return hashlib.sha256(p).hexdigest()\n```');
  });

  it('spans a multi-line fix when every line it replaces is changed', () => {
    const fix = {
      startLine: 3,
      startColumn: 1,
      endLine: 4,
      endColumn: 38,
      text: 'def digest(p):\n    return hashlib.sha256(p).hexdigest()',
    };
    const c = reviewCommentFor({ ...onChanged, fix }, head, 'default', 'github');
    expect(c).toMatchObject({ startLine: 3, endLine: 4 });
    expect(c?.body).toContain('```suggestion\ndef digest(p):\n    return hashlib.sha256(p).hexdigest()\n```');
  });

  it('drops the suggestion (not the comment) when the fix reaches a line the change did not write, or does not fit', () => {
    const wide = { startLine: 2, startColumn: 1, endLine: 4, endColumn: 2, text: 'x' };
    const stale = { startLine: 4, startColumn: 80, endLine: 4, endColumn: 90, text: 'x' };
    for (const fix of [wide, stale]) {
      const c = reviewCommentFor({ ...onChanged, fix }, head, 'default', 'github');
      expect(c).toMatchObject({ startLine: 4, endLine: 4 });
      expect(c?.body).not.toContain('suggestion');
    }
  });
});

describe('a suggestion never quotes a secret', () => {
  it('drops the suggestion (not the comment) when a line it would quote holds a credential', () => {
    const token = `ghp_${'a1B2c3D4e5'.repeat(3)}123456`;
    const text = `import hashlib\n\ndef digest(p):\n    return hashlib.md5(p).hexdigest(); TOKEN = "${token}"\n`;
    const fix = { startLine: 4, startColumn: 12, endLine: 4, endColumn: 23, text: 'hashlib.sha256' };
    const c = reviewCommentFor({ ...onChanged, fix }, { ...head, text }, 'default', 'github');
    expect(c).toMatchObject({ startLine: 4, endLine: 4 });
    expect(c?.body).not.toContain('suggestion');
    expect(c?.body).not.toContain(token);
  });
});

describe('planReview', () => {
  it('update: the sticky comment only, no inline comments', async () => {
    expect(await plan(failing(onChanged), 'update')).toEqual({ sticky: 'always' });
  });

  it('off, or no change to comment on: nothing', async () => {
    expect(await plan(failing(onChanged), 'off')).toEqual({ sticky: 'none' });
    const pushed = await planReview(failing(onChanged), {
      mode: 'review',
      commentKey: 'default',
      context: { ...context, changeNumber: null },
      flavor: 'github',
      canReview: true,
      lines: linesOf({}),
    });
    expect(pushed).toEqual({ sticky: 'none' });
  });

  it('both: the sticky comment and every inline comment', async () => {
    const p = await plan(failing(onChanged), 'both');
    expect(p.sticky).toBe('always');
    expect(p.comments?.map((c) => c.fingerprint)).toEqual(['fp1']);
  });

  it('review: only updates an earlier sticky comment when everything is said inline', async () => {
    const p = await plan(failing(onChanged), 'review');
    expect(p).toMatchObject({ sticky: 'if-exists' });
    expect(p.comments).toHaveLength(1);
  });

  it('review: the sticky comment for a blocking problem off the changed lines', async () => {
    const p = await plan(failing(onChanged, offChanged), 'review');
    expect(p.sticky).toBe('always');
    expect(p.comments?.map((c) => c.fingerprint)).toEqual(['fp1']);
  });

  it('the same code found twice gets two comments, the second marked <fingerprint>.2', async () => {
    const again = finding(1, { baselineState: 'new', line: 3, endLine: 3 });
    const p = await plan(failing(onChanged, again), 'review');
    expect(p.comments?.map((c) => [c.fingerprint, c.endLine])).toEqual([
      ['fp1.2', 4],
      ['fp1', 3],
    ]);
    expect(p.comments?.map((c) => readReviewMarker(c.body)?.fingerprint)).toEqual(['fp1.2', 'fp1']);
    expect(p.sticky).toBe('if-exists');
  });

  it('review: the sticky comment for a criterion not evaluated, or a proposed policy', async () => {
    const r = failing(onChanged);
    const unevaluated = { ...r, controls: [...r.controls, control('CC8.1', 'not-evaluated')] };
    expect((await plan(unevaluated, 'review')).sticky).toBe('always');
    const proposal = {
      ...r,
      policy: {
        ...r.policy,
        proposed: { invalid: null, changes: [{ key: 'policy.mode', change: 'changed' as const }] },
      },
    };
    expect((await plan(proposal, 'review')).sticky).toBe('always');
  });

  it('review: still syncs (to resolve earlier comments) when the change passes', async () => {
    const passing = report({ controls: [control('CC6.1', 'pass')], findings: [], baseline: baseline() });
    expect(await plan(passing, 'review')).toEqual({ sticky: 'if-exists', comments: [] });
  });

  it('review: no inline comments from unverified results, or on a platform without them', async () => {
    expect(await plan(failing(onChanged), 'review', { unverified: 'from a PR artifact' })).toEqual({
      sticky: 'always',
    });
    const p = await planReview(failing(onChanged), {
      mode: 'review',
      commentKey: 'default',
      context,
      flavor: 'github',
      canReview: false,
      lines: linesOf({}),
    });
    expect(p).toEqual({ sticky: 'always' });
  });

  it('review: when the diff cannot be read, everything stays in the sticky comment', async () => {
    const p = await planReview(failing(onChanged), {
      mode: 'review',
      commentKey: 'default',
      context,
      flavor: 'github',
      canReview: true,
      lines: async () => undefined,
    });
    expect(p).toEqual({ sticky: 'always', comments: [] });
  });
});

describe('publishReview', () => {
  it('hands the planned comments to the platform and logs what it did', async () => {
    const synced: ReviewComment[][] = [];
    const platform = {
      async syncReviewComments(_key: string, comments: readonly ReviewComment[]) {
        synced.push([...comments]);
        return { created: 1, updated: 0, unchanged: 0, resolved: 2 };
      },
    } as unknown as Platform;
    const lines: string[] = [];
    const log = { info: (l: string) => lines.push(l), warning: () => {}, error: () => {} };
    const p = await plan(failing(onChanged), 'review');
    await publishReview(p, platform, 'default', log);
    expect(synced[0]?.map((c) => c.fingerprint)).toEqual(['fp1']);
    expect(lines).toEqual(['controlgate: review comments: 1 created, 0 updated, 0 unchanged, 2 resolved']);
    await publishReview({ sticky: 'always' }, platform, 'default', log);
    expect(synced).toHaveLength(1);
  });
});
