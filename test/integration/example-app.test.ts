import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { toolFindings } from '../support/tool-findings.ts';

const PLANTED_SECRETS = [
  'Inv3ntory-Demo-Only-Not-Real',
  'AKIAIOSFODNN7EXAMPLE',
  'AKIAZ7Q3DEMOFAKEK3Y9',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
];

/** Secret values planted in the example app, read from the files themselves so the list stays true. */
function plantedSecrets(): string[] {
  const root = path.resolve('examples/vulnerable-app');
  const found = new Set(PLANTED_SECRETS);
  const token = /ghp_[A-Za-z0-9]{36}/.exec(readFileSync(path.join(root, 'web/config.js'), 'utf8'));
  if (token) found.add(token[0]);
  const key = readFileSync(path.join(root, 'config/dev-key.pem'), 'utf8').split('\n');
  for (const line of key) if (line.length > 20 && !line.startsWith('-----')) found.add(line.trim());
  return [...found];
}

describe('controlgate scan on the example app, with the real scanners', () => {
  const scan = inject('exampleScan');
  let report: JsonReport;
  let merged: string;

  beforeAll(() => {
    const file = path.join(scan.outDir, 'controlgate.json');
    report = parseJsonReport(readFileSync(file, 'utf8'), file);
    merged = readFileSync(path.join(scan.outDir, 'controlgate.sarif'), 'utf8');
  });

  it('evaluates every scanner, and the default policy blocks the example app (exit 1)', () => {
    expect(scan.stderr).not.toContain('internal error');
    expect(report.evaluated).toBe(true);
    expect(report.decision).toBe('block');
    expect(scan.exitCode).toBe(1);
    expect(report.scanners.map((s) => [s.id, s.status])).toEqual([
      ['semgrep', 'ok'],
      ['bandit', 'ok'],
      ['kics', 'ok'],
      ['gitleaks', 'ok'],
      // Its lockfile and requirements, matched offline against examples/osv-database.
      ['osv-scanner', 'ok'],
    ]);
    for (const s of report.scanners.filter((x) => x.status !== 'skipped'))
      expect(s.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('reports findings from all five scanners', () => {
    for (const id of ['semgrep', 'bandit', 'kics', 'gitleaks', 'osv-scanner']) {
      const count = toolFindings(report).filter((f) => f.scanner === id).length;
      expect(count, id).toBeGreaterThan(0);
      expect(report.scanners.find((s) => s.id === id)?.findings).toBe(count);
    }
  });

  it('gives every finding a severity, a repo-relative POSIX path and a fingerprint', () => {
    for (const f of report.findings) {
      expect(['critical', 'high', 'medium', 'low', 'info']).toContain(f.severity);
      expect(f.path.startsWith('examples/vulnerable-app/'), f.path).toBe(true);
      expect(f.inWorkspace).toBe(true);
      expect(f.line).toBeGreaterThan(0);
      expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(new Set(report.findings.map((f) => f.fingerprint)).size).toBe(report.findings.length);
  });

  it('carries the CWE wherever the tool gives one', () => {
    // Our Semgrep rules and KICS queries all declare a CWE; Bandit does for these tests.
    for (const f of toolFindings(report).filter((x) => x.scanner !== 'bandit'))
      expect(f.cwe.length, f.ruleId).toBeGreaterThan(0);
    const b602 = toolFindings(report).find((f) => f.ruleId === 'B602');
    expect(b602?.cwe).toEqual(['CWE-78']);
    const kicsPublicDb = report.findings.find((f) => f.ruleName === 'RDS DB Instance Publicly Accessible');
    expect(kicsPublicDb?.category).toBe('Insecure Configurations');
  });

  it('keeps in-source suppressions as suppressed findings instead of dropping them', () => {
    const nosec = toolFindings(report).find(
      (f) => f.scanner === 'bandit' && f.ruleId === 'B602' && f.suppressed,
    );
    expect(nosec?.suppressions[0]).toMatchObject({ kind: 'inSource', status: 'accepted' });
    const nosemgrep = toolFindings(report).find(
      (f) => f.scanner === 'semgrep' && f.ruleId === 'controlgate.python.eval-injection' && f.suppressed,
    );
    expect(nosemgrep?.suppressions[0]?.justification).toMatch(/nosemgrep/);
  });

  it('never prints, stores or reports a planted secret value', () => {
    const raw = readdirSync(path.join(scan.outDir, 'raw'), { recursive: true })
      .map((f) => path.join(scan.outDir, 'raw', String(f)))
      .filter((f) => statSync(f).isFile());
    expect(raw.filter((f) => f.endsWith('.sarif')).length).toBe(5);
    const outputs = [
      scan.stdout,
      scan.stderr,
      JSON.stringify(report),
      merged,
      ...raw.map((f) => readFileSync(f, 'utf8')),
    ];
    for (const secret of plantedSecrets()) {
      for (const output of outputs)
        expect(output.includes(secret), `secret leaked: ${secret.slice(0, 6)}…`).toBe(false);
    }
  });

  it('writes one merged SARIF run per scanner with a distinct category', () => {
    const log = JSON.parse(merged) as {
      version: string;
      runs: { automationDetails: { id: string }; results: unknown[] }[];
    };
    expect(log.version).toBe('2.1.0');
    expect(log.runs.map((r) => r.automationDetails.id)).toEqual([
      'controlgate/semgrep/',
      'controlgate/bandit/',
      'controlgate/kics/',
      'controlgate/gitleaks/',
      'controlgate/osv-scanner/',
    ]);
    // Every tool's result, one for one; the results of one problem are marked as such.
    expect(log.runs.reduce((n, r) => n + r.results.length, 0)).toBe(toolFindings(report).length);
    expect(report.summary.findings).toBe(toolFindings(report).length);
  });

  it('shows a problem two tools found once, with both tools, at the higher severity', () => {
    const problems = report.summary.problems ?? 0;
    expect(problems).toBe(report.findings.length);
    expect(problems).toBeLessThan(report.summary.findings);
    // The SQL query built with % in app/db.py: the rule pack says high, Bandit's B608 medium.
    const sql = report.findings.find(
      (f) => f.path.endsWith('app/db.py') && [f, ...(f.sources ?? [])].some((s) => s.ruleId === 'B608'),
    );
    // Every tool's finding of it, the main one first.
    expect((sql?.sources ?? []).map((s) => s.scanner).sort()).toEqual(['bandit', 'semgrep']);
    expect(sql?.sources?.[0]?.fingerprint).toBe(sql?.fingerprint);
    expect(sql?.severity).toBe('high');
    expect(sql?.criteria).toContain('CC7.1');
    const log = JSON.parse(merged) as { runs: { results: { properties?: Record<string, unknown> }[] }[] };
    const marked = log.runs
      .flatMap((r) => r.results)
      .filter((r) => r.properties?.['controlgate/problem'] === sql?.fingerprint);
    expect(marked).toHaveLength(2);
  });

  it('reports all 61 criteria, and names the failing ones with the findings behind each', () => {
    expect(report.controls).toHaveLength(61);
    const failing = report.controls.filter((c) => c.verdict === 'fail');
    expect(failing.map((c) => c.id)).toEqual(expect.arrayContaining(['CC6.1', 'CC7.1']));
    const byFingerprint = new Map(report.findings.map((f) => [f.fingerprint, f]));
    for (const c of failing) {
      expect(c.findings.length, c.id).toBeGreaterThan(0);
      for (const fp of c.findings) expect(byFingerprint.get(fp)?.criteria).toContain(c.id);
      expect(scan.stdout).toContain(`  ${c.id.padEnd(6)} ${c.title}`);
    }
    expect(scan.stdout).toMatch(/SOC 2 criteria that fail:/);
    expect(scan.stdout).toMatch(/\nDecision: BLOCK — .*CC6\.1.* fail \(exit 1\)\n/);
    // Process controls are reported honestly, not shown green.
    expect(report.controls.find((c) => c.id === 'CC1.1')?.verdict).toBe('not-covered');
    expect(report.controls.find((c) => c.id === 'P1.1')?.verdict).toBe('out-of-scope');
  });

  it('prints a table grouped by severity', () => {
    expect(scan.stdout).toMatch(/^Scanners:/);
    expect(scan.stdout).toMatch(/\nHIGH \(\d+\)\n/);
    expect(scan.stdout).toMatch(/\d+ findings: \d+ critical, \d+ high, \d+ medium, \d+ low, \d+ info/);
  });
});
