import type { PopulationRow } from './population.ts';

/*
 * population.csv: RFC 4180 (CRLF line ends, fields quoted when they hold a comma, quote or line
 * break, quotes doubled), UTF-8. Titles, names and reasons come from pull-request authors: a cell
 * a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return that some
 * read past) gets a leading apostrophe, so it shows as text.
 */

export const POPULATION_COLUMNS = [
  'repository',
  'number',
  'title',
  'author',
  'merged at',
  'merged by',
  'head SHA',
  'gate decision',
  'failing criteria',
  'waivers',
  'approvals on final head',
  'exceptions',
] as const;

/** One cell, neutralised against formula injection and quoted as RFC 4180 asks. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function rowCells(row: PopulationRow): string[] {
  return [
    row.repository ?? '',
    String(row.number),
    row.title,
    row.author ?? '',
    row.mergedAt,
    row.mergedBy ?? '',
    row.headSha,
    row.gateDecision,
    row.failingCriteria.join('; '),
    row.waivers.map((w) => `${w.id ?? '(no id)'} by ${w.approver} until ${w.expires}`).join('; '),
    row.approvalsOnFinalHead === null ? 'unknown (no merge record)' : row.approvalsOnFinalHead.join('; '),
    row.exceptions.map((e) => e.code).join('; '),
  ];
}

/** The population as CSV text: a header line, then one line per merged change. */
export function populationCsv(rows: readonly PopulationRow[]): string {
  return [csvLine(POPULATION_COLUMNS), ...rows.map((row) => csvLine(rowCells(row)))].join('');
}
