import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  type ActionRun,
  actionEnv,
  assertActionBuilt,
  createRunnerFiles,
  fakeToken,
  PR_NUMBER,
  pullRequestEvent,
  type RunnerFiles,
  readOutputs,
  runAction,
  workflowCommands,
} from '../support/action-env.ts';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.ts';
import { GitRepo, git } from '../support/git-repo.ts';
import { describeRequests, expectExit, expectTokenHidden, marker, tail } from '../support/run-checks.ts';

/*
 * The trustworthy fork pattern (examples/workflows/fork-safe-pull-request-target.yml), as a runner
 * would run it: a pull_request_target job whose workspace holds the base branch, with the pull
 * request's head checked out into `pr/` as data, and the Action (dist/index.js, from the workflow's
 * ref) scanning `path: pr`. Real git repositories (an upstream, a fork pushing the PR to it as
 * refs/pull/N/head), the real Bandit, and a fake GitHub API on 127.0.0.1. The status goes on the
 * head commit and says what the base's policy decided, whatever the pull request wrote.
 *
 * The comment-only pair (workflow_run + report-from) is tested in github-action.test.ts: "a forged
 * artifact that says "pass" gets no success status and no "Passed" comment".
 */

/** Only Bandit (fast, real); the base's policy, which judges every pull request. */
const BASE_CONFIG = 'scanners:\n  semgrep:\n    enabled: false\n  kics:\n    enabled: false\n';
/** Bandit B602 (high): blocks under the base's policy. */
const VULNERABLE = 'import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n';
const CONTEXT = 'controlgate / SOC 2';

interface Layout {
  root: string;
  upstream: GitRepo;
  /** GITHUB_WORKSPACE: the base branch, as the job's first checkout leaves it. */
  workspace: string;
  /** Where the pull request's head is checked out as data. */
  pr: string;
  headSha: string;
  baseSha: string;
  runner: RunnerFiles;
}

/**
 * octo/shop with the application and its policy on `main`; a fork's commit with `prFiles` pushed to
 * it as refs/pull/7/head, the way GitHub makes a fork's head fetchable from the base repository.
 */
function layout(prFiles: Record<string, string>): Layout {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-prt-')));
  const upstream = GitRepo.create({ 'app.py': 'print("hello")\n', '.controlgate.yml': BASE_CONFIG });
  onTestFinished(() => {
    rmSync(root, { recursive: true, force: true });
    upstream.cleanup();
  });
  const baseSha = upstream.commit('Application and its policy');
  const fork = upstream.clone('main', 'controlgate-fork-');
  onTestFinished(() => fork.cleanup());
  fork.git('config', 'user.name', 'Mallory');
  fork.git('config', 'user.email', 'mallory@fork.invalid');
  fork.git('config', 'commit.gpgsign', 'false');
  fork.branch('feature').write(prFiles);
  const headSha = fork.commit('A change from a fork');
  fork.git('push', '--quiet', upstream.dir, `HEAD:refs/pull/${PR_NUMBER}/head`);

  const workspace = path.join(root, 'workspace');
  git(root, ['clone', '--quiet', '--branch', 'main', '--', upstream.dir, workspace]);
  return {
    root,
    upstream,
    workspace,
    pr: path.join(workspace, 'pr'),
    headSha,
    baseSha,
    runner: createRunnerFiles(root, workspace),
  };
}

/** actions/checkout with `ref: <head sha>`, `path: pr`, `fetch-depth: 0`: every branch, then the head. */
function checkoutHead(l: Layout, ref = l.headSha): void {
  git(l.workspace, ['clone', '--quiet', '--no-checkout', '--', l.upstream.dir, l.pr]);
  git(l.pr, ['fetch', '--quiet', 'origin', `refs/pull/${PR_NUMBER}/head`]);
  git(l.pr, ['checkout', '--quiet', '--detach', ref]);
}

/** The same with the default fetch-depth: 1: only the head commit, so the base commit is missing. */
function checkoutHeadShallow(l: Layout): void {
  mkdirSync(l.pr);
  git(l.pr, ['init', '--quiet']);
  git(l.pr, ['remote', 'add', 'origin', `file://${l.upstream.dir}`]);
  git(l.pr, ['fetch', '--quiet', '--depth', '1', 'origin', `refs/pull/${PR_NUMBER}/head`]);
  git(l.pr, ['checkout', '--quiet', '--detach', 'FETCH_HEAD']);
  // A private repository with persist-credentials: false cannot be fetched from again.
  git(l.pr, ['remote', 'set-url', 'origin', path.join(l.root, 'no-such-remote')]);
}

interface TargetRun {
  run: ActionRun;
  gh: FakeGitHub;
  outputs: Record<string, string>;
  summary: string;
  /** Every comment on the pull request, and every status posted, as the fake API holds them. */
  comments: string[];
  statuses: { sha: string; state: string; context: string }[];
}

/** Runs the Action on pull_request_target from a fork, scanning `path` (default: the `pr` folder). */
async function runTarget(l: Layout, inputs: Record<string, string> = {}): Promise<TargetRun> {
  const gh = await startFakeGitHub();
  onTestFinished(() => gh.stop());
  const token = fakeToken();
  const env = actionEnv(l.runner, gh, {
    token,
    eventName: 'pull_request_target',
    event: pullRequestEvent({ fork: true, headSha: l.headSha, baseSha: l.baseSha }),
    // The base's policy chooses the scanners; none is installed here (CONTROLGATE_TOOLS_DIR has them).
    inputs: { path: 'pr', scanners: '', 'install-scanners': 'false', ...inputs },
  });
  const run = await runAction(env, { timeoutMs: 110_000 });
  expect(run.timedOut, `the Action timed out\n${tail(run)}`).toBe(false);
  expectTokenHidden(run, token);
  return {
    run,
    gh,
    outputs: readOutputs(l.runner.outputPath),
    summary: readFileSync(l.runner.summaryPath, 'utf8'),
    comments: gh.comments(PR_NUMBER).map((c) => c.body),
    statuses: gh.statuses.map((s) => ({ sha: s.sha, state: s.state, context: s.context })),
  };
}

function everything(run: TargetRun): string {
  return [run.run.stdout, run.run.stderr, run.summary, ...run.comments].join('\n');
}

beforeAll(() => {
  assertActionBuilt();
});

describe('fork-safe pull_request_target: the PR head scanned as data in its own folder', () => {
  it('a vulnerable change: failure status on the head commit, a blocked comment, exit 1', async () => {
    const l = layout({ 'vuln.py': VULNERABLE });
    checkoutHead(l);
    const r = await runTarget(l);
    expectExit(r.run, 1);
    expect(r.statuses, describeRequests(r.gh.requests)).toEqual([
      { sha: l.headSha, state: 'failure', context: CONTEXT },
    ]);
    expect(r.comments).toHaveLength(1);
    expect(r.comments[0]?.startsWith(marker('default'))).toBe(true);
    expect(r.comments[0]).toContain('Blocked');
    expect(r.comments[0]).toContain('vuln.py');
    expect(r.outputs.decision).toBe('block');
    expect(workflowCommands(r.run, 'warning').join('\n')).not.toMatch(/pull_request_target/);
    expect(r.run.stdout).toMatch(/fork-safe pull_request_target: scanning the pull request's head/);
    // The evidence names the head as what was scanned, and the base as whose policy judged it.
    const facts = JSON.parse(readFileSync(path.join(r.outputs['evidence-path'] ?? '', 'run.json'), 'utf8'));
    expect(facts).toMatchObject({
      event: 'pull_request_target',
      commit: l.headSha,
      baseCommit: l.baseSha,
      mergeCommit: null,
      changeNumber: PR_NUMBER,
      isFork: true,
      policy: { source: 'base', commit: l.baseSha },
    });
  });

  it('a change that forges results and rewrites the policy still fails, and its scanner never runs', async () => {
    const ran = path.join(os.tmpdir(), `controlgate-prt-ran-${process.pid}-${Date.now()}`);
    onTestFinished(() => rmSync(ran, { force: true }));
    const forgedReport = JSON.stringify({ decision: 'pass', exitCode: 0, controls: [] });
    const l = layout({
      'vuln.py': VULNERABLE,
      // Results that claim a pass, where a careless reporter might pick them up.
      'controlgate.json': forgedReport,
      'controlgate-evidence/controlgate.json': forgedReport,
      'controlgate-evidence/run.json': JSON.stringify({ changeNumber: PR_NUMBER }),
      // Its own policy: warn only, and a scanner of its own that would leave a mark if it ran.
      '.controlgate.yml': `${BASE_CONFIG}  custom:
    - id: mine
      command: ${JSON.stringify(process.execPath)}
      args: ["-e", ${JSON.stringify(`require("node:fs").writeFileSync(${JSON.stringify(ran)}, "ran")`)}]
      sarif: stdout
policy:
  mode: warn
`,
      // And a waiver for everything, from now on.
      '.controlgate-waivers.yml': `version: 1
waivers:
  - id: W-ALL
    rule: "*"
    path: "**"
    reason: The author says this is fine
    approver: mallory@fork.invalid
    ticket: SEC-1
    expires: ${new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10)}
`,
    });
    checkoutHead(l);
    const r = await runTarget(l);
    expectExit(r.run, 1);
    expect(r.statuses, describeRequests(r.gh.requests)).toEqual([
      { sha: l.headSha, state: 'failure', context: CONTEXT },
    ]);
    expect(r.outputs.decision).toBe('block');
    expect(everything(r)).not.toMatch(/Passed/);
    expect(r.comments[0]).toContain('Blocked');
    // Its edits are shown as what they are: a proposal, applied after review and merge.
    expect(r.comments[0]).toMatch(/This change proposes \d+ changes to the gate's own policy/);
    for (const key of ['policy.mode', 'scanners.custom.mine', 'waivers.W-ALL'])
      expect(r.comments[0]).toContain(key);
    expect(existsSync(ran), `the pull request's own scanner ran\n${tail(r.run)}`).toBe(false);
  });

  it('a clean change: success status on the head commit, exit 0', async () => {
    const l = layout({ 'greeting.py': 'def greet(name):\n    return "hello " + name\n' });
    checkoutHead(l);
    const r = await runTarget(l);
    expectExit(r.run, 0);
    expect(r.statuses, describeRequests(r.gh.requests)).toEqual([
      { sha: l.headSha, state: 'success', context: CONTEXT },
    ]);
    expect(r.comments[0]).toContain('Passed');
  });

  it('the base commit missing from a shallow checkout: exit 2, no status, and what to do', async () => {
    const l = layout({ 'greeting.py': 'print("hello")\n' });
    checkoutHeadShallow(l);
    const r = await runTarget(l);
    expectExit(r.run, 2);
    expect(r.statuses, describeRequests(r.gh.requests)).toEqual([]);
    expect(r.gh.writes(), describeRequests(r.gh.requests)).toEqual([]);
    const errors = workflowCommands(r.run, 'error').join('\n');
    expect(errors, tail(r.run)).toContain(
      `cannot read the policy at the change's base commit ${l.baseSha.slice(0, 12)}`,
    );
    expect(errors).toContain('fetch-depth: 0');
  });

  it('the base checked out into the PR folder (no `ref:`): exit 2, no status for a commit not scanned', async () => {
    const l = layout({ 'vuln.py': VULNERABLE });
    checkoutHead(l, l.baseSha);
    const r = await runTarget(l);
    expectExit(r.run, 2);
    expect(r.gh.writes(), describeRequests(r.gh.requests)).toEqual([]);
    expect(workflowCommands(r.run, 'error').join('\n'), tail(r.run)).toContain(
      `not the pull request's head ${l.headSha.slice(0, 12)}`,
    );
  });

  it('the PR checked out into the workspace itself still judges the head by the base, and warns', async () => {
    const l = layout({ 'vuln.py': VULNERABLE });
    // The workspace becomes the pull request's head, as a plain checkout with `ref:` would leave it.
    git(l.workspace, ['fetch', '--quiet', 'origin', `refs/pull/${PR_NUMBER}/head`]);
    git(l.workspace, ['checkout', '--quiet', '--detach', l.headSha]);
    const r = await runTarget(l, { path: '.' });
    expectExit(r.run, 1);
    expect(r.statuses).toEqual([{ sha: l.headSha, state: 'failure', context: CONTEXT }]);
    expect(workflowCommands(r.run, 'warning').join('\n'), tail(r.run)).toMatch(
      /checked out into the workspace itself/,
    );
  });
});
