import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAddedLines } from '../../src/diff/added-lines.ts';
import { errorMessage } from '../../src/errors.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { CLI, REPO_ROOT } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';
import { spawnNode } from '../support/spawn-node.ts';

/*
 * One problem more than once in a file, end to end: real git, the built CLI, real Bandit. Its
 * fingerprints number identical findings from the top of the file, so a copy added above the old
 * one takes the old one's number; the comparison must still call the added copy new and the old
 * one unchanged, and when one of two copies goes, fix the one that went.
 */

const RUN = `def run(cmd):
    subprocess.call(cmd, shell=True)
`;
const RUN_AGAIN = `def run_again(cmd):
    subprocess.call(cmd, shell=True)
`;
const FIRST = RUN.replace('run', 'first');
const SECOND = RUN.replace('run', 'second');

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function change(): GitRepo {
  const repo = GitRepo.create({}, 'controlgate-duplicates-');
  cleanups.push(() => repo.cleanup());
  repo.write({
    'app/above.py': `import subprocess\n\n\n${RUN}`,
    'app/removed.py': `import subprocess\n\n\n${FIRST}\n\n${SECOND}`,
  });
  repo.commit('base');
  repo.branch('feature');
  repo.write({
    // An identical copy of the vulnerable call, added above the one that was there.
    'app/above.py': `import subprocess\n\n\n${RUN_AGAIN}\n\n${RUN}`,
    // The first of two copies removed: the second moves up to where the first was.
    'app/removed.py': `import subprocess\n\n\n${SECOND}`,
  });
  repo.commit('the change');
  return repo;
}

async function scan(dir: string): Promise<JsonReport> {
  const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-duplicates-tmp-')));
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
  const run = await spawnNode(
    CLI,
    [
      'scan',
      '--format',
      'json',
      '--no-evidence',
      '--no-progress',
      dir,
      '--base',
      'main',
      '--scanners',
      'bandit',
    ],
    { cwd: REPO_ROOT, env: { ...process.env, TMPDIR: tmp }, timeoutMs: 300_000 },
  );
  try {
    return parseJsonReport(run.stdout, 'controlgate scan --format json (stdout)');
  } catch (error) {
    throw new Error(`no JSON report (exit ${run.exitCode}): ${errorMessage(error)}\n${run.stderr}`);
  }
}

describe('Bandit on a pull request that repeats an old problem', () => {
  let repo: GitRepo;
  let report: JsonReport;

  beforeAll(async () => {
    repo = change();
    report = await scan(repo.dir);
  });

  /** line → state of B602 (subprocess with shell=True) in one file. */
  function b602(file: string): [number, string | null][] {
    return report.findings
      .filter((f) => f.path === file && f.ruleId === 'B602')
      .sort((a, b) => a.line - b.line)
      .map((f) => [f.line, f.baselineState]);
  }

  it('was compared with the base, Bandit on both sides', () => {
    expect(report.baseline?.status).toBe('compared');
    expect(report.baseline?.scanners.map((s) => [s.id, s.compared, s.baseStatus])).toEqual([
      ['bandit', true, 'ok'],
    ]);
  });

  it('a copy added above the old one: the new finding is on the lines the change added, the old one unchanged', () => {
    const added = parseAddedLines(repo.git('diff', '-U0', 'main', '--', 'app/above.py'));
    expect(b602('app/above.py')).toEqual([
      [5, 'new'],
      [9, 'unchanged'],
    ]);
    expect(added.has(5)).toBe(true);
    expect(added.has(9)).toBe(false);
    expect(report.fixed.filter((f) => f.path === 'app/above.py')).toEqual([]);
  });

  it('one of two copies removed: the removed one is fixed, the remaining one unchanged', () => {
    expect(b602('app/removed.py')).toEqual([[5, 'unchanged']]);
    // The base's second copy was on line 9: it is the one still there, so the fixed one is line 5's.
    expect(report.fixed.filter((f) => f.path === 'app/removed.py').map((f) => [f.ruleId, f.line])).toEqual([
      ['B602', 5],
    ]);
  });
});
