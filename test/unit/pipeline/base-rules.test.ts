import { existsSync, readFileSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Git } from '../../../src/diff/git.ts';
import { realExec } from '../../../src/exec/exec.ts';
import { type PinnedRules, semgrepRulesFromBase } from '../../../src/pipeline/base-rules.ts';
import { GitRepo } from '../../support/git-repo.ts';

/*
 * Semgrep's local rules on a change: read from the base commit's objects into a scratch folder,
 * whatever the checkout holds. Real git repositories; no scanner runs here.
 */

const RULE = (pattern: string) =>
  `rules:\n  - id: no-eval\n    pattern: ${pattern}\n    message: eval\n    languages: [python]\n    severity: ERROR\n`;

const repos: GitRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

/** `main` with a rules folder (and other files), checked out on `feature`. */
function repository(files: Record<string, string> = {}): GitRepo {
  const repo = GitRepo.create({
    'rules/eval.yaml': RULE('eval(...)'),
    'rules/python/exec.yml': RULE('exec(...)'),
    'app.py': 'print("hello")\n',
    ...files,
  });
  repos.push(repo);
  repo.commit('Application and its rules');
  return repo.branch('feature');
}

function scratch(repo: GitRepo): string {
  return path.join(path.dirname(repo.dir), 'scratch');
}

async function pin(repo: GitRepo, configs: string[]): Promise<PinnedRules> {
  const git = new Git(realExec, repo.dir);
  return semgrepRulesFromBase(configs, {
    git,
    repoRoot: repo.dir,
    commit: repo.git('rev-parse', 'main').trim(),
    root: repo.dir,
    dir: scratch(repo),
  });
}

describe('semgrepRulesFromBase', () => {
  it("points Semgrep at the base's copy of a rules folder, even when the change left it alone", async () => {
    const repo = repository();
    const pinned = await pin(repo, ['rules']);
    const copy = path.join(scratch(repo), 'rules');
    expect(pinned).toEqual({ configs: [copy], root: scratch(repo), changes: [] });
    expect(readFileSync(path.join(copy, 'eval.yaml'), 'utf8')).toBe(RULE('eval(...)'));
    expect(readFileSync(path.join(copy, 'python', 'exec.yml'), 'utf8')).toBe(RULE('exec(...)'));
  });

  it("copies the base's rules, not the change's, and reports every edit, addition and removal", async () => {
    const repo = repository();
    repo.write({ 'rules/eval.yaml': RULE('never_called(...)'), 'rules/extra.yaml': RULE('x(...)') });
    repo.remove('rules/python/exec.yml');
    repo.commit('Weaken the rules');
    const pinned = await pin(repo, ['./rules/']);
    const copy = path.join(scratch(repo), 'rules');
    expect(pinned.configs).toEqual([copy]);
    expect(pinned.refused).toBeUndefined();
    expect(readFileSync(path.join(copy, 'eval.yaml'), 'utf8')).toBe(RULE('eval(...)'));
    expect(readFileSync(path.join(copy, 'python', 'exec.yml'), 'utf8')).toBe(RULE('exec(...)'));
    expect(existsSync(path.join(copy, 'extra.yaml'))).toBe(false);
    expect(pinned.changes).toEqual([
      {
        key: 'scanners.semgrep.configs.rules/eval.yaml',
        change: 'changed',
        before: '"rules/eval.yaml at the base"',
        after: '"rules/eval.yaml"',
      },
      { key: 'scanners.semgrep.configs.rules/extra.yaml', change: 'added', after: '"rules/extra.yaml"' },
      {
        key: 'scanners.semgrep.configs.rules/python/exec.yml',
        change: 'removed',
        before: '"rules/python/exec.yml"',
      },
    ]);
  });

  it('copies a single rules file the change deleted, and reports its removal', async () => {
    const repo = repository({ 'semgrep.yml': RULE('eval(...)') });
    repo.remove('semgrep.yml');
    repo.commit('No more rules');
    const pinned = await pin(repo, [path.join(repo.dir, 'semgrep.yml')]);
    const copy = path.join(scratch(repo), 'semgrep.yml');
    expect(pinned.configs).toEqual([copy]);
    expect(readFileSync(copy, 'utf8')).toBe(RULE('eval(...)'));
    expect(pinned.changes).toEqual([
      { key: 'scanners.semgrep.configs.semgrep.yml', change: 'removed', before: '"semgrep.yml"' },
    ]);
  });

  it('refuses Semgrep when a rules path is not in the base, and never points it at the checkout', async () => {
    const repo = repository();
    repo.write({ 'mine/allow-all.yaml': RULE('nothing_at_all(...)') }).commit('Rules of my own');
    const pinned = await pin(repo, ['rules', 'mine']);
    const copy = path.join(scratch(repo), 'mine');
    expect(pinned.configs).toEqual([path.join(scratch(repo), 'rules'), copy]);
    expect(existsSync(copy)).toBe(false);
    expect(pinned.refused).toContain('"mine"');
    expect(pinned.refused).toContain(repo.git('rev-parse', 'main').trim().slice(0, 12));
    expect(pinned.changes).toEqual([
      {
        key: 'scanners.semgrep.configs.mine/allow-all.yaml',
        change: 'added',
        after: '"mine/allow-all.yaml"',
      },
    ]);
  });

  it('also refuses a rules file missing on both sides, rather than let Semgrep look for it', async () => {
    const repo = repository();
    const pinned = await pin(repo, ['gone.yaml']);
    expect(pinned.refused).toContain('"gone.yaml"');
    expect(pinned.changes).toEqual([]);
  });

  it('leaves our pack, registry packs, URLs, bare names and rules outside the repository alone', async () => {
    const repo = repository();
    const outside = path.join(path.dirname(repo.dir), 'elsewhere');
    const configs = [
      'builtin',
      'p/python',
      'r/python.lang',
      'https://rules.example.test/x.yml',
      'auto',
      outside,
    ];
    const pinned = await pin(repo, configs);
    expect(pinned).toEqual({ configs, root: scratch(repo), changes: [] });
  });

  it('follows a link the base has as its rules path, within the repository', async () => {
    const repo = GitRepo.create({ 'shared/rules/eval.yaml': RULE('eval(...)') });
    repos.push(repo);
    symlinkSync(path.join('shared', 'rules'), repo.path('rules'));
    repo.commit('Rules behind a link');
    repo.branch('feature');
    // The change points the link at a folder of its own.
    unlinkSync(repo.path('rules'));
    repo.write({ 'mine/eval.yaml': RULE('nothing_at_all(...)') });
    symlinkSync('mine', repo.path('rules'));
    repo.commit('Point the rules elsewhere');
    const pinned = await pin(repo, ['rules']);
    const copy = path.join(scratch(repo), 'shared', 'rules');
    expect(pinned.configs).toEqual([copy]);
    expect(readFileSync(path.join(copy, 'eval.yaml'), 'utf8')).toBe(RULE('eval(...)'));
    expect(pinned.changes.map((c) => `${c.key} ${c.change}`)).toEqual([
      'scanners.semgrep.configs.rules/eval.yaml changed',
    ]);
  });
});
