import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildMergeRecord } from '../../src/change-management/build-record.ts';
import type { ExceptionCode } from '../../src/change-management/exceptions.ts';
import type { ChangeFacts, ChangeFactsRequest } from '../../src/change-management/facts.ts';
import type { GateRunFacts } from '../../src/change-management/gate-run.ts';
import { apiBudget, apiLimits } from '../../src/platforms/api-limits.ts';
import { gitlabAuditSource } from '../../src/platforms/gitlab/audit-source.ts';
import { readGitlabChangeFacts } from '../../src/platforms/gitlab/change-facts.ts';
import { type GitlabClient, gitlabClient } from '../../src/platforms/gitlab/client.ts';
import { gateRun } from '../support/change-facts.ts';
import { type FakeGitLab, PROJECT_PATH, startFakeGitLab } from '../support/fake-gitlab.ts';

/*
 * The GitLab change-facts reader and audit source against the loopback fake GitLab: gitbeaker and
 * our requester speak real HTTP to it. Five merge requests an auditor cares about (clean, approved
 * by its author, approved before a later push, merged while the gate job failed, a policy edit
 * approved by a non-owner), what the project requires, and the audit's listings and downloads.
 */

const GATE = 'controlgate';
const REQUEST: Omit<ChangeFactsRequest, 'number'> = {
  policyPaths: [
    { path: '.controlgate.yml', kind: 'config' },
    { path: '.controlgate-waivers.yml', kind: 'waivers' },
  ],
  gateCheckName: GATE,
};
const SOURCE = 'project setting: pipelines must succeed';
const WEB = 'https://gitlab.example.com/octo/shop';

function sha(tag: string): string {
  return createHash('sha1').update(tag).digest('hex');
}

function at(hhmm: string, day = '2026-03-02'): string {
  return `${day}T${hhmm}:00.000Z`;
}

interface Fixture {
  gl: FakeGitLab;
  client: GitlabClient;
  token: string;
}

async function fixture(): Promise<Fixture> {
  const gl = await startFakeGitLab();
  onTestFinished(() => gl.stop());
  const token = `glpat-${randomBytes(15).toString('base64url')}`;
  return { gl, client: gitlabClient(gl.url, token, apiBudget(apiLimits({})), () => {}), token };
}

interface Spec {
  iid: number;
  author: string;
  /** Heads pushed, oldest first, each with its time and pusher. */
  pushes: { head: string; at: string; by: string }[];
  approvals: { by: string; at: string }[];
  files?: (string | [string, string])[];
  gate?: { status: 'success' | 'failed'; finishedAt: string; allowFailure?: boolean };
  mergedBy?: string;
}

/** A merged merge request as GitLab records one: versions, push events, notes, commits, a gate job. */
function seed(gl: FakeGitLab, spec: Spec): { base: string; head: string; jobId: number | undefined } {
  const base = sha(`base-${spec.iid}`);
  const head = spec.pushes.at(-1)?.head ?? '';
  gl.changes.addMergeRequest({
    iid: spec.iid,
    title: `Change ${spec.iid}`,
    author: spec.author,
    baseSha: base,
    headSha: head,
    createdAt: spec.pushes[0]?.at ?? at('09:00'),
    mergedAt: at('15:00'),
    mergedBy: spec.mergedBy ?? 'rev.bob',
    mergeCommitSha: sha(`merge-${spec.iid}`),
  });
  for (const push of spec.pushes) {
    gl.changes.pushVersion(spec.iid, push.head, push.at);
    gl.changes.addPushEvent({
      commitTo: push.head,
      author: push.by,
      at: push.at,
      ref: `feature/${spec.iid}`,
    });
  }
  gl.changes.setCommits(
    spec.iid,
    spec.pushes.map((p) => ({ sha: p.head, date: p.at })),
  );
  for (const a of spec.approvals) gl.changes.approve(spec.iid, a.by, a.at);
  gl.changes.setDiffs(spec.iid, spec.files ?? ['app.py']);
  const jobId = spec.gate
    ? gl.changes.addJob({
        name: GATE,
        status: spec.gate.status,
        sha: head,
        user: spec.pushes.at(-1)?.by ?? spec.author,
        createdAt: spec.pushes.at(-1)?.at ?? at('09:00'),
        finishedAt: spec.gate.finishedAt,
        allowFailure: spec.gate.allowFailure ?? false,
      })
    : undefined;
  return { base, head, jobId };
}

function read(f: Fixture, iid: number): Promise<ChangeFacts> {
  return readGitlabChangeFacts(f.client, PROJECT_PATH, { number: iid, ...REQUEST });
}

/** The exceptions the merge record built from the facts carries. */
function exceptionCodes(facts: ChangeFacts, run: GateRunFacts | null): ExceptionCode[] {
  const record = buildMergeRecord(facts, {
    recordedAt: new Date(at('15:01')),
    gateRun: run,
    controlgateVersion: '0.0.0-test',
  });
  return record.exceptions.map((e) => e.code);
}

/** A passing gate run on `head`, as its evidence bundle would say. */
function passed(head: string): GateRunFacts {
  return gateRun({ headSha: head, platform: 'gitlab', event: 'merge_request_event' });
}

/** The facts every scenario shares, for `toEqual` with the scenario's own. */
function common(
  iid: number,
  base: string,
  head: string,
): Omit<ChangeFacts, 'commits' | 'lastPush' | 'reviews' | 'gateChecks' | 'requiredCheck'> {
  return {
    platform: 'gitlab',
    repository: PROJECT_PATH,
    number: iid,
    title: `Change ${iid}`,
    url: `${WEB}/-/merge_requests/${iid}`,
    author: 'dev.alice',
    baseRef: 'main',
    baseSha: base,
    headSha: head,
    mergeCommitSha: sha(`merge-${iid}`),
    merged: true,
    mergedBy: 'rev.bob',
    mergedAt: at('15:00'),
    changedFiles: ['app.py'],
    policyFiles: [],
    codeOwners: null,
    ownerTeams: {},
    gaps: [],
  };
}

describe('readGitlabChangeFacts', () => {
  it('(a) a clean merge request approved on its final head by someone other than its author', async () => {
    const f = await fixture();
    f.gl.changes.pipelinesMustSucceed = true;
    const head = sha('head-1');
    const { base, jobId } = seed(f.gl, {
      iid: 1,
      author: 'dev.alice',
      pushes: [{ head, at: at('10:00'), by: 'dev.alice' }],
      approvals: [{ by: 'rev.bob', at: at('10:30') }],
      gate: { status: 'success', finishedAt: at('10:05') },
    });
    // A fast-forward merge pushes the same head to main, as the merger: not the change's last push.
    f.gl.changes.addPushEvent({ commitTo: head, author: 'rev.bob', at: at('15:00'), ref: 'main' });
    // Nor is a push long after the merge (outside the events asked for).
    f.gl.changes.addPushEvent({
      commitTo: head,
      author: 'dev.eve',
      at: at('10:00', '2026-03-09'),
      ref: 'feature/1',
    });
    const facts = await read(f, 1);
    expect(facts).toEqual({
      ...common(1, base, head),
      commits: [{ sha: head, author: null, committer: null, date: at('10:00') }],
      lastPush: { sha: head, at: at('10:00'), by: 'dev.alice', source: 'push event' },
      reviews: [{ reviewer: 'rev.bob', state: 'approved', commitSha: head, submittedAt: at('10:30') }],
      gateChecks: [
        {
          name: GATE,
          state: 'success',
          description: null,
          targetUrl: `${WEB}/-/jobs/${jobId}`,
          createdAt: at('10:05'),
          creator: 'dev.alice',
        },
      ],
      requiredCheck: { required: true, source: SOURCE, detail: null },
    });
    expect(exceptionCodes(facts, passed(head))).toEqual([]);
    const events = f.gl.requests.find((r) => r.path.endsWith('/events'));
    expect(events?.query).toMatchObject({ action: 'pushed', before: '2026-03-03' });
    // Reading is all it does, and the token goes in a header only.
    expect(f.gl.writes()).toEqual([]);
    expect(JSON.stringify(facts)).not.toContain(f.token);
  });

  it('(b) self-approval: the author is the only approver', async () => {
    const f = await fixture();
    const head = sha('head-2');
    const { base, jobId } = seed(f.gl, {
      iid: 2,
      author: 'dev.alice',
      pushes: [{ head, at: at('10:00'), by: 'dev.alice' }],
      approvals: [{ by: 'dev.alice', at: at('10:10') }],
      gate: { status: 'success', finishedAt: at('10:05') },
    });
    const facts = await read(f, 2);
    expect(facts).toEqual({
      ...common(2, base, head),
      commits: [{ sha: head, author: null, committer: null, date: at('10:00') }],
      lastPush: { sha: head, at: at('10:00'), by: 'dev.alice', source: 'push event' },
      reviews: [{ reviewer: 'dev.alice', state: 'approved', commitSha: head, submittedAt: at('10:10') }],
      gateChecks: [
        {
          name: GATE,
          state: 'success',
          description: null,
          targetUrl: `${WEB}/-/jobs/${jobId}`,
          createdAt: at('10:05'),
          creator: 'dev.alice',
        },
      ],
      requiredCheck: { required: false, source: SOURCE, detail: null },
    });
    expect(exceptionCodes(facts, passed(head))).toEqual([
      'self-approval',
      'no-approval',
      'gate-not-required',
    ]);
  });

  it('(c) approval given before a later push: the review is on the older head', async () => {
    const f = await fixture();
    const first = sha('head-3a');
    const head = sha('head-3b');
    const { base, jobId } = seed(f.gl, {
      iid: 3,
      author: 'dev.alice',
      pushes: [
        { head: first, at: at('10:00'), by: 'dev.alice' },
        { head, at: at('12:00'), by: 'dev.eve' },
      ],
      approvals: [{ by: 'rev.bob', at: at('11:00') }],
      gate: { status: 'success', finishedAt: at('12:10') },
    });
    const facts = await read(f, 3);
    expect(facts).toEqual({
      ...common(3, base, head),
      commits: [
        { sha: first, author: null, committer: null, date: at('10:00') },
        { sha: head, author: null, committer: null, date: at('12:00') },
      ],
      lastPush: { sha: head, at: at('12:00'), by: 'dev.eve', source: 'push event' },
      reviews: [{ reviewer: 'rev.bob', state: 'approved', commitSha: first, submittedAt: at('11:00') }],
      gateChecks: [
        {
          name: GATE,
          state: 'success',
          description: null,
          targetUrl: `${WEB}/-/jobs/${jobId}`,
          createdAt: at('12:10'),
          creator: 'dev.eve',
        },
      ],
      requiredCheck: { required: false, source: SOURCE, detail: null },
    });
    expect(exceptionCodes(facts, passed(head))).toEqual(['approval-before-last-push', 'gate-not-required']);
  });

  it('(d) merged while the gate job on the head failed', async () => {
    const f = await fixture();
    const head = sha('head-4');
    const { base, jobId } = seed(f.gl, {
      iid: 4,
      author: 'dev.alice',
      pushes: [{ head, at: at('10:00'), by: 'dev.alice' }],
      approvals: [{ by: 'rev.bob', at: at('10:30') }],
      gate: { status: 'failed', finishedAt: at('10:07') },
    });
    // An older pipeline's gate job on another commit is not this head's.
    f.gl.changes.addJob({ name: GATE, status: 'success', sha: sha('other'), createdAt: at('09:00') });
    const facts = await read(f, 4);
    expect(facts).toEqual({
      ...common(4, base, head),
      commits: [{ sha: head, author: null, committer: null, date: at('10:00') }],
      lastPush: { sha: head, at: at('10:00'), by: 'dev.alice', source: 'push event' },
      reviews: [{ reviewer: 'rev.bob', state: 'approved', commitSha: head, submittedAt: at('10:30') }],
      gateChecks: [
        {
          name: GATE,
          state: 'failure',
          description: null,
          targetUrl: `${WEB}/-/jobs/${jobId}`,
          createdAt: at('10:07'),
          creator: 'dev.alice',
        },
      ],
      requiredCheck: { required: false, source: SOURCE, detail: null },
    });
    // No bundle: the failed job alone says the gate blocked the head.
    expect(exceptionCodes(facts, null)).toEqual(['merged-while-blocked', 'gate-not-required']);
  });

  it('(e) a policy edit under CODEOWNERS @acme/security, approved only by a non-owner', async () => {
    const f = await fixture();
    f.gl.changes.pipelinesMustSucceed = true;
    const head = sha('head-5');
    const { base, jobId } = seed(f.gl, {
      iid: 5,
      author: 'dev.alice',
      pushes: [{ head, at: at('10:00'), by: 'dev.alice' }],
      approvals: [{ by: 'rev.bob', at: at('10:30') }],
      files: ['.controlgate.yml', ['src/old.py', 'src/new.py']],
      gate: { status: 'success', finishedAt: at('10:05') },
    });
    const owners = '# Owners\n/.controlgate.yml @acme/security\n*.py @dev.alice\n';
    f.gl.changes.setFile(base, '.gitlab/CODEOWNERS', owners);
    // docs/ comes before .gitlab/ in GitLab's order, but only at the head here: the base decides.
    f.gl.changes.setFile(head, 'docs/CODEOWNERS', '* @dev.alice\n');
    f.gl.changes.setFile(base, '.controlgate.yml', 'fail_on: high\n');
    f.gl.changes.setFile(head, '.controlgate.yml', 'fail_on: critical\n');
    f.gl.changes.setGroupMembers('acme/security', ['sec.dan', 'sec.carol']);
    const facts = await read(f, 5);
    expect(facts).toEqual({
      ...common(5, base, head),
      changedFiles: ['.controlgate.yml', 'src/old.py', 'src/new.py'],
      policyFiles: [
        { path: '.controlgate.yml', kind: 'config', base: 'fail_on: high\n', head: 'fail_on: critical\n' },
      ],
      codeOwners: { path: '.gitlab/CODEOWNERS', text: owners },
      // @dev.alice is a user (no such group): not a team, and not a gap.
      ownerTeams: { '@acme/security': ['sec.carol', 'sec.dan'] },
      commits: [{ sha: head, author: null, committer: null, date: at('10:00') }],
      lastPush: { sha: head, at: at('10:00'), by: 'dev.alice', source: 'push event' },
      reviews: [{ reviewer: 'rev.bob', state: 'approved', commitSha: head, submittedAt: at('10:30') }],
      gateChecks: [
        {
          name: GATE,
          state: 'success',
          description: null,
          targetUrl: `${WEB}/-/jobs/${jobId}`,
          createdAt: at('10:05'),
          creator: 'dev.alice',
        },
      ],
      requiredCheck: { required: true, source: SOURCE, detail: null },
    });
    expect(exceptionCodes(facts, passed(head))).toEqual(['policy-changed', 'policy-not-owner-approved']);
    // A member of @acme/security approving the final head as well settles it.
    f.gl.changes.approve(5, 'sec.carol', at('10:40'));
    expect(exceptionCodes(await read(f, 5), passed(head))).toEqual(['policy-changed']);
  });

  it('an owner group the token cannot read is a gap, and so is a withdrawn approval not counted', async () => {
    const f = await fixture();
    const head = sha('head-6');
    const { base } = seed(f.gl, {
      iid: 6,
      author: 'dev.alice',
      pushes: [{ head, at: at('10:00'), by: 'dev.alice' }],
      approvals: [
        { by: 'rev.bob', at: at('10:30') },
        { by: 'sec.carol', at: at('10:40') },
      ],
      files: ['.controlgate.yml'],
    });
    f.gl.changes.unapprove(6, 'sec.carol', at('10:50'));
    f.gl.changes.setFile(base, 'CODEOWNERS', '/.controlgate.yml @acme/security\n');
    f.gl.failNext(10, 403, { path: '/api/v4/groups/acme%2Fsecurity/members/all' });
    const facts = await read(f, 6);
    expect(facts.reviews).toEqual([
      { reviewer: 'rev.bob', state: 'approved', commitSha: head, submittedAt: at('10:30') },
    ]);
    expect(facts.policyFiles).toEqual([{ path: '.controlgate.yml', kind: 'config', base: null, head: null }]);
    expect(facts.ownerTeams).toEqual({});
    expect(facts.gateChecks).toEqual([]);
    expect(facts.gaps).toEqual([
      'code owner group @acme/security: GET /api/v4/groups/acme%2Fsecurity/members/all: 403 403 Forbidden',
    ]);
    expect(JSON.stringify(facts)).not.toContain(f.token);
  });

  it('refused approvals, events or notes: approvers from the notes, the last push from the newest version, the head from a lone version', async () => {
    const f = await fixture();
    const head = sha('head-7');
    seed(f.gl, {
      iid: 7,
      author: 'dev.alice',
      pushes: [{ head, at: at('10:00'), by: 'dev.alice' }],
      approvals: [{ by: 'rev.bob', at: at('10:30') }],
    });
    f.gl.failNext(10, 403, { path: /\/merge_requests\/7\/approvals$/ });
    f.gl.failNext(10, 404, { path: /\/events$/ });
    // Nor can the notes be read for !9: a single version still says which head its approval was on.
    f.gl.failNext(10, 403, { path: /\/merge_requests\/9\/notes$/ });
    const facts = await read(f, 7);
    expect(facts.reviews).toEqual([
      { reviewer: 'rev.bob', state: 'approved', commitSha: head, submittedAt: at('10:30') },
    ]);
    expect(facts.lastPush).toEqual({
      sha: head,
      at: at('10:00'),
      by: null,
      source:
        "the merge request's newest version (no push event for the head: GitLab does not say who pushed it)",
    });
    const other = sha('head-9');
    seed(f.gl, {
      iid: 9,
      author: 'dev.alice',
      pushes: [{ head: other, at: at('10:00'), by: 'dev.alice' }],
      approvals: [{ by: 'rev.bob', at: at('10:30') }],
    });
    const nine = await read(f, 9);
    expect(nine.reviews).toEqual([
      { reviewer: 'rev.bob', state: 'approved', commitSha: other, submittedAt: null },
    ]);
    expect(nine.gaps).toEqual([
      'approval times (system notes): GET /api/v4/projects/octo%2Fshop/merge_requests/9/notes: 403 403 Forbidden',
      'push events: GET /api/v4/projects/octo%2Fshop/events: 404 404 Not Found',
    ]);
    expect(facts.gaps).toEqual([
      'approvals: GET /api/v4/projects/octo%2Fshop/merge_requests/7/approvals: 403 403 Forbidden',
      'push events: GET /api/v4/projects/octo%2Fshop/events: 404 404 Not Found',
    ]);
  });
});

describe('gate jobs in merged-results pipelines', () => {
  it('a job on the merge commit of the target and the head is a check on the head', async () => {
    const f = await fixture();
    const head = sha('head-10');
    seed(f.gl, {
      iid: 10,
      author: 'dev.alice',
      pushes: [{ head, at: at('10:00'), by: 'dev.alice' }],
      approvals: [{ by: 'rev.bob', at: at('10:30') }],
    });
    const merge = sha('merge-ref-10');
    const stale = sha('merge-ref-10-old');
    f.gl.changes.setCommitParents(merge, [sha('main-tip'), head]);
    f.gl.changes.setCommitParents(stale, [sha('main-tip'), sha('older-head')]);
    const ref = 'refs/merge-requests/10/merge';
    const old = f.gl.changes.addPipeline(stale, at('09:00'), { ref, mergeRequestIid: 10 });
    f.gl.changes.addJob({
      name: GATE,
      status: 'failed',
      sha: stale,
      createdAt: at('09:00'),
      pipelineId: old,
    });
    const pipeline = f.gl.changes.addPipeline(merge, at('10:01'), { ref, mergeRequestIid: 10 });
    const jobId = f.gl.changes.addJob({
      name: GATE,
      status: 'success',
      sha: merge,
      user: 'dev.alice',
      createdAt: at('10:01'),
      finishedAt: at('10:06'),
      pipelineId: pipeline,
    });
    const facts = await read(f, 10);
    expect(facts.gateChecks).toEqual([
      {
        name: GATE,
        state: 'success',
        description: null,
        targetUrl: `${WEB}/-/jobs/${jobId}`,
        createdAt: at('10:06'),
        creator: 'dev.alice',
      },
    ]);
    expect(facts.gaps).toEqual([]);
  });

  it("the merge request's pipelines unreadable: a gap, and the head's own pipelines still count", async () => {
    const f = await fixture();
    const head = sha('head-11');
    const { jobId } = seed(f.gl, {
      iid: 11,
      author: 'dev.alice',
      pushes: [{ head, at: at('10:00'), by: 'dev.alice' }],
      approvals: [],
      gate: { status: 'success', finishedAt: at('10:05') },
    });
    f.gl.failNext(10, 403, { path: /\/merge_requests\/11\/pipelines$/ });
    const facts = await read(f, 11);
    expect(facts.gateChecks.map((c) => c.targetUrl)).toEqual([`${WEB}/-/jobs/${jobId}`]);
    expect(facts.gaps).toEqual([
      'merged-results pipelines of the head: GET /api/v4/projects/octo%2Fshop/merge_requests/11/pipelines: 403 403 Forbidden',
    ]);
  });
});

describe('requiredCheck on GitLab', () => {
  async function required(
    setup: (f: Fixture) => void,
    gate: Spec['gate'] = { status: 'success', finishedAt: at('10:05') },
  ): Promise<Pick<ChangeFacts, 'requiredCheck' | 'gaps'>> {
    const f = await fixture();
    seed(f.gl, {
      iid: 8,
      author: 'dev.alice',
      pushes: [{ head: sha('head-8'), at: at('10:00'), by: 'dev.alice' }],
      approvals: [],
      gate,
    });
    setup(f);
    const { requiredCheck, gaps } = await read(f, 8);
    return { requiredCheck, gaps };
  }

  it('true when pipelines must succeed', async () => {
    expect(await required((f) => (f.gl.changes.pipelinesMustSucceed = true))).toEqual({
      requiredCheck: { required: true, source: SOURCE, detail: null },
      gaps: [],
    });
  });

  it('false when they need not', async () => {
    expect(await required((f) => (f.gl.changes.pipelinesMustSucceed = false))).toEqual({
      requiredCheck: { required: false, source: SOURCE, detail: null },
      gaps: [],
    });
  });

  it('false when the gate job may fail (allow_failure), even if pipelines must succeed', async () => {
    const got = await required((f) => (f.gl.changes.pipelinesMustSucceed = true), {
      status: 'failed',
      finishedAt: at('10:05'),
      allowFailure: true,
    });
    expect(got).toEqual({
      requiredCheck: {
        required: false,
        source: SOURCE,
        detail: `the job ${GATE} has allow_failure: true, so its failure does not fail the pipeline`,
      },
      gaps: [],
    });
  });

  it('unknown when the project cannot be read', async () => {
    const got = await required((f) => f.gl.failNext(10, 403, { path: '/api/v4/projects/octo%2Fshop' }));
    const why = 'GET /api/v4/projects/octo%2Fshop: 403 403 Forbidden';
    expect(got).toEqual({
      requiredCheck: { required: 'unknown', source: SOURCE, detail: why },
      gaps: [`project settings: ${why}`],
    });
  });

  it('unknown when GitLab leaves the setting out', async () => {
    const got = await required((f) => (f.gl.changes.pipelinesMustSucceed = undefined));
    const why = 'GitLab did not say (only_allow_merge_if_pipeline_succeeds is missing from the project)';
    expect(got).toEqual({
      requiredCheck: { required: 'unknown', source: SOURCE, detail: why },
      gaps: [`project settings: ${why}`],
    });
  });
});

describe('gitlabAuditSource', () => {
  it('lists the merge requests merged in a period, over several pages, oldest first', async () => {
    const f = await fixture();
    // 240 merged a minute apart from 2026-03-01 00:00, one into another branch, one still open.
    const start = Date.parse('2026-03-01T00:00:00.000Z');
    for (let i = 1; i <= 240; i++) {
      const mergedAt = new Date(start + i * 60_000).toISOString();
      f.gl.changes.addMergeRequest({
        iid: i,
        author: 'dev.alice',
        baseSha: sha(`b${i}`),
        headSha: sha(`h${i}`),
        createdAt: new Date(start + i * 60_000 - 30_000).toISOString(),
        mergedAt,
        mergedBy: 'rev.bob',
        mergeCommitSha: sha(`m${i}`),
      });
    }
    f.gl.changes.addMergeRequest({
      iid: 241,
      author: 'dev.alice',
      baseSha: sha('b241'),
      headSha: sha('h241'),
      targetBranch: 'release',
      mergedAt: new Date(start + 100 * 60_000).toISOString(),
      mergedBy: 'rev.bob',
    });
    f.gl.changes.addMergeRequest({
      iid: 242,
      author: 'dev.alice',
      baseSha: sha('b242'),
      headSha: sha('h242'),
      state: 'opened',
      createdAt: new Date(start + 100 * 60_000).toISOString(),
    });
    const source = gitlabAuditSource(f.client, PROJECT_PATH);
    const since = new Date(start + 10 * 60_000);
    const until = new Date(start + 230 * 60_000);
    const changes = await source.listMergedChanges(since, until, 'main');
    expect(changes.map((c) => c.number)).toEqual(Array.from({ length: 221 }, (_, i) => i + 10));
    expect(changes[0]).toEqual({
      number: 10,
      title: 'Change 10',
      url: `${WEB}/-/merge_requests/10`,
      author: 'dev.alice',
      headSha: sha('h10'),
      mergeCommitSha: sha('m10'),
      mergedBy: 'rev.bob',
      mergedAt: new Date(start + 10 * 60_000).toISOString(),
      baseRef: 'main',
    });
    const lists = f.gl.requests.filter((r) => r.path === '/api/v4/projects/octo%2Fshop/merge_requests');
    expect(lists.length).toBeGreaterThanOrEqual(3);
    expect(lists[0]?.query).toMatchObject({
      state: 'merged',
      target_branch: 'main',
      updated_after: since.toISOString(),
    });
    // Without a branch, the release branch's merge is there too.
    const any = await source.listMergedChanges(since, until);
    expect(any.map((c) => c.number)).toContain(241);
  });

  it('lists job artifacts by job name, head and period, and downloads a job artifacts zip', async () => {
    const f = await fixture();
    const zip = randomBytes(70_000);
    const day = (h: number): string =>
      new Date(Date.parse('2026-03-01T00:00:00.000Z') + h * 3_600_000).toISOString();
    // 150 lint jobs (two pages of the project's jobs), gate jobs among them, newest last.
    const ids: Record<string, number> = {};
    for (let h = 0; h < 150; h++) {
      f.gl.changes.addJob({
        name: 'lint',
        status: 'success',
        sha: sha(`lint${h}`),
        createdAt: day(h),
        finishedAt: day(h),
      });
      if (h === 20 || h === 120 || h === 140) {
        ids[h] = f.gl.changes.addJob({
          name: GATE,
          status: h === 120 ? 'failed' : 'success',
          sha: sha(`gate${h}`),
          createdAt: day(h),
          finishedAt: day(h + 0.25),
          artifacts: h === 120 ? zip : randomBytes(10),
          artifactsExpireAt: h === 20 ? day(30) : '2999-01-01T00:00:00.000Z',
        });
      }
    }
    f.gl.changes.addJob({ name: GATE, status: 'failed', sha: sha('no-artifacts'), createdAt: day(145) });
    // Artifacts expired and removed: GitLab drops artifacts_file, the expiry stays.
    const gone = f.gl.changes.addJob({
      name: GATE,
      status: 'success',
      sha: sha('gone'),
      createdAt: day(149),
      finishedAt: day(149),
      artifactsExpireAt: day(150),
    });
    const source = gitlabAuditSource(f.client, PROJECT_PATH);
    const all = await source.listArtifacts({ names: [GATE] });
    expect(all.map((a) => a.id)).toEqual([gone, ids[140], ids[120], ids[20]]);
    expect(all[0]?.expired).toBe(true);
    expect(all[1]?.expired).toBe(false);
    expect(all[3]).toEqual({
      id: ids[20],
      name: GATE,
      headSha: sha('gate20'),
      createdAt: day(20.25),
      expired: true,
      url: `${WEB}/-/jobs/${ids[20]}`,
    });
    const inPeriod = await source.listArtifacts({
      names: [GATE],
      since: new Date(day(100)),
      until: new Date(day(130)),
    });
    expect(inPeriod.map((a) => a.id)).toEqual([ids[120]]);
    // Listing stopped once the jobs reached back past `since`: one page of the project's jobs.
    const jobLists = f.gl.requests.filter((r) => r.path === '/api/v4/projects/octo%2Fshop/jobs');
    expect(jobLists.length).toBe(2 + 1);
    const byHead = await source.listArtifacts({ names: [GATE, 'merge-record'], headSha: sha('gate140') });
    expect(byHead.map((a) => a.id)).toEqual([ids[140]]);
    expect(await source.listArtifacts({ names: ['merge-record'] })).toEqual([]);

    const dir = mkdtempSync(path.join(tmpdir(), 'cg-gl-artifacts-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'artifacts.zip');
    const ref = inPeriod[0];
    if (!ref) throw new Error('no artifact');
    await source.downloadArtifact(ref, file);
    expect(readFileSync(file).equals(zip)).toBe(true);
    await expect(source.downloadArtifact({ ...ref, id: 999 }, file)).rejects.toThrow(/404/);
  });

  it('follows a download to object storage without the GitLab token', async () => {
    const f = await fixture();
    const zip = randomBytes(4_000);
    const seen: IncomingHttpHeaders[] = [];
    const storage = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'binary/octet-stream' });
      res.end(zip);
    });
    await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => storage.close(() => resolve())));
    const { port } = storage.address() as AddressInfo;
    // localhost, not 127.0.0.1: another origin, as object storage is.
    const id = f.gl.changes.addJob({
      name: GATE,
      status: 'success',
      sha: sha('stored'),
      createdAt: at('10:00'),
      finishedAt: at('10:05'),
      artifacts: zip,
      artifactsRedirect: `http://localhost:${port}/artifacts/${sha('stored')}.zip?X-Amz-Signature=abc`,
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'cg-gl-storage-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'artifacts.zip');
    const [ref] = await gitlabAuditSource(f.client, PROJECT_PATH).listArtifacts({ names: [GATE] });
    expect(ref?.id).toBe(id);
    if (!ref) throw new Error('no artifact');
    await gitlabAuditSource(f.client, PROJECT_PATH).downloadArtifact(ref, file);
    expect(readFileSync(file).equals(zip)).toBe(true);
    expect(seen).toHaveLength(1);
    expect(JSON.stringify(seen)).not.toContain(f.token);
    expect(f.gl.tokens).toEqual([f.token]);
  });
});
