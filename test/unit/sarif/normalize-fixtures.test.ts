import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCANNERS } from '../../../scanners/index.ts';
import type { Finding } from '../../../src/findings/finding.ts';
import { normalizeRun } from '../../../src/sarif/normalize.ts';
import { SourceReader } from '../../../src/sarif/source-reader.ts';
import { REPO_ROOT } from '../../support/cli.ts';
import { loadFixture } from '../../support/fixtures.ts';

async function normalizeFixture(
  tool: string,
): Promise<{ findings: Finding[]; fixture: ReturnType<typeof loadFixture> }> {
  const fixture = loadFixture(tool);
  const scanner = BUILTIN_SCANNERS.get(tool);
  const sources = new SourceReader(REPO_ROOT);
  // Side reports recorded next to the SARIF (KICS's JSON), read the way the runner reads them.
  const extraRuleProperties = await scanner?.ruleProperties?.(fixture.dir);
  const findings = fixture.log.runs.flatMap((run) =>
    normalizeRun(run, {
      scannerId: tool,
      scannerVersion: fixture.recording.version,
      root: REPO_ROOT,
      baseDir: fixture.toolCwd,
      sources,
      inSourceSuppression: scanner?.inSourceSuppression,
      extraRuleProperties,
    }),
  );
  return { findings, fixture };
}

describe.each(['semgrep', 'bandit', 'kics'])('normalizing real %s output', async (tool) => {
  const { findings, fixture } = await normalizeFixture(tool);
  const results = fixture.log.runs.flatMap((r) => r.results ?? []);

  it('yields exactly one finding per SARIF result, in order: nothing lost, nothing doubled', () => {
    expect(results.length).toBeGreaterThan(0);
    expect(findings).toHaveLength(results.length);
    findings.forEach((f, i) => {
      const r = results[i];
      expect(f.resultIndex).toBe(i);
      expect(f.ruleId).toBe(r?.ruleId);
      expect(f.line).toBe(r?.locations?.[0]?.physicalLocation?.region?.startLine);
    });
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(findings.length);
  });

  it('maps every location to the same file, repo-relative and POSIX', () => {
    findings.forEach((f, i) => {
      const uri = results[i]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
      expect(f.inWorkspace).toBe(true);
      expect(f.path).toMatch(/^examples\/vulnerable-app\/[^\\]+$/);
      expect(uri.endsWith(f.path)).toBe(true);
    });
  });

  it('gives every finding a severity, a message and its scanner version', () => {
    for (const f of findings) {
      expect(f.scanner).toBe(tool);
      expect(f.scannerVersion).toBe(fixture.recording.version);
      expect(f.message.length).toBeGreaterThan(0);
      expect(['critical', 'high', 'medium', 'low', 'info']).toContain(f.severity);
    }
  });

  it('never lets Semgrep’s "requires login" placeholder through as a snippet', () => {
    for (const f of findings) expect(f.snippet ?? '').not.toContain('requires login');
  });
});

describe('tool-specific signals', () => {
  it('Bandit: severity from issue_severity (MEDIUM has no level), CWE from tags, absolute paths made relative', async () => {
    const { findings, fixture } = await normalizeFixture('bandit');
    const results = fixture.log.runs[0]?.results ?? [];
    findings.forEach((f, i) => {
      const word = String(results[i]?.properties?.issue_severity).toLowerCase();
      expect(f.severity).toBe(word === 'undefined' ? 'info' : word);
      expect(f.severitySource).toBe('tool-property');
    });
    expect(results.some((r) => r.level === undefined)).toBe(true);
    expect(findings.find((f) => f.ruleId === 'B602')?.cwe).toEqual(['CWE-78']);
    expect(
      fixture.log.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri,
    ).toMatch(/^file:\/\//);
  });

  it('Bandit: `# nosec` results are kept and marked suppressed', async () => {
    const { findings } = await normalizeFixture('bandit');
    const suppressed = findings.filter((f) => f.suppressed);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const f of suppressed) expect(f.suppressions[0]?.justification).toMatch(/^nosec/);
  });

  it('Bandit: hard-coded password values are redacted from messages and snippets', async () => {
    const { findings, fixture } = await normalizeFixture('bandit');
    const raw = JSON.stringify(fixture.log);
    const b105 = findings.filter((f) => ['B105', 'B106', 'B107'].includes(f.ruleId));
    expect(b105.length).toBeGreaterThan(0);
    for (const f of b105) {
      expect(f.secret).toBe(true);
      const planted = /Possible hardcoded password: '([^']+)'/.exec(raw)?.[1] ?? '';
      expect(planted.length).toBeGreaterThan(3);
      expect(f.message).not.toContain(planted);
      expect(f.snippet ?? '').not.toContain(planted);
    }
  });

  it('Semgrep: severity from security-severity, CWE from "CWE-…" tags, nosemgrep kept and marked', async () => {
    const { findings } = await normalizeFixture('semgrep');
    for (const f of findings) {
      expect(f.severitySource).toBe('security-severity');
      expect(f.cwe.length).toBeGreaterThan(0);
      expect(f.tags.some((t) => t.startsWith('OWASP-'))).toBe(true);
    }
    const nosem = findings.find((f) => f.suppressed);
    expect(nosem?.ruleId).toBe('controlgate.python.eval-injection');
    expect(nosem?.suppressions[0]?.justification).toMatch(/nosemgrep/);
  });

  it('KICS: severity from its own report (critical included), CWE and category from taxonomy relationships', async () => {
    const { findings, fixture } = await normalizeFixture('kics');
    const report = JSON.parse(readFileSync(path.join(fixture.dir, 'kics.json'), 'utf8')) as {
      queries: { query_id: string; severity: string }[];
    };
    const severityOf = new Map(report.queries.map((q) => [q.query_id, q.severity.toLowerCase()]));
    for (const f of findings) {
      expect(f.severity, f.ruleName).toBe(severityOf.get(f.ruleId));
      expect(f.severitySource).toBe('tool-property');
      expect(f.cwe.length, f.ruleName).toBeGreaterThan(0);
      expect(f.category, f.ruleName).toBeTruthy();
      expect(f.category).not.toMatch(/^CAT\d+$/);
    }
    expect(findings.some((f) => f.severity === 'critical')).toBe(true);
  });

  it('KICS: without its JSON report, severity falls back to the rule’s default level', () => {
    const fixture = loadFixture('kics');
    const run = fixture.log.runs[0];
    if (!run) throw new Error('fixture has no run');
    const findings = normalizeRun(run, {
      scannerId: 'kics',
      scannerVersion: fixture.recording.version,
      root: REPO_ROOT,
      baseDir: fixture.toolCwd,
      sources: new SourceReader(REPO_ROOT),
    });
    findings.forEach((f, i) => {
      const rule = run.tool.driver.rules?.[run.results?.[i]?.ruleIndex ?? -1];
      const level = rule?.defaultConfiguration?.level ?? 'none';
      expect(f.severity).toBe({ error: 'high', warning: 'medium', note: 'low', none: 'info' }[level]);
      // Informational results (kind other than fail) are info by their kind, as SARIF defines it.
      const kind = run.results?.[i]?.kind;
      expect(f.severitySource).toBe(kind && kind !== 'fail' ? 'level' : 'rule-default');
    });
  });
});
