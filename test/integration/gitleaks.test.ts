import { randomInt } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage } from '../../src/errors.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { CLI, REPO_ROOT } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';
import { makeCanaries, materialize, needles, placements } from '../support/secret-canaries.ts';
import { type NodeRun, spawnNode } from '../support/spawn-node.ts';

/*
 * Gitleaks as the gate runs it: the real binary (the tools folder's), real git repositories. The
 * secrets corpus filled with this run's canaries: the planted secrets are found and no canary comes
 * out anywhere. A pull request that adds a token and removes it again is still blocked (the secret is
 * in its history). A token Semgrep finds too is one problem. A `gitleaks:allow` or `.gitleaksignore`
 * entry the change adds does not unblock it; one the base has is honoured.
 */
const OUT = path.join(REPO_ROOT, 'out', process.env.CONTROLGATE_TEST_OUT ?? 'test', 'gitleaks');

type Finding = JsonReport['findings'][number];

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function scan(target: string, args: string[]): Promise<{ run: NodeRun; report: JsonReport }> {
  const run = await spawnNode(CLI, ['scan', target, '--format', 'json', '--no-progress', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TMPDIR: tempDir('controlgate-gitleaks-tmp-') },
    timeoutMs: 240_000,
  });
  try {
    return { run, report: parseJsonReport(run.stdout, 'stdout') };
  } catch (error) {
    throw new Error(`no report (exit ${run.exitCode}): ${errorMessage(error)}\n${run.stderr}`);
  }
}

function failing(report: JsonReport): string[] {
  return report.controls.filter((c) => c.verdict === 'fail').map((c) => c.id);
}

function gitleaksRun(report: JsonReport) {
  return report.scanners.find((s) => s.id === 'gitleaks');
}

/** Every file under `dir`, as bytes decoded; a link is reported, never followed. */
function filesUnder(dir: string): { file: string; text: string; link: boolean }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      const link = lstatSync(file).isSymbolicLink();
      return { file, link, text: link ? '' : readFileSync(file).toString('utf8') };
    });
}

// ---------------------------------------------------------------------------------------------

describe('the secrets corpus, scanned by Gitleaks', () => {
  const canaries = makeCanaries();
  let corpus: string;
  let outDir: string;
  let evidenceDir: string;
  let run: NodeRun;
  let report: JsonReport;

  beforeAll(async () => {
    corpus = tempDir('controlgate-gitleaks-corpus-');
    materialize(corpus, placements(canaries));
    outDir = path.join(OUT, 'corpus');
    evidenceDir = path.join(OUT, 'corpus-evidence');
    rmSync(outDir, { recursive: true, force: true });
    rmSync(evidenceDir, { recursive: true, force: true });
    ({ run, report } = await scan(corpus, [
      '--scanners',
      'gitleaks',
      '--no-base',
      '--out-dir',
      outDir,
      '--evidence',
      evidenceDir,
    ]));
  }, 300_000);

  it('finds the planted secrets of known shapes, each at its file, as high-severity CC6.1 findings', () => {
    expect(gitleaksRun(report)?.status).toBe('ok');
    const found = new Set(
      report.findings.filter((f) => f.scanner === 'gitleaks').map((f) => `${f.ruleId} ${f.path}`),
    );
    for (const expected of [
      'aws-access-token app/settings.py',
      'github-pat app/settings.py',
      'slack-bot-token app/settings.py',
      'slack-user-token config/production.env',
      'aws-access-token infra/main.tf',
      'gitlab-pat k8s/secret.yaml',
      'github-fine-grained-pat web/client.js',
      'jwt app/payments.py',
      'private-key keys/deploy_rsa',
      'private-key keys/signing.pem',
    ]) {
      expect(found, expected).toContain(expected);
    }
    for (const finding of report.findings) {
      expect(finding).toMatchObject({ secret: true, severity: 'high', cwe: ['CWE-798'], inWorkspace: true });
      expect(finding.criteria).toEqual(expect.arrayContaining(['CC6.1', 'CC6.6']));
    }
    expect(run.exitCode).toBe(1);
    expect(failing(report)).toContain('CC6.1');
  });

  it('lets no canary out: not on stdout or stderr, not in any file of the output or evidence folders', () => {
    const haystacks = [
      { file: 'stdout', text: run.stdout, link: false },
      { file: 'stderr', text: run.stderr, link: false },
      ...filesUnder(outDir),
      ...filesUnder(evidenceDir),
    ];
    // The folder of links Gitleaks scanned leads to the corpus: it is gone once read.
    expect(haystacks.filter((h) => h.link).map((h) => h.file)).toEqual([]);
    expect(haystacks.map((h) => path.basename(h.file))).toEqual(
      expect.arrayContaining(['controlgate.json', 'gitleaks.sarif']),
    );
    const leaks: string[] = [];
    for (const [needle, label] of needles(canaries)) {
      for (const { file, text } of haystacks) if (text.includes(needle)) leaks.push(`${label} in ${file}`);
    }
    expect(leaks).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

/** A GitHub token of the real shape, drawn for this run. */
function githubToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let body = '';
  while (!/\d/.test(body) || !/[A-Z]/.test(body)) {
    body = '';
    for (let i = 0; i < 36; i++) body += alphabet[randomInt(alphabet.length)];
  }
  return `ghp_${body}`;
}

const ONLY_GITLEAKS =
  'scanners:\n  semgrep: { enabled: false }\n  bandit: { enabled: false }\n  kics: { enabled: false }\n';
const GITLEAKS_AND_SEMGREP = 'scanners:\n  bandit: { enabled: false }\n  kics: { enabled: false }\n';

function repository(base: Record<string, string>): GitRepo {
  const repo = GitRepo.create({ 'README.md': '# app\n', ...base }, 'controlgate-gitleaks-repo-');
  cleanups.push(() => repo.cleanup());
  repo.commit('Application and its policy');
  return repo.branch('feature');
}

async function scanChange(repo: GitRepo): Promise<{ run: NodeRun; report: JsonReport }> {
  return scan(repo.dir, ['--base', 'main', '--no-evidence']);
}

function gitleaksFindings(report: JsonReport, ruleId = 'github-pat'): Finding[] {
  return report.findings.filter((f) => f.scanner === 'gitleaks' && f.ruleId === ruleId);
}

describe('a pull request’s history', () => {
  it('a token added in one commit and removed in the next is still a new, blocking finding', async () => {
    const token = githubToken();
    const repo = repository({ '.controlgate.yml': ONLY_GITLEAKS, 'app.py': 'print("hello")\n' });
    const added = repo.write({ 'deploy.py': `TOKEN = "${token}"\n` }).commit('Deploy with a token');
    repo.remove('deploy.py').commit('Read the token from the environment');
    const { run, report } = await scanChange(repo);

    expect(gitleaksRun(report)?.status).toBe('ok');
    const [finding, ...more] = gitleaksFindings(report);
    expect(more).toEqual([]);
    expect(finding).toMatchObject({
      path: `git-commit:${added}/deploy.py`,
      inWorkspace: false,
      line: 1,
      baselineState: 'new',
      suppressed: false,
      severity: 'high',
    });
    expect(finding?.message).toContain(`in commit ${added.slice(0, 12)} of this change`);
    expect(run.exitCode).toBe(1);
    expect(failing(report)).toContain('CC6.1');
    expect(`${run.stdout}\n${run.stderr}`).not.toContain(token);
  });

  it('a token still in the head is one finding, not one from the tree and one from the history', async () => {
    const token = githubToken();
    const repo = repository({ '.controlgate.yml': ONLY_GITLEAKS });
    repo.write({ 'deploy.py': `TOKEN = "${token}"\n` }).commit('Deploy with a token');
    // Moved down a line by a later commit of the change: still the same secret.
    repo.write({ 'deploy.py': `# Deployment settings\nTOKEN = "${token}"\n` }).commit('Document it');
    const { report } = await scanChange(repo);
    expect(gitleaksFindings(report).map((f) => [f.path, f.line])).toEqual([['deploy.py', 2]]);
  });
});

describe('Gitleaks and Semgrep on one token', () => {
  it('are one problem with both tools as its sources', async () => {
    const token = githubToken();
    const repo = repository({ '.controlgate.yml': GITLEAKS_AND_SEMGREP });
    repo.write({ 'deploy.py': `GITHUB_TOKEN = "${token}"\n` }).commit('Deploy with a token');
    const { run, report } = await scanChange(repo);
    const problems = report.findings.filter((f) => f.path === 'deploy.py' && f.line === 1);
    expect(problems).toHaveLength(1);
    const tools = (problems[0]?.sources ?? []).map((s) => `${s.scanner} ${s.ruleId}`).sort();
    // Semgrep's hard-coded password rule may read the assignment too: the same weakness, merged as well.
    expect(tools).toEqual(
      expect.arrayContaining(['gitleaks github-pat', 'semgrep controlgate.secrets.github-token']),
    );
    expect(run.exitCode).toBe(1);
    expect(run.stdout).not.toContain(token);
  });
});

describe('suppressions of a leak', () => {
  it('a gitleaks:allow the change adds is recorded as the change’s and does not unblock it', async () => {
    const repo = repository({ '.controlgate.yml': ONLY_GITLEAKS });
    repo.write({ 'deploy.py': `TOKEN = "${githubToken()}"  # gitleaks:allow\n` }).commit('Deploy, allowed');
    const { run, report } = await scanChange(repo);
    const [finding] = gitleaksFindings(report);
    expect(finding).toMatchObject({ path: 'deploy.py', suppressed: true, suppressionRefused: true });
    expect(finding?.suppressions).toEqual([
      { kind: 'inSource', status: 'accepted', justification: 'gitleaks:allow', line: 1, addedByChange: true },
    ]);
    expect(run.exitCode).toBe(1);
    expect(failing(report)).toContain('CC6.1');
  });

  it('a .gitleaksignore entry the change adds is recorded as the change’s and does not unblock it', async () => {
    const repo = repository({ '.controlgate.yml': ONLY_GITLEAKS });
    repo
      .write({ 'deploy.py': `TOKEN = "${githubToken()}"\n`, '.gitleaksignore': 'deploy.py:github-pat:1\n' })
      .commit('Deploy, ignored');
    const { run, report } = await scanChange(repo);
    const [finding] = gitleaksFindings(report);
    expect(finding).toMatchObject({ path: 'deploy.py', suppressed: true, suppressionRefused: true });
    expect(finding?.suppressions).toEqual([
      {
        kind: 'inSource',
        status: 'accepted',
        justification: '.gitleaksignore: deploy.py:github-pat:1',
        line: 1,
        file: '.gitleaksignore',
        addedByChange: true,
      },
    ]);
    expect(run.exitCode).toBe(1);
  });

  it('a .gitleaksignore entry the base has is honoured', async () => {
    const repo = repository({
      '.controlgate.yml': ONLY_GITLEAKS,
      'deploy.py': `TOKEN = "${githubToken()}"\n`,
      '.gitleaksignore': '# a revoked test token\ndeploy.py:github-pat:1\n',
    });
    // The change touches the file below the token: the finding and its entry predate it.
    repo
      .write({ 'deploy.py': `${readFileSync(repo.path('deploy.py'), 'utf8')}REGION = "eu"\n` })
      .commit('Region');
    const { run, report } = await scanChange(repo);
    const [finding] = gitleaksFindings(report);
    expect(finding).toMatchObject({ suppressed: true, suppressionRefused: false });
    expect(finding?.suppressions[0]).toMatchObject({
      file: '.gitleaksignore',
      line: 2,
      addedByChange: false,
    });
    expect(run.exitCode).toBe(0);
  });
});
