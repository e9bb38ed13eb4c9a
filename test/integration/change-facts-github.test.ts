import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMergeRecord } from '../../src/change-management/build-record.ts';
import type { ChangeFacts, ChangeFactsRequest } from '../../src/change-management/facts.ts';
import type { GateRunFacts } from '../../src/change-management/gate-run.ts';
import { apiBudget, apiLimits } from '../../src/platforms/api-limits.ts';
import { githubAuditSource } from '../../src/platforms/github/audit-source.ts';
import { readGithubChangeFacts } from '../../src/platforms/github/change-facts.ts';
import { type GitHubClient, githubClient } from '../../src/platforms/github/client.ts';
import { readRequiredCheck } from '../../src/platforms/github/required-check.ts';
import { gateRun } from '../support/change-facts.ts';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.ts';
import type { SeedPull } from '../support/fake-github-changes.ts';

/*
 * The GitHub change-facts reader and audit source against the loopback fake GitHub API, over real
 * HTTP through the gate's own Octokit client: five merged pull requests an auditor must tell apart
 * (a clean one, one with no approval but its author's, one approved before a later push, one
 * merged while the gate failed, one editing the gate's policy approved by a non-owner), whether the
 * gate's check was required, the period's merged pull requests, and the gate's artifacts.
 */

const TOKEN = 'ghs_changeFactsTestToken0123456789abcdef';
const GATE = 'controlgate';
const REQUEST_PATHS: ChangeFactsRequest['policyPaths'] = [
  { path: '.controlgate.yml', kind: 'config' },
  { path: '.controlgate-waivers.yml', kind: 'waivers' },
];
const BASE = 'b'.repeat(40);
const HEAD_SOURCE = "the head commit's committer (GitHub does not record who pushed)";
const REQUIRED_BY_RULESET = {
  required: true,
  source: 'rulesets and branch protection for main',
  detail: 'required by a ruleset for main',
} as const;

/** A 40-hex SHA from a short tag. */
function sha(tag: string): string {
  return tag.padEnd(40, '0');
}

let fake: FakeGitHub;
let client: GitHubClient;
const warnings: string[] = [];

function read(number: number): Promise<ChangeFacts> {
  return readGithubChangeFacts(client, 'octo/shop', {
    number,
    policyPaths: REQUEST_PATHS,
    gateCheckName: GATE,
  });
}

function seed(pull: SeedPull): void {
  fake.changes.seedPull(pull);
}

beforeAll(async () => {
  fake = await startFakeGitHub({ token: TOKEN });
  client = githubClient(TOKEN, { warning: (m) => warnings.push(m) }, apiBudget(apiLimits({})), fake.url);
  fake.changes.setRulesets('main', ['lint', GATE]);
  // (a) clean: alice's change, merged through the web UI (its head committed by web-flow), approved on that head by bob.
  seed({
    number: 1,
    title: 'Add the cart',
    author: 'dev-alice',
    baseSha: BASE,
    headSha: sha('a2'),
    mergedAt: '2026-01-10T10:00:00Z',
    mergedBy: 'dev-bob',
    mergeCommitSha: sha('a3'),
    commits: [
      { sha: sha('a1'), author: 'dev-alice', committer: 'dev-alice', date: '2026-01-09T09:00:00Z' },
      { sha: sha('a2'), author: 'dev-alice', committer: 'web-flow', date: '2026-01-09T12:00:00Z' },
    ],
    reviews: [
      { reviewer: 'dev-bob', state: 'APPROVED', commitId: sha('a2'), submittedAt: '2026-01-09T13:00:00Z' },
    ],
    files: [{ filename: 'src/cart.py' }, { filename: 'src/shop.py', previousFilename: 'src/store.py' }],
  });
  fake.changes.seedStatus(sha('a2'), {
    context: GATE,
    state: 'success',
    description: 'passed',
    targetUrl: 'https://github.com/octo/shop/actions/runs/11',
    createdAt: '2026-01-09T12:05:00Z',
  });
  // (b) only the author's own review (GitHub refuses an author's approval; a comment is what they can give).
  seed({
    number: 2,
    author: 'dev-alice',
    baseSha: BASE,
    headSha: sha('b1'),
    mergedAt: '2026-01-11T10:00:00Z',
    mergedBy: 'dev-alice',
    commits: [{ sha: sha('b1'), author: 'dev-alice', committer: 'dev-alice', date: '2026-01-11T09:00:00Z' }],
    reviews: [
      { reviewer: 'dev-alice', state: 'COMMENTED', commitId: sha('b1'), submittedAt: '2026-01-11T09:30:00Z' },
      { reviewer: 'dev-carol', state: 'PENDING', commitId: sha('b1') },
    ],
    files: [{ filename: 'src/b.py' }],
  });
  // (b') approved only by whoever pushed the head: carol pushed onto alice's branch, then approved it.
  seed({
    number: 6,
    author: 'dev-alice',
    baseSha: BASE,
    headSha: sha('f2'),
    mergedAt: '2026-01-12T10:00:00Z',
    mergedBy: 'dev-carol',
    commits: [
      { sha: sha('f1'), author: 'dev-alice', committer: 'dev-alice', date: '2026-01-12T08:00:00Z' },
      { sha: sha('f2'), author: 'dev-carol', committer: 'dev-carol', date: '2026-01-12T09:00:00Z' },
    ],
    reviews: [
      { reviewer: 'dev-carol', state: 'APPROVED', commitId: sha('f2'), submittedAt: '2026-01-12T09:10:00Z' },
    ],
    files: [{ filename: 'src/f.py' }],
  });
  // (c) bob approved c1; alice pushed c2 afterwards.
  seed({
    number: 3,
    author: 'dev-alice',
    baseSha: BASE,
    headSha: sha('c2'),
    mergedAt: '2026-01-13T10:00:00Z',
    mergedBy: 'dev-alice',
    commits: [
      { sha: sha('c1'), author: 'dev-alice', committer: 'dev-alice', date: '2026-01-13T08:00:00Z' },
      { sha: sha('c2'), author: 'dev-alice', committer: 'dev-alice', date: '2026-01-13T09:30:00Z' },
    ],
    reviews: [
      { reviewer: 'dev-bob', state: 'APPROVED', commitId: sha('c1'), submittedAt: '2026-01-13T09:00:00Z' },
    ],
    files: [{ filename: 'src/c.py' }],
  });
  // (d) merged while the gate's status on the head said failure.
  seed({
    number: 4,
    author: 'dev-alice',
    baseSha: BASE,
    headSha: sha('d1'),
    mergedAt: '2026-01-14T10:00:00Z',
    mergedBy: 'admin-dora',
    commits: [{ sha: sha('d1'), author: 'dev-alice', committer: 'dev-alice', date: '2026-01-14T08:00:00Z' }],
    reviews: [
      { reviewer: 'dev-bob', state: 'APPROVED', commitId: sha('d1'), submittedAt: '2026-01-14T09:00:00Z' },
    ],
    files: [{ filename: 'src/d.py' }],
  });
  fake.changes.seedStatus(sha('d1'), { context: GATE, state: 'pending', createdAt: '2026-01-14T08:01:00Z' });
  fake.changes.seedStatus(sha('d1'), {
    context: 'lint',
    state: 'success',
    createdAt: '2026-01-14T08:02:00Z',
  });
  fake.changes.seedStatus(sha('d1'), {
    context: GATE,
    state: 'failure',
    description: '2 blocking findings',
    targetUrl: 'https://github.com/octo/shop/actions/runs/44',
    createdAt: '2026-01-14T08:06:00Z',
  });
  // (e) the gate's policy edited; code owners at the base give it to @octo/security; bob (not in it) approved.
  seed({
    number: 5,
    author: 'dev-alice',
    baseSha: BASE,
    headSha: sha('e1'),
    mergedAt: '2026-01-15T10:00:00Z',
    mergedBy: 'dev-bob',
    commits: [{ sha: sha('e1'), author: 'dev-alice', committer: 'dev-alice', date: '2026-01-15T08:00:00Z' }],
    reviews: [
      { reviewer: 'dev-bob', state: 'APPROVED', commitId: sha('e1'), submittedAt: '2026-01-15T09:00:00Z' },
    ],
    files: [{ filename: '.controlgate.yml' }, { filename: 'src/e.py' }],
  });
  fake.changes.setContent('.controlgate.yml', BASE, 'policy:\n  block: [high]\n');
  fake.changes.setContent('.controlgate.yml', sha('e1'), 'policy:\n  block: []\n');
  fake.changes.setContent(
    '.github/CODEOWNERS',
    BASE,
    '# Owners of the gate\n/.controlgate.yml @octo/security\n/src/ @octo/devs dev-lead@example.com # app\n',
  );
  // The root CODEOWNERS is lower in GitHub's order: the .github one is read.
  fake.changes.setContent('CODEOWNERS', BASE, '* @someone-else\n');
  fake.changes.setTeam('@octo/security', ['sec-sam', 'sec-sue']);
  fake.changes.setTeam('@octo/devs', 'forbidden');
});

afterAll(async () => {
  await fake.stop();
});

describe('readGithubChangeFacts', () => {
  it('(a) reads a clean change approved on its final head by someone other than its author', async () => {
    const facts = await read(1);
    expect(facts).toEqual({
      platform: 'github',
      repository: 'octo/shop',
      number: 1,
      title: 'Add the cart',
      url: 'https://github.com/octo/shop/pull/1',
      author: 'dev-alice',
      baseRef: 'main',
      baseSha: BASE,
      headSha: sha('a2'),
      mergeCommitSha: sha('a3'),
      merged: true,
      mergedBy: 'dev-bob',
      mergedAt: '2026-01-10T10:00:00Z',
      commits: [
        { sha: sha('a1'), author: 'dev-alice', committer: 'dev-alice', date: '2026-01-09T09:00:00Z' },
        { sha: sha('a2'), author: 'dev-alice', committer: 'web-flow', date: '2026-01-09T12:00:00Z' },
      ],
      // web-flow committed the head: the person is its author.
      lastPush: { sha: sha('a2'), at: '2026-01-09T12:00:00Z', by: 'dev-alice', source: HEAD_SOURCE },
      reviews: [
        { reviewer: 'dev-bob', state: 'approved', commitSha: sha('a2'), submittedAt: '2026-01-09T13:00:00Z' },
      ],
      changedFiles: ['src/cart.py', 'src/store.py', 'src/shop.py'],
      policyFiles: [],
      codeOwners: { path: '.github/CODEOWNERS', text: expect.stringContaining('@octo/security') },
      ownerTeams: { '@octo/security': ['sec-sam', 'sec-sue'] },
      gateChecks: [
        {
          name: GATE,
          state: 'success',
          description: 'passed',
          targetUrl: 'https://github.com/octo/shop/actions/runs/11',
          createdAt: '2026-01-09T12:05:00Z',
          creator: 'github-actions[bot]',
        },
      ],
      requiredCheck: REQUIRED_BY_RULESET,
      gaps: ['the members of @octo/devs: GitHub answered 403 (Resource not accessible by integration)'],
    });
  });

  it("(b) keeps the author's own comment review and leaves out a pending one", async () => {
    const facts = await read(2);
    expect(facts.author).toBe('dev-alice');
    expect(facts.reviews).toEqual([
      {
        reviewer: 'dev-alice',
        state: 'commented',
        commitSha: sha('b1'),
        submittedAt: '2026-01-11T09:30:00Z',
      },
    ]);
    expect(facts.lastPush).toEqual({
      sha: sha('b1'),
      at: '2026-01-11T09:00:00Z',
      by: 'dev-alice',
      source: HEAD_SOURCE,
    });
    expect(facts.gateChecks).toEqual([]);
  });

  it("(b') names whoever committed the head as its last pusher, here the only approver", async () => {
    const facts = await read(6);
    expect(facts.lastPush).toEqual({
      sha: sha('f2'),
      at: '2026-01-12T09:00:00Z',
      by: 'dev-carol',
      source: HEAD_SOURCE,
    });
    expect(facts.reviews).toEqual([
      { reviewer: 'dev-carol', state: 'approved', commitSha: sha('f2'), submittedAt: '2026-01-12T09:10:00Z' },
    ]);
  });

  it('(c) keeps the commit an approval was given on when a later push moved the head', async () => {
    const facts = await read(3);
    expect(facts.headSha).toBe(sha('c2'));
    expect(facts.reviews).toEqual([
      { reviewer: 'dev-bob', state: 'approved', commitSha: sha('c1'), submittedAt: '2026-01-13T09:00:00Z' },
    ]);
    expect(facts.lastPush).toEqual({
      sha: sha('c2'),
      at: '2026-01-13T09:30:00Z',
      by: 'dev-alice',
      source: HEAD_SOURCE,
    });
    expect(facts.commits.map((c) => c.sha)).toEqual([sha('c1'), sha('c2')]);
  });

  it("(d) reads the gate's statuses on the merged head, newest first, its failure included", async () => {
    const facts = await read(4);
    expect(facts.mergedBy).toBe('admin-dora');
    expect(facts.gateChecks).toEqual([
      {
        name: GATE,
        state: 'failure',
        description: '2 blocking findings',
        targetUrl: 'https://github.com/octo/shop/actions/runs/44',
        createdAt: '2026-01-14T08:06:00Z',
        creator: 'github-actions[bot]',
      },
      {
        name: GATE,
        state: 'pending',
        description: null,
        targetUrl: null,
        createdAt: '2026-01-14T08:01:00Z',
        creator: 'github-actions[bot]',
      },
    ]);
    expect(facts.requiredCheck).toEqual(REQUIRED_BY_RULESET);
  });

  it("(e) reads the policy file at base and head, the base's code owners and the owning team's members", async () => {
    const facts = await read(5);
    expect(facts.changedFiles).toEqual(['.controlgate.yml', 'src/e.py']);
    expect(facts.policyFiles).toEqual([
      {
        path: '.controlgate.yml',
        kind: 'config',
        base: 'policy:\n  block: [high]\n',
        head: 'policy:\n  block: []\n',
      },
    ]);
    expect(facts.codeOwners).toEqual({
      path: '.github/CODEOWNERS',
      text: '# Owners of the gate\n/.controlgate.yml @octo/security\n/src/ @octo/devs dev-lead@example.com # app\n',
    });
    expect(facts.ownerTeams).toEqual({ '@octo/security': ['sec-sam', 'sec-sue'] });
    expect(facts.reviews.map((r) => `${r.reviewer}:${r.state}`)).toEqual(['dev-bob:approved']);
    expect(facts.gaps).toEqual([
      'the members of @octo/devs: GitHub answered 403 (Resource not accessible by integration)',
    ]);
  });

  it('gives up the file list (and says so) when GitHub lists fewer files than the change has', async () => {
    seed({
      number: 7,
      author: 'dev-alice',
      baseSha: BASE,
      headSha: sha('g1'),
      mergedAt: '2026-01-16T10:00:00Z',
      commits: [
        { sha: sha('g1'), author: 'dev-alice', committer: 'dev-alice', date: '2026-01-16T08:00:00Z' },
      ],
      files: [{ filename: 'a' }, { filename: 'b' }],
      changedFiles: 3500,
    });
    fake.changes.setContent('.controlgate.yml', sha('g1'), 'policy:\n  block: [high]\n');
    fake.changes.setContent('.controlgate-waivers.yml', sha('g1'), 'waivers: []\n');
    const facts = await read(7);
    expect(facts.changedFiles).toBeNull();
    expect(facts.gaps).toContain(
      'the files of pull request #7: GitHub listed 2 of its 3500 files (it lists at most 3000)',
    );
    // Unknown files: a policy file counts as touched when its text differs between base and head.
    expect(facts.policyFiles).toEqual([
      { path: '.controlgate-waivers.yml', kind: 'waivers', base: null, head: 'waivers: []\n' },
    ]);
  });

  it('never puts the token in what it read, and fails (rather than guessing) when the pull request is refused', async () => {
    for (const n of [1, 2, 3, 4, 5, 6]) expect(JSON.stringify(await read(n))).not.toContain(TOKEN);
    fake.failNext(1, 403, { path: '/repos/octo/shop/pulls/3/reviews' });
    const failure = await read(3).then(
      () => 'read',
      (e: unknown) => String(e),
    );
    expect(failure).toMatch(/Resource not accessible by integration/);
    expect(failure).not.toContain(TOKEN);
  });
});

/** An intact, passing gate run on `headSha`, as its evidence bundle would say. */
function passingRun(headSha: string, number: number): GateRunFacts {
  return gateRun({
    location: `artifact controlgate-evidence #${number}`,
    digest: 'sha256:'.padEnd(71, '1'),
    signature: 'unchecked',
    headSha,
    changeNumber: number,
    finishedAt: '2026-01-09T12:05:00Z',
    runUrl: null,
  });
}

describe('the merge record built from the facts read', () => {
  const codes = async (number: number, withRun: boolean): Promise<string[]> => {
    const facts = await read(number);
    const record = buildMergeRecord(facts, {
      recordedAt: new Date('2026-02-01T00:00:00Z'),
      gateRun: withRun ? passingRun(facts.headSha, number) : null,
      controlgateVersion: '0.0.0-test',
    });
    return record.exceptions.map((e) => e.code);
  };

  it('(a) has no exception for the clean change', async () => {
    expect(await codes(1, true)).toEqual([]);
  });

  it('(b) no approval when only the author reviewed; approver-is-last-pusher when the pusher approved', async () => {
    expect(await codes(2, true)).toEqual(['no-approval']);
    expect(await codes(6, true)).toEqual(['approver-is-last-pusher']);
  });

  it('(c) approval before the last push', async () => {
    expect(await codes(3, true)).toEqual(['approval-before-last-push']);
  });

  it("(d) merged while the gate's check failed", async () => {
    expect(await codes(4, false)).toEqual(['merged-while-blocked']);
  });

  it('(e) the policy changed without an owner approving it', async () => {
    expect(await codes(5, true)).toEqual(['policy-changed', 'policy-not-owner-approved']);
  });

  it("the policy owners' approval is unknown (and the gap says why) when the owning team cannot be read", async () => {
    fake.changes.seedPull(
      {
        number: 8,
        author: 'dev-alice',
        baseSha: BASE,
        headSha: sha('e8'),
        mergedAt: '2026-01-17T10:00:00Z',
        commits: [
          { sha: sha('e8'), author: 'dev-alice', committer: 'dev-alice', date: '2026-01-17T08:00:00Z' },
        ],
        reviews: [
          {
            reviewer: 'dev-bob',
            state: 'APPROVED',
            commitId: sha('e8'),
            submittedAt: '2026-01-17T09:00:00Z',
          },
        ],
        files: [{ filename: '.controlgate.yml' }],
      },
      'locked/shop',
    );
    fake.changes.setContent('.controlgate.yml', BASE, 'a: 1\n', 'locked/shop');
    fake.changes.setContent('.controlgate.yml', sha('e8'), 'a: 2\n', 'locked/shop');
    fake.changes.setContent('CODEOWNERS', BASE, '/.controlgate.yml @locked/security\n', 'locked/shop');
    // No such team for this token: GitHub answers 404 to a team it will not show.
    const facts = await readGithubChangeFacts(client, 'locked/shop', {
      number: 8,
      policyPaths: REQUEST_PATHS,
      gateCheckName: GATE,
    });
    expect(facts.codeOwners).toEqual({ path: 'CODEOWNERS', text: '/.controlgate.yml @locked/security\n' });
    expect(facts.ownerTeams).toEqual({});
    expect(facts.gaps).toContain('the members of @locked/security: GitHub answered 404 (Not Found)');
    const record = buildMergeRecord(facts, {
      recordedAt: new Date('2026-02-01T00:00:00Z'),
      gateRun: passingRun(facts.headSha, 8),
      controlgateVersion: '0.0.0-test',
    });
    expect(record.exceptions.map((e) => e.code)).toEqual(['policy-changed', 'policy-owner-approval-unknown']);
    // No ruleset, and branch protection refused: whether the gate was required is unknown, not "no".
    expect(facts.requiredCheck.required).toBe('unknown');
  });
});

describe('readRequiredCheck', () => {
  const required = (branch: string) => readRequiredCheck(client, 'octo/shop', branch, GATE);

  it('is true when a ruleset requires the gate (classic protection unreadable does not matter)', async () => {
    expect(await required('main')).toEqual({ fact: REQUIRED_BY_RULESET, gaps: [] });
  });

  it('is true when classic branch protection requires it', async () => {
    fake.changes.setRulesets('hotfix', 'forbidden');
    fake.changes.setProtection('hotfix', { contexts: [], checks: [GATE] });
    expect((await required('hotfix')).fact).toEqual({
      required: true,
      source: 'rulesets and branch protection for hotfix',
      detail: 'required by branch protection of hotfix',
    });
  });

  it('is false when both were read and neither names it ("Branch not protected" counts as read)', async () => {
    fake.changes.setRulesets('release', ['lint']);
    fake.changes.setProtection('release', 'not-protected');
    fake.changes.setProtection('stable', { contexts: ['lint'] });
    for (const branch of ['release', 'stable'])
      expect(await required(branch)).toEqual({
        fact: {
          required: false,
          source: `rulesets and branch protection for ${branch}`,
          detail: `neither rulesets nor branch protection of ${branch} require "${GATE}"`,
        },
        gaps: [],
      });
  });

  it('is unknown, naming the refusal, when branch protection answers 403', async () => {
    expect(await required('develop')).toEqual({
      fact: {
        required: 'unknown',
        source: 'rulesets and branch protection for develop',
        detail: 'branch protection for develop: GitHub answered 403 (Resource not accessible by integration)',
      },
      gaps: [
        `whether "${GATE}" is required: branch protection for develop: GitHub answered 403 (Resource not accessible by integration)`,
      ],
    });
  });
});

describe('githubAuditSource', () => {
  it('lists the period’s merged pull requests oldest first, over several pages of search results', async () => {
    const start = Date.parse('2026-03-01T00:00:00Z');
    for (let i = 0; i < 130; i++)
      fake.changes.seedPull(
        {
          number: 1000 + i,
          author: 'dev-alice',
          baseRef: i === 7 ? 'release' : 'main',
          baseSha: BASE,
          headSha: sha(`h${i}`),
          mergedAt: new Date(start + i * 3_600_000).toISOString().replace('.000', ''),
          mergedBy: 'dev-bob',
          mergeCommitSha: sha(`m${i}`),
        },
        'octo/audit',
      );
    // Outside the period, and one never merged.
    fake.changes.seedPull(
      { number: 999, author: 'x', baseSha: BASE, headSha: sha('99'), mergedAt: '2026-02-28T23:59:59Z' },
      'octo/audit',
    );
    fake.changes.seedPull({ number: 998, author: 'x', baseSha: BASE, headSha: sha('98') }, 'octo/audit');
    const source = githubAuditSource(client, 'octo/audit');
    const before = fake.requests.length;
    const all = await source.listMergedChanges(
      new Date('2026-03-01T00:00:00Z'),
      new Date('2026-03-31T00:00:00Z'),
    );
    expect(all).toHaveLength(130);
    expect(all.map((c) => c.number)).toEqual(Array.from({ length: 130 }, (_, i) => 1000 + i));
    expect(all[7]).toEqual({
      number: 1007,
      title: 'Change 1007',
      url: 'https://github.com/octo/audit/pull/1007',
      author: 'dev-alice',
      headSha: sha('h7'),
      mergeCommitSha: sha('m7'),
      mergedBy: 'dev-bob',
      mergedAt: '2026-03-01T07:00:00Z',
      baseRef: 'release',
    });
    const searches = fake.requests.slice(before).filter((r) => r.path === '/search/issues');
    expect(searches.map((r) => r.query.page)).toEqual(['1', '2']);
    expect(searches[0]?.query.q).toBe(
      'repo:octo/audit is:pr is:merged merged:2026-03-01T00:00:00Z..2026-03-31T00:00:00Z',
    );

    const release = await source.listMergedChanges(
      new Date('2026-03-01T00:00:00Z'),
      new Date('2026-03-31T00:00:00Z'),
      'release',
    );
    expect(release.map((c) => c.number)).toEqual([1007]);
  });

  it('refuses a period with more merged pull requests than the search gives', async () => {
    for (let i = 0; i < 1001; i++)
      fake.changes.seedPull(
        { number: i + 1, author: 'a', baseSha: BASE, headSha: sha('1'), mergedAt: '2026-04-02T00:00:00Z' },
        'octo/big',
      );
    const source = githubAuditSource(client, 'octo/big');
    await expect(
      source.listMergedChanges(new Date('2026-04-01T00:00:00Z'), new Date('2026-04-30T00:00:00Z')),
    ).rejects.toThrow(/found 1001 merged pull requests .* at most 1000: narrow the period/);
  });

  it("lists the gate's artifacts by name, commit and period, over several pages", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const wanted = fake.changes.seedArtifact(
      {
        name: 'controlgate-evidence',
        headSha: sha('a2'),
        createdAt: '2026-01-09T12:06:00Z',
        runId: 11,
        bytes,
      },
      'octo/arts',
    );
    for (let i = 0; i < 104; i++)
      fake.changes.seedArtifact(
        {
          name: 'controlgate-evidence',
          headSha: sha(`z${i}`),
          createdAt: '2026-02-01T00:00:00Z',
          runId: 500 + i,
          bytes,
          expired: i === 0,
        },
        'octo/arts',
      );
    fake.changes.seedArtifact(
      { name: 'coverage', headSha: sha('a2'), createdAt: '2026-01-09T12:06:00Z', runId: 11, bytes },
      'octo/arts',
    );
    const source = githubAuditSource(client, 'octo/arts');
    const before = fake.requests.length;
    expect(await source.listArtifacts({ names: ['controlgate-evidence'], headSha: sha('a2') })).toEqual([
      {
        id: wanted,
        name: 'controlgate-evidence',
        headSha: sha('a2'),
        createdAt: '2026-01-09T12:06:00Z',
        expired: false,
        url: 'https://github.com/octo/arts/actions/runs/11',
      },
    ]);
    const pages = fake.requests.slice(before).filter((r) => r.path === '/repos/octo/arts/actions/artifacts');
    expect(pages.map((r) => [r.query.name, r.query.page ?? '1'])).toEqual([
      ['controlgate-evidence', '1'],
      ['controlgate-evidence', '2'],
    ]);
    const february = await source.listArtifacts({
      names: ['controlgate-evidence', 'coverage'],
      since: new Date('2026-01-15T00:00:00Z'),
      until: new Date('2026-02-15T00:00:00Z'),
    });
    expect(february).toHaveLength(104);
    expect(february.filter((a) => a.expired).map((a) => a.url)).toEqual([
      'https://github.com/octo/arts/actions/runs/500',
    ]);
    const january = await source.listArtifacts({
      names: ['coverage'],
      until: new Date('2026-01-31T00:00:00Z'),
    });
    expect(january.map((a) => a.name)).toEqual(['coverage']);
  });

  it("downloads an artifact's zip through GitHub's redirect to its blob URL", async () => {
    const bytes = new Uint8Array(randomBytes(70_000));
    const id = fake.changes.seedArtifact(
      {
        name: 'controlgate-evidence',
        headSha: sha('d1'),
        createdAt: '2026-01-14T08:06:00Z',
        runId: 44,
        bytes,
      },
      'octo/dl',
    );
    const source = githubAuditSource(client, 'octo/dl');
    const [ref] = await source.listArtifacts({ names: ['controlgate-evidence'] });
    if (!ref) throw new Error('no artifact listed');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cg-artifact-'));
    try {
      const before = fake.requests.length;
      const file = path.join(dir, 'bundle.zip');
      await source.downloadArtifact(ref, file);
      expect(Buffer.compare(readFileSync(file), Buffer.from(bytes))).toBe(0);
      const served = fake.requests.slice(before).map((r) => `${r.status} ${r.path}`);
      expect(served).toEqual([
        `302 /repos/octo/dl/actions/artifacts/${id}/zip`,
        `200 /_fake_blobs/artifacts/${id}.zip`,
      ]);
      await expect(source.downloadArtifact({ ...ref, expired: true }, file)).rejects.toThrow(/has expired/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

it('warned about nothing (no retries, no rate limits)', () => {
  expect(warnings).toEqual([]);
});
