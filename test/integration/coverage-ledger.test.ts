import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { type CliRun, runCli } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';

/*
 * The coverage ledger on a real change, with real Semgrep and Bandit in a real git repository: every
 * way a file the change touches could slip past the scanners is either judged or named, and none
 * passes silently. One change holds them all, so the scanners start once.
 */

// The Python scanners' coverage: KICS and Gitleaks (which judges every file) are left out.
const ONLY_PYTHON_SCANNERS = 'scanners:\n  kics: { enabled: false }\n  gitleaks: { enabled: false }\n';
const SHELL = 'import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n';
// A Python 3.12 f-string (same quotes nested): Bandit's Python 3.11 parser rejects it.
const PY312 = 'x = {"a": 1}\nprint(f"{x["a"]}")\n';

const repos: GitRepo[] = [];
afterAll(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

interface Result {
  run: CliRun;
  report: JsonReport;
  evidence: string;
}

function scan(repo: GitRepo, extra: string[] = [], evidenceInside = false): Result {
  const out = mkdtempSync(path.join(os.tmpdir(), 'controlgate-ledger-'));
  const json = path.join(out, 'report.json');
  // Where CI puts it: inside the checkout, under the default name.
  const evidence = evidenceInside ? repo.path('controlgate-evidence') : path.join(out, 'evidence');
  const run = runCli([
    'scan',
    repo.dir,
    '--format',
    'json',
    '--output',
    json,
    '--evidence',
    evidence,
    '--no-progress',
    ...extra,
  ]);
  if (run.exitCode === null || run.stdout.trim() === '') throw new Error(`no result: ${run.stderr}`);
  return { run, report: parseJsonReport(readFileSync(json, 'utf8'), json), evidence };
}

function entry(report: JsonReport, p: string) {
  const found = report.coverage?.files.find((e) => e.path === p);
  if (!found)
    throw new Error(`${JSON.stringify(p)} is not in the ledger: ${JSON.stringify(report.coverage)}`);
  return found;
}

describe('the coverage ledger of a change', { timeout: 600_000 }, () => {
  let result: Result;
  beforeAll(() => {
    const repo = GitRepo.create({
      '.controlgate.yml': ONLY_PYTHON_SCANNERS,
      'app/main.py': 'def ok():\n    return 1\n',
      'docs/notes.txt': 'notes\n',
    });
    repos.push(repo);
    repo.commit('base');
    repo.branch('feature');
    repo.write({
      // Imports a module from a folder the walk skips by default.
      'app/main.py': 'from venv import vuln\n\n\ndef ok(x):\n    return vuln.run(x)\n',
      'app/venv/vuln.py': SHELL,
      // In a skipped folder and imported by nothing: not scanned, and said so.
      'app/node_modules/left/index.js': 'module.exports = 1;\n',
      'app/new.py': PY312,
      'docs/notes.txt': 'import os\nos.system("rm -rf " + input())\n',
      'README.md': '# readme\n',
      'a\u2028b/v.py': SHELL,
      'c\nd/w.py': SHELL,
      'e\rf.py': SHELL,
      // Where the evidence bundle goes in CI, which is never scanned.
      'controlgate-evidence/hidden.py': SHELL,
    });
    // Python would run it as a module; no scanner reads through a link.
    symlinkSync('../docs/notes.txt', repo.path('app/tool.py'));
    // A name that is not UTF-8: no scanner can be given it.
    writeFileSync(
      Buffer.concat([Buffer.from(`${repo.dir}/bad-`), Buffer.from([0xff]), Buffer.from('.py')]),
      SHELL,
    );
    repo.commit('A change with every kind of file that could slip past');
    result = scan(repo, ['--base', 'main'], true);
  });

  it('cannot pass: files a scanner applies to went unjudged, so their criteria are not evaluated', () => {
    expect(result.run.exitCode).toBe(2);
    expect(result.report.coverage?.scope).toBe('changed-files');
    const notEvaluated = result.report.controls.filter((c) => c.verdict === 'not-evaluated' && c.blocking);
    expect(notEvaluated.flatMap((c) => c.failedScanners)).toEqual(
      expect.arrayContaining(['bandit', 'semgrep']),
    );
  });

  it('scans a module in an excluded folder that the change imports, and says why', () => {
    expect(entry(result.report, 'app/venv/vuln.py')).toMatchObject({
      state: 'judged',
      judgedBy: ['semgrep', 'bandit'],
      note: "in the excluded folder app/venv, but app/main.py imports it, so it is scanned as this repository's code",
    });
    expect(result.report.findings.some((f) => f.path === 'app/venv/vuln.py' && f.ruleId === 'B602')).toBe(
      true,
    );
  });

  it('names a changed file in an excluded folder that nothing imports as not scanned, with the folder’s reason', () => {
    expect(entry(result.report, 'app/node_modules/left/index.js')).toMatchObject({
      state: 'not-scanned',
      notScanned: 'excluded',
      note: expect.stringMatching(/^in app\/node_modules, an excluded folder: packages npm installs/),
    });
  });

  it('a link to a file the scanners read as another kind is not judged by either Python scanner', () => {
    const link = entry(result.report, 'app/tool.py');
    expect(link.kind).toBe('symlink');
    expect(link.state).toBe('not-judged');
    expect(link.notJudgedBy?.map((n) => n.scanner).sort()).toEqual(['bandit', 'semgrep']);
    expect(link.notJudgedBy?.[0]?.reason).toMatch(
      /^a symbolic link to docs\/notes\.txt, which (Bandit|Semgrep) does not read/,
    );
  });

  it('a file Bandit cannot parse is judged by Semgrep and not by Bandit, with Bandit’s reason', () => {
    expect(entry(result.report, 'app/new.py')).toMatchObject({
      state: 'not-judged',
      judgedBy: ['semgrep'],
      notJudgedBy: [{ scanner: 'bandit', reason: 'syntax error while parsing AST from file' }],
    });
  });

  it('judges names with U+2028, a line break or a carriage return like any other', () => {
    for (const name of ['a\u2028b/v.py', 'c\nd/w.py', 'e\rf.py']) {
      expect(entry(result.report, name)).toMatchObject({ state: 'judged', judgedBy: ['semgrep', 'bandit'] });
    }
  });

  it('a file the change puts in the evidence folder, which is never scanned, is not judged', () => {
    expect(entry(result.report, 'controlgate-evidence/hidden.py')).toMatchObject({
      state: 'not-judged',
      notJudgedBy: [
        {
          scanner: 'semgrep',
          reason:
            "it is inside controlgate's own evidence bundle, which is never scanned: keep the project's files out of it",
        },
        {
          scanner: 'bandit',
          reason: expect.stringMatching(/^it is inside controlgate's own evidence bundle/),
        },
      ],
    });
  });

  it('names a file whose name is not UTF-8 as not judged', () => {
    const bad = result.report.coverage?.files.find((e) => e.kind === 'unreadable-name');
    expect(bad?.state).toBe('not-judged');
    expect(bad?.notJudgedBy?.[0]?.reason).toBe('its name is not valid UTF-8, so no scanner can be given it');
  });

  it('says it in one line on the terminal, and keeps the ledger in the evidence and the HTML report', () => {
    expect(result.run.stdout).toMatch(
      /^Coverage: \d+ of the change's \d+ files judged, \d+ not: .*app\/new\.py.*NOT EVALUATED\.$/m,
    );
    const ledger = JSON.parse(readFileSync(path.join(result.evidence, 'coverage.json'), 'utf8'));
    expect(ledger.files).toEqual(result.report.coverage?.files);
    expect(ledger.rules.excludeFolders).toContainEqual({
      name: 'venv',
      reason: expect.stringMatching(/^a Python virtual environment/),
    });
    const html = readFileSync(path.join(result.evidence, 'report.html'), 'utf8');
    expect(html).toContain('<section id="coverage">');
    expect(html).toContain('<code>app/tool.py</code>');
  });
});

describe('the coverage ledger of a full scan', { timeout: 600_000 }, () => {
  it('lists every file with the scanners that judged it, and excluded folders with their reason', () => {
    const repo = GitRepo.create({
      '.controlgate.yml': ONLY_PYTHON_SCANNERS,
      'app/main.py': 'def ok():\n    return 1\n',
      'app/.venv/lib/site.py': SHELL,
      'logo.png': 'not really a png',
    });
    repos.push(repo);
    repo.commit('base');
    const { run, report } = scan(repo);
    expect(run.exitCode).toBe(0);
    expect(report.coverage?.scope).toBe('all-files');
    expect(report.coverage?.files.map((e) => [e.path, e.state])).toEqual([
      ['.controlgate.yml', 'judged'],
      ['app/.venv', 'not-scanned'],
      ['app/main.py', 'judged'],
      ['logo.png', 'not-scanned'],
    ]);
    expect(entry(report, 'app/.venv')).toMatchObject({ kind: 'folder', notScanned: 'excluded' });
    expect(entry(report, 'logo.png')).toMatchObject({ notScanned: 'no-scanner' });
    expect(run.stdout).toMatch(
      /^Coverage: 2 files judged; 2 not scanned \(1 excluded, 1 no scanner reads its kind\)\.$/m,
    );
  });
});
