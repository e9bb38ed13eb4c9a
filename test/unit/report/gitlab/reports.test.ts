import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../../../src/findings/finding.ts';
import { gitlabCodeQualityReport } from '../../../../src/report/gitlab/codequality.ts';
import {
  gitlabSastReport,
  gitlabTime,
  ruleIdentifierType,
  uuidV5,
} from '../../../../src/report/gitlab/sast.ts';
import {
  codeQualityReportSchema,
  gitlabSastReportSchema,
  SAST_SCHEMA_VERSION,
  SAST_TIME,
} from '../../../../src/report/gitlab/schema.ts';
import type { JsonReport } from '../../../../src/report/json-report-schema.ts';

type Finding = JsonReport['findings'][number];
type Scanner = JsonReport['scanners'][number];

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function finding(n: number, over: Partial<Finding> = {}): Finding {
  // biome-ignore format: a factory of defaults reads better packed.
  return {
    scanner: 'semgrep', scannerVersion: '1.180.0', ruleId: `controlgate.python.rule-${n}`, ruleName: null,
    severity: 'high', scannerSeverity: 'high', severitySource: 'level', criteria: ['CC6.1', 'CC7.1'],
    advisory: false, unmapped: false, mappingLayer: 'rule', waiver: null, suppressionRefused: false,
    cwe: ['CWE-89'], category: null, tags: [], path: `app/file${n}.py`, inWorkspace: true,
    line: 10 + n, endLine: 12 + n, column: null, fingerprint: `fp${n}`, message: `Problem number ${n}`,
    snippet: null, suppressed: false, suppressions: [], secret: false, helpUri: null, baselineState: null,
    ...over,
  };
}

function scanner(id: string, over: Partial<Scanner> = {}): Scanner {
  // biome-ignore format: a factory of defaults reads better packed.
  return {
    id, name: id === 'semgrep' ? 'Semgrep' : id, status: 'ok', version: '1.180.0', findings: 0, error: null,
    filesScanned: 3, durationMs: 1234, exitCode: 0, sarifPath: null,
    ...over,
  };
}

function report(findings: Finding[], scanners: Scanner[] = [scanner('semgrep')]): JsonReport {
  return {
    tool: { name: 'controlgate', version: '0.1.0' },
    schemaVersion: 1,
    root: '/repo',
    target: '.',
    configFile: null,
    startedAt: '2026-01-02T03:04:05.678Z',
    finishedAt: '2026-01-02T03:04:15.001Z',
    evaluated: true,
    summary: {
      findings: findings.length,
      suppressed: 0,
      bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
    },
    decision: 'block',
    exitCode: 1,
    verdicts: { pass: 0, fail: 0, warn: 0, 'not-evaluated': 0, 'not-covered': 0, 'out-of-scope': 0 },
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
    controls: [],
    waivers: { applied: [], expired: [], stale: [] },
    scanners,
    findings,
    baseline: null,
    fixed: [],
  };
}

const KICS_QUERY = 'e38a8e0a-b88b-4902-b3fe-b0fcb17d5c10';
/** One finding per severity, most severe first. */
const ladder = report(SEVERITIES.map((severity, n) => finding(n, { severity })));

const mixed = report(
  [
    finding(1, { severity: 'critical', cwe: ['CWE-89', 'CWE-564'] }),
    finding(2, {
      severity: 'medium',
      scanner: 'bandit',
      ruleId: 'B608',
      ruleName: 'hardcoded_sql_expressions',
    }),
    finding(3, { severity: 'info', scanner: 'kics', ruleId: KICS_QUERY, cwe: [] }),
    finding(4, { severity: 'low', helpUri: 'https://bandit.readthedocs.io/en/latest/b105.html' }),
  ],
  [scanner('semgrep'), scanner('bandit', { name: 'Bandit' }), scanner('kics', { name: 'KICS' })],
);

describe('gitlabSastReport', () => {
  it('writes a report the security report schema 15.x model accepts', () => {
    const sast = gitlabSastReport(mixed);
    expect(gitlabSastReportSchema.safeParse(sast).error).toBeUndefined();
    expect(sast.version).toBe(SAST_SCHEMA_VERSION);
    expect(sast.scan).toMatchObject({
      type: 'sast',
      status: 'success',
      start_time: '2026-01-02T03:04:05',
      end_time: '2026-01-02T03:04:15',
      analyzer: { id: 'controlgate', vendor: { name: 'controlgate' }, version: '0.1.0' },
      // Three scanners ran: controlgate stands for them, each vulnerability names its own in details.
      scanner: { id: 'controlgate' },
    });
    expect(sast.vulnerabilities[1]?.details?.scanner).toMatchObject({
      type: 'text',
      value: 'Bandit 1.180.0',
    });
  });

  it('names the scanner itself when only one ran', () => {
    const one = report([finding(1)], [scanner('semgrep'), scanner('kics', { status: 'skipped' })]);
    const expected = { id: 'semgrep', name: 'Semgrep', version: '1.180.0', vendor: { name: 'Semgrep' } };
    expect(gitlabSastReport(one).scan.scanner).toEqual(expected);
  });

  it('marks the scan failed when a scanner failed, and says which', () => {
    const failed = report(
      [finding(1)],
      [scanner('semgrep'), scanner('kics', { status: 'failed', error: 'boom\u001b[31m' })],
    );
    const sast = gitlabSastReport(failed);
    expect(sast.scan.status).toBe('failure');
    expect(sast.scan.messages).toEqual([{ level: 'warn', value: 'kics failed: boom[31m' }]);
    expect(gitlabSastReportSchema.safeParse(sast).success).toBe(true);
  });

  it('gives each vulnerability a v5 UUID from its fingerprint, the same on every run', () => {
    const first = gitlabSastReport(mixed);
    const again = gitlabSastReport(structuredClone(mixed));
    expect(again).toEqual(first);
    const ids = first.vulnerabilities.map((v) => v.id);
    for (const id of ids) expect(id).toMatch(UUID_V5);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe(uuidV5('fp1'));
    // Pinned: changing the namespace or the algorithm would re-create every vulnerability in GitLab.
    expect(uuidV5('fp1')).toBe('67096974-31df-5420-8b86-d669a0412ae1');
    // RFC 4122's own example (DNS namespace), as Python's uuid.uuid5 computes it.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
    // A moved finding keeps its id: the line is not part of the fingerprint.
    const moved = gitlabSastReport(report([finding(1, { line: 99, endLine: 99 })]));
    expect(moved.vulnerabilities[0]?.id).toBe(ids[0]);
  });

  it('maps severities one to one', () => {
    const severities = gitlabSastReport(ladder).vulnerabilities.map((v) => v.severity);
    expect(severities.join(' ')).toBe('Critical High Medium Low Info');
  });

  it('puts the rule identifier first, then one identifier per CWE', () => {
    const [semgrep, bandit, kics, linked] = gitlabSastReport(mixed).vulnerabilities;
    expect(semgrep?.identifiers).toEqual([
      { type: 'semgrep_id', name: 'controlgate.python.rule-1', value: 'controlgate.python.rule-1' },
      { type: 'cwe', name: 'CWE-89', value: '89', url: 'https://cwe.mitre.org/data/definitions/89.html' },
      { type: 'cwe', name: 'CWE-564', value: '564', url: 'https://cwe.mitre.org/data/definitions/564.html' },
    ]);
    expect(bandit?.identifiers[0]).toEqual({
      type: 'bandit_test_id',
      name: 'hardcoded_sql_expressions (B608)',
      value: 'B608',
    });
    expect(kics?.identifiers).toEqual([{ type: 'kics_id', name: KICS_QUERY, value: KICS_QUERY }]);
    expect(linked?.identifiers[0]?.url).toBe('https://bandit.readthedocs.io/en/latest/b105.html');
    expect(linked?.links).toEqual([{ url: 'https://bandit.readthedocs.io/en/latest/b105.html' }]);
    expect(ruleIdentifierType('My Tool')).toBe('my_tool_rule');
  });

  it('locates each vulnerability by repo-relative file and line range', () => {
    expect(gitlabSastReport(mixed).vulnerabilities[0]?.location).toEqual({
      file: 'app/file1.py',
      start_line: 11,
      end_line: 13,
    });
  });

  it('converts timestamps to the UTC second-precision form GitLab requires', () => {
    expect(gitlabTime('2026-03-04T23:59:59.999+02:00')).toBe('2026-03-04T21:59:59');
    expect(gitlabTime('2026-03-04T05:06:07Z')).toMatch(SAST_TIME);
    expect(() => gitlabTime('yesterday')).toThrow(/not a timestamp/);
  });
});

describe('what the GitLab reports leave out', () => {
  const findings = [
    finding(1),
    finding(2, { suppressed: true }),
    finding(3, { waiver: 'W-1' }),
    finding(4, { advisory: true, criteria: [] }),
    finding(5, { inWorkspace: false, path: '<outside workspace>' }),
  ];

  it('keeps only unsuppressed, unwaived, non-advisory findings inside the workspace', () => {
    expect(gitlabSastReport(report(findings)).vulnerabilities.map((v) => v.location.file)).toEqual([
      'app/file1.py',
    ]);
    expect(gitlabCodeQualityReport(report(findings)).map((i) => i.fingerprint)).toEqual(['fp1']);
  });
});

describe('control characters', () => {
  const sneaky = finding(1, {
    message: 'Bad\u001b[2J thing\u202e here\u0000',
    ruleName: 'rule\u200bname',
    path: 'app/\u202efile.py',
  });

  it('are stripped from every text field of both reports', () => {
    const sast = JSON.stringify(gitlabSastReport(report([sneaky])));
    const quality = JSON.stringify(gitlabCodeQualityReport(report([sneaky])));
    for (const text of [sast, quality]) {
      expect(text).not.toMatch(/\\u001b|\\u0000|\u202e|\u200b/);
    }
    expect(gitlabSastReport(report([sneaky])).vulnerabilities[0]?.description).toBe('Bad[2J thing here');
    expect(gitlabCodeQualityReport(report([sneaky]))[0]?.location.path).toBe('app/file.py');
  });
});

describe('gitlabCodeQualityReport', () => {
  it('writes issues the Code Quality model accepts', () => {
    const issues = gitlabCodeQualityReport(mixed);
    expect(codeQualityReportSchema.safeParse(issues).error).toBeUndefined();
    expect(issues[0]).toEqual({
      description: '[CC6.1, CC7.1] Problem number 1',
      check_name: 'semgrep:controlgate.python.rule-1',
      fingerprint: 'fp1',
      severity: 'blocker',
      location: { path: 'app/file1.py', lines: { begin: 11, end: 13 } },
    });
  });

  it('maps critical to blocker and shifts the rest down one level', () => {
    const severities = gitlabCodeQualityReport(ladder).map((i) => i.severity);
    expect(severities.join(' ')).toBe('blocker critical major minor info');
  });

  it('is deterministic and keeps our line-independent fingerprint', () => {
    expect(gitlabCodeQualityReport(structuredClone(mixed))).toEqual(gitlabCodeQualityReport(mixed));
    const moved = gitlabCodeQualityReport(report([finding(1, { line: 50, endLine: 50 })]));
    expect(moved[0]?.fingerprint).toBe('fp1');
  });

  it('folds multi-line messages into one line and omits the brackets without criteria', () => {
    const [issue] = gitlabCodeQualityReport(report([finding(1, { message: 'two\n  lines', criteria: [] })]));
    expect(issue?.description).toBe('two lines');
  });

  it('rejects what GitLab would not read', () => {
    const bad = [
      { description: 'x', check_name: 'c', fingerprint: 'f', severity: 'high', location: { path: 'a' } },
    ];
    expect(codeQualityReportSchema.safeParse(bad).success).toBe(false);
  });
});
