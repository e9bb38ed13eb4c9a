import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { builtinRulesDir, semgrep } from '../../scanners/semgrep/plugin.ts';
import { systemClock } from '../../src/clock.ts';
import { realExec } from '../../src/exec/exec.ts';
import type { Finding } from '../../src/findings/finding.ts';
import { toolsDir } from '../../src/paths.ts';
import { suggestLines } from '../../src/report/suggestion.ts';
import { runScanners } from '../../src/runner/run-scanners.ts';

/*
 * Every rule of the pack with a `fix:` or `fix-regex:` (found in its YAML, so a new fix is tested
 * without touching this file): its own test files are scanned with the real Semgrep through
 * controlgate's plugin and normalizer, each finding's fix is applied as the review suggestion
 * would apply it (suggestLines, whole lines), and a rescan must show each applied fix's finding gone
 * and nothing else of that rule changed. Suggestions that touch the same lines are applied one per
 * round, as a reviewer would accept them one after the other.
 *
 * The test files sit under scanners/, and fixtures under test/ are left out by Semgrep's default
 * ignore list: they are copied to a temporary folder of their own and scanned there.
 */

interface FixRule {
  id: string;
  yaml: string;
  /** The rule's test files, relative to the rule pack. */
  tests: string[];
}

function fixRules(): FixRule[] {
  const dir = builtinRulesDir();
  const yamls = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  return yamls.flatMap((rel) => {
    const doc = parse(readFileSync(path.join(dir, rel), 'utf8')) as { rules: Record<string, unknown>[] };
    const base = rel.replace(/\.yaml$/, '');
    const siblings = readdirSync(path.join(dir, path.dirname(rel)))
      .filter((f) => f.startsWith(`${path.basename(base)}.`) && !/\.(ya?ml|fixed\.\w+)$/.test(f))
      .map((f) => path.join(path.dirname(rel), f));
    return doc.rules
      .filter((rule) => 'fix' in rule || 'fix-regex' in rule)
      .map((rule) => ({ id: String(rule.id), yaml: path.join(dir, rel), tests: siblings }));
  });
}

const RULES = fixRules();
const scratch = mkdtempSync(path.join(os.tmpdir(), 'controlgate-rule-fixes-'));
const workspace = path.join(scratch, 'workspace');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function scan(round: number): Promise<Finding[]> {
  const files = RULES.flatMap((r) => r.tests.map((t) => path.join(workspace, t)));
  const options = {
    timeoutSeconds: 600,
    extraArgs: [],
    configs: [...new Set(RULES.map((r) => r.yaml))],
  };
  const [run] = await runScanners({
    root: workspace,
    target: workspace,
    files,
    scanners: [{ scanner: semgrep, options }],
    outDir: path.join(scratch, `out-${round}`),
    exec: realExec,
    toolsDir: process.env.CONTROLGATE_TOOLS_DIR ?? toolsDir(),
    env: process.env,
    concurrency: 1,
    clock: systemClock,
  });
  expect(run?.error).toBeUndefined();
  expect(run?.status).toBe('ok');
  return run?.findings ?? [];
}

const key = (f: Finding) => `${f.ruleId}\u0000${f.path}`;

function countBy(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(key(f), (counts.get(key(f)) ?? 0) + 1);
  return counts;
}

/** Applies every suggestion that does not touch lines another one already changed; returns the applied ones. */
function applySuggestions(findings: readonly Finding[]): Finding[] {
  const applied: Finding[] = [];
  const byFile = Map.groupBy(
    findings.filter((f) => f.fix),
    (f) => f.path,
  );
  for (const [file, fixable] of byFile) {
    const full = path.join(workspace, file);
    let lines = readFileSync(full, 'utf8').split('\n');
    const taken: [number, number][] = [];
    // Bottom up, so the line numbers of the ones still to apply stay true.
    for (const finding of [...fixable].sort((a, b) => (b.fix?.startLine ?? 0) - (a.fix?.startLine ?? 0))) {
      const fix = finding.fix;
      if (!fix || taken.some(([from, to]) => fix.startLine <= to && fix.endLine >= from)) continue;
      const suggestion = suggestLines(fix, lines.join('\n'));
      expect(suggestion, `${finding.ruleId} at ${file}:${fix.startLine}`).toBeDefined();
      if (!suggestion) continue;
      lines = [
        ...lines.slice(0, suggestion.startLine - 1),
        ...suggestion.lines,
        ...lines.slice(suggestion.endLine),
      ];
      taken.push([fix.startLine, fix.endLine]);
      applied.push(finding);
    }
    writeFileSync(full, lines.join('\n'));
  }
  return applied;
}

describe('the rule pack fixes, applied as review suggestions', () => {
  it('finds rules with fixes in the pack', () => {
    expect(RULES.length).toBeGreaterThan(0);
    for (const rule of RULES) expect(rule.tests, rule.id).not.toHaveLength(0);
  });

  it('remove the finding they were suggested for, and nothing else of their rule', async () => {
    for (const rule of RULES) {
      for (const test of rule.tests) {
        mkdirSync(path.join(workspace, path.dirname(test)), { recursive: true });
        cpSync(path.join(builtinRulesDir(), test), path.join(workspace, test));
      }
    }
    let findings = await scan(0);
    for (const rule of RULES) {
      const own = findings.filter((f) => f.ruleId === rule.id && rule.tests.includes(f.path));
      expect(
        own.some((f) => f.fix),
        `${rule.id} has a finding with a fix`,
      ).toBe(true);
    }
    for (let round = 1; findings.some((f) => f.fix); round++) {
      expect(round, 'suggestions left after 4 rounds').toBeLessThanOrEqual(4);
      const before = countBy(findings);
      const applied = countBy(applySuggestions(findings));
      findings = await scan(round);
      const after = countBy(findings);
      for (const k of new Set([...before.keys(), ...after.keys()])) {
        expect(after.get(k) ?? 0, k.replace('\u0000', ' in ')).toBe(
          (before.get(k) ?? 0) - (applied.get(k) ?? 0),
        );
      }
    }
  }, 900_000);
});
