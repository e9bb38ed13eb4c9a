import { describe, expect, it } from 'vitest';
import { csvCell, POPULATION_COLUMNS, populationCsv } from '../../../src/audit/csv.ts';
import type { PopulationRow } from '../../../src/audit/population.ts';

function row(over: Partial<PopulationRow> = {}): PopulationRow {
  return {
    repository: 'octo/shop',
    number: 12,
    title: 'Add checkout',
    url: null,
    author: 'dev-alice',
    mergedAt: '2026-03-03T12:00:00Z',
    mergedBy: 'lead-bob',
    headSha: 'a'.repeat(40),
    gateDecision: 'pass',
    failingCriteria: [],
    waivers: [],
    approvalsOnFinalHead: ['rev-carol'],
    exceptions: [],
    gateRun: null,
    superseded: [],
    mergeRecord: null,
    rejected: [],
    ...over,
  };
}

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTab', "'\tTab"],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j → %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

describe('populationCsv', () => {
  it('a header, then one CRLF-ended line per change, with the exceptions by code', () => {
    const csv = populationCsv([
      row(),
      row({
        number: 13,
        title: '=cmd|"/c calc"!A0, and more',
        gateDecision: 'block',
        failingCriteria: ['CC7.1', 'CC6.1'],
        waivers: [{ id: 'W-1', approver: 'sec-dana', expires: '2027-01-31' }],
        approvalsOnFinalHead: null,
        exceptions: [
          { code: 'merged-while-blocked', text: 'x' },
          { code: 'no-merge-record', text: 'y' },
        ],
      }),
    ]);
    const lines = csv.split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines[0]).toBe(POPULATION_COLUMNS.join(','));
    expect(lines[1]).toBe(
      `octo/shop,12,Add checkout,dev-alice,2026-03-03T12:00:00Z,lead-bob,${'a'.repeat(40)},pass,,,rev-carol,`,
    );
    expect(lines[2]).toBe(
      `octo/shop,13,"'=cmd|""/c calc""!A0, and more",dev-alice,2026-03-03T12:00:00Z,lead-bob,${'a'.repeat(40)},block,CC7.1; CC6.1,W-1 by sec-dana until 2027-01-31,unknown (no merge record),merged-while-blocked; no-merge-record`,
    );
  });

  it('keeps non-ASCII text as UTF-8', () => {
    const csv = populationCsv([row({ title: 'Prüfung — 検査' })]);
    expect(Buffer.from(csv, 'utf8').toString('utf8')).toContain('Prüfung — 検査');
  });
});
