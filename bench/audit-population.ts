/**
 * `controlgate audit` over a real project's merged pull requests and over a large synthetic period,
 * through the GitHub audit source against the loopback fake GitHub API (the real API is not
 * reachable here): how long listing, downloading, verifying and writing take, and what the
 * population says.
 *
 *   node bench/audit-population.ts [--mirror DIR] [--synthetic N]
 *
 * The real history: every "Merge pull request #N from owner/branch" commit on the default branch of a
 * bare clone (default: OWASP NodeGoat under /work/.mirror), each becoming a merged pull request with
 * its number, author, head (the merge's second parent), merge commit, merger and time; two of three
 * get a gate bundle on their head (one in nine of those blocked), so the exceptions are known.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAudit } from '../src/audit/run-audit.ts';
import { apiBudget, apiLimits } from '../src/platforms/api-limits.ts';
import { githubAuditSource } from '../src/platforms/github/audit-source.ts';
import { githubClient } from '../src/platforms/github/client.ts';
import { writeGateBundle, zipFolder } from '../test/support/audit-fixtures.ts';
import { startFakeGitHub } from '../test/support/fake-github.ts';
import { loadAverage, machineSummary, positiveInt } from './common.ts';

interface Merge {
  number: number;
  author: string;
  title: string;
  head: string;
  mergeCommit: string;
  mergedBy: string;
  mergedAt: string;
}

function realMerges(mirror: string): Merge[] {
  const log = execFileSync(
    'git',
    [
      '-C',
      mirror,
      'log',
      '--merges',
      '--first-parent',
      '--format=%H%x1f%P%x1f%cn%x1f%cI%x1f%s%x1f%b%x1e',
      'HEAD',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return log
    .split('\x1e')
    .map((entry) => entry.trim().split('\x1f'))
    .flatMap(([hash = '', parents = '', committer = '', date = '', subject = '', body = '']) => {
      const m = /^Merge pull request #(\d+) from ([^/\s]+)\//.exec(subject);
      const head = parents.split(' ')[1];
      if (!m || !head) return [];
      return [
        {
          number: Number(m[1]),
          author: m[2] ?? 'unknown',
          title: body.split('\n')[0]?.trim() || subject,
          head,
          mergeCommit: hash,
          mergedBy: committer,
          mergedAt: new Date(date).toISOString(),
        },
      ];
    });
}

function syntheticMerges(count: number): Merge[] {
  const start = Date.parse('2026-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) => ({
    number: i + 1,
    author: `dev-${i % 17}`,
    title: `Change ${i + 1}`,
    head: `a${String(i + 1).padStart(8, '0')}`.padEnd(40, '0'),
    mergeCommit: `c${String(i + 1).padStart(8, '0')}`.padEnd(40, '0'),
    mergedBy: `rev-${i % 5}`,
    mergedAt: new Date(start + i * 3_600_000).toISOString(),
  }));
}

async function measure(label: string, merges: Merge[], repository: string): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cg-bench-audit-'));
  const token = 'ghs_benchAuditToken0123456789';
  const fake = await startFakeGitHub({ token });
  try {
    const seedStart = performance.now();
    let bundles = 0;
    for (const [i, merge] of merges.entries()) {
      fake.changes.seedPull(
        {
          number: merge.number,
          title: merge.title,
          author: merge.author,
          baseSha: '0'.repeat(40),
          headSha: merge.head,
          mergedAt: merge.mergedAt,
          mergedBy: merge.mergedBy,
          mergeCommitSha: merge.mergeCommit,
        },
        repository,
      );
      if (i % 3 === 2) continue;
      const dir = path.join(root, 'gate', String(merge.number));
      await writeGateBundle(dir, {
        number: merge.number,
        headSha: merge.head,
        finishedAt: merge.mergedAt,
        repository,
        outcome: i % 9 === 0 ? 'block' : 'pass',
      });
      await zipFolder(dir, `${dir}.zip`);
      fake.changes.seedArtifact(
        {
          name: 'controlgate-evidence',
          headSha: merge.head,
          createdAt: merge.mergedAt,
          runId: 10_000 + merge.number,
          bytes: readFileSync(`${dir}.zip`),
        },
        repository,
      );
      bundles += 1;
    }
    const seedMs = performance.now() - seedStart;
    const times = merges.map((m) => Date.parse(m.mergedAt));
    const since = new Date(Math.min(...times));
    const until = new Date(Math.max(...times));
    const limits = { ...apiLimits({}), totalTimeoutMs: 30 * 60_000 };
    const client = githubClient(token, { warning: () => {} }, apiBudget(limits), fake.url);
    const started = performance.now();
    const result = await runAudit({
      since,
      until,
      locations: [],
      source: { ...githubAuditSource(client, repository), repository },
      sample: { size: 25, seed: 'bench' },
      out: path.join(root, 'out'),
      zip: true,
      now: new Date(),
    });
    const ms = performance.now() - started;
    const c = result.document.counts;
    const byCode = new Map<string, number>();
    for (const e of result.document.exceptions) byCode.set(e.code, (byCode.get(e.code) ?? 0) + 1);
    console.log(
      [
        `${label}: ${merges.length} merged pull requests (${since.toISOString().slice(0, 10)} … ${until.toISOString().slice(0, 10)}), ${bundles} gate bundles`,
        `  population: ${c.merged} rows; gate passed ${c.gatePassed}, blocked ${c.gateBlocked}, no gate run ${c.noGateRun}; ${c.withExceptions} with exceptions`,
        `  exceptions: ${[...byCode].map(([code, n]) => `${code} ${n}`).join(', ')}`,
        `  requests to the API: ${fake.requests.length}`,
        `  audit ${(ms / 1000).toFixed(1)} s (seeding the fake ${(seedMs / 1000).toFixed(1)} s, not counted)`,
      ].join('\n'),
    );
  } finally {
    await fake.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const mirror = flag('--mirror') ?? '/work/.mirror/OWASP+NodeGoat/repo';
const synthetic = positiveInt(flag('--synthetic') ?? '1000', '--synthetic', 1);
console.log(`${machineSummary()}; load ${loadAverage()}`);
await measure(`OWASP/NodeGoat (${mirror})`, realMerges(mirror), 'OWASP/NodeGoat');
await measure('synthetic', syntheticMerges(synthetic), 'octo/shop');
