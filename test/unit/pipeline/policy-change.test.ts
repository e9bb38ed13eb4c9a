import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { realExec } from '../../../src/exec/exec.ts';
import { scan } from '../../../src/pipeline/scan.ts';
import { jsonReport } from '../../../src/report/json-report.ts';
import { GitRepo } from '../../support/git-repo.ts';

const repos: GitRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) rmSync(path.dirname(repo.dir), { recursive: true, force: true });
});

/** A repository whose `main` has a policy, and a branch `feature` checked out on top of it. */
function repoWithPolicy(): GitRepo {
  const repo = GitRepo.create({
    'app.py': 'print("hello")\n',
    '.controlgate.yml': 'exclude: ["vendor/**"]\n',
  });
  repos.push(repo);
  repo.commit('Application and policy');
  return repo.branch('feature');
}

/** The policy files the comparison reports as changed, scanning with no scanner at all (git only). */
async function policyChanged(repo: GitRepo): Promise<string[] | undefined> {
  const outcome = await scan({
    target: repo.dir,
    scannerIds: [],
    base: { ref: 'main', source: 'cli' },
    exec: realExec,
    toolsDir: path.join(repo.dir, '.no-tools'),
    env: {},
    cwd: repo.dir,
  });
  if (outcome.outDirIsTemporary) rmSync(outcome.outDir, { recursive: true, force: true });
  return jsonReport(outcome).baseline?.policyChanged;
}

describe("a change to the gate's own policy", () => {
  it('names the configuration and the waiver file when the change edits or adds them', async () => {
    const repo = repoWithPolicy();
    repo.write({
      '.controlgate.yml': 'exclude: ["**"]\n',
      '.controlgate-waivers.yml': 'version: 1\nwaivers: []\n',
      'app.py': 'print("changed")\n',
    });
    repo.commit('Weaken the gate');
    expect(await policyChanged(repo)).toEqual(['.controlgate-waivers.yml', '.controlgate.yml']);
  });

  it('names a deleted configuration, even though the scan then runs without one', async () => {
    const repo = repoWithPolicy();
    repo.remove('.controlgate.yml');
    repo.commit('No more policy');
    expect(await policyChanged(repo)).toEqual(['.controlgate.yml']);
  });

  it('is empty when the change leaves the policy alone', async () => {
    const repo = repoWithPolicy();
    repo.write({ 'app.py': 'print("changed")\n' });
    repo.commit('Only code');
    expect(await policyChanged(repo)).toEqual([]);
  });
});
