import { describe, expect, it } from 'vitest';
import type { AddedLines, ChangedLines } from '../../../src/diff/added-lines.ts';
import type { Finding, Suppression } from '../../../src/findings/finding.ts';
import type { ScannerRun } from '../../../src/findings/scanner-run.ts';
import { markNewSuppressions } from '../../../src/pipeline/new-suppressions.ts';

function finding(over: Partial<Finding>): Finding {
  return {
    scanner: 'bandit',
    scannerVersion: '1',
    ruleId: 'B602',
    message: 'shell',
    severity: 'high',
    severitySource: 'tool-property',
    cwe: ['CWE-78'],
    tags: [],
    path: 'app.py',
    inWorkspace: true,
    line: 5,
    endLine: 5,
    suppressed: true,
    suppressions: [],
    fingerprint: 'fp',
    secret: false,
    resultIndex: 0,
    ...over,
  };
}

/** ChangedLines as the comparison has it, from a table of each file's added lines. */
function lines(table: Record<string, AddedLines>): ChangedLines {
  return { of: async (file: string) => table[file] ?? new Set<number>() } as unknown as ChangedLines;
}

const nosec = (line?: number): Suppression => ({
  kind: 'inSource',
  status: 'accepted',
  justification: 'nosec',
  ...(line !== undefined ? { line } : {}),
});

async function marks(f: Finding, table: Record<string, AddedLines> = {}, withLines = true) {
  const run: ScannerRun = {
    id: 'bandit',
    displayName: 'Bandit',
    status: 'ok',
    durationMs: 1,
    filesScanned: 1,
    findings: [f],
  };
  const [marked] = await markNewSuppressions([run], withLines ? lines(table) : undefined);
  return marked?.findings[0]?.suppressions.map((s) => s.addedByChange);
}

describe('markNewSuppressions', () => {
  it('a suppression of a finding the change introduces is the change’s, wherever its comment is', async () => {
    expect(await marks(finding({ baselineState: 'new', suppressions: [nosec(5)] }))).toEqual([true]);
  });

  it('a comment on a line the change wrote is the change’s, even over a finding that was there', async () => {
    const f = finding({ baselineState: 'unchanged', suppressions: [nosec(4)] });
    expect(await marks(f, { 'app.py': new Set([4]) })).toEqual([true]);
    expect(await marks(f, { 'app.py': 'all' })).toEqual([true]);
    expect(await marks(f, { 'app.py': new Set([9]) })).toEqual([false]);
  });

  it('without git’s lines (a bundle base) or a known comment line, only a new finding tells', async () => {
    const f = finding({ baselineState: 'unchanged', suppressions: [nosec(4)] });
    expect(await marks(f, {}, false)).toEqual([false]);
    expect(
      await marks(finding({ baselineState: 'unchanged', suppressions: [nosec()] }), { 'app.py': 'all' }),
    ).toEqual([false]);
  });

  it('an entry in a file of its own (.gitleaksignore) is the change’s when the change wrote that line of that file', async () => {
    const entry: Suppression = { ...nosec(3), file: '.gitleaksignore' };
    const f = finding({ baselineState: 'unchanged', suppressions: [entry] });
    expect(await marks(f, { '.gitleaksignore': new Set([3]) })).toEqual([true]);
    // The finding's own file changing at that line says nothing about the entry.
    expect(await marks(f, { 'app.py': new Set([3]) })).toEqual([false]);
    // Also for a finding outside the workspace (a commit of the change's history).
    const historic = finding({ baselineState: 'unchanged', inWorkspace: false, suppressions: [entry] });
    expect(await marks(historic, { '.gitleaksignore': 'all' })).toEqual([true]);
  });

  it('an external suppression is the change’s unless its finding is known from the base', async () => {
    const external: Suppression = { kind: 'external', status: 'accepted' };
    expect(await marks(finding({ baselineState: 'new', suppressions: [external] }))).toEqual([true]);
    expect(
      await marks(finding({ baselineState: 'unchanged', suppressions: [external] }), { 'app.py': 'all' }),
    ).toEqual([false]);
  });

  it('leaves runs without suppressions as they are', async () => {
    const run: ScannerRun = {
      id: 'x',
      displayName: 'X',
      status: 'ok',
      durationMs: 1,
      filesScanned: 1,
      findings: [finding({ suppressed: false })],
    };
    const [same] = await markNewSuppressions([run], lines({}));
    expect(same).toBe(run);
  });
});
