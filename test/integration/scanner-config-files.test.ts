import { afterAll, describe, expect, it } from 'vitest';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { runCli } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';

/*
 * The scanners' own configuration files are data when a pull request adds them to the scanned
 * tree: each case adds a vulnerable file and, beside it and at the top, every file its scanner
 * could read to skip that file, its rule or its severity. The finding must still be reported.
 * Real git repositories, the real scanners, the built CLI.
 *
 * - Semgrep is given explicit file targets, to which .semgrepignore and .gitignore do not apply
 *   (Semgrep 1.180 filters only the files it discovers in folders).
 * - Bandit is given explicit file targets: it looks for .bandit only in folders it walks, and reads
 *   pyproject.toml or a YAML configuration only when named with -c; setup.cfg never.
 * - KICS given a single --path loads kics.config from that folder (a file's own folder), which can choose queries
 *   that never match (cloud-provider, type), exclude categories, queries or paths: controlgate
 *   passes an empty --config instead.
 */

const only = (id: string) =>
  `scanners:\n${['semgrep', 'bandit', 'kics', 'gitleaks', 'osv-scanner'].map((s) => `  ${s}:\n    enabled: ${s === id}\n`).join('')}`;

const repos: GitRepo[] = [];
afterAll(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

/** A pull request on `main` (which has the policy) adding `files`, scanned with --base main. */
function pullRequest(scanner: string, files: Record<string, string>): JsonReport {
  const repo = GitRepo.create({ 'README.md': 'app\n', '.controlgate.yml': only(scanner) });
  repos.push(repo);
  repo.commit('Policy');
  repo.branch('feature');
  // Forced: a .gitignore the change adds does not untrack the files it commits.
  repo.write(files).git('add', '--force', '--', ...Object.keys(files));
  repo.commit('A vulnerable file, and scanner configuration that would hide it');
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
  if (run.stdout.trim() === '') throw new Error(`scan failed (${run.exitCode}): ${run.stderr}`);
  const report = parseJsonReport(run.stdout, 'stdout');
  expect(report.scanners.map((s) => `${s.id}:${s.status}`)).toEqual([`${scanner}:ok`]);
  expect(run.exitCode, run.stderr).toBe(1);
  return report;
}

function found(report: JsonReport, file: string): string[] {
  return report.findings
    .filter((f) => f.path === file && !f.suppressed)
    .map((f) => f.ruleId)
    .sort();
}

const EVAL = 'def run(text):\n    return eval(text)\n';
const SHELL = 'import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n';
const OPEN_SSH = `resource "aws_security_group" "app" {
  name        = "app"
  description = "App hosts"

  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;

describe("a scanner's configuration file in the pull request does not steer it", () => {
  it('Semgrep: .semgrepignore (top and beside) and .gitignore naming the file change nothing', () => {
    const ignore = 'app/\nvuln.py\n*.py\n';
    const report = pullRequest('semgrep', {
      'app/vuln.py': EVAL,
      '.semgrepignore': ignore,
      'app/.semgrepignore': ignore,
      '.gitignore': ignore,
      'app/.gitignore': ignore,
    });
    expect(found(report, 'app/vuln.py')).toEqual(['controlgate.python.eval-injection']);
  });

  it('Bandit: .bandit, pyproject.toml, setup.cfg and bandit.yaml skipping its tests change nothing', () => {
    const ini = '[bandit]\nskips = B404,B602\nexclude = app\n';
    const toml = '[tool.bandit]\nskips = ["B404", "B602"]\nexclude_dirs = ["app"]\n';
    const yaml = 'skips: ["B404", "B602"]\nexclude_dirs: ["app"]\n';
    const report = pullRequest('bandit', {
      'app/vuln.py': SHELL,
      '.bandit': ini,
      'app/.bandit': ini,
      'pyproject.toml': toml,
      'app/pyproject.toml': toml,
      'setup.cfg': ini,
      'app/setup.cfg': ini,
      'bandit.yaml': yaml,
      'app/bandit.yaml': yaml,
      '.bandit.yml': yaml,
    });
    expect(found(report, 'app/vuln.py')).toEqual(['B404', 'B602']);
  });

  it('KICS: a kics.config beside the only scanned file, choosing queries that cannot match, changes nothing', () => {
    // Without the empty --config, KICS 2.2 loads it: Azure's queries only, nothing found, exit 0.
    const report = pullRequest('kics', {
      'infra/main.tf': OPEN_SSH,
      'infra/kics.config': JSON.stringify({ 'cloud-provider': 'azure' }),
      'kics.config': 'type: Dockerfile\n',
    });
    expect(found(report, 'infra/main.tf').length).toBeGreaterThan(0);
  }, 600_000); // KICS compiles its queries first: some 20 s a run, more beside other suites.

  it('Gitleaks: a .gitleaks.toml (top and beside) allowing every path and the rule changes nothing', () => {
    // Shaped like a GitLab token only: it works nowhere (test/fixtures/example-history has it too).
    const token = 'glpat-Xq7vRt2KmZ9pLw4NbY8c';
    const allowAll = [
      '[extend]',
      'useDefault = true',
      '[allowlist]',
      'paths = [".*"]',
      `regexes = ["glpat-.*"]`,
      '',
    ].join('\n');
    const report = pullRequest('gitleaks', {
      'app/deploy.js': `const TOKEN = "${token}";\n`,
      '.gitleaks.toml': allowAll,
      'app/.gitleaks.toml': allowAll,
      '.gitleaksignore': '',
    });
    expect(found(report, 'app/deploy.js')).toEqual(['gitlab-pat']);
  });
});
