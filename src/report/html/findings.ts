import { SEVERITIES } from '../../findings/finding.ts';
import { type ChangeState, changeState } from '../comparison.ts';
import type { JsonReport } from '../json-report-schema.ts';
import { otherSources } from '../rule-label.ts';
import { esc, jsonForScript, safeHref } from './escape.ts';
import {
  criterionState,
  type Finding,
  type FindingStatus,
  STATE_LABELS,
  STATES,
  STATUS_LABELS,
  sortFindings,
  statusResolver,
  waivedPasses,
} from './model.ts';

function option(value: string, label: string): string {
  return `<option value="${esc(value)}">${esc(label)}</option>`;
}

function select(id: string, label: string, options: string[]): string {
  return `<label for="${id}">${esc(label)}<select id="${id}">${option('', 'all')}${options.join('')}</select></label>`;
}

/** The rule id, linked to the rule's documentation when the tool gave a web address. */
function ruleLink(f: Pick<Finding, 'ruleId' | 'helpUri'>): string {
  const href = safeHref(f.helpUri);
  return href
    ? `<a href="${esc(href)}" rel="noopener noreferrer" target="_blank"><code>${esc(f.ruleId)}</code></a>`
    : `<code>${esc(f.ruleId)}</code>`;
}

function ruleCell(f: Finding): string {
  const name = f.ruleName && f.ruleName !== f.ruleId ? `<div>${esc(f.ruleName)}</div>` : '';
  const cwes = [...new Set([...f.cwe, ...otherSources(f).flatMap((s) => s.cwe)])];
  const cwe = cwes.map((c) => `<span class="tag">${esc(c)}</span>`).join('');
  // A merged problem: every tool's rule, so the reader sees who agreed.
  const also = otherSources(f)
    .map((s) => `<div class="also">also ${esc(s.scanner)} ${ruleLink(s)}</div>`)
    .join('');
  return `${name}${ruleLink(f)}${also}<div>${cwe}</div>`;
}

/** What the change did, as a tooltip: added it (it can block) or found it already there. */
const CHANGE_HELP: Record<ChangeState, string> = {
  new: 'introduced by this change',
  existing: 'already there at the base',
};

function changeTag(state: ChangeState | null): string {
  return state
    ? `<div><span class="bs bs-${state}" title="${esc(CHANGE_HELP[state])}">${state}</span></div>`
    : '';
}

function statusCell(f: Finding, status: FindingStatus, state: ChangeState | null): string {
  const notes: string[] = [];
  if (f.waiver) notes.push(`waiver ${f.waiver}`);
  if (f.suppressed) notes.push(f.suppressions.map((s) => `${s.kind} ${s.status}`).join(', ') || 'suppressed');
  if (f.suppressionRefused)
    notes.push(
      f.suppressions.some((s) => s.addedByChange)
        ? 'suppression added by this change: refused'
        : 'suppression refused by policy',
    );
  if (f.unmapped) notes.push('unmapped');
  const extra = notes.map((n) => `<div class="muted">${esc(n)}</div>`).join('');
  return `<span class="st st-${status}">${esc(STATUS_LABELS[status])}</span>${changeTag(state)}${extra}`;
}

interface RowFacts {
  index: number;
  status: FindingStatus;
  state: ChangeState | null;
}

function row(f: Finding, { index, status, state }: RowFacts, order: Map<string, number>): string {
  const sorted = [...f.criteria].sort((a, b) => (order.get(a) ?? order.size) - (order.get(b) ?? order.size));
  const criteria =
    sorted.map((c) => `<code class="crit">${esc(c)}</code>`).join('') || '<span class="none">—</span>';
  const where = `${f.path}${f.line > 0 ? `:${f.line}` : ''}`;
  const outside = f.inWorkspace ? '' : '<div class="tag">outside the workspace</div>';
  const secret = f.secret ? '<span class="tag">secret, redacted</span>' : '';
  const snippet = f.snippet
    ? `<details class="snippet"><summary>code</summary><pre>${esc(f.snippet)}</pre></details>`
    : '';
  const stateAttr = state ? ` data-state="${state}"` : '';
  return `<tr data-index="${index}" data-fingerprint="${esc(f.fingerprint)}"${stateAttr}>
<td class="sev-cell"><span class="sev sev-${esc(f.severity)}">${esc(f.severity)}</span></td>
<td class="crit-cell">${criteria}</td>
<td class="scan">${[f.scanner, ...otherSources(f).map((s) => s.scanner)].map(esc).join('<br>')}</td>
<td class="rule">${ruleCell(f)}</td>
<td class="loc"><code>${esc(where)}</code>${outside}</td>
<td class="msg">${esc(f.message)}${secret}${snippet}</td>
<td class="status">${statusCell(f, status, state)}</td>
</tr>`;
}

/**
 * Criteria grouped by their state as the matrix shows it (failing first, a pass under waiver apart
 * from a clean pass), each with its number of findings.
 */
function criterionOptions(report: JsonReport, perCriterion: ReadonlyMap<string, number>): string[] {
  const waived = waivedPasses(report);
  return STATES.flatMap((state) => {
    const controls = report.controls.filter((c) => criterionState(c, waived) === state);
    if (controls.length === 0) return [];
    const options = controls.map((c) =>
      option(c.id, `${c.id} (${perCriterion.get(c.id) ?? 0}) ${STATE_LABELS[state]}`),
    );
    return [`<optgroup label="${esc(STATE_LABELS[state])}">${options.join('')}</optgroup>`];
  });
}

/** Status filter values: "existing debt" only where a comparison could produce it. */
function statusOptions(compared: boolean): string[] {
  return (Object.keys(STATUS_LABELS) as FindingStatus[])
    .filter((s) => compared || s !== 'existing')
    .map((s) => option(s, STATUS_LABELS[s]));
}

/**
 * Rows in the table. A browser stays usable with a few thousand; past that the page lists the
 * most important ones (new first, most severe first) and points to the files that hold them all.
 */
export const HTML_ROW_LIMIT = 2_000;

/** The findings table with its filters, plus the JSON block the filter script reads. */
export function renderFindings(report: JsonReport): string {
  const compared = report.baseline?.status === 'compared';
  const findings = sortFindings(report.findings, report.baseline, HTML_ROW_LIMIT);
  const total = report.findings.length;
  const statusOf = statusResolver(report);
  const statuses = findings.map(statusOf);
  const states = findings.map((f) => changeState(f, report.baseline));
  const perCriterion = new Map<string, number>();
  for (const f of report.findings)
    for (const c of f.criteria) perCriterion.set(c, (perCriterion.get(c) ?? 0) + 1);
  const scanners = [...new Set([...report.scanners.map((s) => s.id), ...findings.map((f) => f.scanner)])];
  const filters = [
    select('f-criterion', 'Criterion', criterionOptions(report, perCriterion)),
    select(
      'f-severity',
      'Severity',
      SEVERITIES.map((s) => option(s, s)),
    ),
    select(
      'f-scanner',
      'Scanner',
      scanners.map((s) => option(s, s)),
    ),
    select('f-status', 'Status', statusOptions(compared)),
    ...(compared
      ? [
          select(
            'f-state',
            'Change',
            (Object.keys(CHANGE_HELP) as ChangeState[]).map((s) => option(s, s)),
          ),
        ]
      : []),
  ].join('\n');
  const data = {
    rows: findings.map((f, i) => ({
      criteria: f.criteria,
      severity: f.severity,
      scanner: f.scanner,
      status: statuses[i],
      // Only after a comparison, so a report without one keeps its data block as it was.
      ...(compared ? { state: states[i] } : {}),
    })),
  };
  const order = new Map(report.controls.map((c, i) => [c.id, i]));
  const body = findings
    .map((f, i) => row(f, { index: i, status: statuses[i] ?? 'active', state: states[i] ?? null }, order))
    .join('\n');
  return `<section id="findings"><h2>Findings</h2>
<div class="filters screen-only" id="filters">
${filters}
<button type="button" id="f-reset">Reset filters</button>
<output id="shown-count" data-shown="${findings.length}" aria-live="polite">Showing ${findings.length} of ${findings.length} findings</output>
</div>
<div class="table-box"><table class="findings" id="findings-table">
<colgroup><col class="c-sev"><col class="c-crit"><col class="c-scan"><col class="c-rule"><col class="c-loc"><col class="c-msg"><col class="c-status"></colgroup>
<thead><tr><th scope="col">Severity</th><th scope="col">Criteria</th><th scope="col">Scanner</th><th scope="col">Rule</th><th scope="col">Location</th><th scope="col">Message</th><th scope="col">Status</th></tr></thead>
<tbody>
${body}
</tbody></table></div>
<p class="empty" id="no-match"${findings.length === 0 ? '' : ' hidden'}>No findings match these filters.</p>${
    total > findings.length
      ? `\n<p class="note" id="rows-capped">This page lists the first ${findings.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} findings (new first, then by severity). All of them are in controlgate.json and sarif/merged.sarif.</p>`
      : ''
  }
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
</section>`;
}
