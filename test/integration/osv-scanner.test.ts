import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage } from '../../src/errors.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { CLI } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';
import { LODASH_REDOS, LODASH_TEMPLATE, writeOsvDatabase } from '../support/osv-database.ts';
import { type NodeRun, spawnNode } from '../support/spawn-node.ts';
import { type ToolFinding, toolFindings, toolFixed } from '../support/tool-findings.ts';

/*
 * OSV-Scanner end to end: the real binary, offline against an advisory database the test builds
 * outside the repository, the bundled CLI, real git repositories
 * for the pull request cases. Every scan runs in beforeAll, concurrently; the tests read results.
 */

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

interface Scan {
  run: NodeRun;
  report: JsonReport;
}

/**
 * `controlgate scan --format json` with only OSV-Scanner, in `cwd`, as a process; `env` adds to the
 * suite's environment, whose CONTROLGATE_OSV_DATABASE (test/global-setup.ts) is left out otherwise.
 */
function scanRun(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<NodeRun> {
  const tmp = scratchDir('controlgate-osv-tmp-');
  const { CONTROLGATE_OSV_DATABASE: _suiteDatabase, ...suite } = process.env;
  return spawnNode(
    CLI,
    ['scan', '--format', 'json', '--no-evidence', '--no-progress', '--scanners', 'osv-scanner', ...args],
    { cwd, env: { ...suite, TMPDIR: tmp, ...env }, timeoutMs: 300_000 },
  );
}

/** The same, read as its JSON report. */
async function scan(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Scan> {
  const run = await scanRun(cwd, args, env);
  try {
    return { run, report: parseJsonReport(run.stdout, 'controlgate scan --format json (stdout)') };
  } catch (error) {
    throw new Error(`no JSON report (exit ${run.exitCode}): ${errorMessage(error)}\n${run.stderr}`);
  }
}

const config = (database: string) => `scanners:\n  osv-scanner:\n    database: ${JSON.stringify(database)}\n`;

/** A package-lock.json v3 pinning lodash at `version`; `extra` adds a line before lodash's entry. */
function packageLock(version: string, extra = false): string {
  const leftPad = extra
    ? '    "node_modules/left-pad": {\n      "version": "1.3.0",\n      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"\n    },\n'
    : '';
  return `{
  "name": "web",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": { "name": "web", "version": "1.0.0", "dependencies": { "lodash": "${version}"${extra ? ', "left-pad": "1.3.0"' : ''} } },
${leftPad}    "node_modules/lodash": {
      "version": "${version}",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-${version}.tgz"
    }
  }
}
`;
}

const POETRY_LOCK = `[[package]]
name = "jinja2"
version = "2.11.2"
description = "A template engine."
optional = false
python-versions = ">=2.7"

[metadata]
lock-version = "2.0"
python-versions = "^3.9"
content-hash = "0000000000000000000000000000000000000000000000000000000000000000"
`;

const UV_LOCK = `version = 1
requires-python = ">=3.9"

[[package]]
name = "jinja2"
version = "2.11.3"
source = { registry = "https://pypi.org/simple" }
`;

function osvFindings(report: JsonReport): ToolFinding[] {
  return toolFindings(report).filter((f) => f.scanner === 'osv-scanner');
}

const summary = (findings: readonly ToolFinding[]) =>
  findings.map((f) => `${f.ruleId} ${f.path}:${f.line}`).sort();

let database: string;
let folderScan: Scan;
let missingEcosystem: Scan;
let insideConfig: NodeRun;
let insideEnv: NodeRun;
let fromEnv: Scan;
let downgrade: Scan;
let upgrade: Scan;
let withinRange: Scan;
let ignoredByChange: Scan;

beforeAll(async () => {
  database = writeOsvDatabase(path.join(scratchDir('controlgate-osv-db-'), 'osv'));
  // Only npm: a PyPI lockfile has no advisories to be judged against.
  const npmOnly = writeOsvDatabase(path.join(scratchDir('controlgate-osv-npm-'), 'osv'), [
    LODASH_TEMPLATE,
    LODASH_REDOS,
  ]);

  const folder = track(
    GitRepo.create({
      '.controlgate.yml': config(database),
      'web/package-lock.json': packageLock('4.17.20'),
      'site/package-lock.json': packageLock('4.17.21'),
      'api/requirements.txt': '# the API\nrequests==2.31.0\nJinja2==2.11.2\n',
      'jobs/requirements-dev.txt': 'jinja2==2.11.3\n',
      'worker/poetry.lock': POETRY_LOCK,
      'worker/uv.lock': UV_LOCK,
    }),
  );
  folder.commit('lockfiles');
  const missing = track(
    GitRepo.create({ '.controlgate.yml': config(npmOnly), 'api/requirements.txt': 'Jinja2==2.11.2\n' }),
  );
  missing.commit('a PyPI lockfile');
  const inside = track(
    GitRepo.create({ '.controlgate.yml': config('osv-db'), 'web/package-lock.json': packageLock('4.17.20') }),
  );
  inside.commit('a database inside the repository');
  // No database in the policy: the job's CONTROLGATE_OSV_DATABASE names it.
  const jobOnly = track(GitRepo.create({ 'web/package-lock.json': packageLock('4.17.20') }));
  jobOnly.commit('no policy');

  /** A repository whose base pins lodash at `base` and whose branch `change` pins `head`. */
  const pullRequest = (base: string, head: string, headFiles: Record<string, string> = {}) => {
    const repo = track(
      GitRepo.create({ '.controlgate.yml': config(database), 'web/package-lock.json': packageLock(base) }),
    );
    repo.commit('base');
    repo.branch('change');
    // The head also moves lodash's entry down a few lines: the finding is the same package and advisory.
    repo.write({ 'web/package-lock.json': packageLock(head, true), ...headFiles });
    repo.commit(`lodash ${base} -> ${head}`);
    return repo;
  };
  const prDown = pullRequest('4.17.21', '4.17.20');
  const prUp = pullRequest('4.17.20', '4.17.21');
  const prWithin = pullRequest('4.17.19', '4.17.20');
  // The change adds an osv-scanner.toml beside the lockfile that ignores both advisories.
  const prIgnore = pullRequest('4.17.21', '4.17.20', {
    'web/osv-scanner.toml': `[[IgnoredVulns]]\nid = "${LODASH_TEMPLATE.id}"\nreason = "not used"\n\n[[IgnoredVulns]]\nid = "${LODASH_REDOS.id}"\nreason = "not used"\n`,
  });

  [folderScan, missingEcosystem, insideConfig, downgrade, upgrade, withinRange, ignoredByChange] =
    await Promise.all([
      scan(folder.dir, ['--no-base']),
      scan(missing.dir, ['--no-base']),
      scanRun(inside.dir, ['--no-base']),
      scan(prDown.dir, ['--base', 'main']),
      scan(prUp.dir, ['--base', 'main']),
      scan(prWithin.dir, ['--base', 'main']),
      scan(prIgnore.dir, ['--base', 'main']),
    ]);
  [fromEnv, insideEnv] = await Promise.all([
    scan(jobOnly.dir, ['--no-base'], { CONTROLGATE_OSV_DATABASE: database }),
    scanRun(jobOnly.dir, ['--no-base'], { CONTROLGATE_OSV_DATABASE: 'web' }),
  ]);
}, 600_000);

describe('OSV-Scanner on lockfiles, offline', () => {
  it('finds the vulnerable pins in package-lock.json, requirements.txt and poetry.lock, and not the fixed ones', () => {
    expect(folderScan.report.scanners.find((s) => s.id === 'osv-scanner')).toMatchObject({
      status: 'ok',
      filesScanned: 6,
    });
    expect(summary(osvFindings(folderScan.report))).toEqual([
      'GHSA-29mw-wpgm-hmr9 web/package-lock.json:8',
      'GHSA-35jh-r3h4-6jhm web/package-lock.json:8',
      'GHSA-g3rq-g295-4j3m api/requirements.txt:3',
      'GHSA-g3rq-g295-4j3m worker/poetry.lock:2',
    ]);
  });

  it('says which version to upgrade to, and maps the findings to CC7.1 and CC8.1', () => {
    const template = osvFindings(folderScan.report).find((f) => f.ruleId === LODASH_TEMPLATE.id);
    expect(template?.message).toBe(
      'Upgrade lodash from 4.17.20 to 4.17.21 (CVE-2021-23337: Command injection through the template function of lodash).',
    );
    const jinja = osvFindings(folderScan.report).find((f) => f.path === 'api/requirements.txt');
    expect(jinja?.message).toMatch(/^Upgrade jinja2 from 2.11.2 to 2.11.3 \(/);
    const verdicts = Object.fromEntries(folderScan.report.controls.map((c) => [c.id, c.verdict]));
    expect(verdicts['CC7.1']).toBe('fail');
    expect(verdicts['CC8.1']).toBe('fail');
  });

  it('fails the run when an ecosystem of the lockfiles has no offline database, never passing it', () => {
    const run = missingEcosystem.report.scanners.find((s) => s.id === 'osv-scanner');
    expect(run?.status).toBe('failed');
    expect(run?.error).toMatch(/OSV database/);
    expect(missingEcosystem.report.decision).not.toBe('pass');
    expect(missingEcosystem.run.exitCode).not.toBe(0);
  });

  it('takes the database from the job’s CONTROLGATE_OSV_DATABASE when the policy names none, and refuses one inside the repository, naming the variable', () => {
    expect(fromEnv.run.exitCode, fromEnv.run.stderr).toBe(1);
    expect(
      toolFindings(fromEnv.report)
        .map((f) => f.ruleId)
        .sort(),
    ).toEqual([LODASH_REDOS.id, LODASH_TEMPLATE.id].sort());
    expect(insideEnv.exitCode).toBe(2);
    expect(insideEnv.stderr).toContain("CONTROLGATE_OSV_DATABASE (the job's environment)");
    expect(insideEnv.stderr).toContain('"web" is inside the workspace');
  });

  it('refuses a database folder inside the repository, naming the setting', () => {
    expect(insideConfig.exitCode).not.toBe(0);
    expect(insideConfig.stderr).toContain('scanners.osv-scanner.database');
    expect(insideConfig.stderr).toContain('inside the workspace');
  });
});

describe('OSV-Scanner on a pull request', () => {
  it('blocks a change that pins lodash back into a vulnerable version: new findings, CC7.1 failing', () => {
    const findings = osvFindings(downgrade.report);
    expect(summary(findings)).toEqual([
      'GHSA-29mw-wpgm-hmr9 web/package-lock.json:12',
      'GHSA-35jh-r3h4-6jhm web/package-lock.json:12',
    ]);
    expect(findings.map((f) => f.baselineState)).toEqual(['new', 'new']);
    expect(downgrade.report.decision).toBe('block');
    expect(downgrade.run.exitCode).toBe(1);
    expect(downgrade.report.controls.find((c) => c.id === 'CC7.1')?.verdict).toBe('fail');
  });

  it('lists the advisories a change upgrades out of as fixed', () => {
    expect(osvFindings(upgrade.report)).toEqual([]);
    expect(
      toolFixed(upgrade.report)
        .filter((f) => f.scanner === 'osv-scanner')
        .map((f) => f.ruleId)
        .sort(),
    ).toEqual([LODASH_REDOS.id, LODASH_TEMPLATE.id]);
    expect(upgrade.report.baseline?.counts).toEqual({ new: 0, unchanged: 0, fixed: 2 });
  });

  it('keeps a bump that stays inside the vulnerable range unchanged, though the entry moved and its version changed', () => {
    const findings = osvFindings(withinRange.report);
    expect(findings.map((f) => `${f.ruleId} ${f.baselineState}`).sort()).toEqual([
      `${LODASH_REDOS.id} unchanged`,
      `${LODASH_TEMPLATE.id} unchanged`,
    ]);
    expect(withinRange.report.baseline?.counts).toMatchObject({ new: 0, fixed: 0 });
  });

  it('does not let an osv-scanner.toml the change adds ignore what it pins', () => {
    expect(
      osvFindings(ignoredByChange.report)
        .map((f) => `${f.ruleId} ${f.baselineState}`)
        .sort(),
    ).toEqual([`${LODASH_REDOS.id} new`, `${LODASH_TEMPLATE.id} new`]);
    expect(ignoredByChange.report.decision).toBe('block');
  });
});
