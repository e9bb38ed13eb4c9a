import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, describe, expect, it } from 'vitest';
import { repairColumns, reportFiles, writeRepairedReports } from '../../../../scanners/gitleaks/report.ts';
import { REPO_ROOT } from '../../../support/cli.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'controlgate-gitleaks-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The recorded tree report with one region as Gitleaks 8.30.1 wrote it for a match ending at a line break. */
function withZeroEndColumn(): Sarif.Log {
  const log = JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'gitleaks', 'tree.sarif'), 'utf8'),
  ) as Sarif.Log;
  const region = log.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.region;
  if (region) Object.assign(region, { startLine: 11, startColumn: 4, endLine: 11, endColumn: 0 });
  return log;
}

describe('repairColumns', () => {
  it('drops a column below 1 and keeps the lines', () => {
    const log = withZeroEndColumn();
    repairColumns(log);
    expect(log.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.region).toEqual({
      startLine: 11,
      startColumn: 4,
      endLine: 11,
      snippet: { text: 'REDACTED' },
    });
    // The others are as Gitleaks wrote them.
    expect(log.runs[0]?.results?.[1]?.locations?.[0]?.physicalLocation?.region?.endColumn).toBeGreaterThan(1);
  });
});

describe('writeRepairedReports', () => {
  it('copies each report Gitleaks wrote to the file the runner reads, repaired', async () => {
    const outDir = path.join(tmp, 'both');
    const { tree, history } = reportFiles(outDir);
    await import('node:fs/promises').then((fs) => fs.mkdir(outDir, { recursive: true }));
    writeFileSync(tree.tool, JSON.stringify(withZeroEndColumn()));
    await writeRepairedReports(outDir);
    const copy = JSON.parse(readFileSync(tree.sarif, 'utf8')) as Sarif.Log;
    expect(copy.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.region?.endColumn).toBeUndefined();
    // One copy is kept: the runner strips the one it reads of what findings quote.
    expect(existsSync(tree.tool)).toBe(false);
    // No history scan yet: nothing to copy.
    expect(existsSync(history.sarif)).toBe(false);
    writeFileSync(history.tool, JSON.stringify(withZeroEndColumn()));
    await writeRepairedReports(outDir);
    expect(existsSync(history.sarif)).toBe(true);
  });

  it('fails a run whose tree report is missing', async () => {
    await expect(writeRepairedReports(path.join(tmp, 'none'))).rejects.toThrow(/Gitleaks wrote no report/);
  });

  it('copies text that is not JSON as it is, for the reader to name the fault', async () => {
    const outDir = path.join(tmp, 'broken');
    const { tree } = reportFiles(outDir);
    await import('node:fs/promises').then((fs) => fs.mkdir(outDir, { recursive: true }));
    writeFileSync(tree.tool, '{"runs": [');
    await writeRepairedReports(outDir);
    expect(readFileSync(tree.sarif, 'utf8')).toBe('{"runs": [');
  });
});
