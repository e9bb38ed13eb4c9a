import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage } from '../../src/errors.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { CLI, REPO_ROOT } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';
import { type NodeRun, spawnNode } from '../support/spawn-node.ts';

/*
 * A pull request cannot suppress what blocks it: the `# nosec`, `nosemgrep` and `kics-scan` comments
 * it adds (KICS drops what they cover, so it is shown a copy with them made inert) are recorded and,
 * under the default `newSuppressions: refuse`, do not unblock a finding of a blocking criterion. The
 * same comment merged into the base branch is honoured on the next change. Real git repositories,
 * the real Bandit, Semgrep and KICS, the built CLI.
 */

type Finding = JsonReport['findings'][number];

/** Three KICS runs share two cores with the rest of the suite: each may take minutes. */
const KICS_WAIT_MS = 600_000;

const ONLY = (scanner: 'bandit' | 'semgrep' | 'kics', policy = '') =>
  `scanners:\n${['semgrep', 'bandit', 'kics']
    .filter((s) => s !== scanner)
    .map((s) => `  ${s}: { enabled: false }\n`)
    .join('')}${policy}`;

const SHELL = (comment = '') =>
  `import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)${comment}\n`;
const EVAL = (above = '') => `def calc(expr):\n${above}    return eval(expr)\n`;

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function repository(base: Record<string, string>): GitRepo {
  const repo = GitRepo.create({ 'app.py': 'print("hello")\n', ...base });
  cleanups.push(() => repo.cleanup());
  repo.commit('Application and its policy');
  return repo.branch('feature');
}

async function scan(repo: GitRepo, extra: string[] = []): Promise<{ run: NodeRun; report: JsonReport }> {
  const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-nosup-tmp-')));
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
  const run = await spawnNode(
    CLI,
    ['scan', repo.dir, '--base', 'main', '--format', 'json', '--no-evidence', '--no-progress', ...extra],
    { cwd: REPO_ROOT, env: { ...process.env, TMPDIR: tmp }, timeoutMs: KICS_WAIT_MS - 30_000 },
  );
  try {
    return { run, report: parseJsonReport(run.stdout, 'stdout') };
  } catch (error) {
    throw new Error(`no report (exit ${run.exitCode}): ${errorMessage(error)}\n${run.stderr}`);
  }
}

function by(report: JsonReport, scanner: string, ruleId: string): Finding[] {
  return report.findings.filter((f) => f.scanner === scanner && f.ruleId === ruleId);
}

function failing(report: JsonReport): string[] {
  return report.controls.filter((c) => c.verdict === 'fail').map((c) => c.id);
}

describe('Bandit: a `# nosec` the change adds', () => {
  it('the change alone blocks', async () => {
    const repo = repository({ '.controlgate.yml': ONLY('bandit') });
    repo.write({ 'vuln.py': SHELL() }).commit('Add a shell call');
    const { run, report } = await scan(repo);
    expect(run.exitCode).toBe(1);
    expect(failing(report)).toContain('CC7.1');
  });

  it('with `# nosec` on the line it still blocks, and the suppression is recorded as the change’s', async () => {
    const repo = repository({ '.controlgate.yml': ONLY('bandit') });
    repo.write({ 'vuln.py': SHELL('  # nosec') }).commit('Add a shell call, suppressed');
    const { run, report } = await scan(repo);
    expect(run.exitCode).toBe(1);
    const [finding] = by(report, 'bandit', 'B602');
    expect(finding).toMatchObject({ suppressed: true, suppressionRefused: true, baselineState: 'new' });
    expect(finding?.suppressions).toEqual([
      { kind: 'inSource', status: 'accepted', justification: 'nosec', line: 5, addedByChange: true },
    ]);
    expect(failing(report)).toContain('CC7.1');
  });

  it('a `# nosec` merged into the base branch is honoured on the next change', async () => {
    const repo = repository({ '.controlgate.yml': ONLY('bandit'), 'vuln.py': SHELL('  # nosec') });
    // The next change touches the file, elsewhere: the finding and its comment predate it.
    repo.write({ 'vuln.py': `# Runs commands.\n${SHELL('  # nosec')}` }).commit('Document the module');
    const { run, report } = await scan(repo);
    expect(run.exitCode).toBe(0);
    const [finding] = by(report, 'bandit', 'B602');
    expect(finding).toMatchObject({
      suppressed: true,
      suppressionRefused: false,
      baselineState: 'unchanged',
    });
    expect(finding?.suppressions[0]).toMatchObject({ line: 6, addedByChange: false });
  });

  it('judging everything, a `# nosec` added over a finding that was already there still counts', async () => {
    const config = ONLY('bandit', 'changes:\n  mode: full\n');
    const repo = repository({ '.controlgate.yml': config, 'vuln.py': SHELL() });
    repo.write({ 'vuln.py': SHELL('  # nosec') }).commit('Silence the finding');
    const { run, report } = await scan(repo);
    expect(run.exitCode).toBe(1);
    expect(by(report, 'bandit', 'B602')[0]).toMatchObject({ suppressed: true, suppressionRefused: true });
  });

  it('under `newSuppressions: honour` in the base policy the comment unblocks, and stays on record', async () => {
    const repo = repository({ '.controlgate.yml': ONLY('bandit', 'policy:\n  newSuppressions: honour\n') });
    repo.write({ 'vuln.py': SHELL('  # nosec') }).commit('Add a shell call, suppressed');
    const { run, report } = await scan(repo);
    expect(run.exitCode).toBe(0);
    expect(by(report, 'bandit', 'B602')[0]).toMatchObject({ suppressed: true, suppressionRefused: false });
    expect(by(report, 'bandit', 'B602')[0]?.suppressions[0]?.addedByChange).toBe(true);
  });

  it('the change cannot switch the key off for itself: its own `newSuppressions: honour` is a proposal', async () => {
    const repo = repository({ '.controlgate.yml': ONLY('bandit') });
    repo
      .write({
        'vuln.py': SHELL('  # nosec'),
        '.controlgate.yml': ONLY('bandit', 'policy:\n  newSuppressions: honour\n'),
      })
      .commit('Add a shell call, suppressed, and honour it');
    const { run, report } = await scan(repo);
    expect(run.exitCode).toBe(1);
    expect(report.policy.proposed?.changes.map((c) => `${c.key} ${c.change}`)).toContain(
      'policy.newSuppressions changed',
    );
  });
});

describe('Semgrep: a `nosemgrep` the change adds', () => {
  it('the change alone blocks', async () => {
    const repo = repository({ '.controlgate.yml': ONLY('semgrep') });
    repo.write({ 'calc.py': EVAL() }).commit('Add a calculator');
    const { run, report } = await scan(repo);
    expect(run.exitCode).toBe(1);
    expect(report.findings.some((f) => f.scanner === 'semgrep' && !f.suppressed)).toBe(true);
  });

  it('with `# nosemgrep` on the line before it still blocks, naming the comment', async () => {
    const repo = repository({ '.controlgate.yml': ONLY('semgrep') });
    repo.write({ 'calc.py': EVAL('    # nosemgrep\n') }).commit('Add a calculator, suppressed');
    const { run, report } = await scan(repo);
    expect(run.exitCode).toBe(1);
    const hidden = report.findings.filter((f) => f.scanner === 'semgrep' && f.path === 'calc.py');
    expect(hidden.length).toBeGreaterThan(0);
    for (const f of hidden) {
      expect(f).toMatchObject({ suppressed: true, suppressionRefused: true });
      expect(f.suppressions[0]).toMatchObject({ kind: 'inSource', line: 2, addedByChange: true });
    }
  });
});

/*
 * KICS's comments, in each of their forms, in one change (one KICS run costs about half a minute).
 * The files are added by the change, so KICS has no base to scan for them.
 */
const OPEN_GROUP = (comment: string) => `resource "aws_security_group" "open" {
  name = "open"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
${comment}    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;
const UNRESTRICTED_INGRESS = '4728cd65-a20c-49da-8b31-9c08b423e4db';
const PRIVILEGED_POD = (header: string) => `${header}apiVersion: v1
kind: Pod
metadata:
  name: tools
spec:
  containers:
    - name: tools
      image: busybox:1.36
      securityContext:
        privileged: true
`;
const KICS_CONFIG = ONLY('kics');

async function kicsChange(withComments: boolean, policy = ''): Promise<{ run: NodeRun; report: JsonReport }> {
  const repo = repository({ '.controlgate.yml': `${KICS_CONFIG}${policy}` });
  repo.write({
    'infra/line.tf': OPEN_GROUP(withComments ? '    # kics-scan ignore-line\n' : ''),
    'infra/block.tf': `${withComments ? '# kics-scan ignore-block\n' : ''}${OPEN_GROUP('')}`,
    'infra/disabled.tf': `${withComments ? `# kics-scan disable=${UNRESTRICTED_INGRESS}\n` : ''}${OPEN_GROUP('')}`,
    'k8s/pod.yaml': PRIVILEGED_POD(withComments ? '# kics-scan ignore\n' : ''),
  });
  repo.commit(
    withComments ? 'Open ports and a privileged pod, suppressed' : 'Open ports and a privileged pod',
  );
  return scan(repo);
}

let plain: Promise<{ run: NodeRun; report: JsonReport }>;
let commented: Promise<{ run: NodeRun; report: JsonReport }>;
let honoured: Promise<{ run: NodeRun; report: JsonReport }>;
beforeAll(() => {
  // Started first and together: KICS's fixed cost overlaps the Bandit and Semgrep cases.
  plain = kicsChange(false);
  commented = kicsChange(true);
  honoured = kicsChange(true, 'policy:\n  newSuppressions: honour\n');
  for (const p of [plain, commented, honoured]) p.catch(() => undefined);
});

describe('KICS: `kics-scan` comments the change adds', { timeout: KICS_WAIT_MS }, () => {
  it('the change alone blocks, with the unrestricted ingress in each Terraform file', async () => {
    const { run, report } = await plain;
    expect(run.exitCode).toBe(1);
    const files = by(report, 'kics', UNRESTRICTED_INGRESS).map((f) => f.path);
    expect(files.sort()).toEqual(['infra/block.tf', 'infra/disabled.tf', 'infra/line.tf']);
    expect(report.findings.filter((f) => f.path === 'k8s/pod.yaml').length).toBeGreaterThan(0);
    expect(report.findings.every((f) => !f.suppressed)).toBe(true);
  });

  it('with ignore-line, ignore-block, disable= and a file-level ignore, it still blocks', async () => {
    const [{ run, report }, alone] = await Promise.all([commented, plain]);
    expect(run.exitCode).toBe(1);
    // Everything KICS found without the comments is still there, at the same place.
    const where = (r: JsonReport) => r.findings.map((f) => `${f.path}:${f.line} ${f.ruleId}`).sort();
    const shifted = alone.report.findings.map((f) => {
      const down = f.path === 'infra/line.tf' ? (f.line >= 7 ? 1 : 0) : 1;
      return `${f.path}:${f.line + down} ${f.ruleId}`;
    });
    expect(where(report)).toEqual(shifted.sort());
    const ingress = by(report, 'kics', UNRESTRICTED_INGRESS);
    const comment = (file: string) =>
      ingress
        .find((f) => f.path === file)
        ?.suppressions.map((s) => [s.justification, s.line, s.addedByChange]);
    expect(comment('infra/line.tf')).toEqual([['kics-scan ignore-line', 7, true]]);
    expect(comment('infra/block.tf')).toEqual([['kics-scan ignore-block', 1, true]]);
    expect(comment('infra/disabled.tf')).toEqual([[`kics-scan disable=${UNRESTRICTED_INGRESS}`, 1, true]]);
    for (const f of ingress) expect(f).toMatchObject({ suppressed: true, suppressionRefused: true });
    const pod = report.findings.filter((f) => f.path === 'k8s/pod.yaml');
    expect(pod.length).toBeGreaterThan(0);
    for (const f of pod) expect(f.suppressions[0]?.justification).toBe('kics-scan ignore');
    expect(failing(report)).toEqual(failing(alone.report));
  });

  it('under `newSuppressions: honour` the comments hide what KICS would hide, on record', async () => {
    const { run, report } = await honoured;
    const ingress = by(report, 'kics', UNRESTRICTED_INGRESS);
    expect(ingress).toHaveLength(3);
    for (const f of ingress) expect(f).toMatchObject({ suppressed: true, suppressionRefused: false });
    // disabled.tf only disables one query: its other findings stand, so the change still fails.
    expect(report.findings.some((f) => f.path === 'infra/disabled.tf' && !f.suppressed)).toBe(true);
    expect(report.findings.filter((f) => f.path === 'k8s/pod.yaml').every((f) => f.suppressed)).toBe(true);
    expect(run.exitCode).toBe(1);
  });
});

describe('--sarif input: an external suppression on a change', () => {
  it('does not unblock a finding of a blocking criterion', async () => {
    const repo = repository({
      '.controlgate.yml':
        'scanners:\n  semgrep: { enabled: false }\n  bandit: { enabled: false }\n  kics: { enabled: false }\n',
    });
    repo.write({ 'svc.py': 'import os\nos.system(input())\n' }).commit('Add a service');
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-nosup-sarif-')));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sarif = path.join(dir, 'codeql.sarif');
    writeFileSync(
      sarif,
      JSON.stringify({
        version: '2.1.0',
        runs: [
          {
            tool: {
              driver: {
                name: 'CodeQL',
                rules: [
                  {
                    id: 'py/command-line-injection',
                    properties: { 'security-severity': '9.8', tags: ['security', 'external/cwe/cwe-078'] },
                  },
                ],
              },
            },
            results: [
              {
                ruleId: 'py/command-line-injection',
                level: 'error',
                message: { text: 'This command line depends on a user-provided value.' },
                locations: [
                  { physicalLocation: { artifactLocation: { uri: 'svc.py' }, region: { startLine: 2 } } },
                ],
                suppressions: [
                  { kind: 'external', status: 'accepted', justification: 'dismissed in the PR' },
                ],
              },
            ],
          },
        ],
      }),
    );
    const { run, report } = await scan(repo, ['--sarif', sarif]);
    expect(run.exitCode).toBe(1);
    expect(report.findings[0]).toMatchObject({ suppressed: true, suppressionRefused: true });
    expect(report.findings[0]?.suppressions[0]).toMatchObject({ kind: 'external', addedByChange: true });
  });
});
