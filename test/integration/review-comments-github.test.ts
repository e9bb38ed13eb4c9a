import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { parseAddedLines } from '../../src/diff/added-lines.ts';
import { readReviewMarker } from '../../src/report/markdown/review-comment.ts';
import {
  type ActionRun,
  actionEnv,
  assertActionBuilt,
  createRunnerFiles,
  fakeToken,
  PR_NUMBER,
  pullRequestEvent,
  REPLAY,
  type RunnerFiles,
  runAction,
  workflowCommands,
} from '../support/action-env.ts';
import type { RecordedRequest } from '../support/fake-api-server.ts';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.ts';
import { GitRepo } from '../support/git-repo.ts';
import {
  describeRequests,
  expectExit,
  expectTokenHidden,
  marker,
  since,
  tail,
} from '../support/run-checks.ts';

/*
 * `comment: review` on a pull request, as a runner runs the Action (dist/index.js): a real git
 * repository whose head adds code with new blocking problems, the real Bandit, and the fake GitHub
 * API knowing the pull request's diff (it refuses a review comment off the diff with 422, as GitHub
 * does). One inline comment per new blocking problem on a changed line; the problem on a line the
 * change did not write stays in the sticky comment; reruns only read; a fix resolves its thread.
 */

/** Bandit only: fast and real. */
const CONFIG = 'scanners:\n  semgrep:\n    enabled: false\n  kics:\n    enabled: false\n';

const BASE_APP = [
  'import subprocess',
  '',
  '',
  'def run(cmd):',
  '    subprocess.call(',
  '        cmd,',
  '        shell=False,',
  '    )',
  '',
].join('\n');

/**
 * The change: `shell=True` on a line inside a call whose first line it did not write (Bandit reports
 * the call's first line, so that problem is outside the diff), a weak hash and a shell call on
 * lines it added.
 */
const HEAD_LINES = [
  'import hashlib',
  'import subprocess',
  '',
  '',
  'def run(cmd):',
  '    subprocess.call(',
  '        cmd,',
  '        shell=True,',
  '    )',
  '',
  '',
  'def digest(password):',
  '    return hashlib.md5(password.encode()).hexdigest()',
  '',
  '',
  'def run_again(cmd):',
  '    return subprocess.Popen(cmd, shell=True)',
  '',
];
const MD5_LINE = 13;
const POPEN_LINE = 17;
const CALL_LINE = 6;

/** Only the `replay` scanner (test/fixtures/action/replay.mjs), handing back the SARIF at `sarif`. */
function replayOnlyConfig(sarif: string): string {
  const q = (s: string): string => JSON.stringify(s);
  return [
    'scanners:',
    '  semgrep:',
    '    enabled: false',
    '  bandit:',
    '    enabled: false',
    '  kics:',
    '    enabled: false',
    '  custom:',
    '    - id: replay',
    '      name: Semgrep (recorded)',
    `      command: ${q(process.execPath)}`,
    `      args: [${q(REPLAY)}, ${q(sarif)}, "{sarif}"]`,
    '      sarif: "{outDir}/out.sarif"',
    '      covers: [CC6.1, CC7.1, CC8.1]',
    '',
  ].join('\n');
}

/** A weak-hash finding on the change's md5 line, with the tool's fix: `md5` → `sha256`. */
function weakHashWithFix(file: string): unknown {
  const uri = pathToFileURL(file).href;
  // "    return hashlib." is 19 characters: md5 is columns 20–22 (the end column is exclusive).
  const region = { startLine: MD5_LINE, startColumn: 20, endLine: MD5_LINE, endColumn: 23 };
  return {
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Semgrep',
            rules: [
              {
                id: 'python.weak-hash',
                name: 'python.weak-hash',
                properties: { tags: ['security', 'external/cwe/cwe-327'], 'security-severity': '7.5' },
              },
            ],
          },
        },
        results: [
          {
            ruleId: 'python.weak-hash',
            ruleIndex: 0,
            level: 'error',
            message: { text: 'MD5 is a weak hash for passwords.' },
            locations: [{ physicalLocation: { artifactLocation: { uri }, region } }],
            fixes: [
              {
                description: { text: 'Use SHA-256.' },
                artifactChanges: [
                  {
                    artifactLocation: { uri },
                    replacements: [{ deletedRegion: region, insertedContent: { text: 'sha256' } }],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

/** Every GraphQL query is a POST too; only its mutations write. */
function writes(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => {
    if (r.method === 'GET' || r.method === 'HEAD') return false;
    if (r.path !== '/graphql') return true;
    const query = (r.body as { query?: unknown } | undefined)?.query;
    return typeof query === 'string' && /^\s*mutation\b/.test(query);
  });
}

interface Pr {
  /** The test's temporary folder (the runner's files, recorded SARIF). */
  root: string;
  repo: GitRepo;
  runner: RunnerFiles;
  baseSha: string;
  headSha: string;
  gh: FakeGitHub;
  token: string;
  run(options?: { fork?: boolean }): Promise<ActionRun>;
  /** Commits the head anew and tells the fake the pull request's new diff. */
  push(lines: string[], message: string): void;
}

async function pullRequest(
  options: { config?: (root: string) => string; inputs?: Record<string, string> } = {},
): Promise<Pr> {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-review-')));
  const config = options.config?.(root) ?? CONFIG;
  const repo = GitRepo.create({ 'app.py': BASE_APP, '.controlgate.yml': config });
  const gh = await startFakeGitHub();
  onTestFinished(async () => {
    await gh.stop();
    repo.cleanup();
    rmSync(root, { recursive: true, force: true });
  });
  const baseSha = repo.commit('Application and its policy');
  repo.branch('feature');
  const pr: Pr = {
    root,
    repo,
    runner: createRunnerFiles(root, repo.dir),
    baseSha,
    headSha: '',
    gh,
    token: fakeToken(),
    push(lines, message) {
      repo.write({ 'app.py': lines.join('\n') });
      pr.headSha = repo.commit(message);
      gh.pullHeads.set(PR_NUMBER, pr.headSha);
      gh.setDiff(PR_NUMBER, { 'app.py': parseAddedLines(repo.git('diff', '-U0', baseSha, pr.headSha)) });
    },
    async run(runOptions = {}) {
      const env = actionEnv(pr.runner, gh, {
        token: pr.token,
        event: pullRequestEvent({ headSha: pr.headSha, baseSha, fork: runOptions.fork ?? false }),
        inputs: { scanners: '', comment: 'review', 'install-scanners': 'false', ...options.inputs },
      });
      const run = await runAction(env, { timeoutMs: 110_000 });
      expect(run.timedOut, `the Action timed out\n${tail(run)}`).toBe(false);
      expectTokenHidden(run, pr.token);
      return run;
    },
  };
  pr.push(HEAD_LINES, 'Checkout v2');
  return pr;
}

function ours(gh: FakeGitHub) {
  return gh.reviewComments(PR_NUMBER).filter((c) => c.user.type === 'Bot' && readReviewMarker(c.body));
}

beforeAll(() => {
  assertActionBuilt();
});

describe('comment: review on a GitHub pull request', () => {
  it('comments inline once per new blocking problem on the changed lines, reruns only read, a fix resolves its thread, a person is never touched', async () => {
    const pr = await pullRequest();
    const { gh } = pr;
    const human = gh.seedReviewComment(PR_NUMBER, {
      path: 'app.py',
      line: POPEN_LINE,
      body: 'Why not run this through the task queue?',
    });
    // A person quoting our marker does not make the comment ours.
    const quoting = gh.seedReviewComment(PR_NUMBER, {
      path: 'app.py',
      line: MD5_LINE,
      body: '<!-- controlgate:review key=default fingerprint=0123abcd -->\nquoted from the bot',
    });

    const first = await pr.run();
    expectExit(first, 1);
    const created = ours(gh);
    expect(
      created.map((c) => `${c.path}:${c.line}`).sort(),
      `${describeRequests(gh.requests)}\n${tail(first)}`,
    ).toEqual([`app.py:${MD5_LINE}`, `app.py:${POPEN_LINE}`]);
    for (const c of created) {
      expect(c.commit_id).toBe(pr.headSha);
      expect(c.side).toBe('RIGHT');
      expect(gh.threadOf(c.id)?.isResolved).toBe(false);
    }
    const md5 = created.find((c) => c.line === MD5_LINE);
    expect(md5?.body).toMatch(/B324/);
    expect(md5?.body).toMatch(/CC\d\.\d/);
    // The shell call whose first line the change did not write is said in the sticky comment only.
    const sticky = gh.comments(PR_NUMBER).filter((c) => c.body.startsWith(marker('default')));
    expect(sticky).toHaveLength(1);
    expect(created.some((c) => c.line === CALL_LINE)).toBe(false);
    expect(first.stdout).toMatch(/review comments: 2 created, 0 updated, 0 unchanged, 0 resolved/);

    // A rerun with the same findings only reads.
    const before = gh.requests.length;
    const rerun = await pr.run();
    expectExit(rerun, 1);
    expect(writes(since(gh, before)), describeRequests(since(gh, before))).toEqual([]);
    expect(ours(gh)).toHaveLength(2);

    // A pushed fix resolves the weak hash's thread and leaves the other one open.
    const fixed = [...HEAD_LINES];
    fixed[MD5_LINE - 1] = '    return hashlib.sha256(password.encode()).hexdigest()';
    pr.push(fixed, 'Use SHA-256');
    const after = await pr.run();
    expectExit(after, 1);
    expect(after.stdout, tail(after)).toMatch(
      /review comments: 0 created, 0 updated, 1 unchanged, 1 resolved/,
    );
    expect(gh.threadOf(md5?.id ?? 0)?.isResolved).toBe(true);
    const popen = created.find((c) => c.line === POPEN_LINE);
    expect(gh.threadOf(popen?.id ?? 0)?.isResolved).toBe(false);
    expect(ours(gh)).toHaveLength(2);

    // The people's comments: never edited, never resolved.
    for (const seeded of [human, quoting]) {
      const now = gh.reviewComments(PR_NUMBER).find((c) => c.id === seeded.id);
      expect(now?.body).toBe(seeded.body);
      expect(gh.threadOf(seeded.id)?.isResolved).toBe(false);
    }
    const touched = gh.requests.filter((r) => r.path.endsWith(`/pulls/comments/${human.id}`));
    expect(touched).toEqual([]);
  });

  it("a scanner's fix becomes a suggestion a reviewer can commit (comment: both)", async () => {
    const pr = await pullRequest({
      config: (root) => replayOnlyConfig(path.join(root, 'fix.sarif')),
      inputs: { scanners: 'replay', comment: 'both' },
    });
    writeFileSync(path.join(pr.root, 'fix.sarif'), JSON.stringify(weakHashWithFix(pr.repo.path('app.py'))));
    const run = await pr.run();
    expectExit(run, 1);
    const [comment] = ours(pr.gh);
    expect(comment?.line, `${describeRequests(pr.gh.requests)}\n${tail(run)}`).toBe(MD5_LINE);
    expect(comment?.body).toContain(
      '```suggestion\n    return hashlib.sha256(password.encode()).hexdigest()\n```',
    );
    // both: the sticky comment as well, though everything blocking is said inline.
    expect(pr.gh.comments(PR_NUMBER).filter((c) => c.body.startsWith(marker('default')))).toHaveLength(1);
  });

  it('a fork pull request writes nothing, and still blocks', async () => {
    const pr = await pullRequest();
    const run = await pr.run({ fork: true });
    expectExit(run, 1);
    expect(pr.gh.writes(), describeRequests(pr.gh.requests)).toEqual([]);
    expect(workflowCommands(run, 'warning').join('\n')).toMatch(/fork/i);
  });
});
