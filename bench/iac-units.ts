/**
 * IaC unit scans on a pull request (issue 16): what it costs that KICS gets the whole unit of each
 * changed file (scanners/kics/units.ts), at the head and at the base, and what it finds that a scan
 * of the changed file alone misses. The repository is the medium one (bench/generated-repo.ts) with
 * 40 Terraform modules of 5–10 files, two Helm charts and loose Kubernetes manifests; the branch
 * changes one default in one module's variables.tf, which opens SSH in its untouched main.tf.
 *   npm run bench:iac-units [-- --runs N --files N --modules N --wait-minutes N --retries N]
 * Needs `npm run scanners:install` first. The repository is rebuilt at every start in
 * out/bench/iac-units-repo (git-ignored), so it can be inspected after a run.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BUILTIN_SCANNERS } from '../scanners/index.ts';
import { loadConfig } from '../src/config/load.ts';
import { realExec, scannerEnvironment } from '../src/exec/exec.ts';
import { toolsDir } from '../src/paths.ts';
import { listFiles, resolveWorkspace } from '../src/pipeline/workspace.ts';
import { OFFLINE_ENV } from '../src/tools/offline-env.ts';
import {
  idleWaiter,
  loadAverage,
  machineSummary,
  markdownTable,
  median,
  positiveInt,
  seconds,
  type Timed,
  timed,
  undisturbed,
  waitForQuietMachine,
} from './common.ts';
import {
  generate,
  git as gitIn,
  type Random,
  randomSource,
  writeFile,
  writeRepository,
} from './generated-repo.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The source entry point, as bench/diff-scan.ts uses: the code as it stands, no build needed.
const cli = path.join(root, 'src', 'cli.ts');
const repo = path.join(root, 'out', 'bench', 'iac-units-repo');
// The base's checkout for the KICS-alone runs, so their new findings are counted as controlgate would.
const baseTree = path.join(root, 'out', 'bench', 'iac-units-base');
const scratch = path.join(root, 'out', 'bench', 'iac-units-kics');

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    // The medium repository of the orchestration benchmark: 3,000 Python and JavaScript modules.
    files: { type: 'string', default: '3000' },
    modules: { type: 'string', default: '40' },
    // How long to wait for a quiet machine (load average ≤ 0.7) before measuring anyway; 0: no wait.
    'wait-minutes': { type: 'string', default: '30' },
    // How often a run disturbed by other processes is measured again; 0 on a machine that stays busy.
    retries: { type: 'string', default: '2' },
  },
});
const runs = positiveInt(flags.runs, '--runs', 1);
// The generator needs a few modules of each language; see bench/generated-repo.ts.
const fileCount = positiveInt(flags.files, '--files', 40);
// The changed module is the fourth network module, so there must be at least 4 of them.
const moduleCount = positiveInt(flags.modules, '--modules', 16);
const waitSeconds = 60 * positiveInt(flags['wait-minutes'], '--wait-minutes', 0);
const waitForIdle = idleWaiter(waitSeconds);
const retries = positiveInt(flags.retries, '--retries', 0);

// Without CI variables: the bench measures a local scan, and in GitHub Actions or GitLab CI the
// command would also publish comments and evidence.
const childEnv: NodeJS.ProcessEnv = { ...process.env, ...OFFLINE_ENV, NO_COLOR: '1' };
for (const key of ['CI', 'GITHUB_ACTIONS', 'GITLAB_CI', 'GITHUB_EVENT_PATH', 'CI_MERGE_REQUEST_IID']) {
  delete childEnv[key];
}

// ---------------------------------------------------------------------------------------------
// The infrastructure code

const AREAS = 'billing inventory accounts shipping catalog search reports auth analytics storage'.split(' ');
const KINDS = ['network', 'storage', 'database', 'compute', 'queue'] as const;
type Kind = (typeof KINDS)[number];

// The private default the branch replaces: it is what keeps the module's SSH rule closed.
const PRIVATE_CIDRS = '["10.0.0.0/8"]';
const OPEN_CIDRS = '["0.0.0.0/0"]';

function variablesTf(kind: Kind, name: string): string {
  const common = `variable "name" {
  description = "Name prefix of every resource in the ${name} module"
  type        = string
  default     = "${name}"
}

variable "environment" {
  description = "Deployment environment"
  type        = string
  default     = "staging"
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
}
`;
  const own: Record<Kind, string> = {
    network: `
variable "vpc_id" {
  description = "VPC the security group belongs to"
  type        = string
  default     = "vpc-0123456789abcdef0"
}

variable "admin_cidrs" {
  description = "Networks allowed to reach the administrative SSH port"
  type        = list(string)
  default     = ${PRIVATE_CIDRS}
}
`,
    storage: `
variable "versioning" {
  description = "Keep old object versions"
  type        = bool
  default     = true
}
`,
    database: `
variable "instance_class" {
  description = "Database instance size"
  type        = string
  default     = "db.t3.micro"
}

variable "publicly_accessible" {
  description = "Whether the database gets a public address"
  type        = bool
  default     = false
}
`,
    compute: `
variable "instance_type" {
  description = "EC2 instance size"
  type        = string
  default     = "t3.small"
}

variable "ami_id" {
  description = "Machine image"
  type        = string
  default     = "ami-0123456789abcdef0"
}
`,
    queue: `
variable "retention_seconds" {
  description = "How long a message is kept"
  type        = number
  default     = 345600
}
`,
  };
  return common + own[kind];
}

function mainTf(kind: Kind, id: string): string {
  const resources: Record<Kind, string> = {
    network: `resource "aws_security_group" "${id}" {
  name        = "\${var.name}-admin"
  description = "Administrative access to \${var.name}"
  vpc_id      = var.vpc_id

  ingress {
    description = "SSH from the administrative networks"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }

  tags = local.tags
}
`,
    storage: `resource "aws_s3_bucket" "${id}" {
  bucket = "\${var.name}-\${var.environment}"
  tags   = local.tags
}

resource "aws_s3_bucket_versioning" "${id}" {
  bucket = aws_s3_bucket.${id}.id

  versioning_configuration {
    status = var.versioning ? "Enabled" : "Suspended"
  }
}
`,
    database: `resource "aws_db_instance" "${id}" {
  identifier          = "\${var.name}-\${var.environment}"
  engine              = "postgres"
  instance_class      = var.instance_class
  allocated_storage   = 50
  publicly_accessible = var.publicly_accessible
  storage_encrypted   = true
  skip_final_snapshot = false
  tags                = local.tags
}
`,
    compute: `resource "aws_instance" "${id}" {
  ami           = var.ami_id
  instance_type = var.instance_type
  monitoring    = true
  tags          = local.tags
}
`,
    queue: `resource "aws_sqs_queue" "${id}" {
  name                      = "\${var.name}-\${var.environment}"
  message_retention_seconds = var.retention_seconds
  sqs_managed_sse_enabled   = true
  tags                      = local.tags
}
`,
  };
  return resources[kind];
}

const OUTPUT_OF: Record<Kind, string> = {
  network: 'aws_security_group',
  storage: 'aws_s3_bucket',
  database: 'aws_db_instance',
  compute: 'aws_instance',
  queue: 'aws_sqs_queue',
};

// Optional files a real module has some of: 0–5 of them, so a module has 5–10 files.
const EXTRAS: ((id: string) => [string, string])[] = [
  (id) => [
    'iam.tf',
    `data "aws_iam_policy_document" "${id}_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "${id}" {
  name               = "\${var.name}-role"
  assume_role_policy = data.aws_iam_policy_document.${id}_assume.json
  tags               = local.tags
}
`,
  ],
  (id) => [
    'logging.tf',
    `resource "aws_cloudwatch_log_group" "${id}" {
  name              = "/\${var.environment}/\${var.name}"
  retention_in_days = 90
  tags              = local.tags
}
`,
  ],
  (id) => [
    'alarms.tf',
    `resource "aws_sns_topic" "${id}_alarms" {
  name = "\${var.name}-alarms"
  tags = local.tags
}
`,
  ],
  (id) => [
    'dns.tf',
    `resource "aws_route53_zone" "${id}" {
  name = "\${var.name}.internal.example"
  tags = local.tags
}
`,
  ],
  () => [
    'data.tf',
    `data "aws_caller_identity" "current" {}

data "aws_region" "current" {}
`,
  ],
  () => [
    'tags.tf',
    `locals {
  cost_center = "platform"
  owner       = "team-\${var.name}"
}
`,
  ],
];

interface TerraformModule {
  dir: string;
  kind: Kind;
  files: Map<string, string>;
}

function terraformModules(r: Random, count: number): TerraformModule[] {
  const modules: TerraformModule[] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length] ?? 'network';
    const name = `${AREAS[i % AREAS.length] ?? 'core'}-${kind}-${i}`;
    const id = name.replaceAll('-', '_');
    const files = new Map<string, string>([
      [
        'versions.tf',
        `terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
`,
      ],
      ['variables.tf', variablesTf(kind, name)],
      ['main.tf', mainTf(kind, id)],
      [
        'outputs.tf',
        `output "id" {
  description = "Identifier of the module's main resource"
  value       = ${OUTPUT_OF[kind]}.${id}.id
}
`,
      ],
      [
        'locals.tf',
        `locals {
  tags = merge(var.tags, {
    Module      = "${name}"
    Environment = var.environment
  })
}
`,
      ],
    ]);
    const extras = [...EXTRAS];
    for (let k = r.int(0, 5); k > 0; k--) {
      const [file, text] = extras.splice(r.int(0, extras.length - 1), 1)[0]?.(id) ?? ['', ''];
      files.set(file, text);
    }
    modules.push({ dir: `infra/modules/${name}`, kind, files });
  }
  return modules;
}

function helmChart(name: string, port: number): Map<string, string> {
  return new Map([
    [
      'Chart.yaml',
      `apiVersion: v2\nname: ${name}\ndescription: The ${name} service\nversion: 0.3.1\nappVersion: "1.8.0"\n`,
    ],
    [
      'values.yaml',
      `replicaCount: 2\nimage:\n  repository: registry.example/${name}\n  tag: "1.8.0"\nservice:\n  port: ${port}\nresources:\n  limits:\n    cpu: 500m\n    memory: 256Mi\n`,
    ],
    [
      'templates/deployment.yaml',
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-${name}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          ports:
            - containerPort: {{ .Values.service.port }}
          resources:
            limits:
              cpu: {{ .Values.resources.limits.cpu }}
              memory: {{ .Values.resources.limits.memory }}
`,
    ],
    [
      'templates/service.yaml',
      `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-${name}
spec:
  selector:
    app: ${name}
  ports:
    - port: {{ .Values.service.port }}
      targetPort: {{ .Values.service.port }}
`,
    ],
  ]);
}

function manifest(name: string, r: Random): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: jobs
spec:
  replicas: ${r.int(1, 4)}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: registry.example/${name}:1.${r.int(0, 20)}.0
          resources:
            limits:
              cpu: ${r.int(1, 8) * 100}m
              memory: ${r.int(1, 8) * 64}Mi
`;
}

// ---------------------------------------------------------------------------------------------
// The repository and the change

interface BuiltRepo {
  files: number;
  iacFiles: number;
  target: TerraformModule;
  change: string[];
}

function buildRepo(): BuiltRepo {
  // The medium repository's application, without its loose Terraform files: here the IaC is modules.
  const generated = generate(fileCount, 0);
  let { files } = writeRepository(
    repo,
    generated,
    '# Generated repository\n\nBuilt by controlgate `bench/iac-units.ts`; its findings are planted on purpose.\n',
  );
  const r = randomSource(0x1ac_0016);
  let iacFiles = 0;
  const write = (file: string, text: string): void => {
    writeFile(repo, file, text);
    iacFiles++;
  };
  const modules = terraformModules(r, moduleCount);
  for (const m of modules) for (const [file, text] of m.files) write(`${m.dir}/${file}`, text);
  for (const [chart, port] of [
    ['storefront', 8080],
    ['checkout', 9090],
  ] as const) {
    for (const [file, text] of helmChart(chart, port)) write(`deploy/charts/${chart}/${file}`, text);
  }
  for (let i = 0; i < 20; i++)
    write(`deploy/k8s/${AREAS[i % AREAS.length]}-job-${i}.yaml`, manifest(`job-${i}`, r));
  files += iacFiles;

  const git = (...args: string[]): string => gitIn(repo, ...args);
  git('init', '--quiet');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'Generated application and infrastructure');

  git('checkout', '--quiet', '-b', 'feature');
  const target = modules.filter((m) => m.kind === 'network')[3];
  if (!target) throw new Error(`--modules ${moduleCount} gives fewer than 4 network modules`);
  const variables = target.files.get('variables.tf') ?? '';
  const opened = variables.replace(`default     = ${PRIVATE_CIDRS}`, `default     = ${OPEN_CIDRS}`);
  if (opened === variables) throw new Error(`${target.dir}/variables.tf has no private default to open`);
  writeFile(repo, `${target.dir}/variables.tf`, opened);
  git('commit', '--quiet', '-am', 'Open administrative SSH to every network by default');
  const change = git('diff', '--name-status', 'main..HEAD')
    .trim()
    .split('\n')
    .map((l) => l.replaceAll('\t', ' '));
  return { files, iacFiles, target, change };
}

// ---------------------------------------------------------------------------------------------
// KICS alone, with the command line controlgate's plugin plans

interface KicsReport {
  files_scanned?: number;
  queries?: {
    query_id: string;
    query_name: string;
    severity: string;
    files?: { file_name: string; line: number; search_key?: string }[];
  }[];
}

interface KicsFinding {
  /** Stable across the head and the base checkout: the path is relative to the tree. */
  key: string;
  severity: string;
  query: string;
  file: string;
  line: number;
}

/** `cwd` is KICS's working directory: it names the files relative to it (its own tools folder). */
function kicsFindings(report: KicsReport, tree: string, cwd: string): KicsFinding[] {
  return (report.queries ?? []).flatMap((q) =>
    (q.files ?? []).map((f) => {
      const file = path.relative(tree, path.resolve(cwd, f.file_name)).split(path.sep).join('/');
      return {
        key: `${q.query_id}|${file}|${f.line}|${f.search_key ?? ''}`,
        severity: q.severity.toLowerCase(),
        query: q.query_name,
        file,
        line: f.line,
      };
    }),
  );
}

interface KicsCommand {
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  outDir: string;
}

type Scope = 'file' | 'module' | 'repository';

/**
 * KICS's command for one scope of a tree, built by the plugin's own `selectFiles` and `plan` with
 * the tree's configuration, as bench/orchestration.ts does: only the output goes elsewhere.
 */
async function kicsCommand(tree: string, scope: Scope, target: BuiltRepo['target'], outDir: string) {
  const scanner = BUILTIN_SCANNERS.get('kics');
  if (!scanner) throw new Error('no built-in scanner kics');
  const workspace = resolveWorkspace(tree);
  const { config } = await loadConfig({ target: workspace.targetDir, root: workspace.root });
  const all = scanner.selectFiles(await listFiles(workspace, config), workspace.root);
  const moduleDir = path.join(workspace.root, target.dir) + path.sep;
  const files =
    scope === 'file'
      ? [path.join(workspace.root, target.dir, 'variables.tf')]
      : scope === 'module'
        ? all.filter((f) => f.startsWith(moduleDir))
        : all;
  const tool = await scanner.locate({ exec: realExec, toolsDir: toolsDir(), env: childEnv });
  const plan = scanner.plan({
    root: workspace.root,
    target: workspace.target,
    files,
    outDir,
    tool,
    options: scanner.config.options(config.scanners.kics, workspace.root),
  });
  return {
    file: plan.file,
    args: plan.args,
    cwd: plan.cwd ?? workspace.root,
    env: { ...scannerEnvironment(childEnv), ...plan.env },
    outDir,
  } satisfies KicsCommand;
}

function runKics(c: KicsCommand): { run: Timed; report: KicsReport } {
  rmSync(c.outDir, { recursive: true, force: true });
  mkdirSync(c.outDir, { recursive: true });
  const run = timed(c.file, c.args, { cwd: c.cwd, env: c.env, timeoutSeconds: 900 });
  // 0 clean, 20–60 by the highest severity found; anything else is a failed run.
  if (run.status !== 0 && !(run.status !== null && run.status >= 20 && run.status <= 60)) {
    throw new Error(`kics exited ${run.status ?? run.signal}: ${run.stderr.slice(-2000)}`);
  }
  const report = JSON.parse(readFileSync(path.join(c.outDir, 'kics.json'), 'utf8')) as KicsReport;
  return { run, report };
}

// ---------------------------------------------------------------------------------------------
// controlgate's PR scan

interface ScanReport {
  baseline: {
    status: string;
    counts: { new: number; unchanged: number; fixed: number };
    scanners: {
      id: string;
      compared: boolean;
      baseFilesScanned: number | null;
      baseDurationMs: number | null;
    }[];
  } | null;
  scanners: { id: string; status: string; filesScanned: number | null; durationMs: number | null }[];
  findings: {
    scanner: string;
    ruleName: string | null;
    severity: string;
    path: string;
    line: number;
    baselineState: string | null;
  }[];
}

const prScanArgs = [
  cli,
  'scan',
  repo,
  '--base',
  'main',
  '--no-evidence',
  '--no-progress',
  '--format',
  'json',
];

function prScan(): { run: Timed; report: ScanReport } {
  const run = timed(process.execPath, prScanArgs, { cwd: repo, env: childEnv, timeoutSeconds: 900 });
  // 0 = pass, 1 = blocked; anything else is a failed run.
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`controlgate exited ${run.status ?? run.signal}: ${run.stderr.slice(-2000)}`);
  }
  const report = JSON.parse(run.stdout) as ScanReport;
  if (report.baseline?.status !== 'compared') {
    throw new Error(`PR scan: baseline status ${report.baseline?.status ?? 'missing'}, not compared`);
  }
  return { run, report };
}

// ---------------------------------------------------------------------------------------------
// Main

const SERIOUS = new Set(['critical', 'high']);
const describeFinding = (f: { severity: string; query: string; file: string; line: number }): string =>
  `${f.severity} "${f.query}" ${f.file}:${f.line}`;

console.log(`machine: ${machineSummary()}; ${runs} runs each; load average ${loadAverage()}`);
const quiet = await waitForQuietMachine({ maxWaitSeconds: waitSeconds });
const genStart = performance.now();
const built = buildRepo();
console.log(
  `repository: ${built.files} files, ${built.iacFiles} of them IaC (${moduleCount} Terraform modules, 2 Helm charts, 20 manifests); generated and committed in ${((performance.now() - genStart) / 1000).toFixed(1)} s`,
);
console.log(`change (main...feature): ${built.change.join('; ')}`);
console.log(
  `load average at the start: ${loadAverage()}${quiet.quiet ? '' : ' (NOT quiet: waited the whole --wait-minutes)'}\n`,
);

// The base checkout for the KICS-alone runs' "new" count; a worktree, as controlgate's own base scan uses.
rmSync(baseTree, { recursive: true, force: true });
gitIn(repo, 'worktree', 'prune');
gitIn(repo, 'worktree', 'add', '--quiet', '--detach', baseTree, 'main');

const scopes: { scope: Scope; name: string }[] = [
  { scope: 'file', name: 'kics alone, the changed file only' },
  { scope: 'module', name: 'kics alone, the module folder' },
  { scope: 'repository', name: 'kics alone, the whole repository' },
];
const headCommands = new Map<Scope, KicsCommand>();
for (const { scope } of scopes) {
  headCommands.set(scope, await kicsCommand(repo, scope, built.target, path.join(scratch, `head-${scope}`)));
}

// What each KICS scope finds at the base, once and untimed: the head's findings not in it are new.
const baseKeys = new Map<Scope, Set<string>>();
for (const { scope } of scopes) {
  const command = await kicsCommand(baseTree, scope, built.target, path.join(scratch, `base-${scope}`));
  const { report } = runKics(command);
  baseKeys.set(scope, new Set(kicsFindings(report, baseTree, command.cwd).map((f) => f.key)));
}

// One untimed PR scan first, to load the tools and warm the caches (as bench/diff-scan.ts does).
prScan();

interface Row {
  name: string;
  samples: Timed[];
  filesScanned: string;
  findings: string;
  newFindings: string;
  newSerious: string[];
}

const prRow: Row = {
  name: 'controlgate PR scan (`--base main`)',
  samples: [],
  filesScanned: '',
  findings: '',
  newFindings: '',
  newSerious: [],
};
const kicsRows = new Map<Scope, Row>(
  scopes.map(({ scope, name }) => [
    scope,
    { name, samples: [], filesScanned: '', findings: '', newFindings: '', newSerious: [] },
  ]),
);
let prDetail = '';

// Round by round, each case once per round, so a disturbance spreads over the cases.
for (let round = 1; round <= runs; round++) {
  const pr = await undisturbed(prScan, (s) => s.run, waitForIdle, retries);
  prRow.samples.push(pr.run);
  const kics = pr.report.scanners.find((s) => s.id === 'kics');
  const kicsBase = pr.report.baseline?.scanners.find((s) => s.id === 'kics');
  const prKics = pr.report.findings.filter((f) => f.scanner === 'kics');
  const prNew = prKics.filter((f) => f.baselineState === 'new');
  prRow.filesScanned = `${kics?.filesScanned ?? '?'} head + ${kicsBase?.baseFilesScanned ?? '?'} base`;
  prRow.findings = String(prKics.length);
  prRow.newFindings = String(pr.report.baseline?.counts.new ?? '?');
  prRow.newSerious = prNew
    .filter((f) => SERIOUS.has(f.severity))
    .map((f) =>
      describeFinding({ severity: f.severity, query: f.ruleName ?? '?', file: f.path, line: f.line }),
    );
  prDetail =
    `exit ${pr.run.status}; ` +
    pr.report.scanners
      .map(
        (s) =>
          `${s.id} ${s.status}${s.status === 'ok' ? ` ${((s.durationMs ?? 0) / 1000).toFixed(1)} s on ${s.filesScanned ?? '?'} files` : ''}`,
      )
      .join(', ') +
    `; kics base ${((kicsBase?.baseDurationMs ?? 0) / 1000).toFixed(1)} s on ${kicsBase?.baseFilesScanned ?? '?'} files; ` +
    `counts ${JSON.stringify(pr.report.baseline?.counts)}`;
  console.log(
    `round ${round}: PR scan ${seconds(pr.run.wall)} s (load ${pr.run.loadAtStart.toFixed(2)}); ${prDetail}`,
  );

  for (const { scope } of scopes) {
    const command = headCommands.get(scope);
    const row = kicsRows.get(scope);
    if (!command || !row) continue;
    const sample = await undisturbed(
      () => runKics(command),
      (s) => s.run,
      waitForIdle,
      retries,
    );
    row.samples.push(sample.run);
    const found = kicsFindings(sample.report, repo, command.cwd);
    const base = baseKeys.get(scope) ?? new Set<string>();
    const fresh = found.filter((f) => !base.has(f.key));
    row.filesScanned = String(sample.report.files_scanned ?? '?');
    row.findings = String(found.length);
    row.newFindings = String(fresh.length);
    row.newSerious = fresh.filter((f) => SERIOUS.has(f.severity)).map(describeFinding);
    console.log(
      `round ${round}: ${row.name} ${seconds(sample.run.wall)} s (load ${sample.run.loadAtStart.toFixed(2)}); files_scanned ${row.filesScanned}; ${row.findings} findings, ${row.newFindings} new`,
    );
  }
}

const rows = [
  prRow,
  ...scopes.map(({ scope }) => kicsRows.get(scope)).filter((r): r is Row => r !== undefined),
];
console.log(`\nload average at the end: ${loadAverage()}\n`);
console.log(
  markdownTable(
    [
      'run',
      'median wall (s)',
      'min / max (s)',
      'median CPU user+sys (s)',
      "other processes' CPU (s)",
      'KICS files_scanned',
      'KICS findings',
      'new findings',
      'new critical/high',
    ],
    rows.map((row) => {
      const walls = row.samples.map((s) => s.wall);
      return [
        row.name,
        seconds(median(walls)),
        `${seconds(Math.min(...walls))} / ${seconds(Math.max(...walls))}`,
        seconds(median(row.samples.map((s) => s.cpu))),
        median(row.samples.map((s) => s.otherCpu)).toFixed(2),
        row.filesScanned,
        row.findings,
        row.newFindings,
        String(row.newSerious.length),
      ];
    }),
    [false, true, true, true, true, true, true, true, true],
  ),
);
console.log(`\ncontrolgate PR scan, last run: ${prDetail}`);
for (const row of rows) {
  console.log(
    `new critical/high, ${row.name}: ${row.newSerious.length ? row.newSerious.join('; ') : 'none'}`,
  );
}
// The point of the unit scan: the change's finding is in main.tf, which the change did not touch.
const inMain = (row: Row) => row.newSerious.some((f) => f.includes(`${built.target.dir}/main.tf`));
const fileRow = kicsRows.get('file');
console.log(
  `\nthe new critical/high finding in ${built.target.dir}/main.tf: PR scan ${inMain(prRow) ? 'FOUND' : 'MISSED'}; changed file alone ${fileRow && inMain(fileRow) ? 'FOUND' : 'MISSED'}`,
);
rmSync(baseTree, { recursive: true, force: true });
gitIn(repo, 'worktree', 'prune');
