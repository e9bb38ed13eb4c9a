import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { runCli } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';

/*
 * The trust boundary, tried as the author of a pull request would: each case adds a shell-injection
 * file (Bandit B602, high: it blocks) and tampers with the gate's own rules in the same change. The
 * base's policy judges the change, so it still blocks, and the tampering is reported as a proposal.
 * Real git repositories, the real Bandit, the built CLI.
 */

/** Only Bandit: fast, and enough to show the rules. Semgrep, KICS and OSV-Scanner are off in the base's policy. */
const BASE_CONFIG =
  'scanners:\n  semgrep:\n    enabled: false\n  kics:\n    enabled: false\n  gitleaks:\n    enabled: false\n  osv-scanner:\n    enabled: false\n';
const VULNERABLE = 'import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n';

const repos: GitRepo[] = [];
afterAll(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

/** `main` with the application and its policy (and extra base files), checked out on `feature`. */
function repository(baseFiles: Record<string, string> = {}): GitRepo {
  const repo = GitRepo.create({
    'app.py': 'print("hello")\n',
    '.controlgate.yml': BASE_CONFIG,
    ...baseFiles,
  });
  repos.push(repo);
  repo.commit('Application and its policy');
  return repo.branch('feature');
}

function scan(
  repo: GitRepo,
  extra: string[] = [],
): { exitCode: number | null; report: JsonReport; stderr: string } {
  const run = runCli([
    'scan',
    repo.dir,
    '--base',
    'main',
    '--format',
    'json',
    '--no-evidence',
    '--no-progress',
    ...extra,
  ]);
  if (run.exitCode === 2 || run.stdout.trim() === '')
    throw new Error(`scan failed (${run.exitCode}): ${run.stderr}`);
  return { exitCode: run.exitCode, report: parseJsonReport(run.stdout, 'stdout'), stderr: run.stderr };
}

function proposedKeys(report: JsonReport): string[] {
  return (report.policy.proposed?.changes ?? []).map((c) => `${c.key} ${c.change}`);
}

/** Within the year waivers may run, from today. */
/** A custom scanner that flags vuln.py when it exists, or (edited) never flags anything. */
const LINT = (finds: boolean) => `import json, os, sys
rule = {"id": "always", "properties": {"security-severity": "9.1", "tags": ["security", "CWE-78"]}}
found = ${finds ? 'True' : 'False'} and os.path.exists(os.path.join(sys.argv[2], "vuln.py"))
results = [{"ruleId": "always", "level": "error", "message": {"text": "shell call"},
  "locations": [{"physicalLocation": {"artifactLocation": {"uri": "vuln.py"}, "region": {"startLine": 1}}}]}]
log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "lint", "rules": [rule]}},
  "results": results if found else []}]}
open(sys.argv[1], "w").write(json.dumps(log))
`;
const LINT_CONFIG = (script: string, extra = '') => `scanners:
  semgrep: { enabled: false }
  bandit: { enabled: false }
  kics: { enabled: false }
  custom:
    - id: lint
      command: python3
      args: ["{root}/${script}", "{sarif}", "{root}"]
      sarif: "{outDir}/out.sarif"${extra}
`;

const FUTURE = new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10);
const waiverFile = (entries: string) => `version: 1\nwaivers:\n${entries}`;
const everything = (id: string, expires: string) =>
  `  - id: ${id}\n    rule: "*"\n    path: "**"\n    reason: The author says this is fine\n    approver: author@example.com\n    ticket: SEC-1\n    expires: ${expires}\n`;

describe("a pull request is judged by its base's policy, never its own", () => {
  it('the pull request alone blocks, judged by the policy at the base commit', () => {
    const repo = repository();
    repo.write({ 'vuln.py': VULNERABLE }).commit('Add a shell call');
    const { exitCode, report } = scan(repo);
    expect(exitCode).toBe(1);
    expect(report.policy).toMatchObject({
      source: 'base',
      commit: repo.git('rev-parse', 'main').trim(),
      proposed: null,
    });
    expect(report.policy.config?.file).toBe('.controlgate.yml');
  });

  const tampering: [string, Record<string, string>, string][] = [
    ['mode: warn', { '.controlgate.yml': `${BASE_CONFIG}policy:\n  mode: warn\n` }, 'policy.mode changed'],
    [
      'severity: critical',
      { '.controlgate.yml': `${BASE_CONFIG}policy:\n  severity: critical\n` },
      'policy.severity changed',
    ],
    [
      'a criterion set to warn',
      { '.controlgate.yml': `${BASE_CONFIG}policy:\n  CC7.1:\n    mode: warn\n` },
      'policy.CC7.1 added',
    ],
    [
      'exclude its own file',
      { '.controlgate.yml': `${BASE_CONFIG}exclude:\n  - vuln.py\n` },
      'exclude added',
    ],
    [
      'a mapping override making Bandit advisory',
      { '.controlgate.yml': `${BASE_CONFIG}mapping:\n  - match:\n      tool: bandit\n    advisory: true\n` },
      'mapping added',
    ],
    [
      'Bandit disabled',
      { '.controlgate.yml': BASE_CONFIG.replace('kics:', 'bandit:\n    enabled: false\n  kics:') },
      'scanners.bandit.enabled changed',
    ],
    [
      'a waiver for everything',
      { '.controlgate-waivers.yml': waiverFile(everything('W-1', FUTURE)) },
      'waivers.W-1 added',
    ],
    [
      'a custom scanner of its own',
      {
        '.controlgate.yml': `${BASE_CONFIG}  custom:\n    - id: mine\n      command: python3\n      args: ["-c", "print(1)"]\n`,
      },
      'scanners.custom.mine added',
    ],
  ];

  for (const [what, files, key] of tampering) {
    it(`still blocks with ${what}, reported as a proposed change`, () => {
      const repo = repository();
      repo.write({ 'vuln.py': VULNERABLE, ...files }).commit(`Add a shell call, and ${what}`);
      const { exitCode, report } = scan(repo);
      expect(exitCode, JSON.stringify(report.policy)).toBe(1);
      expect(report.decision).toBe('block');
      expect(proposedKeys(report)).toContain(key);
      expect(report.scanners.map((s) => s.id)).toEqual(['bandit']);
      expect(report.findings.some((f) => f.ruleId === 'B602' && f.path === 'vuln.py')).toBe(true);
    });
  }

  it('the evidence holds the policy that judged the change and, apart, the one it proposes', () => {
    const repo = repository();
    const proposedConfig = `${BASE_CONFIG}exclude: ["vuln.py"]\n`;
    const proposedWaivers = waiverFile(everything('W-9', FUTURE));
    repo
      .write({
        'vuln.py': VULNERABLE,
        '.controlgate.yml': proposedConfig,
        '.controlgate-waivers.yml': proposedWaivers,
      })
      .commit('Add a shell call, exclude it and waive everything');
    const evidence = path.join(repo.dir, '..', `${path.basename(repo.dir)}-evidence`);
    const run = runCli(['scan', repo.dir, '--base', 'main', '--evidence', evidence, '--no-progress']);
    expect(run.exitCode, run.stderr).toBe(1);
    const read = (file: string) => readFileSync(path.join(evidence, file), 'utf8');
    expect(read('inputs/policy/.controlgate.yml')).toBe(BASE_CONFIG);
    expect(existsSync(path.join(evidence, 'inputs/policy/.controlgate-waivers.yml'))).toBe(false);
    expect(read('inputs/proposed/.controlgate.yml')).toBe(proposedConfig);
    expect(read('inputs/proposed/.controlgate-waivers.yml')).toBe(proposedWaivers);
    const effective = JSON.parse(read('inputs/config.effective.json')) as { exclude: string[] };
    expect(effective.exclude).toEqual([]);
    rmSync(evidence, { recursive: true, force: true });
  });

  it('still blocks with an expired waiver extended, reported as extended', () => {
    const repo = repository({ '.controlgate-waivers.yml': waiverFile(everything('W-2', '2026-01-31')) });
    repo
      .write({ 'vuln.py': VULNERABLE, '.controlgate-waivers.yml': waiverFile(everything('W-2', FUTURE)) })
      .commit('Add a shell call, and extend the waiver');
    const { exitCode, report } = scan(repo);
    expect(exitCode).toBe(1);
    expect(proposedKeys(report)).toEqual(['waivers.W-2 extended']);
    expect(report.waivers.applied).toEqual([]);
  });

  it('a policy of its own that does not validate is reported, never applied, and the gate still decides', () => {
    const repo = repository();
    repo
      .write({ 'vuln.py': VULNERABLE, '.controlgate.yml': 'policy:\n  mode: whatever\n' })
      .commit('Broken policy');
    const { exitCode, report, stderr } = scan(repo);
    expect(exitCode).toBe(1);
    expect(report.policy.proposed?.invalid).toMatch(/policy\.mode/);
    expect(stderr).toBe('');
  });

  it('the terminal report says first that the base judged, and what the change proposes', () => {
    const repo = repository();
    repo
      .write({ 'vuln.py': VULNERABLE, '.controlgate.yml': `${BASE_CONFIG}policy:\n  mode: warn\n` })
      .commit('Warn');
    const run = runCli(['scan', repo.dir, '--base', 'main', '--no-evidence', '--no-progress']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout.split('\n')[0]).toMatch(
      /^POLICY: This change proposes 1 change to the gate's own policy/,
    );
    expect(run.stdout).toContain('  - policy.mode changed: "block" → "warn"');
  });

  it('the same edit, merged into the base, takes effect on the next pull request', () => {
    const repo = repository();
    repo.write({ '.controlgate.yml': `${BASE_CONFIG}policy:\n  mode: warn\n` }).commit('Reviewed: warn only');
    repo.checkout('main');
    repo.git('merge', '--quiet', '--no-edit', 'feature');
    repo.git('checkout', '--quiet', '-b', 'next');
    repo.write({ 'vuln.py': VULNERABLE }).commit('Add a shell call');
    const { exitCode, report } = scan(repo);
    expect(exitCode).toBe(0);
    expect(report.policy).toMatchObject({ source: 'base', proposed: null });
    expect(report.controls.find((c) => c.id === 'CC7.1')?.verdict).toBe('warn');
  });

  it('--policy-from-head tries the proposed policy locally, and says so', () => {
    const repo = repository();
    repo
      .write({ 'vuln.py': VULNERABLE, '.controlgate.yml': `${BASE_CONFIG}policy:\n  mode: warn\n` })
      .commit('Warn');
    const { exitCode, report } = scan(repo, ['--policy-from-head']);
    expect(exitCode).toBe(0);
    expect(report.policy.source).toBe('head');
    expect(proposedKeys(report)).toEqual(['policy.mode changed']);
  });

  it("a custom scanner runs its script as the base has it: the change's edit is a proposal", () => {
    const repo = repository({
      '.controlgate.yml': LINT_CONFIG('tools/lint.py'),
      'tools/lint.py': LINT(true),
    });
    repo
      .write({ 'vuln.py': VULNERABLE, 'tools/lint.py': LINT(false) })
      .commit('A shell call, and a linter that finds nothing');
    const { exitCode, report } = scan(repo);
    expect(exitCode, JSON.stringify(report.scanners)).toBe(1);
    expect(report.findings.map((f) => `${f.scanner}:${f.ruleId}`)).toEqual(['lint:always']);
    expect(proposedKeys(report)).toEqual(['scanners.custom.lint.runs changed']);
  });

  it('a script the change turns into a link to another, unchanged file still runs as the base has it', () => {
    const repo = repository({
      '.controlgate.yml': LINT_CONFIG('tools/lint.py'),
      'tools/lint.py': LINT(true),
      'tools/quiet.py': LINT(false),
    });
    repo.write({ 'vuln.py': VULNERABLE }).remove('tools/lint.py');
    symlinkSync('quiet.py', repo.path('tools/lint.py'));
    repo.commit('A shell call, and the linter swapped for one that finds nothing');
    const { exitCode, report } = scan(repo);
    expect(exitCode, JSON.stringify(report.scanners)).toBe(1);
    expect(report.findings.map((f) => `${f.scanner}:${f.ruleId}`)).toEqual(['lint:always']);
    expect(proposedKeys(report)).toEqual(['scanners.custom.lint.runs changed']);
  });

  it('a script the change adds for an existing custom scanner is never run: the scanner fails closed', () => {
    // Python exits 2 on a missing script; a definition that calls 2 clean must not turn that into a pass.
    const repo = repository({
      '.controlgate.yml': LINT_CONFIG('tools/new-lint.py', '\n      cleanExitCodes: [0, 2]'),
    });
    repo.write({ 'tools/new-lint.py': LINT(false) }).commit('Add the script the policy names');
    const run = runCli([
      'scan',
      repo.dir,
      '--base',
      'main',
      '--format',
      'json',
      '--no-evidence',
      '--no-progress',
    ]);
    expect(run.exitCode).toBe(2);
    const report = parseJsonReport(run.stdout, 'stdout');
    const lint = report.scanners.find((s) => s.id === 'lint');
    expect(lint?.status).toBe('failed');
    // Refused before it starts, whatever exit codes its definition calls clean.
    expect(lint?.error).toMatch(/new-lint\.py not found or not executable/);
    expect(proposedKeys(report)).toEqual(['scanners.custom.lint.runs added']);
  });

  it('a --config outside the repository is no part of any change: read as it is', () => {
    const repo = repository();
    repo.write({ 'vuln.py': VULNERABLE }).commit('Add a shell call');
    const outside = path.join(path.dirname(repo.dir), 'gate.yml');
    writeFileSync(outside, `${BASE_CONFIG}policy:\n  mode: warn\n`);
    const { exitCode, report } = scan(repo, ['--config', outside]);
    expect(exitCode).toBe(0);
    expect(report.policy).toMatchObject({ source: 'base', proposed: null });
  });

  it("a --config that is nowhere is the user's error, naming the file", () => {
    const repo = repository();
    const missing = path.join(repo.dir, 'no', 'such', 'gate.yml');
    const run = runCli(['scan', repo.dir, '--base', 'main', '--config', missing, '--no-progress']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(missing);
    expect(run.stderr).not.toMatch(/internal error/);
  });

  it('--policy-from-head is refused in CI', () => {
    const repo = repository();
    const run = runCli(['scan', repo.dir, '--base', 'main', '--policy-from-head', '--no-progress'], {
      env: { GITLAB_CI: 'true' },
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/--policy-from-head .*in CI a change is always judged by its base's policy/);
  });
});
