import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeContext } from '../../../src/change-context.ts';
import { realExec } from '../../../src/exec/exec.ts';
import { gitReviewLines } from '../../../src/gate/review-lines.ts';
import { GitRepo } from '../../support/git-repo.ts';
import { baseline, report } from '../../support/report-builders.ts';

/*
 * The head side of a change's diff, read from a real git repository: the lines a review comment may
 * sit on, by the report's workspace-relative paths.
 */

const repos: GitRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

function change(files: Record<string, string>, head: Record<string, string>) {
  const repo = GitRepo.create(files);
  repos.push(repo);
  const baseSha = repo.commit('base');
  repo.branch('feature').write(head);
  const headSha = repo.commit('head');
  return { repo, baseSha, headSha };
}

function context(baseSha: string, headSha: string): ChangeContext {
  return { changeNumber: 7, baseSha, headSha } as ChangeContext;
}

type Changed = NonNullable<ReturnType<typeof baseline>>['changedFiles'];

function reportAt(root: string, changedFiles: Changed) {
  return { ...report({ controls: [], baseline: baseline({ changedFiles }) }), root };
}

describe('gitReviewLines', () => {
  it('gives the lines the change added or edited, and the head text', async () => {
    const { repo, baseSha, headSha } = change(
      { 'a.py': 'one\ntwo\nthree\n' },
      { 'a.py': 'one\nTWO\nthree\nfour\n' },
    );
    const lines = await gitReviewLines(
      reportAt(repo.dir, [{ status: 'modified', path: 'a.py', oldPath: null }]),
      context(baseSha, headSha),
      realExec,
    );
    const file = await lines?.of('a.py');
    expect(file?.repoPath).toBe('a.py');
    expect([...(file?.changed ?? [])]).toEqual([2, 4]);
    expect(file?.text).toBe('one\nTWO\nthree\nfour\n');
    expect(await lines?.of('other.py')).toBeUndefined();
  });

  it('names the file from the repository top when the workspace is a folder inside it', async () => {
    const { repo, baseSha, headSha } = change({ 'svc/a.py': 'x\n' }, { 'svc/a.py': 'x\ny\n' });
    const lines = await gitReviewLines(
      reportAt(repo.path('svc'), [{ status: 'modified', path: 'a.py', oldPath: null }]),
      context(baseSha, headSha),
      realExec,
    );
    const file = await lines?.of('a.py');
    expect(file?.repoPath).toBe('svc/a.py');
    expect([...(file?.changed ?? [])]).toEqual([2]);
  });

  it('follows a rename: only its edits are changed lines', async () => {
    const text = 'a\nb\nc\nd\ne\nf\n';
    const { repo, baseSha } = change({ 'old.py': text }, {});
    repo.move('old.py', 'new.py').write({ 'new.py': text.replace('c\n', 'C\n') });
    const headSha = repo.commit('rename');
    const lines = await gitReviewLines(
      reportAt(repo.dir, [{ status: 'renamed', path: 'new.py', oldPath: 'old.py' }]),
      context(baseSha, headSha),
      realExec,
    );
    expect([...((await lines?.of('new.py'))?.changed ?? [])]).toEqual([3]);
  });

  it('leaves out a file whose scanned text is not the head’s (a merge checkout where the base changed it too)', async () => {
    const { repo, baseSha, headSha } = change({ 'a.py': 'x\n' }, { 'a.py': 'x\ny\n' });
    writeFileSync(repo.path('a.py'), 'base line\nx\ny\n');
    const lines = await gitReviewLines(
      reportAt(repo.dir, [{ status: 'modified', path: 'a.py', oldPath: null }]),
      context(baseSha, headSha),
      realExec,
    );
    expect(await lines?.of('a.py')).toBeUndefined();
  });

  it('reads nothing without a comparison or a head commit', async () => {
    const { repo, baseSha } = change({ 'a.py': 'x\n' }, { 'a.py': 'y\n' });
    const none = { ...report({ controls: [] }), root: repo.dir };
    expect(await gitReviewLines(none, context(baseSha, 'f'.repeat(40)), realExec)).toBeUndefined();
    const noHead = { ...context(baseSha, ''), headSha: null } as ChangeContext;
    expect(await gitReviewLines(reportAt(repo.dir, []), noHead, realExec)).toBeUndefined();
  });
});
