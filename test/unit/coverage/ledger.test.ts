import { describe, expect, it } from 'vitest';
import {
  buildLedger,
  type LedgerScanner,
  type ScopeItem,
  unreachableFiles,
} from '../../../src/coverage/ledger.ts';
import type { ScannerRun } from '../../../src/findings/scanner-run.ts';

function run(id: string, over: Partial<ScannerRun> = {}): ScannerRun {
  return {
    id,
    displayName: id[0]?.toUpperCase() + id.slice(1),
    status: 'ok',
    durationMs: 1,
    filesScanned: 1,
    findings: [],
    ...over,
  };
}

/** Bandit reads .py, Semgrep every text file, KICS .tf. */
function scanners(runs: Record<string, ScannerRun | undefined>): LedgerScanner[] {
  const pick: Record<string, (f: string) => boolean> = {
    bandit: (f) => f.endsWith('.py'),
    semgrep: (f) => !f.endsWith('.png'),
    kics: (f) => f.endsWith('.tf'),
  };
  return Object.entries(pick).map(([id, selects]) => ({
    id,
    displayName: id[0]?.toUpperCase() + id.slice(1),
    selects,
    run: runs[id],
  }));
}

const file = (path: string, note?: string): ScopeItem => ({
  kind: 'file',
  path,
  absolute: `/repo/${path}`,
  ...(note ? { note } : {}),
});

describe('buildLedger', () => {
  it('says per file which scanners judged it, which could not and why, and what was not scanned', () => {
    const runs = {
      bandit: run('bandit', { unjudged: [{ path: 'app/new.py', reason: 'syntax error while parsing AST' }] }),
      semgrep: run('semgrep'),
      kics: run('kics', { status: 'failed', error: 'not available: kics not found' }),
    };
    const ledger = buildLedger(
      'changed-files',
      [
        file('app/main.py'),
        file('app/new.py'),
        file('infra/main.tf'),
        file('logo.png'),
        { kind: 'excluded-file', path: 'app/venv/x.py', note: 'in app/venv, an excluded folder: a venv' },
        { kind: 'submodule', path: 'vendor/lib', note: 'a submodule' },
      ],
      scanners(runs),
    );
    expect(ledger.counts).toEqual({ judged: 1, 'not-judged': 2, 'not-scanned': 3 });
    expect(ledger.entries).toEqual([
      { path: 'app/main.py', kind: 'file', state: 'judged', judgedBy: ['bandit', 'semgrep'] },
      {
        path: 'app/new.py',
        kind: 'file',
        state: 'not-judged',
        judgedBy: ['semgrep'],
        notJudgedBy: [{ scanner: 'bandit', reason: 'syntax error while parsing AST' }],
      },
      {
        path: 'infra/main.tf',
        kind: 'file',
        state: 'not-judged',
        judgedBy: ['semgrep'],
        notJudgedBy: [{ scanner: 'kics', reason: 'Kics failed: not available: kics not found' }],
      },
      {
        path: 'logo.png',
        kind: 'file',
        state: 'not-scanned',
        judgedBy: [],
        notScanned: 'no-scanner',
        note: 'no enabled scanner reads this kind of file',
      },
      {
        path: 'app/venv/x.py',
        kind: 'file',
        state: 'not-scanned',
        judgedBy: [],
        notScanned: 'excluded',
        note: 'in app/venv, an excluded folder: a venv',
      },
      {
        path: 'vendor/lib',
        kind: 'submodule',
        state: 'not-scanned',
        judgedBy: [],
        notScanned: 'submodule',
        note: 'a submodule',
      },
    ]);
  });

  it('leaves out scanners that did not run at all (not selected for this scan)', () => {
    const ledger = buildLedger('all-files', [file('a.py')], scanners({ semgrep: run('semgrep') }));
    expect(ledger.entries[0]).toEqual({ path: 'a.py', kind: 'file', state: 'judged', judgedBy: ['semgrep'] });
  });
});

describe('unreachableFiles', () => {
  const link = (path: string, target: Extract<ScopeItem, { kind: 'symlink' }>['target']): ScopeItem => ({
    kind: 'symlink',
    path,
    absolute: `/repo/${path}`,
    target,
  });

  it('a link whose target a scanner does not read as the link kind is unjudged by that scanner', () => {
    const items = [
      link('app/tool.py', { kind: 'scanned-file', path: 'docs/notes.txt', absolute: '/repo/docs/notes.txt' }),
      link('AGENTS.md', { kind: 'scanned-file', path: 'docs/agents.md', absolute: '/repo/docs/agents.md' }),
      link('bin/tool', { kind: 'scanned-file', path: 'src/tool.py', absolute: '/repo/src/tool.py' }),
      link('app/gone.py', { kind: 'dangling' }),
      link('app/etc.py', { kind: 'outside' }),
      link('app/hidden.py', { kind: 'unscanned', path: 'venv/x.py', why: 'a venv' }),
    ];
    const all = scanners({ bandit: run('bandit'), semgrep: run('semgrep') });
    const gaps = unreachableFiles(items, all);
    // Bandit does not read .txt; Semgrep reads it, but as text, not as Python.
    expect(gaps.get('bandit')?.map((g) => g.path)).toEqual(['app/tool.py', 'app/hidden.py']);
    expect(gaps.get('semgrep')?.map((g) => g.path)).toEqual(['app/tool.py', 'app/hidden.py']);
    expect(gaps.get('bandit')?.[0]?.reason).toBe(
      'a symbolic link to docs/notes.txt, which Bandit does not read as this kind of file; scanners do not follow links',
    );
    expect(gaps.get('semgrep')?.[1]?.reason).toBe(
      'a symbolic link to venv/x.py, which is not scanned (a venv); scanners do not follow links',
    );

    // With the gaps added to the runs, the ledger shows each link's state.
    const withGaps = scanners({
      bandit: run('bandit', { unjudged: gaps.get('bandit') ?? [] }),
      semgrep: run('semgrep', { unjudged: gaps.get('semgrep') ?? [] }),
    });
    const ledger = buildLedger('changed-files', items, withGaps);
    expect(ledger.entries.map((e) => [e.path, e.state, e.judgedBy])).toEqual([
      ['app/tool.py', 'not-judged', []],
      ['AGENTS.md', 'judged', ['semgrep']],
      ['bin/tool', 'judged', ['semgrep']],
      ['app/gone.py', 'not-scanned', []],
      ['app/etc.py', 'not-scanned', []],
      ['app/hidden.py', 'not-judged', []],
    ]);
    expect(ledger.entries[3]).toMatchObject({ notScanned: 'link', note: 'link to nothing in this checkout' });
  });

  it('a name that is not UTF-8 is unjudged by every scanner that ran', () => {
    const gaps = unreachableFiles(
      [{ kind: 'unreadable-name', path: 'bad-\\xff.py', absolute: '/repo/bad-\\xff.py' }],
      scanners({ bandit: run('bandit'), kics: run('kics') }),
    );
    expect([...gaps.keys()]).toEqual(['bandit', 'kics']);
    expect(gaps.get('kics')?.[0]?.reason).toBe('its name is not valid UTF-8, so no scanner can be given it');
  });
});

describe('buildLedger and a scanner that leaves a file of its kind out', () => {
  it('names the rule that left it out, and counts it as excluded when no other scanner judged it', () => {
    const semgrep: LedgerScanner = {
      id: 'semgrep',
      displayName: 'Semgrep',
      selects: (f) => !f.includes('/tests/'),
      skips: (f) => (f.includes('/tests/') ? 'matches "tests/" in .semgrepignore' : undefined),
      run: run('semgrep'),
    };
    const bandit: LedgerScanner = {
      id: 'bandit',
      displayName: 'Bandit',
      selects: (f) => f.endsWith('.py'),
      run: run('bandit'),
    };
    const ledger = buildLedger('all-files', [file('tests/a.py'), file('tests/b.js')], [semgrep, bandit]);
    const [py, js] = ledger.entries;
    expect(py).toMatchObject({ state: 'judged', judgedBy: ['bandit'] });
    expect(py?.note).toBe('not given to Semgrep: matches "tests/" in .semgrepignore');
    expect(js).toMatchObject({ state: 'not-scanned', notScanned: 'excluded' });
    expect(js?.note).toBe('not given to Semgrep: matches "tests/" in .semgrepignore');
  });
});
