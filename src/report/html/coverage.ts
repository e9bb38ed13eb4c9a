import { coverageLine, notJudgedReasons } from '../coverage-text.ts';
import type { JsonReport } from '../json-report-schema.ts';
import { code, esc, table } from './escape.ts';
import { HTML_ROW_LIMIT } from './findings.ts';

const HTML_INLINE = { text: esc, code };

/**
 * The coverage ledger: the one-line count, then every file that was not judged (with each scanner's
 * reason) and every path not scanned (with why). Judged files are counted here and listed in
 * coverage.json, which on a full scan holds the whole tree.
 */
export function renderCoverage(report: JsonReport): string {
  const c = report.coverage;
  if (!c) return '';
  const line = coverageLine(report, HTML_INLINE, 5) ?? '';
  const notJudged = c.files.filter((e) => e.state === 'not-judged');
  const notScanned = c.files.filter((e) => e.state === 'not-scanned');
  type Entry = (typeof c.files)[number];
  const rows = (list: readonly Entry[], cell: (e: Entry) => string) =>
    list.slice(0, HTML_ROW_LIMIT).map((e) => [code(e.path), esc(e.kind), cell(e)]);
  const cut = (list: readonly unknown[]) =>
    list.length > HTML_ROW_LIMIT
      ? `<p class="muted">Showing ${HTML_ROW_LIMIT} of ${list.length}; coverage.json lists every one.</p>`
      : '';
  const scope = c.scope === 'changed-files' ? "the change's files" : 'every file under the scanned path';
  return `<section id="coverage"><h2>Coverage</h2>
<p id="coverage-line">${line}</p>
<p class="muted">In scope: ${esc(scope)}. A file is judged when every scanner that reads its kind judged it; a file one of them could not judge leaves that scanner's criteria not evaluated.</p>
<h3>Not judged (${notJudged.length})</h3>
${table(
  ['Path', 'Kind', 'Why'],
  rows(notJudged, (e) => notJudgedReasons(report, e, HTML_INLINE)),
  'Every file in scope that a scanner reads was judged.',
  'coverage-not-judged',
)}${cut(notJudged)}
<h3>Not scanned (${notScanned.length})</h3>
${table(
  ['Path', 'Kind', 'Why'],
  rows(notScanned, (e) => esc(e.note ?? e.notScanned ?? '')),
  'Nothing in scope was left out.',
  'coverage-not-scanned',
)}${cut(notScanned)}
</section>`;
}
