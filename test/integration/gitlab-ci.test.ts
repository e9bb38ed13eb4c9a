import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  type ActionWorkspace,
  banditSarif,
  createActionWorkspace,
  largeSarif,
  passingSarif,
  type SarifLog,
} from '../support/action-env.ts';
import { withoutCiVariables } from '../support/ci-env.ts';
import { CLI } from '../support/cli.ts';
import type { RecordedRequest } from '../support/fake-api-server.ts';
import {
  BOT_USERNAME,
  type FakeGitLab,
  MAX_NOTE_BODY,
  type Note,
  PROJECT_ID,
  PROJECT_PATH,
  startFakeGitLab,
} from '../support/fake-gitlab.ts';
import { describeRequests, expectExit, firstDifference, marker, since, tail } from '../support/run-checks.ts';
import { type NodeRun, spawnNode } from '../support/spawn-node.ts';

/*
 * `controlgate scan` in a GitLab merge request pipeline: `node dist/cli.js` as a real child process
 * with the CI_* variables a GitLab runner sets, talking real HTTP to a fake GitLab API
 * (test/support/fake-gitlab.ts). Scanners are replaced by the `replay` custom scanner, which hands
 * back Bandit's recorded SARIF (test/support/action-env.ts), so a run takes about a second.
 */

const MR_IID = 7;
const HEAD_SHA = '4f3c2a1b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a';
const BASE_SHA = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
const PIPELINE_URL = 'https://gitlab.example.com/octo/shop/-/pipelines/1234567';
/** The notes of MR 7, listed or one of them: by numeric id or URL-encoded path, as GitLab allows. */
const NOTE_PATH = /^\/api\/v4\/projects\/(?:123|octo%2fshop)\/merge_requests\/7\/notes(?:\/\d+)?$/i;
const NOTES_LIST = /^\/api\/v4\/projects\/(?:123|octo%2fshop)\/merge_requests\/7\/notes$/i;

/** A token shaped like a project access token, easy to grep for in logs. */
function fakeToken(): string {
  return `glpat-${randomBytes(15).toString('base64url')}`;
}

/** A token shaped like a CI job token. */
function fakeJobToken(): string {
  return `glcbt-64_${randomBytes(15).toString('base64url')}`;
}

interface EnvOptions {
  /** CONTROLGATE_GITLAB_TOKEN; null leaves it unset (only CI_JOB_TOKEN is there). */
  token?: string | null;
  /** A merge request from a fork: its source project is 456. */
  fork?: boolean;
  /** A branch pipeline: no merge request variables at all. */
  push?: boolean;
  /** Further variables; undefined removes one. */
  extra?: Record<string, string | undefined>;
}

/** What a GitLab runner sets for a merge request pipeline of octo/shop (project 123), pointed at the fake. */
function gitlabEnv(
  ws: ActionWorkspace,
  gl: FakeGitLab,
  tokens: { token: string; jobToken: string },
  options: EnvOptions = {},
): NodeJS.ProcessEnv {
  // Nothing of the real environment that a runner would set differently (or that names a token).
  const base = withoutCiVariables();
  const server = new URL(gl.url);
  const env: NodeJS.ProcessEnv = {
    ...base,
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER: 'yes',
    CI_SERVER_URL: gl.url,
    CI_SERVER_HOST: server.hostname,
    CI_SERVER_PORT: server.port,
    CI_SERVER_PROTOCOL: 'http',
    CI_API_V4_URL: gl.apiUrl,
    CI_PROJECT_ID: String(PROJECT_ID),
    CI_PROJECT_PATH: PROJECT_PATH,
    CI_PROJECT_NAME: 'shop',
    CI_PROJECT_NAMESPACE: 'octo',
    CI_PROJECT_URL: 'https://gitlab.example.com/octo/shop',
    CI_PROJECT_DIR: ws.workspace,
    CI_DEFAULT_BRANCH: 'main',
    CI_COMMIT_SHA: HEAD_SHA,
    CI_COMMIT_SHORT_SHA: HEAD_SHA.slice(0, 8),
    CI_COMMIT_REF_NAME: options.push ? 'main' : 'feature/checkout-v2',
    CI_PIPELINE_ID: '1234567',
    CI_PIPELINE_URL: PIPELINE_URL,
    CI_PIPELINE_SOURCE: options.push ? 'push' : 'merge_request_event',
    CI_JOB_ID: '7654321',
    CI_JOB_NAME: 'controlgate',
    CI_JOB_URL: 'https://gitlab.example.com/octo/shop/-/jobs/7654321',
    CI_JOB_TOKEN: tokens.jobToken,
    GITLAB_USER_LOGIN: 'dev.alice',
  };
  if (!options.push) {
    Object.assign(env, {
      CI_MERGE_REQUEST_IID: String(MR_IID),
      CI_MERGE_REQUEST_ID: '90007',
      CI_MERGE_REQUEST_PROJECT_ID: String(PROJECT_ID),
      CI_MERGE_REQUEST_PROJECT_PATH: PROJECT_PATH,
      CI_MERGE_REQUEST_PROJECT_URL: 'https://gitlab.example.com/octo/shop',
      CI_MERGE_REQUEST_SOURCE_PROJECT_ID: options.fork ? '456' : String(PROJECT_ID),
      CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: options.fork ? 'forker/shop' : PROJECT_PATH,
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/checkout-v2',
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      CI_MERGE_REQUEST_DIFF_BASE_SHA: BASE_SHA,
      CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: HEAD_SHA,
      CI_MERGE_REQUEST_TITLE: 'Checkout v2',
      CI_MERGE_REQUEST_EVENT_TYPE: 'detached',
    });
  }
  const token = options.token === undefined ? tokens.token : options.token;
  if (token !== null) env.CONTROLGATE_GITLAB_TOKEN = token;
  for (const [k, v] of Object.entries(options.extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

type CliRun = NodeRun;

/** `node dist/cli.js scan …`, asynchronously (so two runs really overlap). */
function runCliAsync(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliRun> {
  return spawnNode(CLI, args, { env, cwd });
}

interface RunOptions extends EnvOptions {
  /** Extra CLI arguments, e.g. ['--comment-key', 'soc2']. */
  args?: string[];
}

interface Harness {
  gl: FakeGitLab;
  ws: ActionWorkspace;
  token: string;
  jobToken: string;
  /** Runs the CLI once, checking that neither token is printed. */
  run(options?: RunOptions): Promise<CliRun>;
  /** The workspace file, parsed as JSON. */
  json(file: string): unknown;
}

/** Each test: its own server, workspace and tokens, all torn down when it ends. */
async function harness(sarif?: (workspace: string) => SarifLog): Promise<Harness> {
  const gl = await startFakeGitLab();
  const ws = createActionWorkspace(sarif ? { sarif } : {});
  const token = fakeToken();
  const jobToken = fakeJobToken();
  onTestFinished(async () => {
    await gl.stop();
    ws.cleanup();
  });
  return {
    gl,
    ws,
    token,
    jobToken,
    async run(options = {}) {
      const env = gitlabEnv(ws, gl, { token, jobToken }, options);
      const args = ['scan', '.', '--no-progress', '--scanners', 'replay', ...(options.args ?? [])];
      const run = await runCliAsync(args, env, ws.workspace);
      expect(run.timedOut, `the CLI timed out\n${tail(run)}`).toBe(false);
      for (const [name, secret] of [
        ['CONTROLGATE_GITLAB_TOKEN', token],
        ['CI_JOB_TOKEN', jobToken],
      ] as const) {
        expect(run.stdout.includes(secret), `${name}'s value appears in stdout`).toBe(false);
        expect(run.stderr.includes(secret), `${name}'s value appears in stderr`).toBe(false);
      }
      return run;
    },
    json(file) {
      return JSON.parse(readFileSync(path.join(ws.workspace, file), 'utf8')) as unknown;
    },
  };
}

function noteWrites(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.method !== 'GET' && NOTE_PATH.test(r.path));
}

/** "POST notes", "PUT notes/<id>", "DELETE notes/<id>": independent of how the project was named. */
function shortly(r: RecordedRequest): string {
  return `${r.method} ${r.path.replace(/^.*\/merge_requests\/7\//, '')}`;
}

function marked(gl: FakeGitLab, key: string): Note[] {
  return gl.notes(MR_IID).filter((n) => n.body.startsWith(marker(key)));
}

function bodyOf(request: RecordedRequest | undefined): string {
  const body = request?.body as { body?: unknown } | undefined;
  return typeof body?.body === 'string' ? body.body : String(request?.query.body ?? '');
}

const withoutB602 = (workspace: string): SarifLog => banditSarif(workspace, (r) => r.ruleId !== 'B602');

beforeAll(() => {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run \`npm run -s build\` before the GitLab CI integration tests`);
  }
});

describe('GitLab CI: the merge request note', () => {
  it('posts one marked note with the project token and exits 1 when controls fail', async () => {
    const h = await harness();
    const run = await h.run({ args: ['--comment-key', 'soc2'] });
    expectExit(run, 1);

    const notes = h.gl.notes(MR_IID);
    expect(notes, describeRequests(h.gl.requests)).toHaveLength(1);
    expect(notes[0]?.body.startsWith(marker('soc2')), notes[0]?.body.slice(0, 200)).toBe(true);
    expect(notes[0]?.author.username).toBe(BOT_USERNAME);
    expect(noteWrites(h.gl.writes()).map(shortly)).toEqual(['POST notes']);
    // The note names what fails, links the finding's line at the scanned commit on GitLab, and the pipeline.
    expect(notes[0]?.body).toContain('CC7.1');
    expect(notes[0]?.body).toContain(
      `https://gitlab.example.com/octo/shop/-/blob/${HEAD_SHA}/app/utils.py#L27`,
    );
    expect(notes[0]?.body).toContain(PIPELINE_URL);

    // Every request carried the project token, none the job token, and all went to project 123's MR 7.
    expect(h.gl.tokens).toEqual([h.token]);
    expect(h.gl.jobTokens).toEqual([]);
    for (const r of h.gl.requests) {
      expect(r.headers['job-token'], describeRequests([r])).toBeUndefined();
      // Besides MR 7's notes, only "who am I" (to tell our notes from people's).
      if (r.path !== '/api/v4/user') expect(r.path, describeRequests(h.gl.requests)).toMatch(NOTE_PATH);
    }
  });

  it("never adopts a person's note that quotes the marker, nor deletes it", async () => {
    const h = await harness();
    const quoted = h.gl.seedNote(
      MR_IID,
      `${'<!-- controlgate:comment key=default -->'}\nI pasted the bot's marker here.`,
    );
    expectExit(await h.run(), 1);
    expectExit(await h.run(), 1);
    const notes = h.gl.notes(MR_IID);
    expect(notes.map((n) => n.id)).toContain(quoted.id);
    expect(notes.find((n) => n.id === quoted.id)?.body).toContain('I pasted');
    expect(notes.filter((n) => n.id !== quoted.id)).toHaveLength(1);
  });

  it('a rerun with the same findings only reads', async () => {
    const h = await harness();
    expectExit(await h.run(), 1);
    const before = h.gl.requests.length;
    const [note] = marked(h.gl, 'default');
    expect(note, describeRequests(h.gl.requests)).toBeDefined();

    const rerun = await h.run();
    expectExit(rerun, 1);
    const during = since(h.gl, before);
    expect(during.length, 'the rerun should at least list the notes').toBeGreaterThan(0);
    const writes = during.filter((r) => r.method !== 'GET');
    const put = writes.find((r) => r.method === 'PUT');
    const why = put
      ? `\nthe note was re-sent; first changed line: ${firstDifference(note?.body ?? '', bodyOf(put))}`
      : '';
    expect(writes.map(shortly), `${describeRequests(during)}${why}`).toEqual([]);
    expect(h.gl.notes(MR_IID)).toEqual([note]);
  });

  it('changed findings edit the same note (PUT)', async () => {
    const h = await harness();
    expectExit(await h.run(), 1);
    const first = marked(h.gl, 'default');
    expect(first, describeRequests(h.gl.requests)).toHaveLength(1);

    h.ws.setSarif(withoutB602(h.ws.workspace));
    const before = h.gl.requests.length;
    expectExit(await h.run(), 1);
    const during = since(h.gl, before);
    expect(noteWrites(during).map(shortly), describeRequests(during)).toEqual([`PUT notes/${first[0]?.id}`]);
    const now = marked(h.gl, 'default');
    expect(now.map((n) => n.id)).toEqual([first[0]?.id]);
    expect(now[0]?.body).not.toBe(first[0]?.body);
  });

  it('finds its note among more than a page of other notes, and leaves the others alone', async () => {
    const h = await harness();
    // 110 notes before the bot's and 110 after: past the first page (100 at most) in either order.
    for (let i = 0; i < 110; i++) h.gl.seedNote(MR_IID, `Review note ${i}: looks good to me`);
    // A person quoting the marker (not on the first line) and GitLab's own system notes.
    h.gl.seedNote(MR_IID, `Why does the bot say this?\n> ${marker('default')}\n> CC7.1 fails`);
    h.gl.seedNote(MR_IID, 'added 1 commit', { system: true });
    expectExit(await h.run(), 1);
    expect(marked(h.gl, 'default'), describeRequests(h.gl.requests)).toHaveLength(1);

    for (let i = 110; i < 220; i++) h.gl.seedNote(MR_IID, `Review note ${i}: looks good to me`);
    const [note] = marked(h.gl, 'default');
    const others = h.gl.notes(MR_IID).filter((n) => n.id !== note?.id);
    h.ws.setSarif(withoutB602(h.ws.workspace));
    const before = h.gl.requests.length;
    expectExit(await h.run(), 1);
    const during = since(h.gl, before);
    // Found beyond the first page: edited in place, not created again.
    const lists = during.filter((r) => r.method === 'GET' && NOTES_LIST.test(r.path));
    expect(lists.length, describeRequests(during)).toBeGreaterThan(1);
    expect(noteWrites(during).map(shortly), describeRequests(during)).toEqual([`PUT notes/${note?.id}`]);
    expect(marked(h.gl, 'default').map((n) => n.id)).toEqual([note?.id]);
    expect(h.gl.notes(MR_IID).filter((n) => n.id !== note?.id)).toEqual(others);
  });

  it('two concurrent runs leave exactly one marked note', async () => {
    const h = await harness();
    // Both runs' first lists are answered together, so both see "no note yet".
    h.gl.barrier(2, { method: 'GET', path: NOTES_LIST, timeoutMs: 20_000 });
    const [a, b] = await Promise.all([h.run(), h.run()]);
    expectExit(a, 1);
    expectExit(b, 1);
    // The race really happened: both lists were answered before either run wrote a note.
    const order = h.gl.requests.filter((r) => NOTE_PATH.test(r.path)).map((r) => r.method);
    expect(order.slice(0, 2), describeRequests(h.gl.requests)).toEqual(['GET', 'GET']);
    expect(marked(h.gl, 'default'), describeRequests(h.gl.requests)).toHaveLength(1);
    expect(h.gl.notes(MR_IID)).toHaveLength(1);
  });

  it('keeps one note per --comment-key', async () => {
    const h = await harness();
    expectExit(await h.run({ args: ['--comment-key', 'backend'] }), 1);
    expectExit(await h.run({ args: ['--comment-key', 'frontend'] }), 1);
    const backend = marked(h.gl, 'backend');
    const frontend = marked(h.gl, 'frontend');
    expect(backend, describeRequests(h.gl.requests)).toHaveLength(1);
    expect(frontend).toHaveLength(1);
    expect(h.gl.notes(MR_IID)).toHaveLength(2);

    h.ws.setSarif(withoutB602(h.ws.workspace));
    const before = h.gl.requests.length;
    expectExit(await h.run({ args: ['--comment-key', 'backend'] }), 1);
    expect(noteWrites(since(h.gl, before)).map(shortly)).toEqual([`PUT notes/${backend[0]?.id}`]);
    expect(marked(h.gl, 'frontend')).toEqual(frontend);
  });

  it('--comment off makes no API call but still writes the reports', async () => {
    const h = await harness();
    expectExit(await h.run({ args: ['--comment', 'off'] }), 1);
    expect(h.gl.requests, describeRequests(h.gl.requests)).toEqual([]);
    expect(existsSync(path.join(h.ws.workspace, 'gl-sast-report.json'))).toBe(true);
    expect(existsSync(path.join(h.ws.workspace, 'gl-code-quality-report.json'))).toBe(true);
  });

  it('a passing gate exits 0 and still keeps the note', async () => {
    const h = await harness(passingSarif);
    expectExit(await h.run(), 0);
    expect(marked(h.gl, 'default'), describeRequests(h.gl.requests)).toHaveLength(1);
  });

  it('keeps a large result in one note under GitLab’s 1,000,000-character limit', async () => {
    const h = await harness((ws) => largeSarif(ws, 400, 240));
    expectExit(await h.run(), 1);
    const notes = marked(h.gl, 'default');
    expect(notes, describeRequests(h.gl.requests)).toHaveLength(1);
    expect(notes[0]?.body.length).toBeLessThanOrEqual(MAX_NOTE_BODY);
  });

  it('a bad --comment value exits 2, names the allowed values and calls nothing', async () => {
    const h = await harness();
    const run = await h.run({ args: ['--comment', 'sometimes'] });
    expectExit(run, 2);
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).toContain('update');
    expect(output).toContain('off');
    expect(h.gl.requests).toEqual([]);
  });
});

describe('GitLab CI: tokens, forks and API failures', () => {
  it('without CONTROLGATE_GITLAB_TOKEN: no API call, one clear line on stderr, still exits 1', async () => {
    const h = await harness();
    const run = await h.run({ token: null });
    expectExit(run, 1);
    expect(h.gl.requests, describeRequests(h.gl.requests)).toEqual([]);
    const lines = run.stderr.split('\n').filter((l) => /CI_JOB_TOKEN/.test(l));
    expect(lines, tail(run)).toHaveLength(1);
    const [line = ''] = lines;
    expect(line).toMatch(/cannot|can't|can not|not allowed/i);
    expect(line).toMatch(/note/i);
    expect(line).toMatch(/project access token/i);
    expect(line).toContain('CONTROLGATE_GITLAB_TOKEN');
    expect(run.stdout).not.toMatch(/CI_JOB_TOKEN/);
    // The reports do not need the API.
    expect(existsSync(path.join(h.ws.workspace, 'gl-sast-report.json'))).toBe(true);
  });

  it('retries a 502 and a 503 on creating the note', async () => {
    const h = await harness();
    h.gl.failNext(1, 502, { method: 'POST', path: NOTES_LIST });
    h.gl.failNext(1, 503, { method: 'POST', path: NOTES_LIST });
    expectExit(await h.run(), 1);
    const posts = h.gl.requests.filter((r) => r.method === 'POST' && NOTES_LIST.test(r.path));
    expect(
      posts.map((r) => r.status),
      describeRequests(h.gl.requests),
    ).toEqual([502, 503, 201]);
    expect(h.gl.notes(MR_IID)).toHaveLength(1);
  });

  it('retries a 500 on listing the notes', async () => {
    const h = await harness();
    h.gl.failNext(1, 500, { method: 'GET', path: NOTES_LIST });
    expectExit(await h.run(), 1);
    const lists = h.gl.requests.filter((r) => r.method === 'GET' && NOTES_LIST.test(r.path));
    expect(lists[0]?.status, describeRequests(h.gl.requests)).toBe(500);
    expect(lists.filter((r) => r.status === 200).length, describeRequests(h.gl.requests)).toBeGreaterThan(0);
    expect(marked(h.gl, 'default'), describeRequests(h.gl.requests)).toHaveLength(1);
  });

  it('a 403 on creating the note (token without access) is logged and does not change the exit code', async () => {
    const h = await harness(passingSarif);
    h.gl.failNext(10, 403, { method: 'POST', path: NOTES_LIST });
    const run = await h.run();
    expectExit(run, 0);
    expect(run.stderr, tail(run)).toMatch(/note/i);
    expect(h.gl.notes(MR_IID)).toEqual([]);
    // A 403 is not retried.
    expect(h.gl.requests.filter((r) => r.method === 'POST').length, describeRequests(h.gl.requests)).toBe(1);
  });

  it('a fork merge request: the note goes to the target project; run.json names the MR', async () => {
    const h = await harness();
    h.gl.mergeRequestSources.set(MR_IID, 456);
    expectExit(await h.run({ fork: true }), 1);
    expect(h.gl.notes(MR_IID, PROJECT_ID), describeRequests(h.gl.requests)).toHaveLength(1);
    expect(h.gl.notes(MR_IID, 456)).toEqual([]);
    expect(h.gl.requests.filter((r) => /\/projects\/(456|forker%2Fshop)\//i.test(r.path))).toEqual([]);

    const runJson = path.join(h.ws.workspace, 'controlgate-evidence', 'run.json');
    expect(existsSync(runJson), 'the evidence bundle (controlgate-evidence/run.json) is written in CI').toBe(
      true,
    );
    const facts = JSON.parse(readFileSync(runJson, 'utf8')) as Record<string, unknown>;
    expect(facts).toMatchObject({
      changeNumber: MR_IID,
      repository: PROJECT_PATH,
      commit: HEAD_SHA,
      isFork: true,
    });
  });

  it('a branch pipeline (no merge request) calls nothing, reports, and by default does not fail the job', async () => {
    const h = await harness();
    const run = await h.run({ push: true });
    // fail-mode auto: a push judges the whole repository's past; it reports, the job stays green.
    expectExit(run, 0);
    expect(run.stderr + run.stdout).toContain('fail-mode auto: a push run has no change to judge');
    expect(h.gl.requests, describeRequests(h.gl.requests)).toEqual([]);
    expect(existsSync(path.join(h.ws.workspace, 'gl-sast-report.json'))).toBe(true);
    const report = h.json('controlgate-evidence/controlgate.json') as { decision: string };
    expect(report.decision).toBe('block');
  });

  it('--fail-mode enforce fails a branch pipeline that blocks', async () => {
    const h = await harness();
    expectExit(await h.run({ push: true, args: ['--fail-mode', 'enforce'] }), 1);
  });
});

describe('GitLab CI: report artifacts', () => {
  const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

  it('writes gl-sast-report.json and gl-code-quality-report.json in the workspace', async () => {
    const h = await harness();
    expectExit(await h.run(), 1);
    for (const file of ['gl-sast-report.json', 'gl-code-quality-report.json']) {
      expect(existsSync(path.join(h.ws.workspace, file)), file).toBe(true);
      expect(() => h.json(file), file).not.toThrow();
    }
    const sast = h.json('gl-sast-report.json') as Record<string, unknown>;
    expect(typeof sast.version).toBe('string');
    expect(Array.isArray(sast.vulnerabilities)).toBe(true);
  });

  it("gl-sast-report.json has what GitLab's SAST schema (15.x) requires", async () => {
    const h = await harness();
    expectExit(await h.run(), 1);
    const sast = h.json('gl-sast-report.json') as {
      version: string;
      scan: Record<string, unknown>;
      vulnerabilities: Array<Record<string, unknown>>;
    };
    expect(sast.version).toMatch(/^15\.\d+\.\d+$/);
    const scan = sast.scan;
    expect(scan.type).toBe('sast');
    expect(['success', 'failure']).toContain(scan.status);
    expect(scan.start_time).toMatch(TIME);
    expect(scan.end_time).toMatch(TIME);
    for (const part of ['analyzer', 'scanner']) {
      expect(scan[part], part).toMatchObject({
        id: expect.any(String),
        name: expect.any(String),
        version: expect.any(String),
        vendor: { name: expect.any(String) },
      });
    }
    expect(sast.vulnerabilities.length).toBeGreaterThan(0);
    const ids = new Set<string>();
    for (const v of sast.vulnerabilities) {
      const where = JSON.stringify(v).slice(0, 300);
      expect(typeof v.id, where).toBe('string');
      expect(ids.has(String(v.id)), `duplicate id ${where}`).toBe(false);
      ids.add(String(v.id));
      const identifiers = v.identifiers as Array<Record<string, unknown>>;
      expect(Array.isArray(identifiers) && identifiers.length > 0, where).toBe(true);
      for (const i of identifiers)
        expect(i, where).toMatchObject({
          type: expect.any(String),
          name: expect.any(String),
          value: expect.any(String),
        });
      const location = v.location as { file?: unknown; start_line?: unknown };
      expect(typeof location?.file, where).toBe('string');
      expect(String(location.file), where).not.toMatch(/^(\/|file:|[A-Za-z]:\\)/);
      if (location.start_line !== undefined) expect(Number.isInteger(location.start_line), where).toBe(true);
      if (v.severity !== undefined)
        expect(['Info', 'Unknown', 'Low', 'Medium', 'High', 'Critical'], where).toContain(v.severity);
    }
    // Bandit's B602 (shell=True) in app/utils.py, line 27, is there with a relative path.
    const b602 = sast.vulnerabilities.filter((v) => JSON.stringify(v.identifiers).includes('B602'));
    expect(b602.length).toBeGreaterThan(0);
    expect(b602.map((v) => (v.location as { file: string }).file)).toContain('app/utils.py');
  });

  it("gl-code-quality-report.json has what GitLab's Code Quality widget reads", async () => {
    const h = await harness();
    expectExit(await h.run(), 1);
    const issues = h.json('gl-code-quality-report.json') as Array<Record<string, unknown>>;
    expect(Array.isArray(issues)).toBe(true);
    expect(issues.length).toBeGreaterThan(0);
    const fingerprints = new Set<string>();
    for (const issue of issues) {
      const where = JSON.stringify(issue).slice(0, 300);
      expect(typeof issue.description, where).toBe('string');
      expect(typeof issue.check_name, where).toBe('string');
      expect(typeof issue.fingerprint, where).toBe('string');
      expect(fingerprints.has(String(issue.fingerprint)), `duplicate fingerprint ${where}`).toBe(false);
      fingerprints.add(String(issue.fingerprint));
      expect(['info', 'minor', 'major', 'critical', 'blocker'], where).toContain(issue.severity);
      const location = issue.location as {
        path?: unknown;
        lines?: { begin?: unknown };
        positions?: { begin?: { line?: unknown } };
      };
      expect(typeof location?.path, where).toBe('string');
      expect(String(location.path), where).not.toMatch(/^(\/|file:)/);
      const line = location.lines?.begin ?? location.positions?.begin?.line;
      expect(Number.isInteger(line), where).toBe(true);
    }
  });
});
