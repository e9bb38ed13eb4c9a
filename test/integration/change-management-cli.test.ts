import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMergeRecord } from '../../src/change-management/parse-record.ts';
import { writeGateBundle, zipFolder } from '../support/audit-fixtures.ts';
import { withoutCiVariables } from '../support/ci-env.ts';
import { CLI, REPO_ROOT } from '../support/cli.ts';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.ts';
import { type FakeGitLab, PROJECT_ID, PROJECT_PATH, startFakeGitLab } from '../support/fake-gitlab.ts';
import { type NodeRun, spawnNode } from '../support/spawn-node.ts';

/*
 * The change-management commands as people run them, the bundled CLI against the loopback fakes:
 * `controlgate merge-record` in the GitLab component's job (a push pipeline of the default branch,
 * the merge request found from the merge commit, the gate job's artifacts holding the bundle in its
 * folder), and `controlgate audit` reading a period's merged changes and artifacts from GitLab and
 * from GitHub, with a sample drawn the same way twice.
 */

const sha = (tag: string) => tag.padEnd(40, '0');
let root: string;

type CliRun = NodeRun;

/** The bundled CLI in its own process, asynchronously: the fake APIs answer from this one. */
function runCli(args: readonly string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<CliRun> {
  return spawnNode(CLI, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env, timeoutMs: 240_000 });
}

function expectOk(run: CliRun): void {
  expect(run.exitCode, `${run.stderr}\n${run.stdout}`).toBe(0);
}

function csvRows(file: string): string[] {
  return readFileSync(file, 'utf8').trim().split('\n').slice(1);
}

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'cg-change-cli-'));
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('on GitLab', () => {
  let gl: FakeGitLab;
  const token = `glpat-${randomBytes(15).toString('base64url')}`;
  const merged = sha('c7');

  /** A GitLab job's artifacts zip: the bundle in its folder, as `artifacts: paths: [folder/]` keeps it. */
  async function jobArtifacts(folder: string, write: (dir: string) => Promise<unknown>): Promise<Buffer> {
    const parent = mkdtempSync(path.join(root, 'job-'));
    await write(path.join(parent, folder));
    writeFileSync(path.join(parent, 'gl-sast-report.json'), '{}\n');
    const zip = `${parent}.zip`;
    await zipFolder(parent, zip);
    return readFileSync(zip);
  }

  function pushPipelineEnv(): NodeJS.ProcessEnv {
    return {
      ...withoutCiVariables(),
      CI: 'true',
      GITLAB_CI: 'true',
      CI_SERVER_URL: gl.url,
      CI_PROJECT_ID: String(PROJECT_ID),
      CI_PROJECT_PATH: PROJECT_PATH,
      CI_PROJECT_URL: 'https://gitlab.example.com/octo/shop',
      CI_COMMIT_SHA: merged,
      CI_COMMIT_BRANCH: 'main',
      CI_DEFAULT_BRANCH: 'main',
      CI_PIPELINE_SOURCE: 'push',
      CONTROLGATE_GITLAB_TOKEN: token,
    };
  }

  beforeAll(async () => {
    gl = await startFakeGitLab();
    gl.changes.pipelinesMustSucceed = true;
    // !7: dev.alice's change, pushed twice; rev.bob approved the first head only, and it merged.
    gl.changes.addMergeRequest({
      iid: 7,
      title: 'Export orders <script>alert(1)</script>',
      author: 'dev.alice',
      baseSha: sha('b7'),
      headSha: sha('a7'),
      createdAt: '2026-11-02T08:00:00Z',
      mergedAt: '2026-11-02T15:00:00Z',
      mergedBy: 'rev.bob',
      mergeCommitSha: merged,
    });
    gl.changes.pushVersion(7, sha('e7'), '2026-11-02T09:00:00Z');
    gl.changes.approve(7, 'rev.bob', '2026-11-02T10:00:00Z');
    gl.changes.pushVersion(7, sha('a7'), '2026-11-02T11:00:00Z');
    gl.changes.addPushEvent({
      commitTo: sha('a7'),
      author: 'dev.alice',
      at: '2026-11-02T11:00:00Z',
      ref: 'feature/7',
    });
    gl.changes.setDiffs(7, ['app/orders.py']);
    // The gate job on the merged head passed, and kept its bundle in controlgate-evidence/.
    const bundle = await jobArtifacts('controlgate-evidence', (dir) =>
      writeGateBundle(dir, {
        number: 7,
        headSha: sha('a7'),
        finishedAt: '2026-11-02T11:10:00Z',
        repository: PROJECT_PATH,
      }),
    );
    gl.changes.addJob({
      name: 'controlgate',
      status: 'success',
      sha: sha('a7'),
      user: 'dev.alice',
      createdAt: '2026-11-02T11:05:00Z',
      finishedAt: '2026-11-02T11:10:00Z',
      artifacts: bundle,
    });
    // !8: merged in the period with no gate job at all.
    gl.changes.addMergeRequest({
      iid: 8,
      title: 'Hotfix',
      author: 'dev.carol',
      baseSha: sha('b8'),
      headSha: sha('a8'),
      createdAt: '2026-11-03T08:00:00Z',
      mergedAt: '2026-11-03T09:00:00Z',
      mergedBy: 'dev.carol',
      mergeCommitSha: sha('c8'),
    });
  }, 60_000);

  afterAll(async () => {
    await gl?.stop();
  });

  it('merge-record: finds the merge request the pushed merge commit came from and records its exceptions', async () => {
    const workdir = mkdtempSync(path.join(root, 'gl-record-'));
    const run = await runCli(['merge-record', '--out', 'controlgate-merge-record'], {
      cwd: workdir,
      env: pushPipelineEnv(),
    });
    expectOk(run);
    expect(`${run.stdout}${run.stderr}`).not.toContain(token);
    const file = path.join(workdir, 'controlgate-merge-record', 'merge-record.json');
    const record = parseMergeRecord(readFileSync(file, 'utf8'), file);
    expect(record.facts).toMatchObject({
      platform: 'gitlab',
      number: 7,
      headSha: sha('a7'),
      mergedBy: 'rev.bob',
    });
    expect(record.judgement).toMatchObject({
      staleApprovers: ['rev.bob'],
      requiredCheck: true,
      gate: { check: 'success', decision: 'pass' },
    });
    expect(record.gateRun?.location).toMatch(/^artifact controlgate #\d+$/);
    expect(record.exceptions.map((e) => e.code)).toEqual(['approval-before-last-push']);
    // The summary on stdout escapes the author's title.
    expect(run.stdout).toContain('controlgate merge record: octo/shop#7');
    expect(run.stdout).not.toContain('<script>');
    // The record verifies as a bundle.
    const verify = await runCli(['evidence', 'verify', 'controlgate-merge-record'], {
      cwd: workdir,
      env: withoutCiVariables(),
    });
    expectOk(verify);
    expect(verify.stdout).toContain('intact');
    // Kept as the merge-record job's artifacts, for the audit.
    const zip = await jobArtifacts('controlgate-merge-record', async (dir) => {
      mkdirSync(path.dirname(dir), { recursive: true });
      rmSync(dir, { recursive: true, force: true });
      await cp(path.join(workdir, 'controlgate-merge-record'), dir, { recursive: true });
    });
    gl.changes.addJob({
      name: 'controlgate-merge-record',
      status: 'success',
      sha: merged,
      user: 'rev.bob',
      createdAt: '2026-11-02T15:01:00Z',
      finishedAt: '2026-11-02T15:02:00Z',
      artifacts: zip,
    });
  }, 120_000);

  it('audit --gitlab: one row per merged merge request, the missing gate run and merge record as exceptions', async () => {
    const out = path.join(root, 'gl-audit');
    const run = await runCli(
      [
        'audit',
        '--since',
        '2026-11-01',
        '--until',
        '2026-11-30',
        '--gitlab',
        PROJECT_PATH,
        '--api-url',
        gl.url,
        '--artifacts',
        'controlgate,controlgate-merge-record',
        '--out',
        out,
      ],
      { env: { ...withoutCiVariables(), CONTROLGATE_GITLAB_TOKEN: token } },
    );
    expectOk(run);
    expect(run.stdout).toContain('2 merged change(s) (list from the platform)');
    const doc = JSON.parse(readFileSync(path.join(out, 'population.json'), 'utf8')) as {
      rows: { number: number; gateDecision: string; exceptions: { code: string }[] }[];
    };
    const rows = Object.fromEntries(doc.rows.map((r) => [r.number, r]));
    expect(rows[7]?.gateDecision).toBe('pass');
    expect(rows[7]?.exceptions.map((e) => e.code)).toEqual(['approval-before-last-push']);
    expect(rows[8]?.exceptions.map((e) => e.code).sort()).toEqual(['no-gate-run', 'no-merge-record']);
    expect(csvRows(path.join(out, 'population.csv'))).toHaveLength(2);
  }, 120_000);
});

describe('on GitHub', () => {
  let gh: FakeGitHub;
  const token = `ghs_${randomBytes(18).toString('hex')}`;

  beforeAll(async () => {
    gh = await startFakeGitHub({ token });
    // Twelve pull requests merged in November, one in October; odd ones have a gate run on their head.
    for (let n = 1; n <= 13; n++) {
      const head = sha(`a${n}`);
      gh.changes.seedPull({
        number: n,
        title: `Change ${n}`,
        author: 'dev-alice',
        baseSha: sha('b'),
        headSha: head,
        mergedAt: n === 13 ? '2026-10-20T12:00:00Z' : `2026-11-${String(n + 1).padStart(2, '0')}T12:00:00Z`,
        mergedBy: 'dev-bob',
        mergeCommitSha: sha(`c${n}`),
      });
      if (n % 2 === 1) {
        const dir = path.join(root, 'gh-gate', `${n}`);
        await writeGateBundle(dir, {
          number: n,
          headSha: head,
          finishedAt: `2026-11-${String(n + 1).padStart(2, '0')}T10:00:00Z`,
          outcome: n === 5 ? 'block' : 'pass',
        });
        await zipFolder(dir, `${dir}.zip`);
        gh.changes.seedArtifact({
          name: 'controlgate-evidence',
          headSha: head,
          createdAt: `2026-11-${String(n + 1).padStart(2, '0')}T10:01:00Z`,
          runId: 700 + n,
          bytes: readFileSync(`${dir}.zip`),
        });
      }
    }
  }, 60_000);

  afterAll(async () => {
    await gh?.stop();
  });

  function audit(out: string, seed: string): Promise<CliRun> {
    return runCli(
      [
        'audit',
        '--since',
        '2026-11-01',
        '--until',
        '2026-11-30',
        '--github',
        'octo/shop',
        '--sample',
        '4',
        '--seed',
        seed,
        '--out',
        out,
        '--zip',
      ],
      { env: { ...withoutCiVariables(), GITHUB_TOKEN: token, GITHUB_API_URL: gh.url } },
    );
  }

  it('audit --github: the period reconciled with the merged pull requests, a reproducible sample, an archive that verifies', async () => {
    const first = await audit(path.join(root, 'gh-audit-1'), 'Q4 2026');
    expectOk(first);
    expect(`${first.stdout}${first.stderr}`).not.toContain(token);
    expect(first.stdout).toContain('12 merged change(s) (list from the platform)');
    expect(first.stdout).toContain('1 blocked');
    const rows = csvRows(path.join(root, 'gh-audit-1', 'population.csv'));
    expect(rows).toHaveLength(12);
    const doc = JSON.parse(readFileSync(path.join(root, 'gh-audit-1', 'population.json'), 'utf8')) as {
      rows: { number: number; exceptions: { code: string }[] }[];
      sample: { changes: { number: number }[]; method: string };
    };
    const codes = (n: number) => doc.rows.find((r) => r.number === n)?.exceptions.map((e) => e.code) ?? [];
    expect(codes(2)).toContain('no-gate-run');
    expect(codes(3)).not.toContain('no-gate-run');
    expect(codes(5)).toContain('merged-while-blocked');
    expect(doc.rows.some((r) => r.number === 13)).toBe(false);
    expect(doc.sample.changes).toHaveLength(4);
    expect(doc.sample.method).toContain('sha256sum');
    // The same seed draws the same sample; another seed, another.
    const again = await audit(path.join(root, 'gh-audit-2'), 'Q4 2026');
    expectOk(again);
    await audit(path.join(root, 'gh-audit-3'), 'another seed');
    const sampleOf = (dir: string) =>
      (
        JSON.parse(readFileSync(path.join(root, dir, 'population.json'), 'utf8')) as typeof doc
      ).sample.changes.map((c) => c.number);
    expect(sampleOf('gh-audit-2')).toEqual(sampleOf('gh-audit-1'));
    expect(sampleOf('gh-audit-3')).not.toEqual(sampleOf('gh-audit-1'));
    // The archive outlives the artifacts: its manifest verifies.
    const verify = await runCli(['evidence', 'verify', path.join(root, 'gh-audit-1', 'archive.zip')], {
      env: withoutCiVariables(),
    });
    expectOk(verify);
  }, 300_000);

  it('audit: refuses a reversed period and a sample without its seed, naming the option', async () => {
    const reversed = await runCli(['audit', '--since', '2026-12-01', '--until', '2026-11-01', 'x'], {
      env: withoutCiVariables(),
    });
    expect(reversed.exitCode).toBe(2);
    expect(reversed.stderr).toContain('--since is after --until');
    const noSeed = await runCli(
      ['audit', '--since', '2026-11-01', '--until', '2026-11-30', '--sample', '3', 'x'],
      {
        env: withoutCiVariables(),
      },
    );
    expect(noSeed.exitCode).toBe(2);
    expect(noSeed.stderr).toContain('--sample and --seed go together');
    const badDate = await runCli(['audit', '--since', '2026-02-30', '--until', '2026-11-30', 'x'], {
      env: withoutCiVariables(),
    });
    expect(badDate.exitCode).toBe(2);
    expect(badDate.stderr).toContain('expected a date (YYYY-MM-DD)');
  });
});
