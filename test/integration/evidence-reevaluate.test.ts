import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { sha256 } from '../../src/bundle/manifest.ts';
import { editJson, rewriteManifest } from '../support/bundle-edit.ts';
import { runCli } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';

/*
 * `controlgate evidence reevaluate`: the decision recomputed from a bundle alone agrees with the
 * bundle on real scans (the example app; waivers and suppressions; a base comparison; a failed
 * scanner), and a bundle edited after the fact — even with its manifest written again — is caught by
 * reevaluate and by verify. Real scanners, real git repositories, the built CLI.
 */

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cg-reevaluate-'));
const repos: GitRepo[] = [];
afterAll(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of a bundle folder to edit. */
function copyOf(bundle: string, name: string): string {
  const dir = path.join(scratch, name);
  cpSync(bundle, dir, { recursive: true });
  return dir;
}

function reevaluate(location: string) {
  return runCli(['evidence', 'reevaluate', location]);
}

describe('evidence reevaluate on the example app', () => {
  const bundle = path.join(inject('exampleScan').outDir, 'evidence');

  it('recomputes the same decision, verdicts and findings from the bundle alone (folder and zip)', () => {
    for (const location of [bundle, `${bundle}.zip`]) {
      const run = reevaluate(location);
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        /recomputed block \(exit 1\) from inputs\/ for 61 criteria and \d+ findings; agrees/,
      );
    }
  });

  it('a decision flipped to pass in controlgate.json, controls.json and run.json, manifest rewritten, is caught', () => {
    const dir = copyOf(bundle, 'flipped');
    const pass = (v: Record<string, unknown>) => {
      v.decision = 'pass';
      v.exitCode = 0;
      for (const c of (v.controls as { verdict: string; findings: string[] }[] | undefined) ?? []) {
        if (c.verdict === 'fail') {
          c.verdict = 'pass';
          c.findings = [];
        }
      }
    };
    for (const file of ['controlgate.json', 'controls.json', 'run.json'])
      editJson(path.join(dir, file), pass);
    rewriteManifest(dir);

    const verify = runCli(['evidence', 'verify', dir]);
    expect(verify.exitCode, verify.stdout).toBe(1);
    expect(verify.stdout).toContain('NOT consistent');
    expect(verify.stdout).toContain('report.html shows block, controlgate.json says pass');
    expect(verify.stdout).toContain(
      'oscal/assessment-results.json records block, controlgate.json says pass',
    );

    const run = reevaluate(dir);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('decision: the bundle says pass, recomputed block');
    expect(run.stdout).toMatch(/CC6\.1: verdict pass in the bundle, recomputed fail/);
  });

  it('a changed mapping row is reported, whether or not run.json’s hash was changed with it', () => {
    const dir = copyOf(bundle, 'mapping');
    const file = path.join(dir, 'inputs/mapping.yml');
    const mapping = parse(readFileSync(file, 'utf8')) as {
      layers: { id: string; rows: { criteria?: string[] }[] }[];
    };
    const report = JSON.parse(readFileSync(path.join(dir, 'controlgate.json'), 'utf8')) as {
      findings: { mappingRows?: { layer: string; index: number }[]; criteria: string[] }[];
    };
    // The row that placed the first mapped finding: point it at CC9.2 instead.
    const used = report.findings.find((f) => (f.mappingRows?.length ?? 0) > 0)?.mappingRows?.[0];
    expect(used).toBeDefined();
    const row = mapping.layers.find((l) => l.id === used?.layer)?.rows[used?.index ?? -1];
    expect(row?.criteria?.length).toBeGreaterThan(0);
    if (row) row.criteria = ['CC9.2'];
    writeFileSync(file, stringify(mapping));
    rewriteManifest(dir);
    const stale = reevaluate(dir);
    expect(stale.exitCode, stale.stdout + stale.stderr).toBe(1);
    expect(stale.stdout).toContain('inputs/mapping.yml: its SHA-256 is not the one run.json records');
    expect(stale.stdout).toMatch(/criteria .* in the bundle, recomputed CC9\.2/);

    editJson(path.join(dir, 'run.json'), (v) => {
      (v.hashes as { mapping: { sha256: string } }).mapping.sha256 = sha256(readFileSync(file));
    });
    rewriteManifest(dir);
    const consistent = reevaluate(dir);
    expect(consistent.exitCode).toBe(1);
    expect(consistent.stdout).not.toContain('inputs/mapping.yml');
    expect(consistent.stdout).toMatch(/criteria .* in the bundle, recomputed CC9\.2/);
  });

  it('a bundle that does not match its manifest is not re-derived: exit 2, naming the file', () => {
    const dir = copyOf(bundle, 'tampered');
    writeFileSync(path.join(dir, 'inputs/mapping.yml'), 'version: x\n');
    const run = reevaluate(dir);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('inputs/mapping.yml: content changed');
  });
});

/** Only Bandit (fast and enough), one rule made blocking for Python files. */
const BANDIT_ONLY = 'scanners:\n  semgrep:\n    enabled: false\n  kics:\n    enabled: false\n';
const SHELL = 'import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n';
const FUTURE = new Date(Date.now() + 120 * 86_400_000).toISOString().slice(0, 10);

function scanWithEvidence(
  repo: GitRepo,
  name: string,
  extra: string[] = [],
): { bundle: string; exitCode: number | null } {
  const bundle = path.join(scratch, name);
  const run = runCli(['scan', repo.dir, '--evidence', bundle, '--no-progress', ...extra]);
  expect(run.stdout + run.stderr).not.toContain('internal error');
  return { bundle, exitCode: run.exitCode };
}

describe('evidence reevaluate on bundles with waivers, suppressions, a base, a failed scanner', () => {
  it('waivers: a pass under a waiver, recomputed with the waiver file in inputs/ as of the run', () => {
    const repo = GitRepo.create({
      '.controlgate.yml': BANDIT_ONLY,
      'waived.py': SHELL,
      '.controlgate-waivers.yml': `version: 1\nwaivers:\n  - id: W-7\n    rule: B602\n    path: waived.py\n    reason: Fixed command list\n    approver: lead@example.com\n    ticket: SEC-7\n    expires: ${FUTURE}\n`,
    });
    repos.push(repo);
    repo.commit('app');
    const { bundle, exitCode } = scanWithEvidence(repo, 'waivers');
    expect(exitCode).toBe(0);
    const report = JSON.parse(readFileSync(path.join(bundle, 'controlgate.json'), 'utf8')) as {
      waivers: { applied: unknown[] };
    };
    expect(report.waivers.applied.length).toBe(1);
    const run = reevaluate(bundle);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('recomputed pass (exit 0)');
  });

  it('in-source suppressions: honoured (pass), and refused by the policy (block)', () => {
    for (const [name, policy, decision] of [
      ['honoured', '', 'pass (exit 0)'],
      ['refused', 'policy:\n  inSourceSuppressions: refuse\n', 'block (exit 1)'],
    ] as const) {
      const repo = GitRepo.create({
        '.controlgate.yml': `${BANDIT_ONLY}${policy}`,
        'suppressed.py': SHELL.replace('shell=True)', 'shell=True)  # nosec B602'),
      });
      repos.push(repo);
      repo.commit('app');
      const { bundle } = scanWithEvidence(repo, `suppressions-${name}`);
      const report = JSON.parse(readFileSync(path.join(bundle, 'controlgate.json'), 'utf8')) as {
        findings: { suppressed: boolean }[];
      };
      expect(
        report.findings.some((f) => f.suppressed),
        name,
      ).toBe(true);
      const run = reevaluate(bundle);
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(run.stdout, name).toContain(`recomputed ${decision}`);
    }
  });

  it('a change compared with its base: only new findings judged', () => {
    const repo = GitRepo.create({ '.controlgate.yml': BANDIT_ONLY, 'old.py': SHELL });
    repos.push(repo);
    repo.commit('base with debt');
    repo.branch('feature');
    repo.write({ 'new.py': SHELL.replace('cmd', 'command') }).commit('new shell call');
    const { bundle, exitCode } = scanWithEvidence(repo, 'compared', ['--base', 'main']);
    expect(exitCode).toBe(1);
    const run = reevaluate(bundle);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('recomputed block (exit 1)');
  });

  it('a failed scanner: its criteria not evaluated, exit 2, recomputed the same', () => {
    const repo = GitRepo.create({
      '.controlgate.yml': `${BANDIT_ONLY}  custom:\n    - id: gone\n      command: controlgate-no-such-tool\n      args: ["{sarif}"]\n      sarif: "{outDir}/out.sarif"\n      covers: [CC6.1]\n`,
      'app.py': 'print("hello")\n',
    });
    repos.push(repo);
    repo.commit('app');
    const { bundle, exitCode } = scanWithEvidence(repo, 'failed');
    expect(exitCode).toBe(2);
    const run = reevaluate(bundle);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('recomputed block (exit 2)');
  });
});
