import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage } from '../../src/errors.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { CLI, REPO_ROOT } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';
import { type NodeRun, spawnNode } from '../support/spawn-node.ts';
import { type ToolFinding, type ToolFixed, toolFindings, toolFixed } from '../support/tool-findings.ts';

/*
 * Diff-aware gating end to end: real git repositories (a base commit on main, a branch with the
 * change), the real CLI and the real scanners. Each scenario is built once and its scans run
 * concurrently in beforeAll; the tests read the results.
 */

interface Scan {
  run: NodeRun;
  report: JsonReport;
  /** The TMPDIR the CLI ran with: nothing it created there should be left behind. */
  tmp: string;
}

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function scratchDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function track(repo: GitRepo): GitRepo {
  cleanups.push(() => repo.cleanup());
  return repo;
}

/** Runs the CLI asynchronously (so scans of independent repositories overlap) with its own TMPDIR. */
async function cli(args: readonly string[], timeoutMs = 300_000): Promise<{ run: NodeRun; tmp: string }> {
  const tmp = scratchDir('controlgate-diff-tmp-');
  const run = await spawnNode(CLI, args, { cwd: REPO_ROOT, env: { ...process.env, TMPDIR: tmp }, timeoutMs });
  return { run, tmp };
}

/**
 * A scan with `--format json`; fails with the CLI's stderr when the output is not a report. The
 * defaults come first so that `args` can override them (the last of --evidence/--no-evidence wins).
 */
async function scanJson(args: readonly string[], timeoutMs?: number): Promise<Scan> {
  const { run, tmp } = await cli(
    ['scan', '--format', 'json', '--no-evidence', '--no-progress', ...args],
    timeoutMs,
  );
  let report: JsonReport;
  try {
    report = parseJsonReport(run.stdout, 'controlgate scan --format json (stdout)');
  } catch (error) {
    throw new Error(
      `no JSON report (exit ${run.exitCode}, timed out: ${run.timedOut}): ${errorMessage(error)}\n${run.stderr}`,
    );
  }
  return { run, report, tmp };
}

function findingsIn(report: JsonReport, file: string, scanner?: string): ToolFinding[] {
  return toolFindings(report).filter(
    (f) => f.path === file && (scanner === undefined || f.scanner === scanner),
  );
}

function fixedIn(report: JsonReport, file: string, scanner?: string): ToolFixed[] {
  return toolFixed(report).filter((f) => f.path === file && (scanner === undefined || f.scanner === scanner));
}

/** scanner ruleId, for readable comparisons. */
function rules(findings: readonly { scanner: string; ruleId: string }[]): string[] {
  return findings.map((f) => `${f.scanner} ${f.ruleId}`).sort();
}

/** scanner ruleId → fingerprint, for the findings of one file. */
function fingerprints(findings: readonly ToolFinding[]): Record<string, string> {
  return Object.fromEntries(findings.map((f) => [`${f.scanner} ${f.ruleId}`, f.fingerprint]));
}

/** fingerprint → baselineState over a report's findings, plus its fixed list. */
function classification(report: JsonReport): { states: Record<string, string | null>; fixed: string[] } {
  return {
    states: Object.fromEntries(toolFindings(report).map((f) => [f.fingerprint, f.baselineState])),
    fixed: toolFixed(report)
      .map((f) => f.fingerprint)
      .sort(),
  };
}

function lines(count: number, make: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => `${make(i)}\n`).join('');
}

/*
 * The Semgrep + Bandit scenario. Each file of the change exercises one case; the base is also
 * scanned in full on its own (a clone at main), which doubles as the baseline bundle's run.
 */
const EDITED_BASE = `import subprocess


def run(cmd):
    subprocess.call(cmd, shell=True)


def greet(name):
    return "hello " + name
`;
const EDITED_HEAD = `import subprocess


def run(cmd):
    subprocess.call(cmd, shell=True)


def greet(name, punctuation="!"):
    return f"hello {name}{punctuation}"


def farewell(name):
    return f"goodbye {name}"
`;
const MOVED_BASE = `import hashlib


def digest(data):
    return hashlib.md5(data).hexdigest()
`;
// The same code 50 lines further down: unrelated definitions inserted above it.
const MOVED_HEAD = `import hashlib

${lines(50, (i) => `LIMIT_${i} = ${i}`)}
def digest(data):
    return hashlib.md5(data).hexdigest()
`;
const REFORMATTED_BASE = `import subprocess


def run(cmd):
    subprocess.call(cmd, shell=True)
    return eval(cmd)
`;
// Re-indented to two spaces, spaces around "=" and inside parentheses, one call split over two lines.
const REFORMATTED_HEAD = `import  subprocess


def run(cmd):
  subprocess.call(cmd,
                  shell = True)
  return eval( cmd )
`;
const SPLIT_BASE = `import hashlib


def token(seed):
    return hashlib.sha1(seed)
`;
const SPLIT_HEAD = `import hashlib


def token(seed):
    return hashlib.sha1(
        seed
    )
`;
const RENAMED = `import pickle


def load(blob):
    return pickle.loads(blob)
`;
const FIXED_BASE = `import yaml


def parse(data):
    return yaml.load(data)
`;
const FIXED_HEAD = FIXED_BASE.replace('yaml.load(data)', 'yaml.safe_load(data)');
const ADDED = `import os


def run(cmd):
    os.system(cmd)
`;
const DELETED = `def run(code):
    exec(code)
`;
const DUPLICATED_BASE = `import subprocess


def run(cmd):
    subprocess.call(cmd, shell=True)
`;
// The same problem once more, further down: a second instance, not the old one.
const DUPLICATED_HEAD = `${DUPLICATED_BASE}

def run_again(cmd):
    subprocess.call(cmd, shell=True)
`;
const UNTOUCHED = `import hashlib


def legacy(data):
    return hashlib.md5(data)
`;

function pythonChange(): GitRepo {
  const repo = track(
    GitRepo.create({
      'app/edited.py': EDITED_BASE,
      'app/moved.py': MOVED_BASE,
      'app/reformatted.py': REFORMATTED_BASE,
      'app/split.py': SPLIT_BASE,
      'app/old_name.py': RENAMED,
      'app/fixed.py': FIXED_BASE,
      'app/untouched.py': UNTOUCHED,
      'app/deleted.py': DELETED,
      'app/duplicated.py': DUPLICATED_BASE,
    }),
  );
  repo.commit('base');
  repo.branch('feature');
  repo.move('app/old_name.py', 'app/new_name.py');
  repo.remove('app/deleted.py');
  repo.write({
    'app/edited.py': EDITED_HEAD,
    'app/moved.py': MOVED_HEAD,
    'app/reformatted.py': REFORMATTED_HEAD,
    'app/split.py': SPLIT_HEAD,
    'app/new_name.py': `# Loads cached results.\n${RENAMED}`,
    'app/fixed.py': FIXED_HEAD,
    'app/added.py': ADDED,
    'app/duplicated.py': DUPLICATED_HEAD,
  });
  repo.commit('the change');
  return repo;
}

const PY_SCANNERS = ['--scanners', 'semgrep,bandit'];

describe('Semgrep and Bandit on a pull request: new, unchanged, fixed', () => {
  let repo: GitRepo;
  let outDir: string;
  let evidenceDir: string;
  let evidenceZip: string;
  let pr: Scan;
  let baseFull: Scan;
  let headFull: Scan;

  beforeAll(async () => {
    repo = pythonChange();
    const base = track(repo.clone('main'));
    const out = scratchDir('controlgate-diff-out-');
    outDir = path.join(out, 'pr');
    evidenceDir = path.join(out, 'base-evidence');
    evidenceZip = path.join(out, 'base-evidence.zip');
    [pr, baseFull, headFull] = await Promise.all([
      scanJson([repo.dir, '--base', 'main', '--out-dir', outDir, ...PY_SCANNERS]),
      // A full scan of the base on its own; its evidence bundle serves the --baseline tests.
      scanJson([
        base.dir,
        '--no-base',
        ...PY_SCANNERS,
        '--evidence',
        evidenceDir,
        '--evidence-zip',
        evidenceZip,
      ]),
      scanJson([repo.dir, '--no-base', ...PY_SCANNERS]),
    ]);
  });

  it('compared with the merge base of main in a worktree, both scanners ran on both sides', () => {
    const b = pr.report.baseline;
    expect(b?.status).toBe('compared');
    expect(b?.source).toBe('worktree');
    expect(b?.baseRef).toBe('main');
    expect(b?.mode).toBe('diff');
    expect(b?.judged).toBe('new');
    expect(b?.scanners.map((s) => [s.id, s.compared, s.baseStatus])).toEqual([
      ['semgrep', true, 'ok'],
      ['bandit', true, 'ok'],
    ]);
    expect(b?.changedFiles).toContainEqual({
      status: 'renamed',
      path: 'app/new_name.py',
      oldPath: 'app/old_name.py',
    });
    expect(
      pr.report.findings.every((f) => f.baselineState === 'new' || f.baselineState === 'unchanged'),
    ).toBe(true);
  });

  it('Semgrep: an old finding is unchanged, an added one new, a removed one fixed', () => {
    expect(rules(findingsIn(pr.report, 'app/edited.py', 'semgrep'))).toEqual([
      'semgrep controlgate.python.subprocess-shell-injection',
    ]);
    expect(findingsIn(pr.report, 'app/edited.py', 'semgrep').map((f) => f.baselineState)).toEqual([
      'unchanged',
    ]);
    const added = findingsIn(pr.report, 'app/added.py', 'semgrep');
    expect(added.map((f) => [f.ruleId, f.baselineState])).toEqual([
      ['controlgate.python.os-command-injection', 'new'],
    ]);
    expect(
      fixedIn(pr.report, 'app/fixed.py', 'semgrep').map((f) => [f.ruleId, f.line, f.baselineState]),
    ).toEqual([['controlgate.python.unsafe-yaml-load', 5, 'fixed']]);
    expect(findingsIn(pr.report, 'app/fixed.py', 'semgrep')).toEqual([]);
  });

  it('Bandit: an old finding is unchanged, an added one new, a removed one fixed', () => {
    expect(
      findingsIn(pr.report, 'app/edited.py', 'bandit')
        .map((f) => [f.ruleId, f.baselineState])
        .sort(),
    ).toEqual([
      ['B404', 'unchanged'],
      ['B602', 'unchanged'],
    ]);
    expect(findingsIn(pr.report, 'app/added.py', 'bandit').map((f) => [f.ruleId, f.baselineState])).toEqual([
      ['B605', 'new'],
    ]);
    expect(
      fixedIn(pr.report, 'app/fixed.py', 'bandit').map((f) => [f.ruleId, f.line, f.baselineState]),
    ).toEqual([['B506', 5, 'fixed']]);
    expect(findingsIn(pr.report, 'app/fixed.py', 'bandit')).toEqual([]);
  });

  it('the counts in the baseline facts add up', () => {
    const counts = pr.report.baseline?.counts;
    expect(counts?.new).toBe(pr.report.findings.filter((f) => f.baselineState === 'new').length);
    expect(counts?.unchanged).toBe(pr.report.findings.filter((f) => f.baselineState === 'unchanged').length);
    expect(counts?.fixed).toBe(pr.report.fixed.length);
    expect(counts?.new).toBeGreaterThan(0);
    expect(counts?.unchanged).toBeGreaterThan(0);
    expect(counts?.fixed).toBeGreaterThan(0);
  });

  /** Per scanner and rule in one file: same fingerprints in full scans of base and head, unchanged in the PR scan. */
  function expectStable(file: string, expectedRules: string[]): void {
    const base = findingsIn(baseFull.report, file);
    const head = findingsIn(headFull.report, file);
    expect(rules(base)).toEqual(expectedRules);
    expect(rules(head)).toEqual(expectedRules);
    expect(fingerprints(head)).toEqual(fingerprints(base));
    const inPr = findingsIn(pr.report, file);
    expect(rules(inPr)).toEqual(expectedRules);
    expect(inPr.map((f) => f.baselineState)).toEqual(inPr.map(() => 'unchanged'));
    expect(fingerprints(inPr)).toEqual(fingerprints(head));
    expect(fixedIn(pr.report, file)).toEqual([]);
  }

  it('code moved down 50 lines keeps its fingerprint and is unchanged', () => {
    expectStable('app/moved.py', ['bandit B324', 'semgrep controlgate.python.weak-hash']);
    const lineAt = (r: JsonReport) => findingsIn(r, 'app/moved.py', 'semgrep')[0]?.line ?? 0;
    expect(lineAt(headFull.report)).toBe(lineAt(baseFull.report) + 50);
  });

  it('unrelated lines edited in the same file leave the finding unchanged', () => {
    expectStable('app/edited.py', [
      'bandit B404',
      'bandit B602',
      'semgrep controlgate.python.subprocess-shell-injection',
    ]);
  });

  it('whitespace reformatted (re-indented, spaces around "=" and in parentheses, a call split over two lines) is unchanged', () => {
    expectStable('app/reformatted.py', [
      'bandit B307',
      'bandit B404',
      'bandit B602',
      'semgrep controlgate.python.eval-injection',
      'semgrep controlgate.python.subprocess-shell-injection',
    ]);
    // The split call really spans two lines now, and both scanners' regions cover both.
    for (const f of findingsIn(headFull.report, 'app/reformatted.py').filter((f) =>
      ['B602', 'controlgate.python.subprocess-shell-injection'].includes(f.ruleId),
    ))
      expect([f.line, f.endLine]).toEqual([5, 6]);
  });

  it('a call split over three lines: Semgrep keeps its fingerprint; Bandit’s shorter region is still matched as unchanged', () => {
    const fp = (r: JsonReport, scanner: string) => findingsIn(r, 'app/split.py', scanner)[0]?.fingerprint;
    // Semgrep's region covers the whole call: the identity survives.
    expect(fp(headFull.report, 'semgrep')).toBe(fp(baseFull.report, 'semgrep'));
    expect(findingsIn(pr.report, 'app/split.py', 'semgrep').map((f) => f.baselineState)).toEqual([
      'unchanged',
    ]);
    // Bandit reports lines 5-6 of the 5-7 call, so its matched code (and fingerprint) differs;
    // the comparison still pairs it with the base finding, whose code starts the same way.
    const bandit = findingsIn(headFull.report, 'app/split.py', 'bandit')[0];
    expect([bandit?.ruleId, bandit?.line, bandit?.endLine]).toEqual(['B324', 5, 6]);
    expect(fp(headFull.report, 'bandit')).not.toBe(fp(baseFull.report, 'bandit'));
    expect(findingsIn(pr.report, 'app/split.py', 'bandit').map((f) => f.baselineState)).toEqual([
      'unchanged',
    ]);
    expect(fixedIn(pr.report, 'app/split.py')).toEqual([]);
  });

  it('a renamed file keeps its findings unchanged, followed through the rename', () => {
    const expected = ['bandit B301', 'bandit B403', 'semgrep controlgate.python.pickle-deserialization'];
    const inPr = findingsIn(pr.report, 'app/new_name.py');
    expect(rules(inPr)).toEqual(expected);
    expect(inPr.map((f) => f.baselineState)).toEqual(inPr.map(() => 'unchanged'));
    expect(fixedIn(pr.report, 'app/old_name.py')).toEqual([]);
    // The path is part of the fingerprint, so only the rename following can have matched them.
    expect(rules(findingsIn(baseFull.report, 'app/old_name.py'))).toEqual(expected);
    const baseFps = new Set(findingsIn(baseFull.report, 'app/old_name.py').map((f) => f.fingerprint));
    expect(inPr.filter((f) => baseFps.has(f.fingerprint))).toEqual([]);
  });

  it('a deleted file’s findings are fixed', () => {
    expect(rules(fixedIn(pr.report, 'app/deleted.py'))).toEqual([
      'bandit B102',
      'semgrep controlgate.python.eval-injection',
    ]);
    expect(pr.report.baseline?.changedFiles).toContainEqual({
      status: 'deleted',
      path: 'app/deleted.py',
      oldPath: null,
    });
  });

  it('a second copy of an old problem in the same file is new; the first stays unchanged', () => {
    for (const rule of ['controlgate.python.subprocess-shell-injection', 'B602']) {
      const copies = findingsIn(pr.report, 'app/duplicated.py')
        .filter((f) => f.ruleId === rule)
        .sort((a, b) => a.line - b.line);
      expect(copies.map((f) => [f.line, f.baselineState])).toEqual([
        [5, 'unchanged'],
        [9, 'new'],
      ]);
    }
    expect(findingsIn(pr.report, 'app/duplicated.py').find((f) => f.ruleId === 'B404')?.baselineState).toBe(
      'unchanged',
    );
    expect(fixedIn(pr.report, 'app/duplicated.py')).toEqual([]);
  });

  it('scans only the changed files: an untouched file’s findings are not reported', () => {
    expect(rules(findingsIn(headFull.report, 'app/untouched.py'))).toEqual([
      'bandit B324',
      'semgrep controlgate.python.weak-hash',
    ]);
    expect(findingsIn(pr.report, 'app/untouched.py')).toEqual([]);
    // Eight files at head differ from the base (seven changed or renamed, one added); at the base,
    // the seven and the deleted one were scanned.
    for (const s of pr.report.scanners) expect([s.id, s.filesScanned]).toEqual([s.id, 8]);
    expect(pr.report.baseline?.scanners.map((s) => [s.id, s.baseFilesScanned])).toEqual([
      ['semgrep', 8],
      ['bandit', 8],
    ]);
  });

  it('a change adding a high-severity finding blocks with exit 1; existing ones are listed, not judged', () => {
    expect(pr.run.exitCode).toBe(1);
    expect(pr.report.decision).toBe('block');
    const addedHigh = findingsIn(pr.report, 'app/added.py').filter((f) => f.severity === 'high');
    expect(addedHigh.length).toBeGreaterThan(0);
    const blocking = pr.report.controls.filter((c) => c.blocking);
    const failing = new Set(blocking.flatMap((c) => c.findings));
    // Controls list a problem by its fingerprint; a tool's finding merged into it is listed under it.
    for (const f of addedHigh) expect(failing.has(f.problem)).toBe(true);
    // The old subprocess call is high too, but predates the change: existing, never failing.
    const old = findingsIn(pr.report, 'app/edited.py').find((f) => f.ruleId === 'B602');
    expect(old?.severity).toBe('high');
    expect(failing.has(old?.problem ?? '')).toBe(false);
    expect(pr.report.controls.some((c) => c.existing.includes(old?.problem ?? ''))).toBe(true);
  });

  it('the merged SARIF carries baselineState (fixed as absent) and passes sarif-multitool validate', () => {
    const file = path.join(outDir, 'controlgate.sarif');
    const log = JSON.parse(readFileSync(file, 'utf8')) as Sarif.Log;
    const results = log.runs.flatMap((r) => r.results ?? []);
    const byFingerprint = new Map(results.map((r) => [r.partialFingerprints?.['controlgate/v1'] ?? '', r]));
    for (const f of toolFindings(pr.report))
      expect([f.fingerprint, byFingerprint.get(f.fingerprint)?.baselineState]).toEqual([
        f.fingerprint,
        f.baselineState,
      ]);
    for (const f of toolFixed(pr.report))
      expect([f.fingerprint, byFingerprint.get(f.fingerprint)?.baselineState]).toEqual([
        f.fingerprint,
        'absent',
      ]);
    // Every tool's result, one for one: a problem two tools found is two results, marked as one problem.
    expect(results).toHaveLength(toolFindings(pr.report).length + toolFixed(pr.report).length);

    const output = path.join(outDir, 'validation.sarif');
    const tool = path.join(REPO_ROOT, 'node_modules', '.bin', 'sarif-multitool');
    const run = spawnSync(tool, ['validate', file, '--output', output, '--log', 'ForceOverwrite'], {
      encoding: 'utf8',
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    });
    expect(run.error).toBeUndefined();
    const validation = JSON.parse(readFileSync(output, 'utf8')) as Sarif.Log;
    const errors = validation.runs.flatMap((r) => r.results ?? []).filter((r) => r.level === 'error');
    expect(errors.map((e) => `${e.ruleId}: ${e.message.text}`)).toEqual([]);
    expect(run.status).toBe(0);
  });

  it('removes the base worktree: only the main checkout is left, and no controlgate-base-* folder', () => {
    // The base was really checked out and scanned, in the scan's own TMPDIR.
    expect(pr.report.baseline?.scanners.every((s) => s.baseStatus === 'ok')).toBe(true);
    expect(repo.worktrees()).toEqual([repo.dir]);
    const admin = repo.path('.git/worktrees');
    expect(existsSync(admin) ? readdirSync(admin) : []).toEqual([]);
    expect(readdirSync(pr.tmp).filter((name) => name.startsWith('controlgate-base-'))).toEqual([]);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  describe('--baseline: an earlier full scan’s evidence bundle stands for the base', () => {
    let fromDir: Scan;
    let fromZip: Scan;

    beforeAll(async () => {
      [fromDir, fromZip] = await Promise.all([
        scanJson([repo.dir, '--base', 'main', '--baseline', evidenceDir, ...PY_SCANNERS]),
        scanJson([repo.dir, '--base', 'main', '--baseline', evidenceZip, ...PY_SCANNERS]),
      ]);
    });

    it('the base run wrote a full-scan bundle', () => {
      expect(baseFull.run.exitCode).not.toBe(2);
      expect(baseFull.report.baseline).toBe(null);
      expect(existsSync(path.join(evidenceDir, 'controlgate.json'))).toBe(true);
      expect(existsSync(evidenceZip)).toBe(true);
    });

    it.each([
      ['a bundle folder', () => fromDir, () => evidenceDir],
      ['a bundle zip', () => fromZip, () => evidenceZip],
    ])('%s gives the same classification as scanning the base', (_name, scan, location) => {
      const { report, run } = scan();
      expect(run.exitCode).toBe(pr.run.exitCode);
      expect(report.baseline?.source).toBe('bundle');
      // Outside the repository, the report names the bundle by its file name only (no local paths).
      expect(report.baseline?.bundle?.location).toBe(path.basename(location()));
      expect(report.baseline?.bundle?.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(classification(report)).toEqual(classification(pr.report));
    });

    it('a tampered bundle is refused with exit 2, naming it', async () => {
      const tampered = path.join(scratchDir('controlgate-diff-tampered-'), 'bundle');
      cpSync(evidenceDir, tampered, { recursive: true });
      const json = path.join(tampered, 'controlgate.json');
      const text = readFileSync(json, 'utf8');
      // One byte: the bundle's hashes no longer match.
      writeFileSync(json, text.replace('"schemaVersion": 1', '"schemaVersion": 2'));
      expect(readFileSync(json, 'utf8')).not.toBe(text);
      const { run } = await cli([
        'scan',
        repo.dir,
        '--base',
        'main',
        '--baseline',
        tampered,
        ...PY_SCANNERS,
        '--no-evidence',
        '--no-progress',
      ]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain(`--baseline ${tampered}`);
      expect(run.stderr).toMatch(/does not verify/);
    });
  });
});

/*
 * A change that only moves an existing high finding, among 40 untouched modules, an untouched
 * vulnerable Terraform file and a folder that policy says to scan always.
 */
const HANDLERS_BASE = `import subprocess


def deploy(target):
    subprocess.call(target, shell=True)
`;
const HANDLERS_HEAD = `import subprocess

${lines(10, (i) => `RETRIES_${i} = ${i}`)}
def deploy(target):
    subprocess.call(target, shell=True)
`;
const UNTOUCHED_TF = `resource "aws_s3_bucket" "exports" {
  bucket = "exports-demo"
  acl    = "public-read"
}
`;
const LIB_MODULES = 40;
const ALWAYS_FILES = 3;

function movedOnlyChange(): GitRepo {
  const files: Record<string, string> = {
    'app/handlers.py': HANDLERS_BASE,
    'app/version.py': 'VERSION = "1.0.0"\n',
    'infra/main.tf': UNTOUCHED_TF,
  };
  for (let i = 0; i < LIB_MODULES; i++) files[`lib/module_${i}.py`] = `def value_${i}():\n    return ${i}\n`;
  for (let i = 0; i < ALWAYS_FILES; i++)
    files[`pkg/always/settings_${i}.py`] =
      i === 1 ? 'import hashlib\n\nKEY = hashlib.md5(b"seed").hexdigest()\n' : `SETTING_${i} = ${i}\n`;
  const repo = track(GitRepo.create(files));
  repo.commit('base');
  repo.branch('feature');
  repo.write({ 'app/handlers.py': HANDLERS_HEAD, 'app/version.py': 'VERSION = "1.1.0"\n' });
  repo.commit('move things around');
  return repo;
}

describe('the gate on a change that only moves an existing high finding', () => {
  let diffMode: Scan;
  let fullMode: Scan;
  let always: Scan;

  beforeAll(async () => {
    const configs = scratchDir('controlgate-diff-config-');
    const fullConfig = path.join(configs, 'full.yml');
    const alwaysConfig = path.join(configs, 'always.yml');
    // alwaysScan too: in full mode its untouched files are scanned like every other, not only at head.
    writeFileSync(fullConfig, 'changes:\n  mode: full\n  alwaysScan:\n    - "pkg/always/**"\n');
    writeFileSync(alwaysConfig, 'changes:\n  alwaysScan:\n    - "pkg/always/**"\n');
    // One repository per scan: each runs on its own, as a CI job would.
    [diffMode, fullMode, always] = await Promise.all([
      scanJson([movedOnlyChange().dir, '--base', 'main']),
      scanJson([movedOnlyChange().dir, '--base', 'main', '--config', fullConfig, ...PY_SCANNERS]),
      scanJson([movedOnlyChange().dir, '--base', 'main', '--config', alwaysConfig, ...PY_SCANNERS]),
    ]);
  });

  it('diff mode (the default): passes with exit 0, listing the moved findings as existing', () => {
    expect(diffMode.run.exitCode).toBe(0);
    expect(diffMode.report.decision).toBe('pass');
    const highs = findingsIn(diffMode.report, 'app/handlers.py').filter((f) => f.severity === 'high');
    expect(rules(highs)).toEqual(['bandit B602', 'semgrep controlgate.python.subprocess-shell-injection']);
    expect(highs.map((f) => f.baselineState)).toEqual(['unchanged', 'unchanged']);
    const existing = new Set(diffMode.report.controls.flatMap((c) => c.existing));
    for (const f of highs) expect(existing.has(f.problem)).toBe(true);
    expect(diffMode.report.controls.flatMap((c) => c.findings)).toEqual([]);
  });

  it('scans only the two changed files of 46, and skips KICS: no IaC file changed', () => {
    const scanned = Object.fromEntries(
      diffMode.report.scanners.map((s) => [s.id, [s.status, s.filesScanned]]),
    );
    expect(scanned).toEqual({
      semgrep: ['ok', 2],
      bandit: ['ok', 2],
      kics: ['skipped', 0],
      // Secrets are judged per file too: the change's two files.
      gitleaks: ['ok', 2],
      // No lockfile in the repository.
      'osv-scanner': ['skipped', 0],
    });
    expect(diffMode.report.baseline?.scope).toBe('changed-files');
    expect(diffMode.report.findings.map((f) => f.path).filter((p) => p !== 'app/handlers.py')).toEqual([]);
  });

  it('full mode: the same change blocks with exit 1, yet findings still say new or unchanged', () => {
    expect(fullMode.run.exitCode).toBe(1);
    expect(fullMode.report.decision).toBe('block');
    expect(fullMode.report.baseline?.judged).toBe('all');
    expect(fullMode.report.baseline?.mode).toBe('full');
    // Everything was scanned: 45 Python files for Bandit, those and the Terraform file for Semgrep.
    const scanned = Object.fromEntries(fullMode.report.scanners.map((s) => [s.id, s.filesScanned]));
    expect(scanned).toEqual({ semgrep: 46, bandit: 45 });
    expect(fullMode.report.findings.length).toBeGreaterThan(0);
    expect(fullMode.report.findings.map((f) => f.baselineState)).toEqual(
      fullMode.report.findings.map(() => 'unchanged'),
    );
    const failing = new Set(fullMode.report.controls.filter((c) => c.blocking).flatMap((c) => c.findings));
    const high = findingsIn(fullMode.report, 'app/handlers.py', 'bandit').find((f) => f.ruleId === 'B602');
    expect(failing.has(high?.fingerprint ?? '')).toBe(true);
    // An untouched file's findings are judged too, as on a push, yet they predate the change,
    // also in a folder `alwaysScan` names (the base scan covers only the changed files).
    const untouched = findingsIn(fullMode.report, 'pkg/always/settings_1.py');
    expect(rules(untouched)).toEqual(['bandit B324', 'semgrep controlgate.python.weak-hash']);
    expect(untouched.map((f) => f.baselineState)).toEqual(['unchanged', 'unchanged']);
    expect(fullMode.report.baseline?.counts.new).toBe(0);
  });

  it('changes.alwaysScan adds its glob’s files to the changed ones, compared with the base too', () => {
    const scanned = Object.fromEntries(always.report.scanners.map((s) => [s.id, s.filesScanned]));
    expect(scanned).toEqual({ semgrep: 2 + ALWAYS_FILES, bandit: 2 + ALWAYS_FILES });
    const inAlways = findingsIn(always.report, 'pkg/always/settings_1.py');
    expect(rules(inAlways)).toEqual(['bandit B324', 'semgrep controlgate.python.weak-hash']);
    expect(inAlways.map((f) => f.baselineState)).toEqual(['unchanged', 'unchanged']);
    expect(always.report.baseline?.scanners.map((s) => [s.id, s.baseFilesScanned])).toEqual([
      ['semgrep', 2 + ALWAYS_FILES],
      ['bandit', 2 + ALWAYS_FILES],
    ]);
    expect(always.run.exitCode).toBe(0);
  });
});

/* KICS is slow (tens of seconds a run): one change covers new, unchanged and fixed for it. */
const SECURITY_GROUP = `resource "aws_security_group" "app" {
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
const PUBLIC_BUCKET = `
resource "aws_s3_bucket" "exports" {
  bucket = "exports-demo"
  acl    = "public-read"
}
`;
const PUBLIC_DATABASE = `
resource "aws_db_instance" "db" {
  identifier          = "db"
  engine              = "mysql"
  instance_class      = "db.t3.micro"
  publicly_accessible = true
}
`;

async function scanKicsChange(): Promise<Scan> {
  const repo = track(GitRepo.create({ 'infra/main.tf': SECURITY_GROUP + PUBLIC_BUCKET }));
  repo.commit('base');
  repo.branch('feature');
  repo.write({ 'infra/main.tf': SECURITY_GROUP + PUBLIC_DATABASE });
  repo.commit('swap the bucket for a database');
  return scanJson([repo.dir, '--base', 'main', '--scanners', 'kics'], 500_000);
}

/*
 * A file-level hook runs before every describe's own, wherever it is written: the KICS scan starts
 * first and runs (on one core, mostly) while the Semgrep and Bandit scenarios scan.
 */
let kicsScan: Promise<Scan>;
beforeAll(() => {
  kicsScan = scanKicsChange();
  // Awaited by the KICS tests; this only keeps an early failure from being reported as unhandled.
  kicsScan.catch(() => undefined);
});

describe('KICS on a Terraform change', () => {
  let scan: Scan;

  beforeAll(async () => {
    scan = await kicsScan;
  });

  it('the kept security group’s findings are unchanged, the database’s new, the bucket’s fixed', () => {
    const kics = scan.report.scanners.find((s) => s.id === 'kics');
    expect([kics?.status, kics?.filesScanned]).toEqual(['ok', 1]);
    expect(scan.report.baseline?.scanners.map((s) => [s.id, s.baseStatus])).toEqual([['kics', 'ok']]);

    const groupEnd = SECURITY_GROUP.split('\n').length - 1;
    const findings = findingsIn(scan.report, 'infra/main.tf', 'kics');
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings)
      expect([f.line, f.baselineState]).toEqual([f.line, f.line <= groupEnd ? 'unchanged' : 'new']);
    const snippetsBy = (state: string) =>
      findings.filter((f) => f.baselineState === state).map((f) => (f.snippet ?? '').trim());
    expect(snippetsBy('unchanged')).toContain('cidr_blocks = ["0.0.0.0/0"]');
    expect(snippetsBy('new')).toContain('publicly_accessible = true');

    const fixed = fixedIn(scan.report, 'infra/main.tf', 'kics');
    expect(fixed.length).toBeGreaterThan(0);
    for (const f of fixed) expect(f.line).toBeGreaterThan(groupEnd);
    expect(fixed.map((f) => (f.snippet ?? '').trim())).toContain('acl    = "public-read"');
    // A new critical (the public database) blocks.
    expect(scan.run.exitCode).toBe(1);
  });
});

describe('a base that cannot be compared with', () => {
  it('--base naming no commit: exit 2, and the message names the ref', async () => {
    const repo = track(GitRepo.create({ 'a.py': 'print(1)\n' }));
    repo.commit('base');
    const { run } = await cli([
      'scan',
      repo.dir,
      '--base',
      'nope',
      ...PY_SCANNERS,
      '--no-evidence',
      '--no-progress',
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/--base nope: "nope" is not a commit/);
    expect(repo.worktrees()).toEqual([repo.dir]);
  });

  it('--base outside a git repository: exit 2, saying a repository is needed', async () => {
    const dir = scratchDir('controlgate-diff-nogit-');
    writeFileSync(path.join(dir, 'a.py'), 'print(1)\n');
    const { run } = await cli([
      'scan',
      dir,
      '--base',
      'main',
      ...PY_SCANNERS,
      '--no-evidence',
      '--no-progress',
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${dir} is not inside one`);
  });
});
