import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { semgrepIgnoreReason } from '../../../scanners/semgrep/ignore.ts';
import { realExec } from '../../../src/exec/exec.ts';
import { semgrepIgnoreFromBase, semgrepIgnoreFromCheckout } from '../../../src/pipeline/semgrep-ignore.ts';
import { GitRepo } from '../../support/git-repo.ts';

const repos: GitRepo[] = [];
afterAll(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

function workspace(repo: GitRepo) {
  return { root: repo.dir, target: repo.dir, targetDir: repo.dir };
}

describe("Semgrep's ignore files on a change", () => {
  it("are the base's, with what they include; the change's edits are proposals", async () => {
    const repo = GitRepo.create({
      '.semgrepignore': 'generated/\n:include .gitignore\n',
      '.gitignore': 'out/\n',
      'app/main.py': 'x = 1\n',
    });
    repos.push(repo);
    repo.commit('base');
    repo.branch('feature');
    repo.write({ '.semgrepignore': 'app/\n', 'lib/.semgrepignore': '*.py\n' }).commit('hide app');
    const files = ['.semgrepignore', 'lib/.semgrepignore', 'app/main.py', '.gitignore'].map((f) =>
      repo.path(f),
    );
    const base = repo.git('rev-parse', 'main').trim();
    const { ignore, changes } = await semgrepIgnoreFromBase(realExec, workspace(repo), base, files);
    expect(ignore.from).toBe('base');
    expect(ignore.usesDefault).toBe(false);
    expect(semgrepIgnoreReason(ignore, repo.dir, repo.path('app/main.py'))).toBeUndefined();
    expect(semgrepIgnoreReason(ignore, repo.dir, repo.path('lib/x.py'))).toBeUndefined();
    expect(semgrepIgnoreReason(ignore, repo.dir, repo.path('generated/x.py'))).toMatch(/at the base/);
    expect(semgrepIgnoreReason(ignore, repo.dir, repo.path('out/x.py'))).toMatch(
      /included by \.semgrepignore/,
    );
    expect(changes.map((c) => `${c.key} ${c.change}`)).toEqual([
      '.semgrepignore changed',
      'lib/.semgrepignore added',
    ]);
  });

  it('without a change, are the checkout’s, and the default list without one at the root', async () => {
    const repo = GitRepo.create({ 'app/.semgrepignore': '*.py\n', 'app/main.py': 'x = 1\n' });
    repos.push(repo);
    repo.commit('base');
    const ignore = await semgrepIgnoreFromCheckout(realExec, repo.dir, [repo.path('app/.semgrepignore')]);
    expect(ignore.usesDefault).toBe(true);
    expect(semgrepIgnoreReason(ignore, repo.dir, repo.path('app/main.py'))).toMatch(/app\/\.semgrepignore/);
    expect(semgrepIgnoreReason(ignore, repo.dir, path.join(repo.dir, 'tests', 'a.py'))).toMatch(/default/);
  });
});
