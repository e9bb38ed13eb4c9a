import { describe, expect, it } from 'vitest';
import type { Catalog, Mapping } from '../../../src/catalog/model.ts';
import { configSchema } from '../../../src/config/schema.ts';
import { evaluateGate } from '../../../src/controls/evaluate.ts';
import { Mapper } from '../../../src/controls/map.ts';
import type { Finding } from '../../../src/findings/finding.ts';
import type { ScannerRun } from '../../../src/findings/scanner-run.ts';
import type { BaselineOutcome } from '../../../src/pipeline/compare.ts';
import type { ScanOutcome } from '../../../src/pipeline/scan.ts';
import { renderText } from '../../../src/report/terminal.ts';

const catalog: Catalog = {
  version: 'test',
  categories: [{ id: 'security', title: 'Security' }],
  groups: [
    { id: 'CC6', title: 'Access' },
    { id: 'CC7', title: 'Operations' },
  ],
  criteria: [
    { id: 'CC6.1', category: 'security', group: 'CC6', title: 'Logical access', signal: 'technical' },
    { id: 'CC7.1', category: 'security', group: 'CC7', title: 'Vulnerabilities', signal: 'technical' },
  ],
};

const mapping: Mapping = {
  version: 'test',
  coverage: { bandit: ['CC6.1', 'CC7.1'], kics: ['CC7.1'] },
  cweParents: {},
  sameProblem: [],
  layers: [
    {
      id: 'rule',
      title: 'rule',
      rows: [
        { tool: 'bandit', rule: 'B105', criteria: ['CC6.1'], rationale: 'secret' },
        { tool: 'bandit', rule: 'B608', criteria: ['CC7.1'], rationale: 'injection' },
      ],
    },
  ],
};

function finding(n: number, over: Partial<Finding> = {}): Finding {
  return {
    scanner: 'bandit',
    scannerVersion: '1.9.4',
    ruleId: 'B105',
    message: `message ${n}`,
    severity: 'high',
    severitySource: 'tool-property',
    cwe: [],
    tags: [],
    path: `app/f${n}.py`,
    inWorkspace: true,
    line: n,
    endLine: n,
    suppressed: false,
    suppressions: [],
    fingerprint: `fp${n}`,
    secret: false,
    resultIndex: n,
    ...over,
  };
}

function run(id: string, findings: Finding[]): ScannerRun {
  return { id, displayName: id, status: 'ok', durationMs: 1000, filesScanned: 3, findings };
}

type Comparison = Omit<BaselineOutcome, 'mode' | 'judged' | 'source' | 'scanners' | 'scope'> &
  Partial<BaselineOutcome>;

/** A scan outcome with a real gate over the tiny catalog, compared with `main` unless told otherwise. */
function outcome(findings: Finding[], comparison?: Comparison): ScanOutcome {
  const judged = comparison?.judged ?? (comparison?.status === 'compared' ? 'new' : 'all');
  const scanners = [run('bandit', findings), run('kics', [])];
  const config = configSchema.parse({});
  const gate = evaluateGate({
    findings,
    scanners,
    catalog,
    mapper: new Mapper(mapping),
    config,
    waivers: [],
    now: new Date('2026-11-22T12:00:00Z'),
    judge: judged,
  });
  const facts = { file: 'x.yml', sha256: 'a'.repeat(64), version: 'test' };
  return {
    root: '/repo',
    target: '/repo',
    config,
    outDir: '/tmp/out',
    outDirIsTemporary: true,
    policy: {
      source: 'worktree',
      commit: null,
      unverified: null,
      config: null,
      waivers: null,
      proposed: null,
    },
    startedAt: '2026-11-22T12:00:00.000Z',
    finishedAt: '2026-11-22T12:00:05.000Z',
    scanners,
    findings,
    gate,
    coverage: { scope: 'all-files', counts: { judged: 0, 'not-judged': 0, 'not-scanned': 0 }, entries: [] },
    data: { catalog: facts, mapping: facts },
    ...(comparison
      ? {
          baseline: {
            mode: 'diff',
            judged,
            source: 'worktree',
            scanners: [],
            scope: { bandit: 'changed-files', kics: 'all-files' },
            ...comparison,
            fixedCriteria: new Map(comparison.fixed.map((f) => [f, ['CC6.1']])),
            fixedProblems: comparison.fixed.map((f) => [f]),
          },
        }
      : {}),
  };
}

const CHANGE_SET = {
  baseRef: 'main',
  baseSha: 'f'.repeat(40),
  mergeBase: '1a2b3c4d5e6f708192a3b4c5d6e7f80912345678',
  headSha: 'e'.repeat(40),
  repoRoot: '/repo',
  changes: [
    { status: 'modified' as const, path: 'app/f1.py' },
    { status: 'deleted' as const, path: 'app/gone.py' },
  ],
};

function diffScan(): ScanOutcome {
  return outcome(
    [
      finding(1, { baselineState: 'new' }),
      finding(2, { baselineState: 'unchanged', ruleId: 'B608', message: 'old injection' }),
      finding(3, { baselineState: 'unchanged', message: 'old secret' }),
    ],
    {
      status: 'compared',
      changeSet: CHANGE_SET,
      fixed: [finding(9, { baselineState: 'fixed', path: 'app/gone.py', message: 'removed secret' })],
      notCompared: [{ id: 'kics', reason: 'base scan failed: exit 3' }],
    },
  );
}

describe('terminal text with a baseline', () => {
  it('prints the comparison header, then new, existing and fixed findings in that order', () => {
    const text = renderText(diffScan());
    expect(text).toContain(
      'Compared with main (merge base 1a2b3c4d): 2 changed files · 1 new · 2 existing · 1 fixed.',
    );
    expect(text).toContain('Only new findings can fail a criterion; existing ones are reported, not judged.');
    expect(text).toContain(
      '  kics was not compared (base scan failed: exit 3): all its findings count as new.',
    );
    const order = [
      'Compared with main',
      'NEW in this change (1):',
      'message 1',
      'EXISTING before this change (2; reported, not judged):',
      'old injection',
      'FIXED: this change removes 1 finding:',
      'removed secret',
    ].map((s) => text.indexOf(s));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('fails only on the new finding and lists existing debt per criterion, not as failing', () => {
    const text = renderText(diffScan());
    expect(text).toContain('Decision: BLOCK — CC6.1 fail (exit 1)');
    expect(text).toMatch(/CC6\.1 {2}Logical access — 1 finding, block at high, \+1 existing \(not judged\)/);
    expect(text).toContain('      HIGH     new      app/f1.py:1');
    expect(text).toContain('Existing debt (predates this change, not judged):');
    expect(text).toContain('  CC7.1  Vulnerabilities — 1 existing finding');
    expect(text).not.toContain('CC7.1 fail');
    const failing = text.slice(text.indexOf('SOC 2 criteria that fail:'), text.indexOf('Existing debt'));
    expect(failing).not.toContain('app/f2.py');
  });

  it('says when the base was unavailable and that every finding was judged', () => {
    const text = renderText(
      outcome([finding(1)], {
        status: 'unavailable',
        reason: 'git fetch of main failed',
        judged: 'all',
        fixed: [],
        notCompared: [],
      }),
    );
    expect(text).toContain(
      'Not compared with the base: git fetch of main failed. Every finding was judged, as without a base.',
    );
    expect(text).not.toContain('NEW in this change');
    expect(text).toContain('HIGH (1)');
  });

  it('labels rows new and existing in mode full, where both are judged', () => {
    const text = renderText(
      outcome([finding(1, { baselineState: 'unchanged' }), finding(2, { baselineState: 'new' })], {
        status: 'compared',
        mode: 'full',
        judged: 'all',
        changeSet: CHANGE_SET,
        fixed: [],
        notCompared: [],
      }),
    );
    expect(text).toContain('Mode full: every finding is judged');
    expect(text).toContain('EXISTING before this change (1; judged too (mode full)):');
    const newRow = text.indexOf('HIGH     new      app/f2.py:2');
    const oldRow = text.indexOf('HIGH     existing app/f1.py:1');
    expect(newRow).toBeGreaterThan(0);
    expect(oldRow).toBeGreaterThan(newRow);
  });

  it('prints nothing about comparisons without a baseline', () => {
    const text = renderText(outcome([finding(1)]));
    for (const s of ['Compared', 'NEW in', 'EXISTING', 'FIXED', 'existing', ' new '])
      expect(text).not.toContain(s);
    expect(text).toContain('HIGH (1)\n    app/f1.py:1');
  });

  it('strips control characters from a fixed finding and the base ref', () => {
    const scan = diffScan();
    const evil = 'x\u001b[2J\u202eevil';
    const base = scan.baseline;
    if (!base) throw new Error('expected a baseline');
    const fixed = [finding(9, { baselineState: 'fixed', path: `app/${evil}.py`, message: evil })];
    const text = renderText({
      ...scan,
      baseline: { ...base, fixed, changeSet: { ...CHANGE_SET, baseRef: evil } },
    });
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202e');
    expect(text).toContain('Compared with x[2Jevil');
  });

  it('keeps the existing list short and points at the JSON report for the rest', () => {
    const old = Array.from({ length: 25 }, (_, n) => finding(100 + n, { baselineState: 'unchanged' }));
    const text = renderText(
      outcome([finding(1, { baselineState: 'new' }), ...old], {
        status: 'compared',
        changeSet: CHANGE_SET,
        fixed: [],
        notCompared: [],
      }),
    );
    expect(text).toContain('EXISTING before this change (25; reported, not judged):');
    expect(text).toContain('    … and 5 more (see --format json)');
    expect(text).not.toContain('FIXED');
  });
});

describe('files a scanner could not judge', () => {
  it('counts them on its line and names them, with the reason, below the findings', () => {
    const base = outcome([]);
    const bandit = {
      ...run('bandit', []),
      unjudged: [{ path: 'app/new.py', reason: 'syntax error while parsing AST from file' }],
    };
    const text = renderText({ ...base, scanners: [bandit, run('kics', [])] });
    expect(text).toMatch(/ok {6}bandit .*0 findings in 3 files, 1\.0 s; 1 not judged/);
    expect(text).toContain(
      'NOT JUDGED by bandit, so the controls it covers are not evaluated: app/new.py (syntax error while parsing AST from file)',
    );
  });
});
