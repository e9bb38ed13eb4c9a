import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJsonReport } from '../../src/report/json-report-schema.ts';
import { runCli } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';

/*
 * Files whose names hold a line break, a carriage return or U+2028 are listed, scanned and judged
 * like any other: the glob library the walk used before dropped them without a word. Real Bandit,
 * a real git repository, the built CLI, a full scan and a change.
 */

const SHELL = 'import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n';
const ONLY_BANDIT = 'scanners:\n  semgrep: { enabled: false }\n  kics: { enabled: false }\n';
const ODD = ['a\u2028b/v.py', 'c\nd/w.py', 'e\rf.py'];

const repos: GitRepo[] = [];
afterAll(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

function scan(repo: GitRepo, extra: string[] = []) {
  const run = runCli(['scan', repo.dir, '--format', 'json', '--no-evidence', '--no-progress', ...extra]);
  if (run.stdout.trim() === '') throw new Error(`no report (exit ${run.exitCode}): ${run.stderr}`);
  return { exitCode: run.exitCode, report: parseJsonReport(run.stdout, 'stdout') };
}

function shellCalls(report: ReturnType<typeof parseJsonReport>): string[] {
  return report.findings.filter((f) => f.ruleId === 'B602').map((f) => f.path);
}

describe('names no glob should drop', () => {
  it('a full scan judges files in folders named with U+2028 or a line break, and a name with CR', () => {
    const repo = GitRepo.create({
      '.controlgate.yml': ONLY_BANDIT,
      ...Object.fromEntries(ODD.map((n) => [n, SHELL])),
    });
    repos.push(repo);
    repo.commit('Odd names');
    const { exitCode, report } = scan(repo);
    expect(exitCode).toBe(1);
    expect(shellCalls(report).sort()).toEqual([...ODD].sort());
    expect(report.scanners.find((s) => s.id === 'bandit')?.filesScanned).toBe(ODD.length);
  });

  it('a change that adds such a file is judged on it', () => {
    const repo = GitRepo.create({ '.controlgate.yml': ONLY_BANDIT, 'app.py': 'print(1)\n' });
    repos.push(repo);
    repo.commit('base');
    repo.branch('feature');
    repo.write({ [path.join('c\nd', 'w.py')]: SHELL }).commit('A shell call under an odd folder');
    const { exitCode, report } = scan(repo, ['--base', 'main']);
    expect(exitCode).toBe(1);
    expect(shellCalls(report)).toEqual(['c\nd/w.py']);
    expect(report.findings.find((f) => f.ruleId === 'B602')?.baselineState).toBe('new');
  });
});
