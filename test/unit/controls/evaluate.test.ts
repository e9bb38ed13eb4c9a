import { describe, expect, it } from 'vitest';
import type { Catalog, Mapping } from '../../../src/catalog/model.ts';
import { configSchema } from '../../../src/config/schema.ts';
import { evaluateGate, type GateInput } from '../../../src/controls/evaluate.ts';
import { Mapper } from '../../../src/controls/map.ts';
import type { Finding, Severity } from '../../../src/findings/finding.ts';
import type { ScannerRun } from '../../../src/findings/scanner-run.ts';
import type { Waiver } from '../../../src/findings/waivers.ts';

const catalog: Catalog = {
  version: 'test',
  categories: [
    { id: 'security', title: 'Security' },
    { id: 'availability', title: 'Availability' },
  ],
  groups: [
    { id: 'CC1', title: 'Control environment' },
    { id: 'CC6', title: 'Access' },
    { id: 'CC7', title: 'Operations' },
    { id: 'A1', title: 'Availability' },
  ],
  criteria: [
    { id: 'CC1.1', category: 'security', group: 'CC1', title: 'Ethics', signal: 'process' },
    { id: 'CC6.1', category: 'security', group: 'CC6', title: 'Logical access', signal: 'technical' },
    { id: 'CC6.7', category: 'security', group: 'CC6', title: 'Data in transit', signal: 'technical' },
    { id: 'CC7.1', category: 'security', group: 'CC7', title: 'Vulnerabilities', signal: 'technical' },
    { id: 'A1.1', category: 'availability', group: 'A1', title: 'Capacity', signal: 'technical' },
  ],
};

const mapping: Mapping = {
  version: 'test',
  coverage: { bandit: ['CC6.1', 'CC6.7', 'CC7.1'], kics: ['CC7.1', 'A1.1'] },
  cweParents: { 'CWE-564': 'CWE-89' },
  sameProblem: [],
  layers: [
    {
      id: 'rule',
      title: 'rule',
      rows: [
        { tool: 'bandit', rule: 'B105', criteria: ['CC6.1'], rationale: 'secret' },
        { tool: 'bandit', rule: 'B101', advisory: true, rationale: 'assert' },
      ],
    },
    {
      id: 'cwe',
      title: 'cwe',
      rows: [
        { cwe: 'CWE-89', criteria: ['CC7.1'], rationale: 'injection' },
        { cwe: 'CWE-400', criteria: ['A1.1'], rationale: 'capacity' },
      ],
    },
  ],
};

let counter = 0;
function finding(overrides: Partial<Finding> = {}): Finding {
  counter += 1;
  return {
    scanner: 'bandit',
    scannerVersion: '1.9.4',
    ruleId: 'B105',
    message: 'm',
    severity: 'high',
    severitySource: 'tool-property',
    cwe: [],
    tags: [],
    path: 'app.py',
    inWorkspace: true,
    line: counter,
    endLine: counter,
    suppressed: false,
    suppressions: [],
    fingerprint: counter.toString(16).padStart(32, '0'),
    secret: false,
    resultIndex: 0,
    ...overrides,
  };
}

function scanner(id: string, status: ScannerRun['status'] = 'ok'): ScannerRun {
  return { id, displayName: id, status, durationMs: 1, filesScanned: 1, findings: [] };
}

const NOW = new Date('2026-11-22T12:00:00Z');

function gate(input: {
  findings?: Finding[];
  scanners?: ScannerRun[];
  config?: unknown;
  waivers?: Waiver[];
}) {
  const full: GateInput = {
    findings: input.findings ?? [],
    scanners: input.scanners ?? [scanner('bandit'), scanner('kics')],
    catalog,
    mapper: new Mapper(mapping),
    config: configSchema.parse(input.config ?? {}),
    waivers: input.waivers ?? [],
    now: NOW,
  };
  const result = evaluateGate(full);
  const verdict = (id: string) => result.controls.find((c) => c.id === id)?.verdict;
  return { result, verdict };
}

describe('verdicts and the decision', () => {
  it('passes a clean change with exit 0; process controls are not covered, opt-in categories out of scope', () => {
    const { result, verdict } = gate({});
    expect(result.decision).toBe('pass');
    expect(result.exitCode).toBe(0);
    expect(verdict('CC6.1')).toBe('pass');
    expect(verdict('CC1.1')).toBe('not-covered');
    expect(verdict('A1.1')).toBe('out-of-scope');
  });

  it('blocks (exit 1) when a block-mode criterion has a finding at or above its threshold', () => {
    const f = finding();
    const { result, verdict } = gate({ findings: [f] });
    expect(verdict('CC6.1')).toBe('fail');
    expect(result.controls.find((c) => c.id === 'CC6.1')?.findings).toEqual([f.fingerprint]);
    expect(result.decision).toBe('block');
    expect(result.exitCode).toBe(1);
  });

  it('warns instead when the policy puts the criterion or its group in warn mode', () => {
    for (const policy of [{ 'CC6.1': { mode: 'warn' } }, { CC6: { mode: 'warn' } }, { mode: 'warn' }]) {
      const { result, verdict } = gate({ findings: [finding()], config: { policy } });
      expect(verdict('CC6.1')).toBe('warn');
      expect(result.decision).toBe('pass');
      expect(result.exitCode).toBe(0);
    }
  });

  it('lets the criterion beat its group and the group beat the default', () => {
    const { result } = gate({
      findings: [finding()],
      config: { policy: { mode: 'warn', CC6: { mode: 'block' }, 'CC6.1': { severity: 'critical' } } },
    });
    const cc61 = result.controls.find((c) => c.id === 'CC6.1');
    expect(cc61?.policy).toMatchObject({ mode: 'block', severity: 'critical', source: 'CC6.1' });
    expect(cc61?.verdict).toBe('pass');
    expect(cc61?.belowThreshold).toHaveLength(1);
  });

  it.each<[Severity, Severity, string]>([
    ['medium', 'high', 'pass'],
    ['high', 'high', 'fail'],
    ['critical', 'high', 'fail'],
    ['low', 'medium', 'pass'],
    ['medium', 'medium', 'fail'],
    ['info', 'info', 'fail'],
  ])('a %s finding against a %s threshold: %s', (severity, threshold, expected) => {
    const { verdict } = gate({
      findings: [finding({ severity })],
      config: { policy: { severity: threshold } },
    });
    expect(verdict('CC6.1')).toBe(expected);
  });

  it('evaluates opt-in categories only when in scope', () => {
    const f = finding({ scanner: 'kics', ruleId: 'q', cwe: ['CWE-400'] });
    expect(gate({ findings: [f] }).verdict('A1.1')).toBe('out-of-scope');
    expect(gate({ findings: [f], config: { scope: ['availability'] } }).verdict('A1.1')).toBe('fail');
  });
});

describe('failed scanners', () => {
  it('leave what they cover not evaluated, which blocks with exit 2 by default (fail closed)', () => {
    const { result, verdict } = gate({ scanners: [scanner('bandit', 'failed'), scanner('kics')] });
    expect(verdict('CC6.1')).toBe('not-evaluated');
    expect(verdict('CC7.1')).toBe('not-evaluated');
    expect(result.controls.find((c) => c.id === 'CC6.1')?.failedScanners).toEqual(['bandit']);
    expect(result.decision).toBe('block');
    expect(result.exitCode).toBe(2);
  });

  it('pass only when the policy explicitly allows unevaluated criteria', () => {
    const { result, verdict } = gate({
      scanners: [scanner('bandit', 'failed'), scanner('kics')],
      config: { policy: { unevaluated: 'allow' } },
    });
    expect(verdict('CC6.1')).toBe('not-evaluated');
    expect(result.decision).toBe('pass');
    expect(result.exitCode).toBe(0);
  });

  it('do not block a warn-mode criterion', () => {
    const { result } = gate({
      scanners: [scanner('bandit', 'failed'), scanner('kics')],
      config: { policy: { mode: 'warn' } },
    });
    expect(result.exitCode).toBe(0);
  });

  it('still fail a criterion whose findings from other scanners already fail it', () => {
    const f = finding({ scanner: 'kics', ruleId: 'q', cwe: ['CWE-89'] });
    const { result, verdict } = gate({
      findings: [f],
      scanners: [scanner('bandit', 'failed'), scanner('kics')],
    });
    expect(verdict('CC7.1')).toBe('fail');
    expect(result.exitCode).toBe(2); // CC6.1 is still not evaluated and blocking
  });

  it('a skipped scanner (no files) counts as evaluated', () => {
    expect(gate({ scanners: [scanner('bandit', 'skipped'), scanner('kics')] }).verdict('CC6.1')).toBe('pass');
  });
});

describe('scanners that left files unjudged', () => {
  const unjudged = (id: string): ScannerRun => ({
    ...scanner(id),
    unjudged: [{ path: 'new.py', reason: 'syntax error while parsing AST from file' }],
  });

  it('leave what they cover not evaluated, blocking with exit 2, though the run itself is ok', () => {
    const { result, verdict } = gate({ scanners: [unjudged('bandit'), scanner('kics')] });
    expect(verdict('CC6.1')).toBe('not-evaluated');
    expect(result.controls.find((c) => c.id === 'CC6.1')?.failedScanners).toEqual(['bandit']);
    expect(result.exitCode).toBe(2);
  });

  it('an empty list changes nothing', () => {
    const { result } = gate({ scanners: [{ ...scanner('bandit'), unjudged: [] }, scanner('kics')] });
    expect(result.exitCode).toBe(0);
  });
});

describe('mapping inside the gate', () => {
  it('puts a finding nothing maps under CC7.1, marked unmapped', () => {
    const f = finding({ ruleId: 'B999' });
    const { result, verdict } = gate({ findings: [f] });
    expect(result.findings[0]).toMatchObject({ criteria: ['CC7.1'], unmapped: true });
    expect(verdict('CC7.1')).toBe('fail');
  });

  it('matches a child CWE against its declared parent', () => {
    const { result } = gate({ findings: [finding({ ruleId: 'B999', cwe: ['CWE-564'] })] });
    expect(result.findings[0]).toMatchObject({ criteria: ['CC7.1'], unmapped: false });
  });

  it('never blocks on advisory findings', () => {
    const { result } = gate({ findings: [finding({ ruleId: 'B101', severity: 'critical' })] });
    expect(result.findings[0]?.advisory).toBe(true);
    expect(result.decision).toBe('pass');
  });

  it('applies overrides: set, add, remove, advisory and severity changes', () => {
    const f = () => finding({ severity: 'medium' });
    const cases: [unknown, string[], Severity][] = [
      [{ match: { tool: 'bandit', rule: 'B1*' }, set: ['CC6.7'] }, ['CC6.7'], 'medium'],
      [{ match: { rule: 'B105' }, add: ['CC6.7'] }, ['CC6.1', 'CC6.7'], 'medium'],
      [{ match: { rule: 'B105' }, add: ['CC6.7'], remove: ['CC6.1'] }, ['CC6.7'], 'medium'],
      [{ match: { rule: 'B105' }, advisory: true }, [], 'medium'],
      [{ match: { rule: 'B105' }, raise: 1 }, ['CC6.1'], 'high'],
      [{ match: { rule: 'B105' }, lower: 4 }, ['CC6.1'], 'info'],
      [{ match: { tool: 'kics' }, severity: 'critical' }, ['CC6.1'], 'medium'],
    ];
    for (const [override, criteria, severity] of cases) {
      const { result } = gate({ findings: [f()], config: { mapping: [override] } });
      expect(result.findings[0]?.criteria, JSON.stringify(override)).toEqual(criteria);
      expect(result.findings[0]?.severity, JSON.stringify(override)).toBe(severity);
    }
  });
});

describe('waivers and suppressions', () => {
  const waiverFor = (fingerprint: string, expires: string): Waiver => ({
    fingerprint,
    reason: 'accepted for the demo',
    approver: 'alice@example.com',
    ticket: 'SEC-1',
    expires,
    line: 3,
  });

  it('a valid waiver takes its finding out of the decision and is kept as applied', () => {
    const f = finding();
    const { result, verdict } = gate({ findings: [f], waivers: [waiverFor(f.fingerprint, '2027-01-31')] });
    expect(verdict('CC6.1')).toBe('pass');
    expect(result.controls.find((c) => c.id === 'CC6.1')?.waived).toEqual([f.fingerprint]);
    expect(result.waivers.applied.get(f.fingerprint)?.ticket).toBe('SEC-1');
  });

  it('an expired waiver stops applying and is reported as expired', () => {
    const f = finding();
    const { result, verdict } = gate({ findings: [f], waivers: [waiverFor(f.fingerprint, '2026-11-01')] });
    expect(verdict('CC6.1')).toBe('fail');
    expect(result.waivers.expired[0]?.matched).toEqual([f.fingerprint]);
  });

  it('honours in-source suppressions by default and lists them', () => {
    const f = finding({
      suppressed: true,
      suppressions: [{ kind: 'inSource', status: 'accepted', justification: 'nosec' }],
    });
    const { result, verdict } = gate({ findings: [f] });
    expect(verdict('CC6.1')).toBe('pass');
    expect(result.controls.find((c) => c.id === 'CC6.1')?.suppressed).toEqual([f.fingerprint]);
  });

  it('refuses in-source suppressions for blocking criteria when the policy says so', () => {
    const f = finding({
      suppressed: true,
      suppressions: [{ kind: 'inSource', status: 'accepted', justification: 'nosec' }],
    });
    const refused = gate({ findings: [f], config: { policy: { inSourceSuppressions: 'refuse' } } });
    expect(refused.verdict('CC6.1')).toBe('fail');
    expect(refused.result.findings[0]?.suppressionRefused).toBe(true);
    const warnOnly = gate({
      findings: [f],
      config: { policy: { inSourceSuppressions: 'refuse', mode: 'warn' } },
    });
    expect(warnOnly.verdict('CC6.1')).toBe('pass');
  });

  it('refuses a suppression the change wrote by default, for blocking criteria only', () => {
    const f = finding({
      suppressed: true,
      suppressions: [{ kind: 'inSource', status: 'accepted', justification: 'nosec', addedByChange: true }],
    });
    const refused = gate({ findings: [f] });
    expect(refused.verdict('CC6.1')).toBe('fail');
    expect(refused.result.findings[0]?.suppressionRefused).toBe(true);
    expect(gate({ findings: [f], config: { policy: { mode: 'warn' } } }).verdict('CC6.1')).toBe('pass');
    const honoured = gate({ findings: [f], config: { policy: { newSuppressions: 'honour' } } });
    expect(honoured.verdict('CC6.1')).toBe('pass');
    expect(honoured.result.findings[0]?.suppressionRefused).toBe(false);
  });

  it('honours a suppression that was already on the base branch', () => {
    const f = finding({
      suppressed: true,
      suppressions: [{ kind: 'inSource', status: 'accepted', justification: 'nosec', addedByChange: false }],
    });
    expect(gate({ findings: [f] }).verdict('CC6.1')).toBe('pass');
  });

  it('refuses an external suppression the change brought (--sarif input) like an in-source one', () => {
    const f = finding({
      suppressed: true,
      suppressions: [{ kind: 'external', status: 'accepted', addedByChange: true }],
    });
    expect(gate({ findings: [f] }).verdict('CC6.1')).toBe('fail');
  });

  it('keeps a finding suppressed while one reviewed suppression still stands', () => {
    const f = finding({
      suppressed: true,
      suppressions: [
        { kind: 'inSource', status: 'accepted', justification: 'nosec', addedByChange: true },
        { kind: 'external', status: 'accepted', addedByChange: false },
      ],
    });
    const { result, verdict } = gate({ findings: [f] });
    expect(verdict('CC6.1')).toBe('pass');
    expect(result.findings[0]?.suppressionRefused).toBe(false);
  });
});

describe('one finding per problem', () => {
  const merging: Mapping = {
    ...mapping,
    sameProblem: [{ rules: ['bandit:B307', 'semgrep:*.eval-injection'], rationale: 'eval' }],
    layers: [
      ...mapping.layers,
      {
        id: 'more',
        title: 'more',
        rows: [{ cwe: ['CWE-95', 'CWE-78'], criteria: ['CC7.1'], rationale: 'code' }],
      },
    ],
  };
  function merged(findings: Finding[], config: unknown = {}, waivers: Waiver[] = []) {
    return evaluateGate({
      findings,
      scanners: [scanner('bandit'), scanner('semgrep')],
      catalog,
      mapper: new Mapper(merging),
      config: configSchema.parse(config),
      waivers,
      now: NOW,
      judge: 'new',
    });
  }
  const sql = (scanner: string, severity: Severity, extra: Partial<Finding> = {}) =>
    finding({ scanner, ruleId: `${scanner}-sql`, cwe: ['CWE-89'], severity, line: 7, endLine: 7, ...extra });

  it('judges two tools finding one SQL injection once, at the higher severity, listing both', () => {
    const bandit = sql('bandit', 'medium');
    const semgrep = sql('semgrep', 'high');
    const result = merged([bandit, semgrep]);
    expect(result.findings).toHaveLength(1);
    const [problem] = result.findings;
    expect(problem?.finding.fingerprint).toBe(semgrep.fingerprint);
    expect(problem?.severity).toBe('high');
    expect(problem?.sources.map((s) => s.finding.fingerprint)).toEqual([
      semgrep.fingerprint,
      bandit.fingerprint,
    ]);
    const cc71 = result.controls.find((c) => c.id === 'CC7.1');
    expect(cc71?.findings).toEqual([semgrep.fingerprint]);
    expect(result.decision).toBe('block');
  });

  it('takes the severity of the preferred tool when the policy says so', () => {
    const result = merged([sql('bandit', 'medium'), sql('semgrep', 'high')], {
      merge: { severity: 'prefer', prefer: ['bandit'] },
    });
    expect(result.findings[0]?.finding.scanner).toBe('bandit');
    expect(result.findings[0]?.severity).toBe('medium');
    expect(result.decision).toBe('pass');
  });

  it('merges rules the mapping pairs although their CWEs differ, and not otherwise', () => {
    const evalBandit = finding({ ruleId: 'B307', cwe: ['CWE-78'], line: 3, endLine: 3, severity: 'medium' });
    const evalSemgrep = finding({
      scanner: 'semgrep',
      ruleId: 'controlgate.python.eval-injection',
      cwe: ['CWE-95'],
      line: 3,
      endLine: 3,
    });
    expect(merged([evalBandit, evalSemgrep]).findings).toHaveLength(1);
    const shell = finding({ ruleId: 'B602', cwe: ['CWE-78'], line: 3, endLine: 3 });
    expect(merged([shell, evalSemgrep]).findings).toHaveLength(2);
  });

  it('applies a waiver written for either tool’s fingerprint to the problem', () => {
    for (const waived of ['bandit', 'semgrep']) {
      const bandit = sql('bandit', 'high');
      const semgrep = sql('semgrep', 'high');
      const target = waived === 'bandit' ? bandit : semgrep;
      const result = merged([bandit, semgrep], {}, [
        {
          id: 'W-1',
          fingerprint: target.fingerprint,
          reason: 'accepted',
          approver: 'sec@example.com',
          ticket: 'SEC-1',
          expires: '2027-01-01',
          line: 1,
        },
      ]);
      expect(result.findings).toHaveLength(1);
      expect(result.findings[0]?.waiver?.id).toBe('W-1');
      expect(result.decision).toBe('pass');
      expect(result.controls.find((c) => c.id === 'CC7.1')?.waived).toEqual([
        result.findings[0]?.finding.fingerprint,
      ]);
    }
  });

  it('counts a problem as existing debt when any tool found it at the base', () => {
    const result = merged([
      sql('bandit', 'high', { baselineState: 'unchanged' }),
      sql('semgrep', 'high', { baselineState: 'new' }),
    ]);
    expect(result.findings[0]?.finding.baselineState).toBe('unchanged');
    expect(result.decision).toBe('pass');
  });

  it('is suppressed only when every tool’s finding is: a nosec hides Bandit’s result, not Semgrep’s', () => {
    const nosec = { kind: 'inSource' as const, status: 'accepted' as const };
    const partly = merged([
      sql('bandit', 'high', { suppressed: true, suppressions: [nosec] }),
      sql('semgrep', 'high'),
    ]);
    expect(partly.findings[0]?.finding.suppressed).toBe(false);
    expect(partly.decision).toBe('block');
    const wholly = merged([
      sql('bandit', 'high', { suppressed: true, suppressions: [nosec] }),
      sql('semgrep', 'high', { suppressed: true, suppressions: [nosec] }),
    ]);
    expect(wholly.findings[0]?.finding.suppressed).toBe(true);
    expect(wholly.findings[0]?.finding.suppressions).toHaveLength(1);
    expect(wholly.decision).toBe('pass');
  });

  it('joins the criteria of every tool’s mapping, and leaves tools apart when merging is off', () => {
    const secret = finding({ ruleId: 'B105', cwe: ['CWE-89'], line: 9, endLine: 9 });
    const semgrep = sql('semgrep', 'high', { line: 9, endLine: 9 });
    const result = merged([secret, semgrep]);
    expect(result.findings[0]?.criteria.sort()).toEqual(['CC6.1', 'CC7.1']);
    expect(merged([secret, semgrep], { merge: { enabled: false } }).findings).toHaveLength(2);
  });
});
