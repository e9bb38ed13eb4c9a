import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  type ActionEnvOptions,
  type ActionRun,
  type ActionWorkspace,
  actionEnv,
  assertActionBuilt,
  BASE_SHA,
  banditSarif,
  createActionWorkspace,
  fakeToken,
  HEAD_SHA,
  largeSarif,
  MERGE_SHA,
  PR_NUMBER,
  passingSarif,
  pullRequestEvent,
  pushEvent,
  RUN_ID,
  readOutputs,
  runAction,
  type SarifLog,
  severityOf,
  workflowCommands,
} from '../support/action-env.ts';
import type { RecordedRequest } from '../support/fake-api-server.ts';
import { type FakeGitHub, MAX_COMMENT_BODY, startFakeGitHub } from '../support/fake-github.ts';
import {
  describeRequests,
  expectExit,
  expectTokenHidden,
  firstDifference,
  marker,
  since,
  tail,
} from '../support/run-checks.ts';

/*
 * The GitHub Action (dist/index.js) as a runner starts it: a real child process with the runner's
 * environment, talking real HTTP to a fake GitHub API (test/support/fake-github.ts). Scanners are
 * replaced by a custom scanner replaying Bandit's recorded SARIF, so every run takes about a second.
 */

const COMMENTS = `/repos/octo/shop/issues/${PR_NUMBER}/comments`;
const STATUSES = `/repos/octo/shop/statuses/${HEAD_SHA}`;
const CONTEXT = 'controlgate / SOC 2';
const COMMENT_PATH = /^\/repos\/octo\/shop\/issues\/(\d+\/comments|comments\/\d+)$/;

interface Harness {
  gh: FakeGitHub;
  ws: ActionWorkspace;
  token: string;
  /** Runs the Action once (fresh GITHUB_OUTPUT and summary files), checking the token is not printed. */
  run(options?: Partial<ActionEnvOptions>): Promise<ActionRun>;
  /** Starts a run without waiting, for concurrent runs; its output files are shared with others. */
  start(options?: Partial<ActionEnvOptions>): Promise<ActionRun>;
  outputs(): Record<string, string>;
  summary(): string;
}

/** Each test: its own server, workspace and token, all torn down when it ends. */
async function harness(sarif?: (workspace: string) => SarifLog): Promise<Harness> {
  const gh = await startFakeGitHub();
  const ws = createActionWorkspace(sarif ? { sarif } : {});
  const token = fakeToken();
  onTestFinished(async () => {
    await gh.stop();
    ws.cleanup();
  });
  const start = async (options: Partial<ActionEnvOptions> = {}): Promise<ActionRun> => {
    const env = actionEnv(ws, gh, { token, ...options });
    const run = await runAction(env, { timeoutMs: 90_000 });
    expect(run.timedOut, `the Action timed out\n${tail(run)}`).toBe(false);
    expectTokenHidden(run, token);
    return run;
  };
  return {
    gh,
    ws,
    token,
    start,
    run(options) {
      ws.resetRunnerFiles();
      return start(options);
    },
    outputs: () => readOutputs(ws.outputPath),
    summary: () => readFileSync(ws.summaryPath, 'utf8'),
  };
}

function commentWrites(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.method !== 'GET' && COMMENT_PATH.test(r.path));
}

function statusPosts(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.method === 'POST' && r.path.startsWith('/repos/octo/shop/statuses/'));
}

function statusBody(request: RecordedRequest | undefined): Record<string, unknown> {
  return (request?.body ?? {}) as Record<string, unknown>;
}

function marked(gh: FakeGitHub, key: string): Array<{ id: number; body: string }> {
  return gh.comments(PR_NUMBER).filter((c) => c.body.startsWith(marker(key)));
}

const withoutB602 = (workspace: string): SarifLog => banditSarif(workspace, (r) => r.ruleId !== 'B602');

beforeAll(() => {
  assertActionBuilt();
});

describe('GitHub Action on a pull request', () => {
  it('comments once, sets a failure status on the head commit and exits 1 when controls fail', async () => {
    const h = await harness();
    const run = await h.run({ inputs: { 'comment-key': 'soc2' } });
    expectExit(run, 1);

    const writes = h.gh.writes();
    const comments = h.gh.comments(PR_NUMBER);
    expect(comments, describeRequests(h.gh.requests)).toHaveLength(1);
    expect(comments[0]?.body.startsWith(marker('soc2')), comments[0]?.body.slice(0, 200)).toBe(true);
    expect(commentWrites(writes).map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${COMMENTS}`]);

    const statuses = statusPosts(writes);
    expect(statuses.map((r) => r.path)).toEqual([STATUSES]);
    const status = statusBody(statuses[0]);
    expect(status).toMatchObject({ state: 'failure', context: CONTEXT });
    // The checks list says how much blocks and where; "Details" opens the comment that says what to fix.
    expect(String(status.description)).toMatch(
      /^Blocked: .*\d+ (critical|high)\b.* problems? in \d+ files? \(CC/,
    );
    expect(String(status.target_url)).toBe(
      `https://github.com/octo/shop/pull/${PR_NUMBER}#issuecomment-${comments[0]?.id}`,
    );
    // The log folds its sections; the decision stays outside them.
    const log = `${run.stdout}${run.stderr}`;
    for (const title of ['controlgate: scan', 'controlgate: report and evidence', 'controlgate: publish'])
      expect(log).toContain(`::group::${title}`);
    expect(log.lastIndexOf('::endgroup::')).toBeLessThan(log.indexOf('controlgate: blocked'));

    // The token went to the API on every request.
    expect(h.gh.tokens).toEqual([h.token]);
    for (const r of h.gh.requests)
      expect(r.headers.authorization).toMatch(new RegExp(`^(token|Bearer) ${h.token}$`, 'i'));

    // The comment names what fails.
    expect(comments[0]?.body).toContain('CC7.1');

    // No ACTIONS_RUNTIME_TOKEN here: the artifact upload is skipped with a warning, not an error.
    expect(workflowCommands(run, 'warning').join('\n'), tail(run)).toMatch(/artifact|upload/i);
  });

  it('writes the outputs and the job summary', async () => {
    const h = await harness();
    const run = await h.run();
    expectExit(run, 1);

    const out = h.outputs();
    expect(out.decision, JSON.stringify(out)).toBe('block');
    const failed = (out['failed-criteria'] ?? '').split(',').map((s) => s.trim());
    expect(failed).toEqual(expect.arrayContaining(['CC7.1', 'CC8.1']));
    // Bandit's recording of the example app: 6 high, 10 medium, 10 low.
    const counts = JSON.parse(out.counts ?? '{}') as Record<string, number>;
    expect(counts).toMatchObject({ critical: 0, high: 6, medium: 10, low: 10 });
    expect(
      out['evidence-path'] && existsSync(out['evidence-path']),
      `evidence-path ${out['evidence-path']}`,
    ).toBe(true);
    const sarifPaths = JSON.parse(out['sarif-paths'] ?? '{}') as Record<string, string>;
    expect(Object.keys(sarifPaths)).toContain('replay');
    expect(existsSync(sarifPaths.replay ?? ''), `sarif-paths.replay ${sarifPaths.replay}`).toBe(true);
    // On pull_request GITHUB_SHA is the merge commit GitHub built: the evidence names each commit
    // for what it is, and the PR's head as the change's commit.
    expect(JSON.parse(readFileSync(`${out['evidence-path']}/run.json`, 'utf8'))).toMatchObject({
      platform: 'github',
      event: 'pull_request',
      commit: HEAD_SHA,
      baseCommit: BASE_SHA,
      mergeCommit: MERGE_SHA,
      changeNumber: PR_NUMBER,
      actor: 'dev-alice',
    });

    const summary = h.summary();
    expect(summary.length).toBeGreaterThan(0);
    expect(summary).toMatch(/block/i);
    expect(summary).toContain('CC7.1');
  });

  it('sets a success status and exits 0 when every control passes', async () => {
    const h = await harness(passingSarif);
    const run = await h.run();
    expectExit(run, 0);
    const statuses = statusPosts(h.gh.writes());
    expect(statuses.map((r) => r.path)).toEqual([STATUSES]);
    expect(statusBody(statuses[0])).toMatchObject({ state: 'success', context: CONTEXT });
    expect(marked(h.gh, 'default')).toHaveLength(1);
    const out = h.outputs();
    expect(out.decision).toBe('pass');
    expect(out['failed-criteria'] ?? '').toBe('');
    expect(h.summary()).toMatch(/pass/i);
  });

  it('a rerun with the same findings writes nothing', async () => {
    const h = await harness();
    expectExit(await h.run(), 1);
    const before = h.gh.requests.length;
    const comment = marked(h.gh, 'default')[0];

    const rerun = await h.run();
    expectExit(rerun, 1);
    const during = since(h.gh, before);
    expect(during.length, 'the rerun should at least read the comments').toBeGreaterThan(0);
    const writes = during.filter((r) => r.method !== 'GET');
    const patch = writes.find((r) => r.method === 'PATCH');
    const why = patch
      ? `\nthe comment was re-sent; first changed line: ${firstDifference(comment?.body ?? '', String(statusBody(patch).body))}`
      : '';
    expect(
      writes.map((r) => `${r.method} ${r.path}`),
      `${describeRequests(during)}${why}`,
    ).toEqual([]);
    expect(h.gh.comments(PR_NUMBER)).toEqual([comment]);
  });

  it('a changed result edits the same comment', async () => {
    const h = await harness();
    expectExit(await h.run(), 1);
    const first = marked(h.gh, 'default');
    expect(first).toHaveLength(1);

    h.ws.setSarif(withoutB602(h.ws.workspace));
    const before = h.gh.requests.length;
    expectExit(await h.run(), 1);
    const during = since(h.gh, before);
    const writes = commentWrites(during);
    expect(
      writes.map((r) => `${r.method} ${r.path}`),
      describeRequests(during),
    ).toEqual([`PATCH /repos/octo/shop/issues/comments/${first[0]?.id}`]);
    const now = marked(h.gh, 'default');
    expect(now.map((c) => c.id)).toEqual([first[0]?.id]);
    expect(now[0]?.body).not.toBe(first[0]?.body);
  });

  it('finds its comment among more than a page of other comments', async () => {
    const h = await harness();
    for (let i = 0; i < 120; i++) h.gh.seedComment(PR_NUMBER, `Review note ${i}: looks good to me`);
    expectExit(await h.run(), 1);
    expect(marked(h.gh, 'default')).toHaveLength(1);

    const [comment] = marked(h.gh, 'default');
    h.ws.setSarif(withoutB602(h.ws.workspace));
    const before = h.gh.requests.length;
    expectExit(await h.run(), 1);
    const during = since(h.gh, before);
    // Found on page 2: edited in place, not created again.
    expect(
      commentWrites(during).map((r) => `${r.method} ${r.path}`),
      describeRequests(during),
    ).toEqual([`PATCH /repos/octo/shop/issues/comments/${comment?.id}`]);
    expect(marked(h.gh, 'default').map((c) => c.id)).toEqual([comment?.id]);
    expect(h.gh.comments(PR_NUMBER)).toHaveLength(121);
  });

  it('two concurrent runs leave exactly one comment', async () => {
    const h = await harness();
    // Both runs' first comment lists are answered together, so both see "no comment yet".
    h.gh.barrier(2, { method: 'GET', path: COMMENTS, timeoutMs: 20_000 });
    const [a, b] = await Promise.all([h.start(), h.start()]);
    expectExit(a, 1);
    expectExit(b, 1);
    // The race really happened: both lists were answered before either run wrote a comment.
    const order = h.gh.requests.filter((r) => COMMENT_PATH.test(r.path)).map((r) => r.method);
    expect(order.slice(0, 2), describeRequests(h.gh.requests)).toEqual(['GET', 'GET']);
    expect(marked(h.gh, 'default'), describeRequests(h.gh.requests)).toHaveLength(1);
    expect(h.gh.comments(PR_NUMBER)).toHaveLength(1);
  });

  it("never adopts or deletes a person's comment that quotes the marker", async () => {
    const h = await harness();
    const quoted = h.gh.seedComment(PR_NUMBER, `${marker('default')}\nI pasted the bot's marker here.`);
    expectExit(await h.run(), 1);
    expectExit(await h.run(), 1);
    const comments = h.gh.comments(PR_NUMBER);
    expect(comments.find((c) => c.id === quoted.id)?.body).toContain('I pasted');
    expect(comments.filter((c) => c.id !== quoted.id)).toHaveLength(1);
  });

  it('keeps one comment per comment key', async () => {
    const h = await harness();
    expectExit(await h.run({ inputs: { 'comment-key': 'backend' } }), 1);
    expectExit(await h.run({ inputs: { 'comment-key': 'frontend' } }), 1);
    const backend = marked(h.gh, 'backend');
    const frontend = marked(h.gh, 'frontend');
    expect(backend).toHaveLength(1);
    expect(frontend).toHaveLength(1);
    expect(h.gh.comments(PR_NUMBER)).toHaveLength(2);

    // A change for one key edits only that key's comment.
    h.ws.setSarif(withoutB602(h.ws.workspace));
    const before = h.gh.requests.length;
    expectExit(await h.run({ inputs: { 'comment-key': 'backend' } }), 1);
    const writes = commentWrites(since(h.gh, before));
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /repos/octo/shop/issues/comments/${backend[0]?.id}`,
    ]);
    expect(marked(h.gh, 'frontend')).toEqual(frontend);
  });

  it('install-scanners installs only the scanners the run uses', async () => {
    const h = await harness();
    const run = await h.run({ inputs: { 'install-scanners': 'true', scanners: 'replay,bandit' } });
    expectExit(run, 1);
    const installs = run.stdout
      .split('\n')
      .filter((l) => /: (installed|already installed|using the one on PATH|FAILED)/.test(l));
    expect(
      installs.map((l) => l.split(' ')[0]),
      tail(run),
    ).toEqual(['bandit']);
  });

  it('comment: off makes no comment requests but still sets the status', async () => {
    const h = await harness();
    expectExit(await h.run({ inputs: { comment: 'off' } }), 1);
    const touched = h.gh.requests.filter((r) => COMMENT_PATH.test(r.path));
    expect(touched, describeRequests(h.gh.requests)).toEqual([]);
    expect(statusPosts(h.gh.writes())).toHaveLength(1);
  });

  it('status: false sets no status but still comments', async () => {
    const h = await harness();
    expectExit(await h.run({ inputs: { status: 'false' } }), 1);
    expect(statusPosts(h.gh.requests), describeRequests(h.gh.requests)).toEqual([]);
    expect(marked(h.gh, 'default')).toHaveLength(1);
  });

  it('fail-mode: report-only reports a block but exits 0', async () => {
    const h = await harness();
    expectExit(await h.run({ inputs: { 'fail-mode': 'report-only' } }), 0);
    expect(h.outputs().decision).toBe('block');
    expect(statusBody(statusPosts(h.gh.writes())[0])).toMatchObject({ state: 'failure', context: CONTEXT });
  });
});

describe('GitHub Action: forks and API failures', () => {
  it('a fork PR writes nothing to GitHub, warns, and still reports and fails', async () => {
    const h = await harness();
    const run = await h.run({ event: pullRequestEvent({ fork: true }) });
    expectExit(run, 1);
    expect(h.gh.writes(), describeRequests(h.gh.requests)).toEqual([]);
    expect(workflowCommands(run, 'warning').join('\n'), tail(run)).toMatch(/fork/i);
    expect(h.summary()).toMatch(/block/i);
    expect(h.outputs().decision).toBe('block');
    expect(h.outputs()['failed-criteria']).toContain('CC7.1');
  });

  it('fork-safe two workflows: the scan writes nothing, the workflow_run half comments from its evidence', async () => {
    const h = await harness();
    const scan = await h.run({
      event: pullRequestEvent({ fork: true }),
      inputs: { comment: 'off', status: 'false' },
    });
    expectExit(scan, 1);
    expect(h.gh.writes()).toEqual([]);
    const evidence = h.outputs()['evidence-path'] ?? '';
    expect(existsSync(`${evidence}/controlgate.json`)).toBe(true);
    expect(JSON.parse(readFileSync(`${evidence}/run.json`, 'utf8'))).toMatchObject({
      changeNumber: PR_NUMBER,
      isFork: true,
    });

    // GitHub gives workflow_run no PR number for fork PRs: the number comes from the evidence and is
    // used only because that PR's head is the commit the first run scanned.
    h.gh.pullHeads.set(PR_NUMBER, HEAD_SHA);
    const workflowRun = {
      workflow_run: { head_sha: HEAD_SHA, head_repository: { full_name: 'mallory/shop' }, pull_requests: [] },
      repository: { full_name: 'octo/shop', html_url: 'https://github.com/octo/shop' },
    };
    const post = await h.run({
      eventName: 'workflow_run',
      event: workflowRun,
      inputs: { 'report-from': evidence, 'fail-mode': 'report-only' },
    });
    expectExit(post, 0);
    const comments = h.gh.comments(PR_NUMBER);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body.startsWith(marker('default'))).toBe(true);
    // The artifact is the pull request's own word: reported as such, and never a status.
    expect(comments[0]?.body).toContain('⚠️ Unverified report (the run says: blocked)');
    expect(statusPosts(h.gh.writes())).toEqual([]);
    expect(workflowCommands(post, 'warning').join('\n')).toMatch(
      /no commit status from an unverified report/,
    );

    // A forged PR number (its head is another commit) gets no comment.
    h.gh.pullHeads.set(PR_NUMBER, 'f'.repeat(40));
    const before = h.gh.writes().length;
    const forged = await h.run({
      eventName: 'workflow_run',
      event: workflowRun,
      inputs: { 'report-from': evidence, 'fail-mode': 'report-only', status: 'false' },
    });
    expectExit(forged, 0);
    expect(workflowCommands(forged, 'warning').join('\n')).toMatch(/not the scanned commit/);
    expect(h.gh.writes().length).toBe(before);
  });

  it('a forged artifact that says "pass" gets no success status and no "Passed" comment', async () => {
    const h = await harness();
    const scan = await h.run({
      event: pullRequestEvent({ fork: true }),
      inputs: { comment: 'off', status: 'false' },
    });
    expectExit(scan, 1);
    const evidence = h.outputs()['evidence-path'] ?? '';
    // The fork's workflow can upload anything: here, its report claims the change passed.
    const report = JSON.parse(readFileSync(`${evidence}/controlgate.json`, 'utf8')) as Record<
      string,
      unknown
    >;
    const controls = (report.controls as { verdict: string }[]).map((c) => ({
      ...c,
      verdict: 'pass',
      blocking: false,
    }));
    writeFileSync(
      `${evidence}/controlgate.json`,
      JSON.stringify({ ...report, decision: 'pass', exitCode: 0, controls }),
    );
    h.gh.pullHeads.set(PR_NUMBER, HEAD_SHA);
    const post = await h.run({
      eventName: 'workflow_run',
      event: {
        workflow_run: {
          head_sha: HEAD_SHA,
          head_repository: { full_name: 'mallory/shop' },
          pull_requests: [],
        },
        repository: { full_name: 'octo/shop', html_url: 'https://github.com/octo/shop' },
      },
      inputs: { 'report-from': evidence },
    });
    expectExit(post, 0);
    expect(statusPosts(h.gh.writes())).toEqual([]);
    const body = h.gh.comments(PR_NUMBER)[0]?.body ?? '';
    expect(body).toContain('Unverified report');
    expect(body).not.toMatch(/Passed/);
    expect(h.summary()).not.toMatch(/Passed/);
    expect(`${post.stdout}${post.stderr}`).not.toMatch(/controls pass/);
  });

  it('a 403 on creating the comment is a warning: a passing gate still exits 0', async () => {
    const h = await harness(passingSarif);
    h.gh.failNext(1, 403, { method: 'POST', path: COMMENTS });
    const run = await h.run({ extra: { RUNNER_DEBUG: '1' } });
    expectExit(run, 0);
    expect(workflowCommands(run, 'error'), tail(run)).toEqual([]);
    expect(workflowCommands(run, 'warning').join('\n'), tail(run)).toMatch(/comment/i);
    expect(h.gh.comments(PR_NUMBER)).toEqual([]);
    expect(statusBody(statusPosts(h.gh.writes())[0])).toMatchObject({ state: 'success' });
  });

  it('a 403 on creating the comment does not turn a block into an error', async () => {
    const h = await harness();
    h.gh.failNext(1, 403, { method: 'POST', path: COMMENTS });
    const run = await h.run();
    expectExit(run, 1);
    expect(workflowCommands(run, 'warning').join('\n'), tail(run)).toMatch(/comment/i);
    expect(h.outputs().decision).toBe('block');
  });

  it('retries a 502 on creating the comment', async () => {
    const h = await harness();
    h.gh.failNext(1, 502, { method: 'POST', path: COMMENTS });
    const run = await h.run({ extra: { RUNNER_DEBUG: '1' } });
    expectExit(run, 1);
    const posts = h.gh.requests.filter((r) => r.method === 'POST' && r.path === COMMENTS);
    expect(
      posts.map((r) => r.status),
      describeRequests(h.gh.requests),
    ).toEqual([502, 201]);
    expect(h.gh.comments(PR_NUMBER)).toHaveLength(1);
  });

  it('waits out secondary rate limits (403 and 429 with retry-after)', async () => {
    const h = await harness();
    h.gh.failNext(1, 403, {
      method: 'POST',
      path: COMMENTS,
      retryAfter: 1,
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      },
    });
    h.gh.failNext(1, 429, { method: 'POST', path: STATUSES, retryAfter: 1 });
    const run = await h.run();
    expectExit(run, 1);
    const posts = h.gh.requests.filter((r) => r.method === 'POST' && r.path === COMMENTS);
    expect(
      posts.map((r) => r.status),
      describeRequests(h.gh.requests),
    ).toEqual([403, 201]);
    expect(h.gh.comments(PR_NUMBER)).toHaveLength(1);
    expect(statusPosts(h.gh.requests).map((r) => r.status)).toEqual([429, 201]);
    expect(h.gh.statuses).toHaveLength(1);
  });
});

describe('GitHub Action: size limits, events and inputs', () => {
  it('keeps a huge result under the 65,536-character comment limit and says where the rest is', async () => {
    const h = await harness((ws) => largeSarif(ws, 400, 240));
    const sarif = JSON.parse(readFileSync(h.ws.sarifPath, 'utf8')) as SarifLog;
    const results = sarif.runs[0]?.results ?? [];
    expect(results.length).toBe(400);
    expect(results.reduce((n, r) => n + r.message.text.length, 0)).toBeGreaterThan(70_000);
    expect(results.filter((r) => severityOf(r) === 'HIGH').length).toBeGreaterThan(100);

    const run = await h.run();
    expectExit(run, 1);
    const comments = marked(h.gh, 'default');
    expect(comments, describeRequests(h.gh.requests)).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_BODY);
    // Every one of the 134 blocking (high) problems keeps its row while the limit allows (their long
    // texts are the first to go); whatever does not fit is said, with where the whole result is.
    const rows = body.split('\n').filter((l) => /^\| \[?\d+/.test(l)).length;
    expect(rows === 134 || /Shortened to fit the size limit/.test(body), `${rows} rows`).toBe(true);
    expect(body).toMatch(new RegExp(`actions/runs/${RUN_ID}|job summary|artifact`, 'i'));
    expect(JSON.parse(h.outputs().counts ?? '{}')).toMatchObject({ high: 134, medium: 133, low: 133 });
    expect(statSync(h.ws.summaryPath).size).toBeGreaterThan(0);
  });

  it('keeps findings with very long messages under the comment limit too', async () => {
    const h = await harness((ws) => largeSarif(ws, 120, 3000));
    expectExit(await h.run(), 1);
    const comments = marked(h.gh, 'default');
    expect(comments, describeRequests(h.gh.requests)).toHaveLength(1);
    expect(comments[0]?.body.length).toBeLessThanOrEqual(MAX_COMMENT_BODY);
  });

  it('a push (no pull request) makes no comment requests', async () => {
    const h = await harness();
    const run = await h.run({ eventName: 'push', event: pushEvent() });
    expectExit(run, 1);
    expect(
      h.gh.requests.filter((r) => COMMENT_PATH.test(r.path)),
      describeRequests(h.gh.requests),
    ).toEqual([]);
    expect(h.outputs().decision).toBe('block');
  });

  it('fail-mode auto (the default): a push reports the block but exits 0; a pull request still fails', async () => {
    const h = await harness();
    const push = await h.run({ eventName: 'push', event: pushEvent(), inputs: { 'fail-mode': 'auto' } });
    expectExit(push, 0);
    expect(workflowCommands(push, 'warning').join('\n')).toContain(
      'fail-mode auto: a push run has no change to judge',
    );
    expect(h.outputs().decision).toBe('block');
    expectExit(await h.run({ inputs: { 'fail-mode': 'auto' } }), 1);
  });

  it('a bad input exits 2 and names the input and its allowed values', async () => {
    const h = await harness();
    const run = await h.run({ inputs: { comment: 'sometimes' } });
    expectExit(run, 2);
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).toMatch(/\bcomment\b/);
    expect(output).toContain('update');
    expect(output).toContain('off');
    expect(h.gh.writes()).toEqual([]);
  });
});
