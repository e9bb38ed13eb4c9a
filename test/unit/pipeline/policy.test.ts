import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { realExec } from '../../../src/exec/exec.ts';
import { type LoadPolicyRequest, loadPolicy } from '../../../src/pipeline/policy.ts';
import { resolveWorkspace } from '../../../src/pipeline/workspace.ts';
import { GitRepo } from '../../support/git-repo.ts';

/*
 * Which Semgrep rules a run reads: on a change, the base's (copied into the run's scratch folder),
 * with the change's edits as proposals; otherwise, or on request, the checkout's. Real git.
 */

const CONFIG = 'scanners:\n  semgrep:\n    configs: [rules]\n';
const RULE = (pattern: string) =>
  `rules:\n  - id: no-eval\n    pattern: ${pattern}\n    message: eval\n    languages: [python]\n    severity: ERROR\n`;

const repos: GitRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

/** `main` with a policy naming rules/, checked out on `feature` where the rule is relaxed. */
function relaxed(): GitRepo {
  const repo = GitRepo.create({ '.controlgate.yml': CONFIG, 'rules/eval.yaml': RULE('eval(...)') });
  repos.push(repo);
  repo.commit('Policy and rule');
  repo.branch('feature');
  repo.write({ 'rules/eval.yaml': RULE('nothing(...)') }).commit('Relax the rule');
  return repo;
}

function request(repo: GitRepo, extra: Partial<LoadPolicyRequest> = {}): LoadPolicyRequest {
  return {
    workspace: resolveWorkspace(repo.dir),
    exec: realExec,
    cwd: repo.dir,
    now: new Date(),
    scratchDir: path.join(path.dirname(repo.dir), 'scratch'),
    ...extra,
  };
}

describe("loadPolicy and Semgrep's local rules", () => {
  it("on a change, points Semgrep at the base's copy and proposes the edit", async () => {
    const repo = relaxed();
    const scratch = path.join(path.dirname(repo.dir), 'scratch');
    const policy = await loadPolicy(request(repo, { revision: { ref: 'main', source: 'cli' } }));
    expect(policy.config.scanners.semgrep.configs).toEqual([path.join(scratch, 'rules')]);
    expect(readFileSync(path.join(scratch, 'rules', 'eval.yaml'), 'utf8')).toBe(RULE('eval(...)'));
    expect(policy.rulesCopy).toEqual({ dir: scratch, root: scratch });
    expect(policy.refused).toBeUndefined();
    expect(policy.facts.proposed?.changes.map((c) => `${c.key} ${c.change}`)).toEqual([
      'scanners.semgrep.configs.rules/eval.yaml changed',
    ]);
  });

  it('on a change, refuses Semgrep when its rules are not in the base', async () => {
    const repo = GitRepo.create({ '.controlgate.yml': CONFIG });
    repos.push(repo);
    repo.commit('Policy naming rules that are not there');
    repo.branch('feature');
    repo.write({ 'rules/eval.yaml': RULE('nothing(...)') }).commit('Rules of my own');
    const policy = await loadPolicy(request(repo, { revision: { ref: 'main', source: 'cli' } }));
    expect(policy.refused?.semgrep).toMatch(
      /"rules" \(scanners\.semgrep\.configs\) are not in the base commit/,
    );
  });

  it("with --policy-from-head, and without a change, reads the checkout's rules", async () => {
    const repo = relaxed();
    for (const extra of [{ revision: { ref: 'main', source: 'cli' as const }, fromHead: true }, {}]) {
      const policy = await loadPolicy(request(repo, extra));
      expect(policy.config.scanners.semgrep.configs).toEqual(['rules']);
      expect(policy.rulesCopy).toBeUndefined();
      expect(policy.refused).toBeUndefined();
    }
  });
});
