import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED } from '../../src/findings/redact.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import {
  type ActionRun,
  type ActionWorkspace,
  actionEnv,
  assertActionBuilt,
  fakeToken,
  HEAD_SHA,
  PR_NUMBER,
  readOutputs,
  runAction,
} from '../support/action-env.ts';
import { mergeRequestPipelineEnv } from '../support/ci-env.ts';
import { CLI, REPO_ROOT } from '../support/cli.ts';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.ts';
import { type FakeGitLab, startFakeGitLab } from '../support/fake-gitlab.ts';
import { tail } from '../support/run-checks.ts';
import { makeCanaries, materialize, needles, placements } from '../support/secret-canaries.ts';
import { type NodeRun, spawnNode } from '../support/spawn-node.ts';
import { toolFindings } from '../support/tool-findings.ts';

/*
 * Planted secrets must never come out. The corpus (test/fixtures/secrets-corpus) is filled with
 * canaries made for this run (so nothing secret-shaped is committed), then scanned once by the CLI
 * in a GitLab merge request pipeline with the real Semgrep, Bandit and KICS plus an imported
 * Gitleaks-style SARIF that quotes the secrets, and once by the GitHub Action running the real
 * Bandit and the same imported findings through a custom scanner. Every output of both is searched
 * for every canary: logs, comment, note, summary, annotations, outputs, reports, raw SARIF, every
 * evidence file in the folder and in the zip. The tokens the two runs hold are searched for too.
 */

const REPLAY = path.join(REPO_ROOT, 'test', 'fixtures', 'action', 'replay.mjs');
/** Its `env` mode prints the tokens in its environment and fails, as a crashing tool's dump would. */
const ENV_DUMP = path.join(REPO_ROOT, 'test', 'fixtures', 'hostile-content', 'hostile-tool.mjs');
const MR_IID = 7;

/** The canaries planted only where a finding that is not about a secret quotes them. */
const IN_OTHER_FINDINGS = [
  'SLACK_WEBHOOK_URL',
  'BEARER_TOKEN',
  'OPENAI_PROJECT_KEY',
  'OPENAI_KEY',
  'STRIPE_TEST_KEY',
  'STRIPE_RESTRICTED_KEY',
  'OPAQUE_TOKEN',
];

/** Line (1-based) and columns of `value` in a corpus file, for the imported findings. */
function locate(dir: string, file: string, value: string): { line: number; start: number; end: number } {
  const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(value));
  if (line < 0) throw new Error(`${file} does not hold the value`);
  const start = (lines[line] ?? '').indexOf(value) + 1;
  return { line: line + 1, start, end: start + value.length };
}

/**
 * A log as Gitleaks writes it: one result per leaked value, the bare value as the snippet, a message
 * naming the rule and file, rules named for the kind of secret, no CWE, no tags.
 */
function leaksSarif(dir: string, c: Record<string, string>): unknown {
  const planted: Array<[string, string, string]> = [
    ['aws-access-token', 'app/settings.py', c.AWS_ACCESS_KEY_ID ?? ''],
    ['aws-secret-key', 'config/production.env', c.ENV_AWS_SECRET_ACCESS_KEY ?? ''],
    ['github-fine-grained-pat', 'web/client.js', c.GITHUB_FINE_GRAINED_TOKEN ?? ''],
    ['gitlab-pat', 'k8s/secret.yaml', c.K8S_GITLAB_TOKEN ?? ''],
    ['slack-user-token', 'config/production.env', c.SLACK_USER_TOKEN ?? ''],
    ['stripe-access-token', 'k8s/deployment.yaml', c.K8S_STRIPE_KEY ?? ''],
    ['jwt', 'app/payments.py', c.JWT ?? ''],
    ['generic-api-key', 'infra/terraform.tfvars', c.TFVARS_API_KEY ?? ''],
    ['generic-api-key', 'config/production.env', c.ENV_SMTP_PASSWORD ?? ''],
    ['generic-api-key', 'app/settings.py', c.PY_DB_PASS ?? ''],
    ['generic-api-key', 'config/app.yaml', c.YAML_DB_PASSWORD ?? ''],
    ['generic-api-key', 'config/app.yaml', c.YAML_SMTP_PASSPHRASE ?? ''],
    ['redis-url-password', 'config/app.yaml', c.REDIS_PASSWORD ?? ''],
  ];
  const ruleIds = [...new Set(planted.map(([rule]) => rule))];
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'gitleaks',
            semanticVersion: 'v8.24.0',
            informationUri: 'https://github.com/gitleaks/gitleaks',
            rules: ruleIds.map((id) => ({
              id,
              name: id,
              shortDescription: { text: `Identified a pattern that may indicate a leaked ${id}.` },
            })),
          },
        },
        results: planted.map(([rule, file, value]) => {
          const at = locate(dir, file, value);
          return {
            ruleId: rule,
            ruleIndex: ruleIds.indexOf(rule),
            level: 'error',
            message: { text: `${rule} has detected secret for file ${file} at commit ${HEAD_SHA}.` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: file },
                  region: {
                    startLine: at.line,
                    startColumn: at.start,
                    endLine: at.line,
                    endColumn: at.end,
                    snippet: { text: value },
                  },
                },
              },
            ],
            partialFingerprints: { commitSha: HEAD_SHA, author: 'dev-alice', email: 'alice@example.com' },
          };
        }),
      },
    ],
  };
}

/**
 * A log as secretlint writes it (without --maskSecrets): the value is part of the message, the
 * rule id names a secretlint rule, no snippet, no CWE.
 */
function secretlintSarif(dir: string, c: Record<string, string>): unknown {
  const rule = (name: string) =>
    `@secretlint/secretlint-rule-preset-recommend > @secretlint/secretlint-rule-${name}`;
  const planted: Array<[string, string, string, string]> = [
    [
      rule('aws'),
      'infra/main.tf',
      c.TF_AWS_SECRET_ACCESS_KEY ?? '',
      '[AWSSecretAccessKey] found AWS Secret Access Key',
    ],
    [rule('pattern'), 'infra/main.tf', c.TF_RDS_PASSWORD ?? '', '[password] found password'],
    [
      rule('basicauth'),
      'web/client.js',
      `admin:${c.MONGO_PASSWORD}`,
      '[BasicAuth] found basic auth credential',
    ],
    [
      rule('github'),
      'app/settings.py',
      c.GITHUB_TOKEN ?? '',
      '[GITHUB_TOKEN] found GitHub Token(Personal Access Tokens)',
    ],
    [rule('slack'), 'app/settings.py', c.SLACK_BOT_TOKEN ?? '', '[SlackToken] found slack token'],
    [rule('privatekey'), 'keys/signing.pem', c.EC_PRIVATE_KEY ?? '', '[PrivateKey] found private key'],
  ];
  const ruleIds = [...new Set(planted.map(([id]) => id))];
  return {
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'secretlint', rules: ruleIds.map((id) => ({ id, name: id })) } },
        results: planted.map(([id, file, value, text]) => {
          const at = locate(dir, file, value.split('\n')[0] ?? value);
          return {
            ruleId: id,
            ruleIndex: ruleIds.indexOf(id),
            level: 'error',
            message: { text: `${text}: ${value}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: file },
                  region: { startLine: at.line, startColumn: at.start, endLine: at.line, endColumn: at.end },
                },
              },
            ],
          };
        }),
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Outputs

interface Output {
  name: string;
  text: string;
}

function filesUnder(dir: string, label: string): Output[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => statSync(f).isFile())
    .map((f) => ({ name: `${label}/${path.relative(dir, f)}`, text: readFileSync(f, 'utf8') }));
}

function zipEntries(file: string, label: string): Output[] {
  return Object.entries(unzipSync(new Uint8Array(readFileSync(file)))).map(([name, bytes]) => ({
    name: `${label}!${name}`,
    text: Buffer.from(bytes).toString('utf8'),
  }));
}

/** Every needle found in every output, named: empty when nothing leaked. */
function leaks(outputs: readonly Output[], secrets: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const output of outputs)
    for (const [value, label] of secrets)
      if (output.text.includes(value)) found.push(`${label} in ${output.name}`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// The two runs

const canaries = makeCanaries();
const secrets = needles(canaries);
const githubToken = fakeToken();
const gitlabToken = `glpat-${randomBytes(15).toString('base64url')}`;
const jobToken = `glcbt-64_${randomBytes(15).toString('base64url')}`;

let root: string;
let workspace: string;
let layout: ActionWorkspace;
let gh: FakeGitHub;
let gl: FakeGitLab;
let cli: NodeRun;
let action: ActionRun;
let report: JsonReport;
/** The imported logs as their tools wrote them, by scanner id. */
let imported: Record<string, unknown>;

const dirs = {
  out: () => path.join(root, 'cli-out'),
  evidence: () => path.join(root, 'cli-evidence'),
  zip: () => path.join(root, 'cli-evidence.zip'),
  reports: () => path.join(root, 'cli-reports'),
};

/** What a runner hands the Action, around the filled corpus (no example app copied in). */
function runnerLayout(): ActionWorkspace {
  const files = {
    runnerTemp: path.join(root, 'runner-temp'),
    eventPath: path.join(root, 'event.json'),
    summaryPath: path.join(root, 'step-summary.md'),
    outputPath: path.join(root, 'output.txt'),
    sarifPath: path.join(root, 'leaks.sarif'),
  };
  mkdirSync(files.runnerTemp, { recursive: true });
  const reset = () => {
    writeFileSync(files.summaryPath, '');
    writeFileSync(files.outputPath, '');
  };
  reset();
  return {
    root,
    workspace,
    ...files,
    setSarif: (log) => writeFileSync(files.sarifPath, JSON.stringify(log)),
    resetRunnerFiles: reset,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

function gitlabEnv(): NodeJS.ProcessEnv {
  return mergeRequestPipelineEnv({
    gitlab: gl,
    projectDir: workspace,
    headSha: HEAD_SHA,
    token: gitlabToken,
    jobToken: jobToken,
  });
}

beforeAll(async () => {
  assertActionBuilt();
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run -s build\` first`);
  root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-secrets-'));
  workspace = path.join(root, 'workspace');
  materialize(workspace, placements(canaries));
  layout = runnerLayout();
  imported = {
    'sarif-gitleaks': leaksSarif(workspace, canaries),
    'sarif-secretlint': secretlintSarif(workspace, canaries),
  };
  writeFileSync(layout.sarifPath, JSON.stringify(imported['sarif-gitleaks']));
  const lintSarif = path.join(root, 'secretlint.sarif');
  writeFileSync(lintSarif, JSON.stringify(imported['sarif-secretlint']));
  // The Action cannot import SARIF: custom scanners hand it the same logs.
  writeFileSync(
    path.join(workspace, '.controlgate.yml'),
    [
      'version: 1',
      'scanners:',
      '  custom:',
      '    - id: leaks',
      '      name: gitleaks (replayed)',
      `      command: ${JSON.stringify(process.execPath)}`,
      `      args: [${JSON.stringify(REPLAY)}, ${JSON.stringify(layout.sarifPath)}, "{sarif}"]`,
      '      sarif: "{outDir}/out.sarif"',
      '      covers: [CC6.1]',
      '    - id: lint',
      '      name: secretlint (replayed)',
      `      command: ${JSON.stringify(process.execPath)}`,
      `      args: [${JSON.stringify(REPLAY)}, ${JSON.stringify(lintSarif)}, "{sarif}"]`,
      '      sarif: "{outDir}/out.sarif"',
      '      covers: [CC6.1]',
      // Its failure is reported (with its error output) but decides nothing: out of scope.
      '    - id: envdump',
      `      command: ${JSON.stringify(process.execPath)}`,
      `      args: [${JSON.stringify(ENV_DUMP)}, "env"]`,
      '      covers: [A1.2]',
      '',
    ].join('\n'),
  );
  gh = await startFakeGitHub();
  gl = await startFakeGitLab();
  [cli, action] = await Promise.all([
    spawnNode(
      CLI,
      [
        'scan',
        '.',
        '--scanners',
        'semgrep,bandit,kics,envdump',
        '--sarif',
        layout.sarifPath,
        '--sarif',
        lintSarif,
        '--no-base',
        '--out-dir',
        dirs.out(),
        '--evidence',
        dirs.evidence(),
        '--evidence-zip',
        dirs.zip(),
        '--reports-dir',
        dirs.reports(),
      ],
      { env: gitlabEnv(), cwd: workspace, timeoutMs: 300_000 },
    ),
    runAction(
      actionEnv(layout, gh, {
        token: githubToken,
        inputs: { scanners: 'bandit,leaks,lint,envdump', base: 'none', 'install-scanners': 'false' },
      }),
      { timeoutMs: 300_000 },
    ),
  ]);
  const json = path.join(dirs.out(), 'controlgate.json');
  if (!existsSync(json)) throw new Error(`the CLI wrote no report\n${tail(cli)}`);
  report = parseJsonReport(readFileSync(json, 'utf8'), json);
}, 600_000);

afterAll(async () => {
  await gh?.stop();
  await gl?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

function cliOutputs(): Output[] {
  return [
    { name: 'CLI stdout', text: cli.stdout },
    { name: 'CLI stderr', text: cli.stderr },
    ...gl.notes(MR_IID).map((n) => ({ name: `MR note ${n.id}`, text: n.body })),
    ...gl.requests.map((r, i) => ({ name: `GitLab request ${i}`, text: JSON.stringify(r.body ?? r.query) })),
    ...filesUnder(dirs.reports(), 'reports'),
    ...filesUnder(dirs.out(), 'out-dir'),
    ...filesUnder(dirs.evidence(), 'evidence'),
    ...zipEntries(dirs.zip(), 'evidence.zip'),
  ];
}

function actionOutputs(): Output[] {
  const out = readOutputs(layout.outputPath);
  const sarifPaths = JSON.parse(out['sarif-paths'] ?? '{}') as Record<string, string>;
  return [
    { name: 'Action stdout', text: action.stdout },
    { name: 'Action stderr', text: action.stderr },
    ...gh.comments(PR_NUMBER).map((c) => ({ name: `PR comment ${c.id}`, text: c.body })),
    ...gh.requests.map((r, i) => ({ name: `GitHub request ${i}`, text: JSON.stringify(r.body ?? r.query) })),
    { name: 'job summary', text: readFileSync(layout.summaryPath, 'utf8') },
    { name: 'GITHUB_OUTPUT', text: readFileSync(layout.outputPath, 'utf8') },
    ...Object.entries(sarifPaths).map(([id, file]) => ({
      name: `sarif-paths.${id}`,
      text: readFileSync(file, 'utf8'),
    })),
    ...filesUnder(out['evidence-path'] ?? '', 'Action evidence'),
  ];
}

describe('planted secrets in code, configuration and infrastructure files', () => {
  it('both runs finish, and every scanner found planted secrets (so there was something to leak)', () => {
    expect(cli.exitCode, tail(cli)).toBe(1);
    expect(action.exitCode, tail(action)).toBe(1);
    expect(report.scanners.map((s) => [s.id, s.status])).toEqual([
      ['semgrep', 'ok'],
      ['bandit', 'ok'],
      ['kics', 'ok'],
      ['envdump', 'failed'],
      ['sarif-gitleaks', 'ok'],
      ['sarif-secretlint', 'ok'],
    ]);
    for (const id of ['semgrep', 'bandit', 'kics']) {
      const found = toolFindings(report).filter((f) => f.scanner === id && f.secret);
      expect(found.length, `${id}: secret findings`).toBeGreaterThan(0);
    }
    // The imported secret scanners name no CWE: every result of theirs is here, in the workspace.
    for (const id of ['sarif-gitleaks', 'sarif-secretlint']) {
      const found = toolFindings(report).filter((f) => f.scanner === id && f.inWorkspace);
      expect(found.length, id).toBe(id === 'sarif-gitleaks' ? 13 : 6);
    }
    const comment = gh.comments(PR_NUMBER)[0]?.body ?? '';
    // The comment lists the blocking problems with the criteria they fail.
    expect(comment).toContain('### controlgate: ❌ Blocked:');
    expect(comment).toContain('| CC7.1, CC8.1 |');
    expect(gl.notes(MR_IID)).toHaveLength(1);
  });

  it('the CLI: no canary in stdout, stderr, the MR note, the GitLab reports or --out-dir', () => {
    const outputs = cliOutputs().filter((o) => !o.name.startsWith('evidence'));
    expect(outputs.length).toBeGreaterThan(6);
    expect(leaks(outputs, secrets)).toEqual([]);
  });

  it('the CLI: no canary in any evidence file, in the folder or the zip', () => {
    const outputs = cliOutputs().filter((o) => o.name.startsWith('evidence'));
    expect(outputs.map((o) => o.name)).toEqual(
      expect.arrayContaining([
        'evidence/report.html',
        'evidence/controlgate.json',
        'evidence.zip!report.html',
      ]),
    );
    expect(leaks(outputs, secrets)).toEqual([]);
  });

  it('the Action: no canary in its log, annotations, comment, summary, outputs, SARIF or evidence', () => {
    const outputs = actionOutputs();
    expect(outputs.map((o) => o.name)).toEqual(
      expect.arrayContaining(['job summary', 'sarif-paths.bandit', 'Action evidence/report.html']),
    );
    expect(leaks(outputs, secrets)).toEqual([]);
  });

  it("the Action's token appears only in its mask command and the API's Authorization header", () => {
    const unmasked = action.stdout
      .split('\n')
      .filter((line) => line.trimEnd() !== `::add-mask::${githubToken}`)
      .join('\n');
    const outputs = [{ name: 'Action stdout (bar the mask)', text: unmasked }, ...actionOutputs().slice(1)];
    expect(leaks(outputs, new Map([[githubToken, 'the GitHub token']]))).toEqual([]);
    expect(gh.tokens).toEqual([githubToken]);
  });

  it('the GitLab tokens appear in no output, evidence or report', () => {
    const tokens = new Map([
      [gitlabToken, 'CONTROLGATE_GITLAB_TOKEN'],
      [jobToken, 'CI_JOB_TOKEN'],
    ]);
    expect(leaks(cliOutputs(), tokens)).toEqual([]);
    expect(gl.tokens).toEqual([gitlabToken]);
  });
});

interface RawLog {
  runs: Array<{
    tool: { driver: { rules?: Array<{ id: string }> } };
    results?: Array<{
      ruleId?: string;
      locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string } } }>;
    }>;
  }>;
}

/** Rule ids of rules and results, and every result's URIs, in order: what a raw log is about. */
function identity(log: RawLog): unknown {
  return log.runs.map((run) => ({
    rules: (run.tool.driver.rules ?? []).map((r) => r.id),
    results: (run.results ?? []).map((r) => ({
      ruleId: r.ruleId,
      uris: (r.locations ?? []).map((l) => l.physicalLocation?.artifactLocation?.uri),
    })),
  }));
}

describe('secrets in the snippets of findings that are not about a secret', () => {
  it('each planted shape is quoted by such a finding, and masked there', () => {
    const file = 'app/notify.py';
    for (const name of IN_OTHER_FINDINGS) {
      const value = canaries[name] ?? '';
      const { line } = locate(workspace, file, value);
      const quoting = toolFindings(report).filter((f) => f.path === file && f.line === line && !f.secret);
      expect(quoting.length, `${name}: a finding on ${file}:${line}`).toBeGreaterThan(0);
      for (const f of quoting) {
        expect(f.snippet, name).toContain(REDACTED);
        expect(f.snippet, name).not.toContain(value);
      }
    }
  });
});

describe('raw SARIF in the evidence: secret values redacted, nothing else', () => {
  const raw = (id: string) =>
    JSON.parse(readFileSync(path.join(dirs.evidence(), 'sarif', 'raw', `${id}.sarif`), 'utf8')) as RawLog;

  it('the imported logs keep the rule ids and URIs their tools wrote', () => {
    for (const [id, original] of Object.entries(imported))
      expect(identity(raw(id)), id).toEqual(identity(original as RawLog));
  });

  it.each(['semgrep', 'bandit', 'kics'])('%s keeps the rule id and file of every finding', (id) => {
    const log = raw(id);
    const results = log.runs.flatMap((run) => run.results ?? []);
    const findings = toolFindings(report).filter((f) => f.scanner === id);
    expect(results.length).toBe(findings.length);
    expect(new Set(results.map((r) => r.ruleId))).toEqual(new Set(findings.map((f) => f.ruleId)));
    const uris = results.flatMap((r) =>
      (r.locations ?? []).map((l) => l.physicalLocation?.artifactLocation?.uri ?? ''),
    );
    for (const uri of uris) expect(uri).not.toContain(REDACTED);
    for (const f of findings)
      expect(
        uris.some((uri) => uri.endsWith(f.path)),
        f.path,
      ).toBe(true);
    const rules = log.runs.flatMap((run) => run.tool.driver.rules ?? []);
    for (const rule of rules) expect(rule.id).not.toContain(REDACTED);
  });
});
