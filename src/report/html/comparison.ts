import { compareFindings } from '../../findings/order.ts';
import {
  type BaselineFacts,
  comparisonHeadline,
  comparisonNotes,
  existingPerCriterion,
  type FixedFinding,
  type Inline,
  judgedNote,
  shortSha,
} from '../comparison.ts';
import type { JsonReport } from '../json-report-schema.ts';
import { code, esc, table } from './escape.ts';
import { HTML_ROW_LIMIT } from './findings.ts';

/** Refs, reasons and bundle paths come from git, CI events and users: escaped like all report text. */
const HTML_INLINE: Inline = { text: esc, code };

/** A pull request can touch thousands of files; auditors get the list, the page stays usable. */
const MAX_CHANGED_FILES = 500;

function chip(state: 'new' | 'existing' | 'fixed', n: number): string {
  return `<li class="chip bs-${state}" data-state="${state}">${state}<b>${n}</b></li>`;
}

/** Which base, how it was scanned, which commits: the facts behind the counts. */
function comparisonFacts(b: BaselineFacts): string {
  const facts = [
    `mode ${code(b.mode)}`,
    `source ${code(b.source)}`,
    b.scope === 'changed-files' ? 'file-local scanners saw only the changed files' : 'all files scanned',
    ...(b.baseSha ? [`base commit ${code(shortSha(b.baseSha))}`] : []),
    ...(b.headSha ? [`head commit ${code(shortSha(b.headSha))}`] : []),
    ...(b.bundle ? [`bundle digest ${code(b.bundle.digest)}`] : []),
  ];
  return `<p class="muted">${facts.join(' · ')}</p>`;
}

function changedFiles(b: BaselineFacts): string {
  if (b.changedFiles.length === 0) return '';
  const items = b.changedFiles.slice(0, MAX_CHANGED_FILES).map((c) => {
    const from = c.oldPath ? ` <span class="muted">from</span> ${code(c.oldPath)}` : '';
    return `<li><span class="tag">${esc(c.status)}</span> ${code(c.path)}${from}</li>`;
  });
  const more = b.changedFiles.length - items.length;
  const rest = more > 0 ? `<p class="muted">…and ${more} more (see the JSON report).</p>` : '';
  return `<details><summary>Changed files (${b.changedFiles.length})</summary><ul class="changed">${items.join('')}</ul>${rest}</details>`;
}

function existingDebt(report: JsonReport): string {
  const debt = existingPerCriterion(report.controls);
  if (debt.length === 0) return '';
  const chips = debt
    .map(({ control, count }) => `<li class="chip"><code>${esc(control.id)}</code><b>${count}</b></li>`)
    .join('');
  return `<p>Existing debt per criterion (at or above the threshold, not judged):</p><ul class="chips" id="existing-per-criterion">${chips}</ul>`;
}

/** The comparison with the base for the header: counts, what was judged, what could not be compared. */
export function renderComparison(report: JsonReport): string {
  const b = report.baseline;
  if (!b) return '';
  const line = `<p id="comparison-line">${comparisonHeadline(b, HTML_INLINE)}</p>`;
  if (b.status === 'unavailable') {
    return `\n<div class="comparison unavailable" id="comparison"><h3>Comparison with the base</h3>\n${line}\n</div>`;
  }
  const notes = comparisonNotes(b, HTML_INLINE);
  const parts = [
    line,
    `<p class="muted">${esc(judgedNote(b))}</p>`,
    `<ul class="chips" id="change-counts">${chip('new', b.counts.new)}${chip('existing', b.counts.unchanged)}${chip('fixed', b.counts.fixed)}</ul>`,
    notes.length > 0
      ? `<ul class="notes" id="not-compared">${notes.map((n) => `<li>${n}</li>`).join('')}</ul>`
      : '',
    existingDebt(report),
    comparisonFacts(b),
    changedFiles(b),
  ].filter(Boolean);
  return `\n<div class="comparison" id="comparison"><h3>Comparison with the base</h3>\n${parts.join('\n')}\n</div>`;
}

function fixedRow(f: FixedFinding): string[] {
  const where = `${f.path}${f.line > 0 ? `:${f.line}` : ''}`;
  const rule = `${f.ruleName && f.ruleName !== f.ruleId ? `<div>${esc(f.ruleName)}</div>` : ''}<code>${esc(f.ruleId)}</code>`;
  const secret = f.secret ? '<span class="tag">secret, redacted</span>' : '';
  const snippet = f.snippet
    ? `<details class="snippet"><summary>code</summary><pre>${esc(f.snippet)}</pre></details>`
    : '';
  return [
    `<span class="sev sev-${esc(f.severity)}">${esc(f.severity)}</span>`,
    f.criteria.map((c) => `<code class="crit">${esc(c)}</code>`).join('') || '<span class="none">—</span>',
    esc(f.scanner),
    rule,
    `<code>${esc(where)}</code>`,
    `${esc(f.message)}${secret}${snippet}`,
  ];
}

/** Findings at the base that the change removed: the progress it makes, listed after the findings. */
export function renderFixed(report: JsonReport): string {
  const b = report.baseline;
  if (b?.status !== 'compared') return '';
  const at = b.mergeBase ? ` (merge base ${code(shortSha(b.mergeBase))})` : '';
  const rows = [...report.fixed].sort(compareFindings).slice(0, HTML_ROW_LIMIT).map(fixedRow);
  const capped =
    report.fixed.length > rows.length
      ? ` The first ${rows.length.toLocaleString('en-US')} are listed; all are in controlgate.json.`
      : '';
  return `\n<section id="fixed"><h2>Fixed by this change (${report.fixed.length})</h2>
<p class="muted">Findings at the base${at} that this change removes. Locations are at the base.${capped}</p>
${table(['Severity', 'Criteria', 'Scanner', 'Rule', 'Location at the base', 'Message'], rows, 'This change removes no finding.', 'fixed')}
</section>`;
}
