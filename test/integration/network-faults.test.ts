import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ActionEnvOptions,
  type ActionWorkspace,
  actionEnv,
  assertActionBuilt,
  createActionWorkspace,
  fakeToken as githubToken,
  HEAD_SHA,
  PR_NUMBER,
  passingSarif,
  pullRequestEvent,
  readOutputs,
  runAction,
  type SarifLog,
  workflowCommands,
} from '../support/action-env.ts';
import { mergeRequestPipelineEnv } from '../support/ci-env.ts';
import { CLI } from '../support/cli.ts';
import type { RecordedRequest, RequestMatch, ResetPoint } from '../support/fake-api-server.ts';
import { BOT_LOGIN, type FakeGitHub, startFakeGitHub } from '../support/fake-github.ts';
import { BOT_USERNAME, type FakeGitLab, startFakeGitLab } from '../support/fake-gitlab.ts';
import { describeRequests, expectExit, marker, tail } from '../support/run-checks.ts';
import { type NodeRun, spawnNode } from '../support/spawn-node.ts';

/*
 * Network faults between controlgate and the loopback GitHub and GitLab APIs: requests that never
 * answer, 500s on each call, 429 with Retry-After (small and huge), connections dropped before and
 * after the answer's headers, and a comment deleted, created or edited by someone else between two
 * of our calls. Every case runs the real bundle (dist/index.js for the Action, dist/cli.js for a
 * GitLab job) with the replay scanner, and checks the same promises: the run completes, its exit
 * code is the gate's decision, at most one controlgate comment exists, the commit status is set when
 * the API can be reached, and the token is never printed.
 */

const MR_IID = 7;
const KEY = 'default';
/** A short timeout per request (the run's total stays at its default of two minutes). */
const SHORT_REQUESTS = { CONTROLGATE_API_TIMEOUT_MS: '700' };
/**
 * A short total for all of a publication's API calls, and a per-request timeout so long that only
 * the total can end a silent server in time: the run must not outlive the harness's 90 s.
 */
const SHORT_TOTAL = { CONTROLGATE_API_TIMEOUT_MS: '60000', CONTROLGATE_API_TOTAL_TIMEOUT_MS: '3000' };

/** The test's own teardown (tests here run concurrently, so the context's hook, not the global one). */
type OnFinished = (fn: () => Promise<void>) => void;

type Call = 'list' | 'create' | 'update';

interface Comment {
  id: number;
  body: string;
}

/** One platform, seen the same way by every test. */
interface Side {
  server: FakeGitHub | FakeGitLab;
  /** The token controlgate is given for the API. */
  token: string;
  ws: ActionWorkspace;
  /** Runs controlgate once; fails the test if it timed out or printed a token. */
  run(env?: Record<string, string>): Promise<NodeRun>;
  /** Every comment (note) on the change, oldest first. */
  comments(): Comment[];
  /** A comment by controlgate's own identity, as an earlier (or concurrent) run leaves it. */
  seedOurs(body: string): Comment;
  remove(id: number): void;
  edit(id: number, body: string): void;
  /** The requests of one call on the comments. */
  match(call: Call): RequestMatch;
  /** Platform trouble as the run reported it. */
  warnings(run: NodeRun): string;
  /** Commit statuses set on the head commit; null where the platform sets none (GitLab). */
  statuses(): string[] | null;
}

function markedIn(side: Side): Comment[] {
  return side.comments().filter((c) => c.body.split('\n', 1)[0] === marker(KEY));
}

function checkNoToken(run: NodeRun, secrets: readonly string[]): void {
  for (const secret of secrets) {
    // `::add-mask::<token>` is a command the runner consumes to mask the token; it is never shown.
    const shown = (s: string): string =>
      s
        .split('\n')
        .filter((line) => line.trimEnd() !== `::add-mask::${secret}`)
        .join('\n');
    expect(shown(run.stdout).includes(secret), 'a token appears in stdout').toBe(false);
    expect(shown(run.stderr).includes(secret), 'a token appears in stderr').toBe(false);
  }
}

const GH_COMMENTS = `/repos/octo/shop/issues/${PR_NUMBER}/comments`;
const GH_COMMENT = /^\/repos\/octo\/shop\/issues\/comments\/\d+$/;

interface GitHubSide extends Side {
  server: FakeGitHub;
  /** A run with other inputs or another event. */
  runWith(options: Omit<ActionEnvOptions, 'token'>): Promise<NodeRun>;
}

async function githubSide(
  onFinished: OnFinished,
  sarif?: (workspace: string) => SarifLog,
): Promise<GitHubSide> {
  const gh = await startFakeGitHub();
  const ws = createActionWorkspace(sarif ? { sarif } : {});
  const token = githubToken();
  onFinished(async () => {
    await gh.stop();
    ws.cleanup();
  });
  const bot = { login: BOT_LOGIN, id: 41898282, type: 'Bot' as const };
  const runWith = async (options: Omit<ActionEnvOptions, 'token'>): Promise<NodeRun> => {
    ws.resetRunnerFiles();
    const run = await runAction(actionEnv(ws, gh, { ...options, token }), { timeoutMs: 90_000 });
    expect(run.timedOut, `the Action did not finish\n${tail(run)}`).toBe(false);
    checkNoToken(run, [token]);
    return run;
  };
  return {
    server: gh,
    token,
    ws,
    runWith,
    run: (extra = {}) => runWith({ extra }),
    comments: () => gh.comments(PR_NUMBER).map(({ id, body }) => ({ id, body })),
    seedOurs: (body) => gh.seedComment(PR_NUMBER, body, { user: bot }),
    remove: (id) => gh.removeComment(id),
    edit: (id, body) => gh.editComment(id, body),
    match: (call) =>
      call === 'list'
        ? { method: 'GET', path: GH_COMMENTS }
        : call === 'create'
          ? { method: 'POST', path: GH_COMMENTS }
          : { method: 'PATCH', path: GH_COMMENT },
    warnings: (run) => workflowCommands(run, 'warning').join('\n'),
    statuses: () => gh.statuses.filter((s) => s.sha === HEAD_SHA).map((s) => s.state),
  };
}

const GL_NOTES = /^\/api\/v4\/projects\/(?:123|octo%2fshop)\/merge_requests\/7\/notes$/i;
const GL_NOTE = /^\/api\/v4\/projects\/(?:123|octo%2fshop)\/merge_requests\/7\/notes\/\d+$/i;

/** What a GitLab runner sets for a merge request pipeline of octo/shop, pointed at the fake. */
function gitlabEnv(ws: ActionWorkspace, gl: FakeGitLab, token: string, jobToken: string): NodeJS.ProcessEnv {
  return mergeRequestPipelineEnv({
    gitlab: gl,
    projectDir: ws.workspace,
    headSha: HEAD_SHA,
    token,
    jobToken,
  });
}

async function gitlabSide(
  onFinished: OnFinished,
  sarif?: (workspace: string) => SarifLog,
): Promise<Side & { server: FakeGitLab }> {
  const gl = await startFakeGitLab();
  const ws = createActionWorkspace(sarif ? { sarif } : {});
  const token = `glpat-${randomBytes(15).toString('base64url')}`;
  const jobToken = `glcbt-64_${randomBytes(15).toString('base64url')}`;
  onFinished(async () => {
    await gl.stop();
    ws.cleanup();
  });
  return {
    server: gl,
    token,
    ws,
    async run(extra = {}) {
      const env = { ...gitlabEnv(ws, gl, token, jobToken), ...extra };
      const args = ['scan', '.', '--no-progress', '--scanners', 'replay'];
      const run = await spawnNode(CLI, args, { env, cwd: ws.workspace, timeoutMs: 90_000 });
      expect(run.timedOut, `the CLI did not finish\n${tail(run)}`).toBe(false);
      checkNoToken(run, [token, jobToken]);
      return run;
    },
    comments: () => gl.notes(MR_IID).map(({ id, body }) => ({ id, body })),
    seedOurs: (body) => gl.seedNote(MR_IID, body, { author: { id: gl.bot.id, username: BOT_USERNAME } }),
    remove: (id) => gl.removeNote(MR_IID, id),
    edit: (id, body) => gl.editNote(MR_IID, id, body),
    match: (call) =>
      call === 'list'
        ? { method: 'GET', path: GL_NOTES }
        : call === 'create'
          ? { method: 'POST', path: GL_NOTES }
          : { method: 'PUT', path: GL_NOTE },
    warnings: (run) =>
      run.stderr
        .split('\n')
        .filter((l) => /could not post|retry|rate limit|timed out/i.test(l))
        .join('\n'),
    statuses: () => null,
  };
}

const PLATFORMS = [
  { name: 'GitHub', side: githubSide },
  { name: 'GitLab', side: gitlabSide },
] as const;

function matching(side: Side, call: Call): RecordedRequest[] {
  const m = side.match(call);
  return side.server.requests.filter(
    (r) =>
      r.method === m.method &&
      (typeof m.path === 'string' ? r.path === m.path : m.path instanceof RegExp && m.path.test(r.path)),
  );
}

/** An earlier run's comment with an outdated body: this run has to update it. */
function seedOutdated(side: Side): Comment {
  return side.seedOurs(`${marker(KEY)}\nan earlier result: CC7.1 passed`);
}

/** The promises every faulty exchange must keep when the API comes back: one up-to-date comment. */
function expectOneFreshComment(side: Side, run: NodeRun): Comment {
  const marked = markedIn(side);
  expect(marked, `${describeRequests(side.server.requests)}\n${tail(run)}`).toHaveLength(1);
  const [comment] = marked as [Comment];
  expect(comment.body).toContain('CC7.1');
  expect(comment.body).not.toContain('an earlier result');
  return comment;
}

function expectStatus(side: Side, state: string): void {
  const statuses = side.statuses();
  if (statuses !== null) expect(statuses, describeRequests(side.server.requests)).toEqual([state]);
}

beforeAll(() => {
  assertActionBuilt();
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run -s build\` first`);
});

// Every test has its own servers and workspace, and mostly waits on back-off: they run side by side.
describe.concurrent.each(PLATFORMS)('$name: network faults', ({ side: start }) => {
  it.for(['list', 'create', 'update'] as const)(
    'a 500 on %s is retried',
    async (call, { onTestFinished }) => {
      const side = await start(onTestFinished);
      if (call !== 'create') seedOutdated(side);
      side.server.failNext(1, 500, side.match(call));
      const run = await side.run();
      expectExit(run, 1);
      expectOneFreshComment(side, run);
      const calls = matching(side, call);
      expect(calls[0]?.status, describeRequests(side.server.requests)).toBe(500);
      expect(calls.some((r) => r.status >= 200 && r.status < 300)).toBe(true);
      expectStatus(side, 'failure');
    },
  );

  it('500 on every call: the block stays a block, with a warning and no comment', async ({
    onTestFinished,
  }) => {
    const side = await start(onTestFinished);
    side.server.failNext(10_000, 500);
    const run = await side.run(SHORT_TOTAL);
    expectExit(run, 1);
    expect(side.warnings(run), tail(run)).toMatch(/could not post/i);
    expect(side.comments()).toEqual([]);
  });

  it('500 on every call: a passing gate still passes', async ({ onTestFinished }) => {
    const side = await start(onTestFinished, passingSarif);
    side.server.failNext(10_000, 500);
    const run = await side.run(SHORT_TOTAL);
    expectExit(run, 0);
    expect(side.warnings(run), tail(run)).toMatch(/could not post/i);
  });

  it('a 429 with a short Retry-After is waited out, then the comment is created', async ({
    onTestFinished,
  }) => {
    const side = await start(onTestFinished);
    side.server.failNext(1, 429, { ...side.match('create'), retryAfter: 1 });
    const run = await side.run();
    expectExit(run, 1);
    expect(matching(side, 'create').map((r) => r.status)).toEqual([429, 201]);
    expect(side.warnings(run), tail(run)).toMatch(/retrying in 1 s/);
    expectOneFreshComment(side, run);
    expectStatus(side, 'failure');
  });

  it('a 429 with a huge Retry-After does not stall the job: it gives up at once', async ({
    onTestFinished,
  }) => {
    const side = await start(onTestFinished);
    side.server.failNext(10_000, 429, { ...side.match('create'), retryAfter: 86_400 });
    const run = await side.run();
    expectExit(run, 1);
    expect(side.warnings(run), tail(run)).toMatch(/wait 86400 s.*giving up/);
    // Told to come back tomorrow, it does not ask again meanwhile.
    expect(matching(side, 'create').length, describeRequests(side.server.requests)).toBe(1);
    expect(side.comments()).toEqual([]);
    expectStatus(side, 'failure');
  });

  it('a request that never answers times out and is retried', async ({ onTestFinished }) => {
    const side = await start(onTestFinished);
    side.server.hangNext(1, side.match('create'));
    const run = await side.run(SHORT_REQUESTS);
    expectExit(run, 1);
    expect(matching(side, 'create').map((r) => r.interrupted ?? r.status)).toEqual(['hang', 201]);
    expectOneFreshComment(side, run);
    expectStatus(side, 'failure');
  });

  it('an API that never answers at all: the run still completes, within its own bound', async ({
    onTestFinished,
  }) => {
    const side = await start(onTestFinished);
    side.server.hangNext(10_000);
    const run = await side.run(SHORT_TOTAL);
    expectExit(run, 1);
    expect(side.warnings(run), tail(run)).toMatch(/could not post/i);
    expect(side.server.requests.length).toBeGreaterThan(0);
    expect(side.comments()).toEqual([]);
  });

  it('an error answer that quotes the token does not get it printed', async ({ onTestFinished }) => {
    const side = await start(onTestFinished);
    // First a 500 (retried, so it is logged on the way), then a refusal that ends the attempts.
    const body = { message: `the token ${side.token} may not do this` };
    side.server.failNext(1, 500, { body });
    side.server.failNext(10_000, 422, { body });
    const run = await side.run();
    expectExit(run, 1);
    expect(side.warnings(run), tail(run)).toMatch(/could not post .*the token \*\*\* may not do this/);
  });

  const resets: Array<[Call, ResetPoint]> = [
    ['list', 'before'],
    ['list', 'mid-body'],
    ['create', 'before'],
    ['create', 'after-apply'],
    ['create', 'mid-body'],
    ['update', 'before'],
    ['update', 'after-apply'],
  ];
  it.for(resets)(
    'a connection dropped on %s (%s) loses nothing and duplicates nothing',
    async ([call, when], { onTestFinished }) => {
      const side = await start(onTestFinished);
      if (call !== 'create') seedOutdated(side);
      side.server.resetNext(1, { ...side.match(call), when });
      const run = await side.run();
      expectExit(run, 1);
      expect(matching(side, call)[0]?.interrupted, describeRequests(side.server.requests)).toBe('reset');
      expectOneFreshComment(side, run);
      // Recovered, not merely lucky: the comment was posted, not given up on with a warning.
      expect(side.warnings(run), tail(run)).not.toMatch(/could not post/i);
      expectStatus(side, 'failure');
    },
  );

  it('the comment deleted between the list and the update is created again, once', async ({
    onTestFinished,
  }) => {
    const side = await start(onTestFinished);
    const old = seedOutdated(side);
    side.server.afterServed(() => side.remove(old.id), side.match('list'));
    const run = await side.run();
    expectExit(run, 1);
    const comment = expectOneFreshComment(side, run);
    expect(comment.id).not.toBe(old.id);
    expect(side.comments()).toHaveLength(1);
    expect(side.warnings(run), tail(run)).not.toMatch(/could not post/i);
    expectStatus(side, 'failure');
  });

  it('a comment created by a concurrent run after our list: one is left, with our result', async ({
    onTestFinished,
  }) => {
    const side = await start(onTestFinished);
    let theirs: Comment | undefined;
    side.server.afterServed(() => {
      theirs = seedOutdated(side);
    }, side.match('list'));
    const run = await side.run();
    expectExit(run, 1);
    // The older comment (the concurrent run's) is kept and brought up to date; ours is removed.
    const comment = expectOneFreshComment(side, run);
    expect(comment.id).toBe(theirs?.id);
    expect(side.comments()).toHaveLength(1);
    expectStatus(side, 'failure');
  });

  it('a comment edited by a concurrent run between our list and update ends with our result', async ({
    onTestFinished,
  }) => {
    const side = await start(onTestFinished);
    const old = seedOutdated(side);
    side.server.afterServed(
      () => side.edit(old.id, `${marker(KEY)}\nan earlier result: a concurrent run's text`),
      side.match('list'),
    );
    const run = await side.run();
    expectExit(run, 1);
    const comment = expectOneFreshComment(side, run);
    expect(comment.id).toBe(old.id);
    expectStatus(side, 'failure');
  });
});

describe.concurrent('GitHub: the commit status under network faults', () => {
  const STATUS_POST = { method: 'POST', path: `/repos/octo/shop/statuses/${HEAD_SHA}` };
  const STATUS_LIST = { method: 'GET', path: `/repos/octo/shop/commits/${HEAD_SHA}/statuses` };

  it.for([
    ['a 500 on reading the statuses', (gh: FakeGitHub) => gh.failNext(1, 500, STATUS_LIST)],
    ['a 500 on setting the status', (gh: FakeGitHub) => gh.failNext(1, 500, STATUS_POST)],
    ['a dropped connection on setting it', (gh: FakeGitHub) => gh.resetNext(1, STATUS_POST)],
    ['a hung request on setting it', (gh: FakeGitHub) => gh.hangNext(1, STATUS_POST)],
  ] as const)('%s: retried, the status is set', async ([, inject], { onTestFinished }) => {
    const side = await githubSide(onTestFinished);
    inject(side.server);
    const run = await side.run(SHORT_REQUESTS);
    expectExit(run, 1);
    expect(side.statuses(), describeRequests(side.server.requests)).toEqual(['failure']);
    expectOneFreshComment(side, run);
  });

  it('comments down for good, statuses up: the status is still set', async ({ onTestFinished }) => {
    const side = await githubSide(onTestFinished);
    side.server.failNext(10_000, 500, { path: /\/issues\// });
    const run = await side.run(SHORT_TOTAL);
    expectExit(run, 1);
    expect(side.warnings(run), tail(run)).toMatch(/could not post the comment/i);
    expect(side.statuses()).toEqual(['failure']);
    expect(side.comments()).toEqual([]);
  });
});

describe.concurrent('GitHub: the second half of the fork-safe pattern under network faults', () => {
  it('the PR check unreachable: no comment, a warning, and the unverified report still decides nothing', async ({
    onTestFinished,
  }) => {
    const side = await githubSide(onTestFinished);
    const scan = await side.runWith({
      event: pullRequestEvent({ fork: true }),
      inputs: { comment: 'off', status: 'false' },
    });
    expectExit(scan, 1);
    const evidence = readOutputs(side.ws.outputPath)['evidence-path'] ?? '';
    expect(existsSync(evidence), tail(scan)).toBe(true);

    side.server.pullHeads.set(PR_NUMBER, HEAD_SHA);
    side.server.failNext(10_000, 500);
    const report = await side.runWith({
      eventName: 'workflow_run',
      event: {
        workflow_run: {
          head_sha: HEAD_SHA,
          head_repository: { full_name: 'forker/shop' },
          pull_requests: [],
        },
        repository: { full_name: 'octo/shop', html_url: 'https://github.com/octo/shop' },
      },
      inputs: { 'report-from': evidence },
      extra: SHORT_TOTAL,
    });
    // The scanning run decided (exit 1 above); reposting its artifact decides nothing.
    expectExit(report, 0);
    expect(side.warnings(report), tail(report)).toMatch(/could not post the comment/i);
    expect(side.comments()).toEqual([]);
  });
});

describe.concurrent('GitLab: who the token is must be known before any note is touched', () => {
  it("the current user unreachable: a person's note quoting the marker is neither adopted nor deleted", async ({
    onTestFinished,
  }) => {
    const side = await gitlabSide(onTestFinished);
    const gl = side.server;
    const ours = seedOutdated(side);
    const quoted = gl.seedNote(MR_IID, `${marker(KEY)}\nI pasted the bot's marker on my first line.`);
    gl.failNext(10_000, 500, { method: 'GET', path: '/api/v4/user' });
    const run = await side.run(SHORT_TOTAL);
    expectExit(run, 1);
    expect(side.comments(), describeRequests(gl.requests)).toEqual(
      [ours, quoted].map(({ id, body }) => ({ id, body })),
    );
    expect(gl.writes(), describeRequests(gl.requests)).toEqual([]);
    expect(side.warnings(run), tail(run)).toMatch(/could not post/i);
  });
});

describe.concurrent('GitLab: Retry-After as an HTTP date', () => {
  it('a date a day away gives up at once, like the same wait in seconds', async ({ onTestFinished }) => {
    const side = await gitlabSide(onTestFinished);
    const tomorrow = new Date(Date.now() + 86_400_000).toUTCString();
    side.server.failNext(10_000, 429, { ...side.match('create'), retryAfter: tomorrow });
    const run = await side.run();
    expectExit(run, 1);
    expect(side.warnings(run), tail(run)).toMatch(/wait 86[34]\d\d s.*giving up/);
    expect(matching(side, 'create').length, describeRequests(side.server.requests)).toBe(1);
    expect(side.comments()).toEqual([]);
  });
});
