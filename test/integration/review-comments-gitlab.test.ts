import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { parseAddedLines } from '../../src/diff/added-lines.ts';
import { readReviewMarker } from '../../src/report/markdown/review-comment.ts';
import { MR_IID, mergeRequestPipelineEnv } from '../support/ci-env.ts';
import { CLI } from '../support/cli.ts';
import type { RecordedRequest } from '../support/fake-api-server.ts';
import {
  type Discussion,
  type FakeGitLab,
  FORK_PROJECT_ID,
  startFakeGitLab,
} from '../support/fake-gitlab.ts';
import { GitRepo } from '../support/git-repo.ts';
import { describeRequests, expectExit, marker, since, tail } from '../support/run-checks.ts';
import { type NodeRun, spawnNode } from '../support/spawn-node.ts';

/*
 * `--comment review` in a GitLab merge request pipeline: `node dist/cli.js scan` in a real git
 * repository whose head adds code with new blocking problems, the real Bandit, and the fake GitLab
 * API with the merge request's diff_refs and diff (a diff note off the diff is refused with 400, as
 * GitLab refuses it). One diff discussion per new blocking problem on a changed line, anchored with
 * base/start/head SHAs; reruns only read; a fix resolves its discussion; a person's is never touched.
 */

const CONFIG =
  'scanners:\n  semgrep:\n    enabled: false\n  kics:\n    enabled: false\n  gitleaks:\n    enabled: false\n';
const BASE_APP =
  'import subprocess\n\n\ndef run(cmd):\n    subprocess.call(\n        cmd,\n        shell=False,\n    )\n';
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

function fakeToken(): string {
  return `glpat-${randomBytes(15).toString('base64url')}`;
}

interface Mr {
  repo: GitRepo;
  gl: FakeGitLab;
  baseSha: string;
  headSha: string;
  run(options?: { fork?: boolean }): Promise<NodeRun>;
  push(lines: string[], message: string): void;
}

async function mergeRequest(): Promise<Mr> {
  const repo = GitRepo.create({ 'app.py': BASE_APP, '.controlgate.yml': CONFIG });
  const gl = await startFakeGitLab();
  onTestFinished(async () => {
    await gl.stop();
    repo.cleanup();
  });
  const baseSha = repo.commit('Application and its policy');
  repo.branch('feature');
  const token = fakeToken();
  const jobToken = `glcbt-64_${randomBytes(15).toString('base64url')}`;
  const mr: Mr = {
    repo,
    gl,
    baseSha,
    headSha: '',
    push(lines, message) {
      repo.write({ 'app.py': lines.join('\n') });
      mr.headSha = repo.commit(message);
      gl.diffRefs.set(MR_IID, { base_sha: baseSha, start_sha: baseSha, head_sha: mr.headSha });
      gl.setDiff(MR_IID, { 'app.py': parseAddedLines(repo.git('diff', '-U0', baseSha, mr.headSha)) });
    },
    async run(options = {}) {
      const env: NodeJS.ProcessEnv = {
        ...mergeRequestPipelineEnv({
          gitlab: gl,
          projectDir: repo.dir,
          headSha: mr.headSha,
          token,
          jobToken,
        }),
        CI_MERGE_REQUEST_DIFF_BASE_SHA: baseSha,
        CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: mr.headSha,
        ...(options.fork ? { CI_MERGE_REQUEST_SOURCE_PROJECT_ID: String(FORK_PROJECT_ID) } : {}),
      };
      // A fork's pipeline does not get the protected project access token.
      if (options.fork) delete env.CONTROLGATE_GITLAB_TOKEN;
      const run = await spawnNode(CLI, ['scan', '.', '--no-progress', '--comment', 'review'], {
        env,
        cwd: repo.dir,
        timeoutMs: 110_000,
      });
      expect(run.timedOut, `the CLI timed out\n${tail(run)}`).toBe(false);
      expect(`${run.stdout}${run.stderr}`.includes(token), 'the token was printed').toBe(false);
      return run;
    },
  };
  mr.push(HEAD_LINES, 'Checkout v2');
  return mr;
}

function ours(gl: FakeGitLab): Discussion[] {
  return gl
    .discussions(MR_IID)
    .filter((d) => d.notes[0]?.author.id === gl.bot.id && readReviewMarker(d.notes[0]?.body ?? ''));
}

const writes = (requests: readonly RecordedRequest[]) => requests.filter((r) => r.method !== 'GET');

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run -s build\` first`);
});

describe('--comment review on a GitLab merge request', () => {
  it('opens one diff discussion per new blocking problem on the changed lines, reruns only read, a fix resolves its discussion', async () => {
    const mr = await mergeRequest();
    const { gl } = mr;
    const human = gl.seedDiscussion(MR_IID, { path: 'app.py', line: POPEN_LINE, body: 'Why Popen here?' });
    const quoting = gl.seedDiscussion(MR_IID, {
      path: 'app.py',
      line: MD5_LINE,
      body: '<!-- controlgate:review key=default fingerprint=0123abcd -->\nquoted from the bot',
    });

    const first = await mr.run();
    expectExit(first, 1);
    const created = ours(gl);
    expect(
      created.map((d) => `${d.notes[0]?.position?.new_path}:${d.notes[0]?.position?.new_line}`).sort(),
      `${describeRequests(gl.requests)}\n${tail(first)}`,
    ).toEqual([`app.py:${MD5_LINE}`, `app.py:${POPEN_LINE}`]);
    for (const d of created) {
      expect(d.notes[0]?.position).toMatchObject({
        base_sha: mr.baseSha,
        start_sha: mr.baseSha,
        head_sha: mr.headSha,
        position_type: 'text',
      });
      expect(d.notes[0]?.resolved).toBe(false);
    }
    // The shell call whose first line the change did not write is in the sticky note only.
    expect(gl.notes(MR_IID).filter((n) => n.body.startsWith(marker('default')))).toHaveLength(1);

    const before = gl.requests.length;
    const rerun = await mr.run();
    expectExit(rerun, 1);
    expect(writes(since(gl, before)), describeRequests(since(gl, before))).toEqual([]);

    const fixed = [...HEAD_LINES];
    fixed[MD5_LINE - 1] = '    return hashlib.sha256(password.encode()).hexdigest()';
    mr.push(fixed, 'Use SHA-256');
    const after = await mr.run();
    expectExit(after, 1);
    expect(`${after.stdout}${after.stderr}`, tail(after)).toMatch(
      /review comments: 0 created, 0 updated, 1 unchanged, 1 resolved/,
    );
    const now = new Map(gl.discussions(MR_IID).map((d) => [d.id, d]));
    const md5 = created.find((d) => d.notes[0]?.position?.new_line === MD5_LINE);
    const popen = created.find((d) => d.notes[0]?.position?.new_line === POPEN_LINE);
    expect(now.get(md5?.id ?? '')?.notes[0]?.resolved).toBe(true);
    expect(now.get(popen?.id ?? '')?.notes[0]?.resolved).toBe(false);
    for (const seeded of [human, quoting]) {
      expect(now.get(seeded.id)?.notes[0]?.body).toBe(seeded.notes[0]?.body);
      expect(now.get(seeded.id)?.notes[0]?.resolved).toBe(false);
      expect(gl.requests.filter((r) => r.method !== 'GET' && r.path.includes(seeded.id))).toEqual([]);
    }
  });

  it('a fork merge request (no project access token) writes nothing, and still blocks', async () => {
    const mr = await mergeRequest();
    const run = await mr.run({ fork: true });
    expectExit(run, 1);
    expect(mr.gl.writes(), describeRequests(mr.gl.requests)).toEqual([]);
    expect(ours(mr.gl)).toEqual([]);
  });
});
