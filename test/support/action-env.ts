import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './cli.ts';
import type { FakeGitHub } from './fake-github.ts';
import { type NodeRun, spawnNode } from './spawn-node.ts';

/*
 * Builds what a GitHub runner hands a JavaScript action (a workspace, an event payload file, the
 * GITHUB_* variables and INPUT_* inputs) and runs dist/index.js as a real child process. Scanners
 * are replaced by the `replay` custom scanner (test/fixtures/action/replay.mjs), which copies a
 * recorded SARIF file to where controlgate expects its output.
 */

export const ACTION = path.join(REPO_ROOT, 'dist', 'index.js');
export const REPLAY = path.join(REPO_ROOT, 'test', 'fixtures', 'action', 'replay.mjs');
export const REPOSITORY = 'octo/shop';
export const PR_NUMBER = 7;
export const HEAD_SHA = '4f3c2a1b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a';
export const BASE_SHA = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
/** The merge commit GitHub checks out for a pull_request run (GITHUB_SHA); not the head. */
export const MERGE_SHA = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807';
export const RUN_ID = '9876543210';

/** A token that looks like an installation token and is easy to grep for in logs. */
export function fakeToken(): string {
  return `ghs_${randomBytes(18).toString('base64url')}`;
}

export function assertActionBuilt(): void {
  if (!existsSync(ACTION)) {
    throw new Error(`${ACTION} is missing: run \`npm run -s build\` before the Action's integration tests`);
  }
}

// ---------------------------------------------------------------------------------------------
// SARIF the replay scanner hands back

export interface SarifLog {
  version: string;
  $schema?: string;
  runs: SarifRun[];
}

export interface SarifRun {
  tool: { driver: { name: string; rules?: SarifRule[]; [key: string]: unknown } };
  results: SarifResult[];
  [key: string]: unknown;
}

export interface SarifRule {
  id: string;
  name?: string;
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level?: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: { artifactLocation: { uri: string }; region?: Record<string, unknown> };
  }>;
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}

interface Recording {
  recordedRoot: string;
}

/**
 * Bandit's recorded SARIF for examples/vulnerable-app (26 findings: 6 high, incl. B602 shell
 * injection; B105 hard-coded password is low), with its absolute file URIs moved to `workspace`,
 * where createActionWorkspace copied the app. `keep` filters results (rule ids are kept in place).
 */
export function banditSarif(workspace: string, keep?: (result: SarifResult) => boolean): SarifLog {
  const dir = path.join(REPO_ROOT, 'test', 'fixtures', 'sarif', 'bandit');
  const recording = JSON.parse(readFileSync(path.join(dir, 'recording.json'), 'utf8')) as Recording;
  const from = pathToFileURL(path.join(recording.recordedRoot, 'examples', 'vulnerable-app')).href;
  const to = pathToFileURL(workspace).href;
  const text = readFileSync(path.join(dir, 'example-app.sarif'), 'utf8').replaceAll(`${from}/`, `${to}/`);
  const log = JSON.parse(text) as SarifLog;
  if (keep) for (const run of log.runs) run.results = run.results.filter(keep);
  return log;
}

export function severityOf(result: SarifResult): string {
  return String(result.properties?.issue_severity ?? '').toUpperCase();
}

/** Only Bandit's low and medium findings: nothing reaches the default `high` threshold, so the gate passes. */
export function passingSarif(workspace: string): SarifLog {
  return banditSarif(workspace, (r) => severityOf(r) !== 'HIGH');
}

const LARGE_RULES: Array<{ id: string; name: string; cwe: number; severity: string; text: string }> = [
  {
    id: 'B602',
    name: 'subprocess_popen_with_shell_equals_true',
    cwe: 78,
    severity: 'HIGH',
    text: 'subprocess call with shell=True identified, security issue.',
  },
  {
    id: 'B608',
    name: 'hardcoded_sql_expressions',
    cwe: 89,
    severity: 'MEDIUM',
    text: 'Possible SQL injection vector through string-based query construction.',
  },
  {
    id: 'B105',
    name: 'hardcoded_password_string',
    cwe: 259,
    severity: 'LOW',
    text: "Possible hardcoded password: 'not-a-real-password'",
  },
];

/**
 * A Bandit-shaped SARIF with `count` findings spread over generated Python modules in `workspace`
 * (written here), each with a long message: far more than one PR comment can hold.
 */
export function largeSarif(workspace: string, count = 400, messageLength = 240): SarifLog {
  const perFile = 20;
  const files = Math.ceil(count / perFile);
  for (let f = 0; f < files; f++) {
    const lines = ['import subprocess', ''];
    for (let i = 0; i < perFile; i++) {
      lines.push(`def task_${f}_${i}(arg):`, `    return subprocess.call("run " + arg, shell=True)`, '');
    }
    mkdirSync(path.join(workspace, 'generated'), { recursive: true });
    writeFileSync(
      path.join(workspace, 'generated', `module_${String(f).padStart(3, '0')}.py`),
      lines.join('\n'),
    );
  }
  const results: SarifResult[] = [];
  for (let n = 0; n < count; n++) {
    const ruleIndex = n % LARGE_RULES.length;
    const rule = LARGE_RULES[ruleIndex] ?? LARGE_RULES[0];
    if (!rule) throw new Error('no rules');
    const file = Math.floor(n / perFile);
    const line = 4 + (n % perFile) * 3;
    const detail = ` Finding ${n} in task_${file}_${n % perFile}: the command string is built from a request parameter and reaches a shell;`;
    let text = `${rule.text}${detail}`;
    while (text.length < messageLength)
      text += ' an attacker who controls the argument can run arbitrary commands.';
    results.push({
      ruleId: rule.id,
      ruleIndex,
      level: rule.severity === 'HIGH' ? 'error' : rule.severity === 'MEDIUM' ? 'warning' : 'note',
      message: { text: text.slice(0, messageLength) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: {
              uri: pathToFileURL(
                path.join(workspace, 'generated', `module_${String(file).padStart(3, '0')}.py`),
              ).href,
            },
            region: { startLine: line, startColumn: 12, endLine: line, endColumn: 55 },
          },
        },
      ],
      properties: { issue_confidence: 'HIGH', issue_severity: rule.severity },
    });
  }
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'Bandit',
            organization: 'PyCQA',
            rules: LARGE_RULES.map((r) => ({
              id: r.id,
              name: r.name,
              properties: { tags: ['security', `external/cwe/cwe-${r.cwe}`], precision: 'high' },
            })),
          },
        },
        results,
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Workspace and runner files

export interface ActionWorkspace {
  /** Temp folder holding everything below; removed by cleanup(). */
  root: string;
  /** GITHUB_WORKSPACE: a copy of examples/vulnerable-app/app plus .controlgate.yml. */
  workspace: string;
  runnerTemp: string;
  eventPath: string;
  summaryPath: string;
  outputPath: string;
  /** The SARIF file the replay scanner copies; rewrite it with setSarif() between runs. */
  sarifPath: string;
  setSarif(log: SarifLog): void;
  /** Fresh GITHUB_STEP_SUMMARY and GITHUB_OUTPUT files for the next run. */
  resetRunnerFiles(): void;
  cleanup(): void;
}

export function replayConfig(sarifPath: string): string {
  const q = (s: string): string => JSON.stringify(s);
  return [
    '# Written by test/support/action-env.ts: a custom scanner that replays recorded SARIF.',
    'version: 1',
    'scanners:',
    '  custom:',
    '    - id: replay',
    '      name: Bandit (recorded)',
    `      command: ${q(process.execPath)}`,
    `      args: [${q(REPLAY)}, ${q(sarifPath)}, "{sarif}"]`,
    '      sarif: "{outDir}/out.sarif"',
    '      covers: [CC6.1, CC7.1, CC8.1]',
    '',
  ].join('\n');
}

/** A runner-like layout in a new temp folder; `sarif` defaults to the relocated Bandit recording. */
export function createActionWorkspace(
  options: { sarif?: (workspace: string) => SarifLog } = {},
): ActionWorkspace {
  const root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-action-'));
  const workspace = path.join(root, 'workspace');
  const runnerTemp = path.join(root, 'runner-temp');
  const recorded = path.join(root, 'recorded');
  for (const d of [workspace, runnerTemp, recorded]) mkdirSync(d, { recursive: true });
  cpSync(path.join(REPO_ROOT, 'examples', 'vulnerable-app', 'app'), path.join(workspace, 'app'), {
    recursive: true,
  });
  const sarifPath = path.join(recorded, 'current.sarif');
  writeFileSync(path.join(workspace, '.controlgate.yml'), replayConfig(sarifPath));
  const ws: ActionWorkspace = {
    root,
    workspace,
    runnerTemp,
    eventPath: path.join(root, 'event.json'),
    summaryPath: path.join(root, 'step-summary.md'),
    outputPath: path.join(root, 'output.txt'),
    sarifPath,
    setSarif(log) {
      writeFileSync(sarifPath, `${JSON.stringify(log, null, 2)}\n`);
    },
    resetRunnerFiles() {
      writeFileSync(ws.summaryPath, '');
      writeFileSync(ws.outputPath, '');
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  ws.setSarif((options.sarif ?? banditSarif)(workspace));
  ws.resetRunnerFiles();
  return ws;
}

// ---------------------------------------------------------------------------------------------
// Events

export type EventName =
  | 'pull_request'
  | 'pull_request_target'
  | 'push'
  | 'workflow_dispatch'
  | 'merge_group'
  | 'workflow_run';

export interface PullRequestEventOptions {
  number?: number;
  headSha?: string;
  baseSha?: string;
  /** A PR from forker/shop: head.repo differs from base.repo and is a fork. */
  fork?: boolean;
}

/** The parts of a `pull_request` webhook payload an action reads. */
export function pullRequestEvent(options: PullRequestEventOptions = {}): Record<string, unknown> {
  const number = options.number ?? PR_NUMBER;
  const baseRepo = {
    full_name: REPOSITORY,
    name: 'shop',
    owner: { login: 'octo' },
    fork: false,
    html_url: `https://github.com/${REPOSITORY}`,
  };
  const headRepo = options.fork
    ? {
        full_name: 'forker/shop',
        name: 'shop',
        owner: { login: 'forker' },
        fork: true,
        html_url: 'https://github.com/forker/shop',
      }
    : baseRepo;
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      state: 'open',
      title: 'Checkout v2',
      html_url: `https://github.com/${REPOSITORY}/pull/${number}`,
      user: { login: options.fork ? 'forker' : 'dev-alice' },
      head: {
        sha: options.headSha ?? HEAD_SHA,
        ref: 'feature/checkout-v2',
        label: `${headRepo.owner.login}:feature/checkout-v2`,
        repo: headRepo,
      },
      base: { sha: options.baseSha ?? BASE_SHA, ref: 'main', label: 'octo:main', repo: baseRepo },
    },
    repository: baseRepo,
    sender: { login: options.fork ? 'forker' : 'dev-alice' },
  };
}

export function pushEvent(): Record<string, unknown> {
  return {
    ref: 'refs/heads/main',
    before: BASE_SHA,
    after: HEAD_SHA,
    repository: { full_name: REPOSITORY, html_url: `https://github.com/${REPOSITORY}` },
    head_commit: { id: HEAD_SHA, message: 'Merge pull request #7' },
  };
}

// ---------------------------------------------------------------------------------------------
// Environment

export interface ActionEnvOptions {
  eventName?: EventName;
  /** The payload written to GITHUB_EVENT_PATH; default: pullRequestEvent(). */
  event?: Record<string, unknown>;
  token: string;
  /** Inputs by their action.yml name (`comment-key`, not COMMENT_KEY); merged over the defaults. */
  inputs?: Record<string, string>;
  /** Further variables, e.g. to drop one set it to undefined. */
  extra?: Record<string, string | undefined>;
}

/** Inputs every test starts from: replay only, no installs, one PR comment, a status. */
export const DEFAULT_INPUTS: Readonly<Record<string, string>> = {
  path: '.',
  scanners: 'replay',
  config: '',
  comment: 'update',
  'comment-key': 'default',
  status: 'true',
  'install-scanners': 'false',
  'fail-mode': 'enforce',
  'evidence-name': 'controlgate-evidence',
};

/** The variable the runner sets for an input: INPUT_ + the name upper-cased, spaces → _, hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** What actionEnv points the Action at: the workspace and the runner's own files. */
export type RunnerFiles = Pick<
  ActionWorkspace,
  'workspace' | 'runnerTemp' | 'eventPath' | 'summaryPath' | 'outputPath'
>;

/** Runner files in `root` (created, empty) around a workspace the caller lays out itself. */
export function createRunnerFiles(root: string, workspace: string): RunnerFiles {
  const files: RunnerFiles = {
    workspace,
    runnerTemp: path.join(root, 'runner-temp'),
    eventPath: path.join(root, 'event.json'),
    summaryPath: path.join(root, 'step-summary.md'),
    outputPath: path.join(root, 'output.txt'),
  };
  mkdirSync(files.runnerTemp, { recursive: true });
  writeFileSync(files.summaryPath, '');
  writeFileSync(files.outputPath, '');
  return files;
}

/** The environment a GitHub-hosted runner would give the Action, pointed at the fake API. */
export function actionEnv(ws: RunnerFiles, server: FakeGitHub, options: ActionEnvOptions): NodeJS.ProcessEnv {
  const eventName = options.eventName ?? 'pull_request';
  const event = options.event ?? pullRequestEvent();
  writeFileSync(ws.eventPath, `${JSON.stringify(event, null, 2)}\n`);

  // Nothing of the real environment that a runner would set differently (or that names a token).
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(GITHUB_|INPUT_|ACTIONS_|RUNNER_|GITLAB|CI_)/.test(k) || /TOKEN|SECRET|PASSWORD/i.test(k)) continue;
    base[k] = v;
  }
  const isPr = eventName === 'pull_request' || eventName === 'pull_request_target';
  const pr = (event.pull_request ?? {}) as {
    number?: number;
    head?: { ref?: string };
    base?: { ref?: string; sha?: string };
  };
  // pull_request runs on the merge commit GitHub built; pull_request_target on the base branch's
  // latest commit, as a push to it would.
  const onMerge = eventName === 'pull_request';
  const env: NodeJS.ProcessEnv = {
    ...base,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: ws.eventPath,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_REPOSITORY_OWNER: 'octo',
    GITHUB_SHA: onMerge
      ? MERGE_SHA
      : eventName === 'pull_request_target'
        ? (pr.base?.sha ?? BASE_SHA)
        : HEAD_SHA,
    GITHUB_REF: onMerge
      ? `refs/pull/${pr.number ?? PR_NUMBER}/merge`
      : `refs/heads/${pr.base?.ref ?? 'main'}`,
    GITHUB_REF_NAME: onMerge ? `${pr.number ?? PR_NUMBER}/merge` : (pr.base?.ref ?? 'main'),
    GITHUB_HEAD_REF: isPr ? (pr.head?.ref ?? '') : '',
    GITHUB_BASE_REF: isPr ? (pr.base?.ref ?? '') : '',
    GITHUB_WORKSPACE: ws.workspace,
    GITHUB_API_URL: server.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_GRAPHQL_URL: `${server.url}/graphql`,
    GITHUB_RUN_ID: RUN_ID,
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'dev-alice',
    GITHUB_WORKFLOW: 'security',
    GITHUB_JOB: 'controlgate',
    GITHUB_ACTION: 'controlgate',
    GITHUB_STEP_SUMMARY: ws.summaryPath,
    GITHUB_OUTPUT: ws.outputPath,
    RUNNER_TEMP: ws.runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
  };
  const inputs = { ...DEFAULT_INPUTS, token: options.token, ...options.inputs };
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;
  for (const [k, v] of Object.entries(options.extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

// ---------------------------------------------------------------------------------------------
// Running the Action

export type ActionRun = NodeRun;

/**
 * Runs `node dist/index.js` asynchronously (so two runs really overlap), in the workspace as the
 * runner would, killed with its process group on timeout.
 */
export function runAction(
  env: NodeJS.ProcessEnv,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<ActionRun> {
  assertActionBuilt();
  return spawnNode(ACTION, [], {
    env,
    cwd: options.cwd ?? env.GITHUB_WORKSPACE ?? REPO_ROOT,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}

/** Parses a GITHUB_OUTPUT file: `name<<DELIMITER … DELIMITER` blocks and `name=value` lines. */
export function readOutputs(file: string): Record<string, string> {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines = text.split(/\r?\n/);
  const out: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc?.[1] && heredoc[2]) {
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== heredoc[2]) value.push(lines[i++] ?? '');
      out[heredoc[1]] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** `::warning::…` / `::error …::…` workflow commands the Action printed. */
export function workflowCommands(run: ActionRun, command: 'warning' | 'error' | 'notice'): string[] {
  const re = new RegExp(`^::${command}(?: [^:]*)?::(.*)$`, 'gm');
  return [...`${run.stdout}\n${run.stderr}`.matchAll(re)].map((m) => m[1] ?? '');
}
