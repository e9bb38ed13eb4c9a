import { readdirSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KicsCloudProviders } from '../../scanners/kics/config.ts';
import { kicsPaths } from '../../scanners/kics/install.ts';
import { kics } from '../../scanners/kics/plugin.ts';
import { realExec } from '../../src/exec/exec.ts';
import { toolsDir } from '../../src/paths.ts';
import type { LocatedTool } from '../../src/tools/locate.ts';
import { REPO_ROOT } from '../support/cli.ts';

/*
 * controlgate gives KICS only the queries of the cloud providers the scanned files use
 * (scanners/kics/query-selection.ts). That must cost time, never a result: real KICS, with the
 * command the plugin plans, once with the selection (`auto`) and once with every query (`all`),
 * and the findings (query, file, line, severity) compared.
 */

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'kics-multi-cloud');

/** The installed KICS, links resolved: it writes paths relative to its real working folder. */
function installedKics(): LocatedTool {
  const { dir, binary } = kicsPaths(realpathSync(toolsDir(process.env)));
  return { command: binary, cwd: dir, version: 'installed', source: 'tools-dir' };
}

interface KicsJson {
  queries_total: number;
  queries: {
    query_id: string;
    severity: string;
    cloud_provider?: string;
    files: { file_name: string; line: number }[];
  }[];
}

interface Outcome {
  /** `queryId path:line severity`, sorted, paths relative to the scanned folder. */
  findings: string[];
  args: string[];
  queriesTotal: number;
  /** The cloud providers of the queries that found something (`none` for a Dockerfile query without one). */
  providers: string[];
}

/** KICS as the plugin plans it on every file of `folder` it selects, with `cloudProviders`. */
async function scan(folder: string, cloudProviders: KicsCloudProviders): Promise<Outcome> {
  const all = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
  const files = kics.selectFiles(all);
  const tool = installedKics();
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-kics-selection-'));
  try {
    const planned = kics.plan({
      root: folder,
      target: folder,
      files,
      outDir,
      tool,
      options: { timeoutSeconds: 900, extraArgs: [], cloudProviders },
    });
    const run = await realExec({
      file: planned.file,
      args: planned.args,
      cwd: planned.cwd ?? folder,
      env: {},
      inherit: { allow: [] },
      timeoutMs: 600_000,
    });
    expect(run.exitCode === null ? 'none' : kics.interpretExit(run.exitCode), run.stderrTail).not.toBe(
      'error',
    );
    const report = JSON.parse(await readFile(path.join(outDir, 'kics.json'), 'utf8')) as KicsJson;
    const findings = report.queries.flatMap((query) =>
      query.files.map((f) => {
        const rel = path.relative(folder, path.resolve(planned.cwd ?? folder, f.file_name));
        return `${query.query_id} ${rel.split(path.sep).join('/')}:${f.line} ${query.severity}`;
      }),
    );
    const providers = [
      ...new Set(report.queries.map((q) => q.cloud_provider?.toLowerCase() || 'none')),
    ].sort();
    return { findings: findings.sort(), args: planned.args, queriesTotal: report.queries_total, providers };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

const filesWithFindings = (findings: readonly string[]) =>
  [...new Set(findings.map((f) => f.split(' ')[1]?.replace(/:\d+$/, '')))].sort();

describe('KICS with only the needed cloud providers finds what it finds with every query', {
  timeout: 600_000,
}, () => {
  it('(a) on the example app (Terraform for AWS, a Dockerfile, a Kubernetes manifest)', async () => {
    const folder = path.join(REPO_ROOT, 'examples', 'vulnerable-app');
    const full = await scan(folder, 'all');
    const selected = await scan(folder, 'auto');
    // A Dockerfile is scanned: the other providers' queries are excluded by id, not --cloud-provider.
    expect(selected.args).toContain('--exclude-queries');
    expect(selected.args).not.toContain('--cloud-provider');
    expect(full.args).not.toContain('--exclude-queries');
    expect(selected.queriesTotal).toBeLessThan(full.queriesTotal);
    expect(filesWithFindings(full.findings)).toEqual(['Dockerfile', 'infra/main.tf', 'k8s/deployment.yaml']);
    expect(selected.findings).toEqual(full.findings);
  });

  it('(b) on a multi-cloud repository (AWS, Azure, GCP, CloudFormation, Kubernetes, Dockerfile, Compose)', async () => {
    const full = await scan(FIXTURE, 'all');
    const selected = await scan(FIXTURE, 'auto');
    expect(selected.args).toContain('--exclude-queries');
    expect(selected.queriesTotal).toBeLessThan(full.queriesTotal);
    // Findings of each provider's queries and of the Dockerfile queries that have none.
    expect(full.providers).toEqual(['aws', 'azure', 'common', 'gcp', 'none']);
    expect(filesWithFindings(full.findings)).toEqual([
      'Dockerfile',
      'cloud/deployment.yaml',
      'cloud/main.tf',
      'cloud/stack.yaml',
      'compose.yaml',
    ]);
    expect(selected.findings).toEqual(full.findings);
  });

  it('(c) on its cloud folder, without a Dockerfile, where --cloud-provider is passed', async () => {
    const folder = path.join(FIXTURE, 'cloud');
    const full = await scan(folder, 'all');
    const selected = await scan(folder, 'auto');
    const at = selected.args.indexOf('--cloud-provider');
    expect(selected.args[at + 1]).toBe('aws,azure,gcp');
    expect(selected.queriesTotal).toBeLessThan(full.queriesTotal);
    // Findings of each provider's queries, so the fixture would show one left out.
    expect(full.providers).toEqual(['aws', 'azure', 'common', 'gcp']);
    expect(selected.findings).toEqual(full.findings);
  });
});
