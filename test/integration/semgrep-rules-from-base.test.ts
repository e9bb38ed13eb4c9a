import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import type { RunFacts } from '../../src/report/run-facts.ts';
import { runCli } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';

/*
 * Semgrep's local rules are policy: on a pull request they are read from the base commit, as the
 * configuration that names them is. Each case adds an eval() call that the repository's own rule in
 * rules/ flags (high: it blocks), and tampers with that rule in the same change. Real git
 * repositories, the real Semgrep, the built CLI.
 */

/** Only Semgrep, with the repository's rules and not our pack: the rule in rules/ alone decides. */
const CONFIG =
  'scanners:\n  semgrep:\n    configs: [rules]\n  bandit:\n    enabled: false\n  kics:\n    enabled: false\n';
const RULE = (pattern: string) => `rules:
  - id: local.no-eval
    languages: [python]
    severity: ERROR
    message: eval() on text runs code
    pattern: ${pattern}
    metadata:
      category: security
      cwe: ["CWE-95: Improper Neutralization of Directives in Dynamically Evaluated Code ('Eval Injection')"]
      security-severity: "8.1"
`;
const STRICT = RULE('eval(...)');
/** The edit a change would make to let its own eval() through. */
const LAX = RULE('never_called_anywhere(...)');
const VULNERABLE = 'def run(text):\n    return eval(text)\n';

const repos: GitRepo[] = [];
afterAll(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

/** `main` with the application, its policy and its rule, checked out on `feature`. */
function repository(): GitRepo {
  const repo = GitRepo.create({
    'app.py': 'print("hello")\n',
    '.controlgate.yml': CONFIG,
    'rules/no-eval.yaml': STRICT,
  });
  repos.push(repo);
  repo.commit('Application, its policy and its rule');
  return repo.branch('feature');
}

interface Scan {
  exitCode: number | null;
  report: JsonReport;
  stderr: string;
}

function scan(repo: GitRepo, extra: string[] = ['--no-evidence']): Scan {
  const run = runCli(['scan', repo.dir, '--base', 'main', '--format', 'json', '--no-progress', ...extra]);
  if (run.stdout.trim() === '') throw new Error(`scan failed (${run.exitCode}): ${run.stderr}`);
  return { exitCode: run.exitCode, report: parseJsonReport(run.stdout, 'stdout'), stderr: run.stderr };
}

function proposedKeys(report: JsonReport): string[] {
  return (report.policy.proposed?.changes ?? []).map((c) => `${c.key} ${c.change}`);
}

function ruleIds(report: JsonReport): string[] {
  return report.findings.map((f) => `${f.scanner}:${f.ruleId}:${f.path}`);
}

describe("Semgrep's local rules judge a pull request as the base has them", () => {
  it('a pull request adding code the local rule flags is blocked', () => {
    const repo = repository();
    repo.write({ 'vuln.py': VULNERABLE }).commit('Add an eval');
    const { exitCode, report } = scan(repo);
    expect(exitCode, JSON.stringify(report.scanners)).toBe(1);
    expect(ruleIds(report)).toEqual(['semgrep:local.no-eval:vuln.py']);
    expect(report.policy.proposed).toBeNull();
  });

  it('still blocks when the same pull request edits the rule so it no longer matches; the edit is a proposal', () => {
    const repo = repository();
    repo
      .write({ 'vuln.py': VULNERABLE, 'rules/no-eval.yaml': LAX })
      .commit('Add an eval, and relax the rule');
    const { exitCode, report } = scan(repo);
    expect(exitCode, JSON.stringify(report.scanners)).toBe(1);
    expect(report.decision).toBe('block');
    expect(ruleIds(report)).toEqual(['semgrep:local.no-eval:vuln.py']);
    expect(proposedKeys(report)).toEqual(['scanners.semgrep.configs.rules/no-eval.yaml changed']);
  });

  it('still blocks when the pull request deletes the rules folder; the removal is a proposal', () => {
    const repo = repository();
    repo.write({ 'vuln.py': VULNERABLE });
    repo.git('rm', '--quiet', '-r', '--', 'rules');
    repo.commit('Add an eval, and delete the rules');
    const { exitCode, report } = scan(repo);
    expect(exitCode, JSON.stringify(report.scanners)).toBe(1);
    expect(ruleIds(report)).toEqual(['semgrep:local.no-eval:vuln.py']);
    expect(proposedKeys(report)).toEqual(['scanners.semgrep.configs.rules/no-eval.yaml removed']);
  });

  it('still blocks when the pull request empties the rule file', () => {
    const repo = repository();
    repo
      .write({ 'vuln.py': VULNERABLE, 'rules/no-eval.yaml': 'rules: []\n' })
      .commit('Add an eval, no rules');
    const { exitCode, report } = scan(repo);
    expect(exitCode).toBe(1);
    expect(ruleIds(report)).toEqual(['semgrep:local.no-eval:vuln.py']);
    expect(proposedKeys(report)).toEqual(['scanners.semgrep.configs.rules/no-eval.yaml changed']);
  });

  it('a rules path the base does not have is never read from the checkout: Semgrep fails closed, naming it', () => {
    const repo = GitRepo.create({ 'app.py': 'print("hello")\n', '.controlgate.yml': CONFIG });
    repos.push(repo);
    repo.commit('A policy naming rules that are not there yet');
    repo.branch('feature');
    repo
      .write({ 'vuln.py': VULNERABLE, 'rules/no-eval.yaml': LAX })
      .commit('Add an eval, and rules of my own');
    const { exitCode, report } = scan(repo);
    expect(exitCode).toBe(2);
    const semgrep = report.scanners.find((s) => s.id === 'semgrep');
    expect(semgrep?.status).toBe('failed');
    expect(semgrep?.error).toMatch(/"rules" \(scanners\.semgrep\.configs\) are not in the base commit/);
    expect(proposedKeys(report)).toEqual(['scanners.semgrep.configs.rules/no-eval.yaml added']);
  });

  it('the rule edit, merged into the base, takes effect on the next pull request', () => {
    const repo = repository();
    repo.write({ 'rules/no-eval.yaml': LAX }).commit('Reviewed: relax the rule');
    repo.checkout('main');
    repo.git('merge', '--quiet', '--no-edit', 'feature');
    repo.git('checkout', '--quiet', '-b', 'next');
    repo.write({ 'vuln.py': VULNERABLE }).commit('Add an eval');
    const { exitCode, report } = scan(repo);
    expect(exitCode, JSON.stringify(report.scanners)).toBe(0);
    expect(ruleIds(report)).toEqual([]);
    expect(report.policy).toMatchObject({ source: 'base', proposed: null });
  });

  it('--policy-from-head tries the edited rule locally', () => {
    const repo = repository();
    repo
      .write({ 'vuln.py': VULNERABLE, 'rules/no-eval.yaml': LAX })
      .commit('Add an eval, and relax the rule');
    const { exitCode, report } = scan(repo, ['--no-evidence', '--policy-from-head']);
    expect(exitCode).toBe(0);
    expect(report.policy.source).toBe('head');
    expect(ruleIds(report)).toEqual([]);
  });

  it("the evidence hashes the base's rule that ran, named as the repository names it", () => {
    const repo = repository();
    repo
      .write({ 'vuln.py': VULNERABLE, 'rules/no-eval.yaml': LAX })
      .commit('Add an eval, and relax the rule');
    const evidence = path.join(path.dirname(repo.dir), 'evidence');
    const { exitCode } = scan(repo, ['--evidence', evidence]);
    expect(exitCode).toBe(1);
    const facts = JSON.parse(readFileSync(path.join(evidence, 'run.json'), 'utf8')) as RunFacts;
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(facts.hashes.rulePacks).toEqual([{ path: 'rules/no-eval.yaml', sha256: sha256(STRICT) }]);
  });
});
