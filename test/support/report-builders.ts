/**
 * Small JSON reports for the report renderers' tests: each builder fills every field with a plain
 * value, so a test states only what it is about.
 */
import { expect } from 'vitest';
import type { JsonReport } from '../../src/report/json-report-schema.ts';

export type Finding = JsonReport['findings'][number];
export type Control = JsonReport['controls'][number];
export type Scanner = JsonReport['scanners'][number];
export type Waiver = JsonReport['waivers']['stale'][number];
export type Baseline = NonNullable<JsonReport['baseline']>;
export type Fixed = JsonReport['fixed'][number];

export function finding(n: number, over: Partial<Finding> = {}): Finding {
  return {
    scanner: 'semgrep',
    scannerVersion: '1.180.0',
    ruleId: `rule-${n}`,
    ruleName: null,
    severity: 'high',
    scannerSeverity: 'high',
    severitySource: 'level',
    criteria: ['CC6.1'],
    advisory: false,
    unmapped: false,
    mappingLayer: 'rule',
    waiver: null,
    suppressionRefused: false,
    cwe: [],
    category: null,
    tags: [],
    path: `app/file${n}.py`,
    inWorkspace: true,
    line: 10 + n,
    endLine: 10 + n,
    column: null,
    fingerprint: `fp${n}`,
    message: `Problem number ${n}`,
    snippet: null,
    suppressed: false,
    suppressions: [],
    secret: false,
    helpUri: null,
    baselineState: null,
    ...over,
  };
}

export function control(id: string, verdict: Control['verdict'], over: Partial<Control> = {}): Control {
  return {
    id,
    title: `Title of ${id}`,
    category: 'security',
    verdict,
    findings: [],
    mode: verdict === 'warn' ? 'warn' : 'block',
    severity: 'high',
    policySource: 'default',
    blocking: verdict === 'fail',
    coveredBy: ['semgrep'],
    failedScanners: [],
    belowThreshold: [],
    existing: [],
    waived: [],
    suppressed: [],
    ...over,
  };
}

export function scanner(id: string, over: Partial<Scanner> = {}): Scanner {
  return {
    id,
    name: id,
    status: 'ok',
    version: '1.0.0',
    findings: 0,
    error: null,
    filesScanned: 3,
    durationMs: 1234,
    exitCode: 0,
    sarifPath: null,
    ...over,
  };
}

export function waiver(id: string, over: Partial<Waiver> = {}): Waiver {
  return {
    id,
    fingerprint: null,
    scanner: null,
    rule: 'B105',
    path: null,
    reason: 'Test credentials for the mock server',
    approver: 'alice@example.com',
    ticket: 'SEC-1',
    expires: '2027-03-31',
    line: 3,
    ...over,
  };
}

export interface Parts {
  controls: Control[];
  findings?: Finding[];
  scanners?: Scanner[];
  waivers?: JsonReport['waivers'];
  baseline?: JsonReport['baseline'];
  fixed?: Fixed[];
}

/** A report whose counts agree with its parts; decision and exit code follow the controls. */
export function report(parts: Parts): JsonReport {
  const findings = parts.findings ?? [];
  const verdicts = { pass: 0, fail: 0, warn: 0, 'not-evaluated': 0, 'not-covered': 0, 'out-of-scope': 0 };
  for (const c of parts.controls) verdicts[c.verdict] += 1;
  const unevaluated = parts.controls.some((c) => c.verdict === 'not-evaluated' && c.blocking);
  const blocked = unevaluated || parts.controls.some((c) => c.verdict === 'fail' && c.blocking);
  const bySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) if (!f.suppressed) bySeverity[f.severity] += 1;
  return {
    tool: { name: 'controlgate', version: '0.1.0' },
    schemaVersion: 1,
    root: '/repo',
    target: '.',
    configFile: null,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:10.000Z',
    evaluated: !unevaluated,
    summary: {
      findings: findings.length,
      suppressed: findings.filter((f) => f.suppressed).length,
      bySeverity,
    },
    decision: blocked ? 'block' : 'pass',
    exitCode: unevaluated ? 2 : blocked ? 1 : 0,
    verdicts,
    data: {
      catalog: { version: '2026.1.0', sha256: 'a'.repeat(64) },
      mapping: { version: '2026.1.0', sha256: 'b'.repeat(64) },
      waiversFile: null,
    },
    policy: {
      source: 'worktree',
      commit: null,
      unverified: null,
      config: null,
      waivers: null,
      proposed: null,
    },
    controls: parts.controls,
    waivers: parts.waivers ?? { applied: [], expired: [], stale: [] },
    scanners: parts.scanners ?? [scanner('semgrep', { findings: findings.length })],
    findings,
    baseline: parts.baseline ?? null,
    fixed: parts.fixed ?? [],
  };
}

/** A comparison with `main` in diff mode: judged new, one changed file per head finding's file. */
export function baseline(over: Partial<Baseline> = {}): Baseline {
  return {
    status: 'compared',
    reason: null,
    mode: 'diff',
    judged: 'new',
    source: 'worktree',
    scope: 'changed-files',
    baseRef: 'main',
    baseSha: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
    mergeBase: '1a2b3c4d5e6f708192a3b4c5d6e7f80912345678',
    headSha: 'abc123def4567890abc123def4567890abc123de',
    bundle: null,
    counts: { new: 0, unchanged: 0, fixed: 0 },
    policyChanged: [],
    changedFiles: [],
    scanners: [
      {
        id: 'semgrep',
        scope: 'changed-files',
        compared: true,
        reason: null,
        baseStatus: 'ok',
        baseFilesScanned: 2,
        baseDurationMs: 900,
      },
    ],
    ...over,
  };
}

/** A finding at the base that the change removed. */
export function fixedFinding(n: number, over: Partial<Fixed> = {}): Fixed {
  return {
    scanner: 'semgrep',
    ruleId: `old-rule-${n}`,
    ruleName: null,
    severity: 'high',
    criteria: ['CC6.1'],
    cwe: [],
    path: `app/old${n}.py`,
    line: 20 + n,
    endLine: 20 + n,
    fingerprint: `fixed${n}`,
    message: `Removed problem ${n}`,
    snippet: null,
    secret: false,
    baselineState: 'fixed',
    ...over,
  };
}

/** Every GFM table in `body` keeps its header's column count on every row. */
export function expectTablesIntact(body: string): void {
  const lines = body.split('\n');
  const count = (row: string) => row.split(/(?<!\\)\|/).length - 2;
  for (let i = 0; i + 1 < lines.length; i += 1) {
    if (!/^\| ?-{3}/.test(lines[i + 1] ?? '')) continue;
    const width = count(lines[i] ?? '');
    for (let j = i + 1; j < lines.length && lines[j]?.startsWith('|'); j += 1) {
      expect(count(lines[j] ?? ''), lines[j]).toBe(width);
    }
  }
  expect(body.split('<details>').length).toBe(body.split('</details>').length);
}

/** The body with every CommonMark code span removed (backslash-escaped backticks open none). */
export function withoutCodeSpans(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; ) {
    if (body[i] === '\\') {
      out += body.slice(i, i + 2);
      i += 2;
      continue;
    }
    const run = /^`+/.exec(body.slice(i))?.[0];
    if (!run) {
      out += body[i];
      i += 1;
      continue;
    }
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
    close.lastIndex = i + run.length;
    const end = close.exec(body);
    out += end ? '' : run;
    i = end ? end.index + run.length : i + run.length;
  }
  return out;
}
