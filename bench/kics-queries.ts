/**
 * KICS's fixed cost with every query and with only the needed cloud providers' (issue 17,
 * scanners/kics/query-selection.ts): wall and CPU time of one KICS run on one small file of each
 * kind, as the plugin plans it with `cloudProviders: all` and `auto`, and whether both found the same.
 *   npm run bench:kics-queries [-- --runs N --wait-minutes N --retries N --only <row name> …]
 * Needs `npm run scanners:install` first. The files are written to out/bench/kics-queries (git-ignored).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { KicsCloudProviders } from '../scanners/kics/config.ts';
import { kicsPaths } from '../scanners/kics/install.ts';
import { kics } from '../scanners/kics/plugin.ts';
import { toolsDir } from '../src/paths.ts';
import {
  idleWaiter,
  loadAverage,
  machineSummary,
  markdownTable,
  median,
  positiveInt,
  type Timed,
  timed,
  undisturbed,
  waitForQuietMachine,
} from './common.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scratch = path.join(root, 'out', 'bench', 'kics-queries');

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    // How long to wait for a quiet machine (load average ≤ 0.7) before measuring anyway; 0: no wait.
    'wait-minutes': { type: 'string', default: '30' },
    // How often a run disturbed by other processes is measured again.
    retries: { type: 'string', default: '2' },
    // Only the rows whose name is given (repeatable), e.g. --only Dockerfile.
    only: { type: 'string', multiple: true },
  },
});
const runs = positiveInt(flags.runs, '--runs', 1);
const waitMinutes = positiveInt(flags['wait-minutes'], '--wait-minutes', 0);
const retries = positiveInt(flags.retries, '--retries', 0);

/** One file of each kind, each in a folder of its own, as small as a finding allows. */
const KINDS: { kind: string; file: string; text: string; beside?: { file: string; text: string } }[] = [
  {
    kind: 'Terraform (AWS)',
    file: 'main.tf',
    text: 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "public-read"\n}\n',
  },
  { kind: 'Dockerfile', file: 'Dockerfile', text: 'FROM ubuntu:latest\nRUN apt-get update\n' },
  {
    kind: 'Compose',
    file: 'compose.yaml',
    text: 'services:\n  web:\n    image: nginx:latest\n    privileged: true\n',
  },
  {
    kind: 'Kubernetes',
    file: 'pod.yaml',
    text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: nginx:latest\n',
  },
  {
    // The example app's case: a Dockerfile beside the Terraform, so --exclude-queries, not --cloud-provider.
    kind: 'Terraform (AWS) + Dockerfile',
    file: 'main.tf',
    text: 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "public-read"\n}\n',
    beside: { file: 'Dockerfile', text: 'FROM ubuntu:latest\nRUN apt-get update\n' },
  },
  {
    kind: 'CloudFormation',
    file: 'stack.yaml',
    text: 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n',
  },
];

interface Sample {
  timed: Timed;
  queries: number;
  /** `queryId file:line severity`, sorted: what the two settings must agree on. */
  findings: string[];
  selectionArgs: string;
}

function runKics(folder: string, files: string[], cloudProviders: KicsCloudProviders): Sample {
  const { dir, binary } = kicsPaths(toolsDir(process.env));
  const outDir = path.join(folder, `.out-${cloudProviders}`);
  rmSync(outDir, { recursive: true, force: true });
  const planned = kics.plan({
    root: folder,
    target: folder,
    files: files.map((file) => path.join(folder, file)),
    outDir,
    tool: { command: binary, cwd: dir, version: 'installed', source: 'tools-dir' },
    options: { timeoutSeconds: 900, extraArgs: [], cloudProviders },
  });
  const run = timed(planned.file, planned.args, { cwd: planned.cwd, stdout: 'ignore', timeoutSeconds: 600 });
  if (run.status === null || kics.interpretExit(run.status) === 'error') {
    throw new Error(`KICS exited with ${run.status ?? run.signal}: ${run.stderr.slice(-2_000)}`);
  }
  const report = JSON.parse(readFileSync(path.join(outDir, 'kics.json'), 'utf8')) as {
    queries_total: number;
    queries: { query_id: string; severity: string; files: { file_name: string; line: number }[] }[];
  };
  const at = planned.args.findIndex((arg) => arg === '--cloud-provider' || arg === '--exclude-queries');
  const value = planned.args[at + 1] ?? '';
  return {
    timed: run,
    queries: report.queries_total,
    findings: report.queries
      .flatMap((q) =>
        q.files.map((f) => `${q.query_id} ${path.basename(f.file_name)}:${f.line} ${q.severity}`),
      )
      .sort(),
    selectionArgs:
      at < 0
        ? 'none'
        : planned.args[at] === '--cloud-provider'
          ? `--cloud-provider ${value}`
          : `--exclude-queries (${value.split(',').length} ids)`,
  };
}

const s = (n: number) => `${n.toFixed(1)} s`;

async function main(): Promise<void> {
  const quiet = waitMinutes > 0 ? await waitForQuietMachine({ maxWaitSeconds: waitMinutes * 60 }) : undefined;
  const waitForIdle = idleWaiter(waitMinutes * 60);
  const rows: string[][] = [];
  for (const { kind, file, text, beside } of KINDS) {
    if (flags.only && !flags.only.includes(kind)) continue;
    const folder = path.join(scratch, kind.replace(/\W+/g, '-').toLowerCase());
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, file), text);
    if (beside) writeFileSync(path.join(folder, beside.file), beside.text);
    const files = beside ? [file, beside.file] : [file];
    const samples = { all: [] as Sample[], auto: [] as Sample[] };
    for (let i = 0; i < runs; i++) {
      // Alternated, so a slow spell of the machine weighs on both settings alike.
      for (const setting of ['all', 'auto'] as const) {
        samples[setting].push(
          await undisturbed(
            () => runKics(folder, files, setting),
            (x) => x.timed,
            waitForIdle,
            retries,
          ),
        );
        process.stderr.write(
          `${kind} ${setting} run ${i + 1}: ${s(samples[setting].at(-1)?.timed.wall ?? 0)}\n`,
        );
      }
    }
    const [all, auto] = [samples.all, samples.auto];
    const same = [...all, ...auto].every((x) => x.findings.join('\n') === all[0]?.findings.join('\n'));
    const wall = (xs: Sample[]) => median(xs.map((x) => x.timed.wall));
    const cpu = (xs: Sample[]) => median(xs.map((x) => x.timed.cpu));
    const other = median([...all, ...auto].map((x) => x.timed.otherCpu));
    rows.push([
      kind,
      auto[0]?.selectionArgs ?? '',
      `${all[0]?.queries ?? 0} → ${auto[0]?.queries ?? 0}`,
      `${s(wall(all))} → ${s(wall(auto))}`,
      `${s(cpu(all))} → ${s(cpu(auto))}`,
      s(other),
      same ? `yes (${all[0]?.findings.length ?? 0})` : 'NO',
    ]);
  }
  console.log(
    markdownTable(
      [
        'file',
        'selection (auto)',
        'queries all → auto',
        'wall all → auto',
        'CPU all → auto',
        'others’ CPU',
        'same findings',
      ],
      rows,
      [false, false, true, true, true, true, false],
    ),
  );
  console.log(
    `\n${machineSummary()}; median of ${runs}; load average at the end ${loadAverage()}` +
      (quiet && !quiet.quiet ? '; the machine never got quiet: measured under load' : ''),
  );
}

await main();
