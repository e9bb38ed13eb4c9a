import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { literalExclude } from '../../scanners/kics/scan-paths.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { CLI, REPO_ROOT } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';
import { spawnNode } from '../support/spawn-node.ts';
import { controlgateKeys, kicsAlone, type ResultKey } from '../support/tools-alone.ts';

/*
 * KICS judges a folder differently from the same files named one by one: it renders a Helm chart
 * only when it walks the chart's folder, and it gives a file named on its command line the secret
 * queries even when the file is no infrastructure code. controlgate gives it folders, so what it
 * reports equals KICS run alone on the folder, less what controlgate's walk leaves out. Real KICS,
 * real git, the built CLI.
 */

const ONLY_KICS = 'scanners:\n  semgrep: { enabled: false }\n  bandit: { enabled: false }\n';
const MAIN = `resource "aws_security_group" "ssh" {
  name        = "ssh"
  description = "ssh access"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.ssh_cidr]
  }
}
`;
const VARIABLES = 'variable "ssh_cidr" {\n  type    = string\n  default = "0.0.0.0/0"\n}\n';
const CHART = 'apiVersion: v2\nname: web\ndescription: A web server\nversion: 0.1.0\n';
const VALUES = (privileged: boolean) => `image: nginx:1.25\nprivileged: ${privileged}\n`;
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Chart.Name }}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {{ .Chart.Name }}
  template:
    metadata:
      labels:
        app: {{ .Chart.Name }}
    spec:
      containers:
        - name: web
          image: {{ .Values.image }}
          securityContext:
            privileged: {{ .Values.privileged }}
`;
/** A plain YAML configuration: named on KICS's command line it got a password finding, in a folder none. */
const APP_CONFIG = 'db:\n  user: postgres\n  password: postgres\n  host: postgres\n';
/** Open to the world, in folders controlgate does not scan: what KICS would flag if it walked them. */
const VENDORED = MAIN.replace('[var.ssh_cidr]', '["0.0.0.0/0"]');
const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: vendored
spec:
  containers:
    - name: app
      image: busybox
      securityContext:
        privileged: true
`;

/** Quoted and escaped on KICS's command line (csvField, literalExclude). */
const ODD = 'odd[1]*,x';

const repos: GitRepo[] = [];
afterAll(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

async function controlgate(args: string[]): Promise<JsonReport> {
  const run = await spawnNode(CLI, [...args, '--format', 'json', '--no-progress'], {
    cwd: REPO_ROOT,
    env: process.env,
    timeoutMs: 840_000,
  });
  expect(run.stderr).not.toContain('internal error');
  return parseJsonReport(run.stdout, `stdout (stderr: ${run.stderr})`);
}

const under = (prefix: string, keys: readonly ResultKey[]) =>
  keys.filter((k) => k.split(' ')[1]?.startsWith(prefix));

describe('KICS through controlgate finds what KICS alone finds on the folder', { timeout: 900_000 }, () => {
  it('(a) on the example app', async () => {
    const scan = inject('exampleScan');
    const file = path.join(scan.outDir, 'controlgate.json');
    const report = parseJsonReport(readFileSync(file, 'utf8'), file);
    const alone = await kicsAlone(path.join(REPO_ROOT, 'examples', 'vulnerable-app'), REPO_ROOT);
    expect(alone.length).toBeGreaterThan(0);
    expect(controlgateKeys(report, 'kics')).toEqual(alone);
    // One folder, not its files, with the folders that hold no infrastructure code excluded whole.
    const run = JSON.parse(readFileSync(path.join(scan.outDir, 'evidence', 'run.json'), 'utf8')) as {
      scanners: { id: string; command: string[] }[];
    };
    const command = run.scanners.find((s) => s.id === 'kics')?.command ?? [];
    expect(command.flatMap((arg, i) => (arg === '--path' ? [command[i + 1]] : []))).toEqual([
      '<root>/examples/vulnerable-app',
    ]);
  });

  describe('on a repository with a Terraform module, a Helm chart, a plain config and excluded folders', () => {
    let repo: GitRepo;
    let report: JsonReport;
    let alone: ResultKey[];
    beforeAll(async () => {
      repo = GitRepo.create({
        '.controlgate.yml': `${ONLY_KICS}exclude:\n  - 'vendor/**'\n  - 'infra/legacy-*.yaml'\n`,
        'infra/main.tf': MAIN,
        // Three excluded files of one extension beside the module: one glob on KICS's command line.
        'infra/legacy-a.yaml': PRIVILEGED_POD,
        'infra/legacy-b.yaml': PRIVILEGED_POD,
        'infra/legacy-c.yaml': PRIVILEGED_POD,
        'infra/variables.tf': VARIABLES,
        'chart/Chart.yaml': CHART,
        'chart/values.yaml': VALUES(true),
        'chart/templates/deployment.yaml': DEPLOYMENT,
        'config/app.yaml': APP_CONFIG,
        'node_modules/dep/main.tf': VENDORED,
        'vendor/pod.yaml': PRIVILEGED_POD,
        // A folder name KICS would split at the comma and read as a glob, with an excluded folder inside.
        [`${ODD}/main.tf`]: VENDORED,
        [`${ODD}/node_modules/dep/main.tf`]: VENDORED,
      });
      repos.push(repo);
      repo.commit('Infrastructure');
      // KICS alone is told to leave out what controlgate's walk does: node_modules by default, vendor/ by the configuration.
      [report, alone] = await Promise.all([
        controlgate(['scan', repo.dir, '--no-evidence']),
        kicsAlone(repo.dir, repo.dir, [
          repo.path('node_modules'),
          repo.path('vendor'),
          ...['a', 'b', 'c'].map((x) => repo.path(`infra/legacy-${x}.yaml`)),
          `"${literalExclude(repo.path(`${ODD}/node_modules`))}"`,
        ]),
      ]);
    });

    it('finds the same results in all, and none in the excluded folders', () => {
      expect(report.scanners.find((s) => s.id === 'kics')?.status).toBe('ok');
      const found = controlgateKeys(report, 'kics');
      expect(found).toEqual(alone);
      expect(under('node_modules/', found)).toEqual([]);
      expect(under('vendor/', found)).toEqual([]);
      expect(under('infra/legacy-', found)).toEqual([]);
      expect(found.filter((k) => k.includes('/node_modules/'))).toEqual([]);
      expect(under(`${ODD}/main.tf`, found).length).toBeGreaterThan(0);
    });

    it('(b) the Terraform module: the open ingress in main.tf comes from variables.tf', () => {
      const module = under('infra/', controlgateKeys(report, 'kics'));
      expect(module).toEqual(under('infra/', alone));
      const names = report.findings.filter((f) => f.path === 'infra/main.tf').map((f) => f.ruleName);
      expect(names).toContain('Unrestricted Security Group Ingress');
    });

    it('(c) the Helm chart, rendered with its values: the privileged container', () => {
      const chart = under('chart/', controlgateKeys(report, 'kics'));
      expect(chart).toEqual(under('chart/', alone));
      const names = report.findings.filter((f) => f.path.startsWith('chart/')).map((f) => f.ruleName);
      expect(names).toContain('Container Is Privileged');
    });

    it('a YAML file that is no infrastructure code gets no secret finding, as in a folder scan', () => {
      expect(under('config/', controlgateKeys(report, 'kics'))).toEqual([]);
      expect(under('config/', alone)).toEqual([]);
    });
  });

  it('(d) on a pull request that changes one file of a chart, the head-side run gets the chart folder', async () => {
    const pr = GitRepo.create({
      '.controlgate.yml': ONLY_KICS,
      'infra/main.tf': MAIN,
      'infra/variables.tf': VARIABLES,
      'chart/Chart.yaml': CHART,
      'chart/values.yaml': VALUES(false),
      'chart/templates/deployment.yaml': DEPLOYMENT,
    });
    repos.push(pr);
    pr.commit('A web chart');
    pr.branch('feature');
    pr.write({ 'chart/values.yaml': VALUES(true) }).commit('Run the web container privileged');
    const evidence = path.join(pr.dir, '..', 'evidence');
    const [report, alone] = await Promise.all([
      controlgate(['scan', pr.dir, '--base', 'main', '--evidence', evidence]),
      kicsAlone(pr.path('chart'), pr.dir),
    ]);
    const run = JSON.parse(readFileSync(path.join(evidence, 'run.json'), 'utf8')) as {
      scanners: { id: string; command: string[] }[];
    };
    const command = run.scanners.find((s) => s.id === 'kics')?.command ?? [];
    // The chart, not values.yaml alone nor the chart's files one by one; the module is untouched.
    expect(command.flatMap((arg, i) => (arg === '--path' ? [command[i + 1]] : []))).toEqual(['<root>/chart']);
    expect(report.scanners.find((s) => s.id === 'kics')?.filesScanned).toBe(3);
    const head = report.findings.filter((f) => f.scanner === 'kics' && f.baselineState !== 'fixed');
    expect(controlgateKeys({ ...report, findings: head }, 'kics')).toEqual(alone);
    const privileged = head.find((f) => f.ruleName === 'Container Is Privileged');
    expect(privileged?.baselineState).toBe('new');
  });

  it('(e) a kics-scan comment a change adds to a chart template hides what it hides, and only that', async () => {
    const pr = GitRepo.create({
      '.controlgate.yml': ONLY_KICS,
      'chart/Chart.yaml': CHART,
      'chart/values.yaml': VALUES(true),
      'chart/templates/deployment.yaml': DEPLOYMENT,
    });
    repos.push(pr);
    pr.commit('A privileged web chart');
    pr.branch('feature');
    const commented = DEPLOYMENT.replace(
      '            privileged:',
      '            # kics-scan ignore-line\n            privileged:',
    );
    pr.write({ 'chart/templates/deployment.yaml': commented }).commit('Hide the privileged container');
    const [report, alone] = await Promise.all([
      controlgate(['scan', pr.dir, '--base', 'main', '--no-evidence']),
      kicsAlone(pr.path('chart'), pr.dir),
    ]);
    const head = report.findings.filter((f) => f.scanner === 'kics' && f.baselineState !== 'fixed');
    // The copy with the comment made inert is rendered as a chart too (its Chart.yaml and values.yaml
    // copied beside it), so it differs from the real chart by the hidden finding alone.
    const suppressed = head.filter((f) => f.suppressed);
    expect(suppressed.map((f) => [f.ruleName, f.path])).toEqual([
      ['Container Is Privileged', 'chart/templates/deployment.yaml'],
    ]);
    const shown = head.filter((f) => !f.suppressed);
    expect(controlgateKeys({ ...report, findings: shown }, 'kics')).toEqual(alone);
  });
});
