import { describe, expect, it } from 'vitest';
import { BUILTIN_SCANNERS } from '../../../scanners/index.ts';
import type { Finding } from '../../../src/findings/finding.ts';
import type { ScannerRun } from '../../../src/findings/scanner-run.ts';
import { mergedSarif } from '../../../src/sarif/merge.ts';
import { helpUriOf, normalizeRun, titleOf } from '../../../src/sarif/normalize.ts';
import { SECURITY_SEVERITY, severityFromScore } from '../../../src/sarif/severity.ts';
import { SourceReader } from '../../../src/sarif/source-reader.ts';
import { REPO_ROOT } from '../../support/cli.ts';
import { loadFixture } from '../../support/fixtures.ts';

/*
 * What a reader and GitHub code scanning see of each rule, from recorded real output
 * (test/fixtures/sarif/): the id users know, a help link for every finding, and a
 * security-severity on every rule so code scanning shows Critical / High / Medium / Low.
 */

async function run(tool: string): Promise<{ findings: Finding[]; scanner: ScannerRun }> {
  const fixture = loadFixture(tool);
  const plugin = BUILTIN_SCANNERS.get(tool);
  const extraRuleProperties = await plugin?.ruleProperties?.(fixture.dir);
  const findings = fixture.log.runs.flatMap((r) =>
    normalizeRun(r, {
      scannerId: tool,
      scannerVersion: fixture.recording.version,
      root: REPO_ROOT,
      baseDir: fixture.toolCwd,
      sources: new SourceReader(REPO_ROOT),
      extraRuleProperties,
    }),
  );
  const log = { ...fixture.log, runs: fixture.log.runs.map((r) => ({ ...r, results: [] })) };
  return {
    findings,
    scanner: {
      id: tool,
      displayName: tool,
      status: 'ok',
      durationMs: 1,
      filesScanned: 1,
      findings,
      log: log as unknown as ScannerRun['log'],
    },
  };
}

describe('rule ids as users know them', () => {
  it('Bandit: B324 and B301, not their plugin names hashlib and blacklist', async () => {
    const { findings } = await run('bandit');
    const ids = new Set(findings.map((f) => f.ruleId));
    expect(ids).toContain('B324');
    expect(ids).toContain('B301');
    for (const f of findings) {
      expect(f.ruleId).toMatch(/^B\d{3}$/);
      expect(f.ruleName).toBeUndefined();
    }
  });

  it('KICS: the query name shown, the query id kept as the rule id', async () => {
    const { findings } = await run('kics');
    for (const f of findings) {
      expect(f.ruleId).toMatch(/^[0-9a-f-]{36}$/);
      expect(f.ruleName).toMatch(/ /);
    }
  });

  it('keeps a title, drops an identifier and a repeated id', () => {
    expect(titleOf({ id: 'B324', name: 'hashlib' }, 'B324')).toBeUndefined();
    expect(titleOf({ id: 'B105', name: 'hardcoded_password_string' }, 'B105')).toBeUndefined();
    expect(titleOf({ id: 'x', name: 'x' }, 'x')).toBeUndefined();
    expect(titleOf({ id: 'q', name: 'Privileged Containers Enabled' }, 'q')).toBe(
      'Privileged Containers Enabled',
    );
  });
});

describe('help links', () => {
  it.each(['semgrep', 'bandit', 'kics'])(
    '%s: every finding has one, and the merged SARIF rule carries it',
    async (tool) => {
      const { findings, scanner } = await run(tool);
      expect(findings.length).toBeGreaterThan(0);
      for (const f of findings) expect(f.helpUri, f.ruleId).toMatch(/^https:\/\//);
      const rules = mergedSarif([scanner], REPO_ROOT).runs[0]?.tool.driver.rules ?? [];
      for (const rule of rules) expect(rule.helpUri, rule.id).toMatch(/^https:\/\//);
    },
  );

  it("Semgrep's rules: the first of the references its help lists", () => {
    const markdown =
      'Text.\n\n<b>References:</b>\n - [https://a.example/1](https://a.example/1)\n - [https://b.example](https://b.example)\n';
    expect(helpUriOf({ id: 'r', help: { text: 'Text.', markdown } })).toBe('https://a.example/1');
    expect(helpUriOf({ id: 'r', helpUri: 'https://own.example', help: { text: '', markdown } })).toBe(
      'https://own.example',
    );
    expect(helpUriOf({ id: 'r' })).toBeUndefined();
  });
});

describe('security-severity for code scanning', () => {
  it.each(['semgrep', 'bandit', 'kics'])(
    '%s: every rule has one, in the band of its worst finding',
    async (tool) => {
      const { findings, scanner } = await run(tool);
      const rules = mergedSarif([scanner], REPO_ROOT).runs[0]?.tool.driver.rules ?? [];
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        const ofRule = findings.filter((f) => f.ruleId === rule.id);
        if (ofRule.every((f) => f.severity === 'info')) continue;
        const score = Number(rule.properties?.['security-severity']);
        expect(score, rule.id).toBeGreaterThan(0);
        if (tool !== 'semgrep') {
          const order = ['info', 'low', 'medium', 'high', 'critical'];
          const worst = ofRule.map((f) => f.severity).sort((a, b) => order.indexOf(b) - order.indexOf(a))[0];
          expect(severityFromScore(score), rule.id).toBe(worst);
        }
      }
    },
  );

  it("keeps the tool's own score where it gives one (Semgrep's rules)", async () => {
    const { scanner } = await run('semgrep');
    const fixture = loadFixture('semgrep');
    const original = new Map(
      (fixture.log.runs[0]?.tool.driver.rules ?? []).map((r) => [r.id, r.properties?.['security-severity']]),
    );
    for (const rule of mergedSarif([scanner], REPO_ROOT).runs[0]?.tool.driver.rules ?? [])
      expect(rule.properties?.['security-severity']).toBe(String(original.get(rule.id)));
  });

  it('sits inside GitHub’s bands for each severity', () => {
    expect(severityFromScore(Number(SECURITY_SEVERITY.critical))).toBe('critical');
    expect(severityFromScore(Number(SECURITY_SEVERITY.high))).toBe('high');
    expect(severityFromScore(Number(SECURITY_SEVERITY.medium))).toBe('medium');
    expect(severityFromScore(Number(SECURITY_SEVERITY.low))).toBe('low');
    expect(SECURITY_SEVERITY.info).toBeUndefined();
  });
});
