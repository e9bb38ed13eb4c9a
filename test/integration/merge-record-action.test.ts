import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_LIMITS } from '../../src/bundle/limits.ts';
import { readZipBundle } from '../../src/bundle/read-zip.ts';
import { verifyFiles } from '../../src/bundle/verify.ts';
import { parseMergeRecord } from '../../src/change-management/parse-record.ts';
import type { MergeRecord } from '../../src/change-management/record.ts';
import {
  type ActionRun,
  actionEnv,
  assertActionBuilt,
  createRunnerFiles,
  fakeToken,
  pullRequestEvent,
  type RunnerFiles,
  readOutputs,
  runAction,
} from '../support/action-env.ts';
import { writeGateBundle, zipFolder } from '../support/audit-fixtures.ts';
import { type FakeActionsArtifacts, startFakeActionsArtifacts } from '../support/fake-actions-artifacts.ts';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.ts';
import { expectExit, expectTokenHidden } from '../support/run-checks.ts';

/*
 * The Action in `mode: merge-record`, as a runner runs dist/index.js after a merge, against the fake
 * GitHub API (pull requests, reviews, statuses, rulesets, artifacts) and the fake artifact service:
 * the merged pull request found from the event or from the pushed merge commit, the gate's evidence
 * artifact for the merged head downloaded and verified, the record judged, written, uploaded and
 * summarised.
 */

const STATUS = 'controlgate / SOC 2';
const BASE = 'b'.repeat(40);
const sha = (tag: string) => tag.padEnd(40, '0');

let fake: FakeGitHub;
let artifacts: FakeActionsArtifacts;
let root: string;
let token: string;

async function gateArtifact(number: number, headSha: string, outcome: 'pass' | 'block'): Promise<void> {
  const dir = path.join(root, 'gate', `${number}`);
  await writeGateBundle(path.join(dir, 'bundle'), {
    number,
    headSha,
    finishedAt: '2026-11-02T09:05:00Z',
    outcome,
  });
  await zipFolder(path.join(dir, 'bundle'), path.join(dir, 'bundle.zip'));
  fake.changes.seedArtifact({
    name: 'controlgate-evidence',
    headSha,
    createdAt: '2026-11-02T09:06:00Z',
    runId: 500 + number,
    bytes: readFileSync(path.join(dir, 'bundle.zip')),
  });
}

function mergedPull(number: number, headSha: string, reviews: { reviewer: string; commitId: string }[]) {
  fake.changes.seedPull({
    number,
    title: `Change ${number}`,
    author: 'dev-alice',
    baseSha: BASE,
    headSha,
    mergedAt: '2026-11-02T12:00:00Z',
    mergedBy: 'dev-bob',
    mergeCommitSha: sha(`c${number}`),
    commits: [{ sha: headSha, author: 'dev-alice', committer: 'dev-alice', date: '2026-11-02T09:00:00Z' }],
    reviews: reviews.map((r) => ({ ...r, state: 'APPROVED', submittedAt: '2026-11-02T10:00:00Z' })),
    files: [{ filename: 'app/orders.py' }],
  });
}

interface RecordRun {
  run: ActionRun;
  ws: RunnerFiles;
  record: MergeRecord;
  outputs: Record<string, string>;
  summary: string;
}

async function recordMerge(event: 'pull_request' | 'push', number: number): Promise<RecordRun> {
  const ws = createRunnerFiles(mkdtempSync(path.join(root, 'runner-')), mkdtempSync(path.join(root, 'ws-')));
  const closed = { ...pullRequestEvent({ number, headSha: sha(`a${number}`) }), action: 'closed' };
  const env = actionEnv(ws, fake, {
    token,
    eventName: event,
    event: event === 'pull_request' ? closed : { ref: 'refs/heads/main', after: sha(`c${number}`) },
    inputs: { mode: 'merge-record', 'status-context': STATUS },
    extra: {
      ACTIONS_RESULTS_URL: artifacts.url,
      ACTIONS_RUNTIME_TOKEN: artifacts.token,
      ...(event === 'push'
        ? { GITHUB_SHA: sha(`c${number}`), GITHUB_REF: 'refs/heads/main', GITHUB_REF_NAME: 'main' }
        : {}),
    },
  });
  const run = await runAction(env);
  const file = path.join(ws.runnerTemp, 'controlgate', 'controlgate-merge-record', 'merge-record.json');
  return {
    run,
    ws,
    record: parseMergeRecord(readFileSync(file, 'utf8'), file),
    outputs: readOutputs(ws.outputPath),
    summary: readFileSync(ws.summaryPath, 'utf8'),
  };
}

beforeAll(async () => {
  assertActionBuilt();
  root = mkdtempSync(path.join(os.tmpdir(), 'cg-merge-record-action-'));
  token = fakeToken();
  fake = await startFakeGitHub({ token });
  artifacts = await startFakeActionsArtifacts();
  fake.changes.setRulesets('main', [STATUS]);
  // 1: clean. Approved on its head by bob; the gate passed it and its bundle is there.
  mergedPull(1, sha('a1'), [{ reviewer: 'dev-bob', commitId: sha('a1') }]);
  fake.changes.seedStatus(sha('a1'), {
    context: STATUS,
    state: 'success',
    createdAt: '2026-11-02T09:05:00Z',
  });
  await gateArtifact(1, sha('a1'), 'pass');
  // 2: merged while blocked, approved only on an earlier head.
  mergedPull(2, sha('a2'), [{ reviewer: 'dev-bob', commitId: sha('e2') }]);
  fake.changes.seedStatus(sha('a2'), {
    context: STATUS,
    state: 'failure',
    createdAt: '2026-11-02T09:05:00Z',
  });
  await gateArtifact(2, sha('a2'), 'block');
}, 60_000);

afterAll(async () => {
  await fake?.stop();
  await artifacts?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the Action, mode: merge-record', () => {
  it('records a clean merged pull request from its closed event: no exceptions, the gate bundle verified, uploaded', async () => {
    const { run, record, outputs, summary } = await recordMerge('pull_request', 1);
    expectExit(run, 0);
    expectTokenHidden(run, token);
    expect(record.exceptions).toEqual([]);
    expect(record.facts).toMatchObject({
      number: 1,
      headSha: sha('a1'),
      mergedBy: 'dev-bob',
      author: 'dev-alice',
    });
    expect(record.judgement).toMatchObject({
      finalHeadApprovers: ['dev-bob'],
      independentApprovers: ['dev-bob'],
      requiredCheck: true,
      gate: { check: 'success', decision: 'pass', signature: 'absent' },
    });
    expect(record.gateRun).toMatchObject({
      intact: true,
      headSha: sha('a1'),
      location: expect.stringMatching(/^artifact controlgate-evidence #\d+$/),
    });
    expect(outputs['merge-record-exceptions']).toBe('');
    expect(summary).toContain('controlgate merge record: octo/shop#1');
    expect(summary).toContain('No exceptions.');
    // Uploaded as its own artifact: a bundle whose manifest verifies.
    const uploaded = artifacts.artifacts.find((a) => a.name === 'controlgate-merge-record');
    expect(uploaded).toBeDefined();
    const zip = path.join(root, 'uploaded-1.zip');
    writeFileSync(zip, uploaded?.zip ?? Buffer.alloc(0));
    const files = await readZipBundle(zip, BUNDLE_LIMITS);
    expect(verifyFiles(files)).toMatchObject({ ok: true });
    expect([...files.keys()].sort()).toEqual(['manifest.json', 'merge-record.json']);
  }, 120_000);

  it('finds the pull request a pushed merge commit came from, and states each exception', async () => {
    const { run, record, outputs, summary } = await recordMerge('push', 2);
    expectExit(run, 0);
    expect(record.facts.number).toBe(2);
    expect(record.exceptions.map((e) => e.code)).toEqual([
      'approval-before-last-push',
      'merged-while-blocked',
    ]);
    expect(outputs['merge-record-exceptions']).toBe('approval-before-last-push,merged-while-blocked');
    expect(summary).toContain('2 exceptions');
    // Each exception is also a warning annotation in the run.
    expect(run.stdout).toMatch(/::warning::controlgate: merged-while-blocked: /);
  }, 120_000);
});
