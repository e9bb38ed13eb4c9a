import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { toolsDir } from '../../src/paths.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { type FakeGitLab, PROJECT_ID, PROJECT_PATH, startFakeGitLab } from '../support/fake-gitlab.ts';
import { GitRepo } from '../support/git-repo.ts';
import { interpolate, readComponent } from '../support/gitlab-component.ts';
import { expandVariables, type GitLabJob, readJob, runnerScript } from '../support/gitlab-job-script.ts';
import { makeReleaseRepo, nodeModulesUnder, type ReleaseRepo } from '../support/release-repo.ts';
import { describeRequests, marker, tail } from '../support/run-checks.ts';
import { type ProcessRun, spawnProcess } from '../support/spawn-process.ts';

/*
 * templates/controlgate.yml's job, run for real: its before_script and script lines, in one bash
 * session under `set -eo pipefail` as a GitLab runner runs them, in a fresh merge-request checkout,
 * with only the variables a runner sets and a PATH of system folders plus Node 24. The template clones
 * controlgate (this checkout's committed files plus the built dist/, tagged) and runs `scanners
 * install` and `scan` from the clone, which has no node_modules: what works here works because the
 * committed dist/ runs with Node alone. The tools folder is pre-filled as a restored GitLab cache would
 * be (copies of the installed venv and KICS), so the install only re-verifies. A Python venv is not
 * relocatable: the copied console scripts still name the original interpreter, as a cache restored at
 * the same CI_PROJECT_DIR does.
 */

const MR_IID = 7;
const TAG = 'v0.0.0-test';
const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const SCANNERS_CACHED = ['venv', 'kics', 'gitleaks'] as const;
/** One job takes 10–40 s on two busy cores; the suite's default of 120 s is too close under load. */
const JOB_TIMEOUT_MS = 300_000;

const BASE_FILES = { 'app.py': 'def add(a, b):\n    return a + b\n', 'README.md': '# shop\n' };
/** The merge request's change: a shell injection and a hard-coded password, both high severity. */
const HEAD_FILES = {
  'app.py': [
    'import subprocess',
    '',
    'def add(a, b):',
    '    return a + b',
    '',
    'def run(cmd):',
    '    return subprocess.call(cmd, shell=True)',
    '',
  ].join('\n'),
  'settings.py': 'DB_PASSWORD = "hunter2-not-a-real-one"\n',
};

let root: string;
let release: ReleaseRepo;
/** A folder holding only a `node` link to the Node running the tests (Node 24), for PATH. */
let nodeBin: string;

beforeAll(() => {
  // Resolved: git and the CLI report real paths, and the tests compare with them.
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-gitlab-job-')));
  release = makeReleaseRepo(root, TAG);
  nodeBin = path.join(root, 'node-bin');
  mkdirSync(nodeBin);
  symlinkSync(process.execPath, path.join(nodeBin, 'node'));
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

interface JobRun {
  run: ProcessRun;
  log: string;
  job: GitLabJob;
  projectDir: string;
  jobTmp: string;
  gitlab: FakeGitLab;
}

/** A merge-request checkout: base on main, the change on a branch, checked out detached as GitLab does. */
function mergeRequestCheckout(dir: string): { projectDir: string; baseSha: string; headSha: string } {
  const repo = GitRepo.create(BASE_FILES, 'controlgate-gitlab-project-');
  const baseSha = repo.commit('base');
  repo.branch('feature/checkout-v2');
  repo.write(HEAD_FILES);
  const headSha = repo.commit('checkout v2');
  repo.checkout(headSha);
  // Moved under this test's folder, so it is cleaned up with it.
  const projectDir = path.join(dir, 'project');
  execFileSync('mv', ['--', repo.dir, projectDir]);
  repo.cleanup();
  return { projectDir, baseSha, headSha };
}

/** Copies the installed scanners into the project's tools folder, as a restored `cache:` would. */
function restoreToolsCache(projectDir: string, toolsFolder: string): void {
  mkdirSync(toolsFolder, { recursive: true });
  for (const name of SCANNERS_CACHED) {
    const from = path.join(toolsDir(), name);
    expect(
      existsSync(from),
      `${from} is missing: run \`npm run scanners:install\` (or set CONTROLGATE_TOOLS_DIR to a folder holding the installed scanners)`,
    ).toBe(true);
  }
  const sources = SCANNERS_CACHED.map((n) => path.join(toolsDir(), n));
  try {
    // Hard links: 550 MB copied twice would dominate the test's run time. Safe for the originals, as
    // nothing here rewrites a file in place: the install only reads and hashes, a reinstall would
    // unlink and create (pip, venv --clear), and the install record is written to a new file and
    // renamed (src/install/install-stamp.ts).
    execFileSync('cp', ['-a', '--link', ...sources, `${toolsFolder}/`], { stdio: 'pipe' });
  } catch {
    // Another file system: a plain copy.
    rmSync(toolsFolder, { recursive: true, force: true });
    mkdirSync(toolsFolder, { recursive: true });
    execFileSync('cp', ['-a', ...sources, `${toolsFolder}/`]);
  }
  expect(toolsFolder.startsWith(projectDir)).toBe(true);
}

/** Runs the template's job for one merge request; `token` null leaves CONTROLGATE_GITLAB_TOKEN unset. */
async function runJob(token: string | null): Promise<JobRun> {
  const dir = mkdtempSync(path.join(root, 'job-'));
  const gitlab = await startFakeGitLab();
  onTestFinished(async () => {
    await gitlab.stop();
  });
  const { projectDir, baseSha, headSha } = mergeRequestCheckout(dir);
  const jobTmp = path.join(dir, 'tmp');
  const home = path.join(dir, 'home');
  mkdirSync(jobTmp);
  mkdirSync(home);

  const component = readComponent(path.join(REPO_ROOT, 'templates', 'controlgate.yml'));
  const job = readJob(interpolate(component, { source: release.url, version: release.tag }), 'controlgate');
  const server = new URL(gitlab.url);
  // What a runner sets for a merge request pipeline of octo/shop (project 123), pointed at the fake.
  const pipeline: Record<string, string> = {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER: 'yes',
    CI_SERVER_URL: gitlab.url,
    CI_SERVER_HOST: server.hostname,
    CI_SERVER_PORT: server.port,
    CI_SERVER_PROTOCOL: 'http',
    CI_API_V4_URL: gitlab.apiUrl,
    CI_PROJECT_ID: String(PROJECT_ID),
    CI_PROJECT_PATH: PROJECT_PATH,
    CI_PROJECT_NAME: 'shop',
    CI_PROJECT_URL: 'https://gitlab.example.com/octo/shop',
    CI_PROJECT_DIR: projectDir,
    CI_BUILDS_DIR: dir,
    CI_DEFAULT_BRANCH: 'main',
    CI_COMMIT_SHA: headSha,
    CI_COMMIT_SHORT_SHA: headSha.slice(0, 8),
    CI_COMMIT_REF_NAME: 'feature/checkout-v2',
    CI_PIPELINE_ID: '1234567',
    CI_PIPELINE_URL: 'https://gitlab.example.com/octo/shop/-/pipelines/1234567',
    CI_PIPELINE_SOURCE: 'merge_request_event',
    CI_JOB_ID: '7654321',
    CI_JOB_NAME: 'controlgate',
    CI_JOB_STAGE: 'test',
    CI_JOB_URL: 'https://gitlab.example.com/octo/shop/-/jobs/7654321',
    CI_JOB_TOKEN: 'glcbt-64_job-token-for-the-test',
    CI_MERGE_REQUEST_IID: String(MR_IID),
    CI_MERGE_REQUEST_ID: '90007',
    CI_MERGE_REQUEST_PROJECT_ID: String(PROJECT_ID),
    CI_MERGE_REQUEST_PROJECT_PATH: PROJECT_PATH,
    CI_MERGE_REQUEST_SOURCE_PROJECT_ID: String(PROJECT_ID),
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/checkout-v2',
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    CI_MERGE_REQUEST_DIFF_BASE_SHA: baseSha,
    CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: headSha,
    CI_MERGE_REQUEST_EVENT_TYPE: 'detached',
    GITLAB_USER_LOGIN: 'dev.alice',
    ...(token === null ? {} : { CONTROLGATE_GITLAB_TOKEN: token }),
  };
  const variables = expandVariables(job.variables, pipeline);
  const toolsFolder = variables.CONTROLGATE_TOOLS_DIR ?? '';
  expect(toolsFolder, 'the template no longer sets CONTROLGATE_TOOLS_DIR').toBe(
    path.join(projectDir, '.controlgate-tools'),
  );
  restoreToolsCache(projectDir, toolsFolder);

  // Nothing of the test's own environment: no node_modules/.bin on PATH, no NODE_* or npm_* settings.
  const env: NodeJS.ProcessEnv = {
    HOME: home,
    TMPDIR: jobTmp,
    LANG: 'C.UTF-8',
    PATH: [nodeBin, ...SYSTEM_PATH].join(':'),
    ...pipeline,
    ...variables,
  };
  // The first before_script line installs python3-venv and git with apt unless they are there; here
  // they are, and its check must say so (this machine has no apt to fall back on).
  const check = job.beforeScript.find((line) => line.includes('apt-get'))?.split(' || ')[0];
  expect(check, 'the before_script no longer checks for python3 and git before apt-get').toBeDefined();
  const checked = await spawnProcess('bash', ['-e', '-c', check ?? 'false'], { env, cwd: projectDir });
  expect(
    checked.exitCode,
    `the check \`${check}\` fails, so the job would run apt-get\n${tail(checked)}`,
  ).toBe(0);

  const run = await spawnProcess('bash', ['-e', '-c', runnerScript(job)], {
    env,
    cwd: projectDir,
    timeoutMs: 300_000,
  });
  const log = `${run.stdout}\n${run.stderr}`;
  expect(run.timedOut, `the job timed out\n${tail(run)}`).toBe(false);
  return { run, log, job, projectDir, jobTmp, gitlab };
}

/** The clone the job made (mktemp -d under TMPDIR), found after the run. */
function clonedControlgate(jobTmp: string): string {
  const clones = readdirSync(jobTmp)
    .map((name) => path.join(jobTmp, name, 'controlgate'))
    .filter((dir) => existsSync(path.join(dir, '.git')));
  expect(clones, `expected one clone of controlgate under ${jobTmp}`).toHaveLength(1);
  return clones[0] ?? '';
}

/** What every run of the job must show, token or not. */
function expectGatedRun(result: JobRun): void {
  const { run, log, job, projectDir, jobTmp } = result;
  // The gate blocks the change, and the job fails with the gate's code (1), not with a script error.
  expect(run.exitCode, `the job should exit with the gate's code 1 (blocked)\n${tail(run)}`).toBe(1);
  expect(log).toMatch(/Decision: BLOCK/);
  expect(log, 'the scan should judge exactly the change').toMatch(
    /Coverage: 2 of the change's 2 files judged/,
  );

  // The clone runs with Node alone, and the cached scanners were re-verified, not rebuilt.
  const clone = clonedControlgate(jobTmp);
  expect(nodeModulesUnder(clone), 'the clone of controlgate must have no node_modules').toEqual([]);
  for (let dir = clone; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    expect(existsSync(path.join(dir, 'node_modules')), `${dir}/node_modules is reachable`).toBe(false);
  }
  for (const scanner of ['semgrep', 'bandit', 'gitleaks']) {
    expect(log, `${scanner} should be found in the restored cache`).toMatch(
      new RegExp(`^${scanner} \\S+: already installed at ${projectDir}/\\.controlgate-tools/`, 'm'),
    );
  }
  // Only the scanners with files to read are installed: the change has no IaC and no lockfile.
  expect(log).not.toMatch(/^(kics|osv-scanner) \S+: /m);

  // Everything the template lists as artifacts is there for GitLab to pick up.
  expect(job.artifactPaths.length).toBeGreaterThan(0);
  for (const artifact of job.artifactPaths) {
    const file = path.join(projectDir, artifact);
    expect(existsSync(file), `artifact ${artifact} is missing\n${tail(run)}`).toBe(true);
  }
  const sast = JSON.parse(readFileSync(path.join(projectDir, job.reports.sast ?? ''), 'utf8')) as {
    version?: string;
    vulnerabilities?: unknown[];
  };
  expect(sast.version).toMatch(/^15\./);
  expect(sast.vulnerabilities?.length).toBeGreaterThan(0);
  const quality = JSON.parse(readFileSync(path.join(projectDir, job.reports.codequality ?? ''), 'utf8'));
  expect(Array.isArray(quality) && quality.length > 0, 'the Code Quality report lists the findings').toBe(
    true,
  );
  expect(readdirSync(path.join(projectDir, 'controlgate-evidence')).length).toBeGreaterThan(0);
}

describe('templates/controlgate.yml, its job run as a GitLab runner runs it', () => {
  it(
    'with CONTROLGATE_GITLAB_TOKEN: blocks the change (exit 1), writes the MR note and the artifacts',
    async () => {
      const token = 'glpat-job-script-test-token-0001';
      const result = await runJob(token);
      expectGatedRun(result);
      const notes = result.gitlab.notes(MR_IID);
      expect(notes, describeRequests(result.gitlab.requests)).toHaveLength(1);
      expect(notes[0]?.body.startsWith(marker('default'))).toBe(true);
      expect(notes[0]?.body).toMatch(/app\.py/);
      expect(result.gitlab.tokens).toEqual([token]);
      expect(result.log.includes(token), 'the token appears in the job log').toBe(false);
    },
    JOB_TIMEOUT_MS,
  );

  // GitLab passes a protected variable only to pipelines of protected branches and tags, so a merge
  // request from an unprotected branch runs without it: the job must still gate, and say why there is
  // no note.
  it(
    'without the token (a protected variable on an unprotected branch): gates the same, no note, says why',
    async () => {
      const result = await runJob(null);
      expectGatedRun(result);
      expect(result.gitlab.notes(MR_IID)).toEqual([]);
      const writes = result.gitlab.requests.filter((r) => r.method !== 'GET');
      expect(writes, describeRequests(result.gitlab.requests)).toEqual([]);
      expect(result.log).toMatch(/no merge-request note: CONTROLGATE_GITLAB_TOKEN is not set/);
      expect(result.log).toMatch(
        /protected variable, GitLab passes it only to pipelines of protected branches/,
      );
    },
    JOB_TIMEOUT_MS,
  );
});
