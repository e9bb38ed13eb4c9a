import { SEVERITIES } from '../../findings/finding.ts';
import type { JsonReport } from '../json-report-schema.ts';
import type { RunFacts } from '../run-facts.ts';
import { suppressionNote } from '../suppression-notes.ts';
import { renderBlocking } from './blocking.ts';
import { renderComparison } from './comparison.ts';
import { code, esc } from './escape.ts';
import {
  CATEGORY_TITLES,
  type Control,
  type CriterionState,
  GROUP_TITLES,
  groupControls,
  STATE_LABELS,
  STATES,
  type WaivedPass,
  waivedPasses,
  waiverLabel,
} from './model.ts';
import { renderPolicyBanner } from './policy-banner.ts';

const EXIT_MEANING: Record<number, string> = {
  0: 'pass',
  1: 'a blocking criterion fails',
  2: 'a blocking criterion could not be evaluated',
};

const STATE_HELP: Record<CriterionState, string> = {
  pass: 'pass: covered, nothing at or above the threshold',
  'waived-pass': 'passed under waiver: passes only because findings at or above the threshold are waived',
  fail: 'fail: a finding at or above the threshold, block mode',
  warn: 'warn: a finding at or above the threshold, warn mode',
  'not-evaluated': 'not evaluated: a scanner covering it failed',
  'not-covered': 'not covered: no scanner in this run produces a signal (e.g. process controls)',
  'out-of-scope': 'out of scope: its category is not opted in',
};

const GLYPH: Record<CriterionState, string> = {
  pass: '✓',
  'waived-pass': 'W',
  fail: '✗',
  warn: '!',
  'not-evaluated': '?',
  'not-covered': '–',
  'out-of-scope': '·',
};

/** Suppressions the policy refused for blocking criteria, and what to do instead. */
function suppressionSection(report: JsonReport): string {
  const note = suppressionNote(report, { text: esc, code });
  return note
    ? `\n<div class="policy-note" id="suppression-note"><p><b>Suppressions:</b> ${note}</p></div>`
    : '';
}

/** Criteria per state; a pass under waiver is counted apart from a clean pass. */
function stateCounts(report: JsonReport, waived: ReadonlyMap<string, WaivedPass>): string {
  const count = (s: CriterionState) =>
    s === 'waived-pass'
      ? waived.size
      : s === 'pass'
        ? report.verdicts.pass - waived.size
        : report.verdicts[s];
  const chips = STATES.filter((s) => s !== 'waived-pass' || waived.size > 0)
    .map((s) => {
      const attr = s === 'waived-pass' ? 'data-criterion-state="waived-pass"' : `data-verdict="${s}"`;
      const cls = s === 'waived-pass' ? 'chip v-pass s-waived-pass' : `chip v-${s}`;
      return `<li class="${cls}" ${attr}>${esc(STATE_LABELS[s])}<b>${count(s)}</b></li>`;
    })
    .join('');
  const note =
    waived.size > 0
      ? `<p class="muted">The gate's verdict for a pass under waiver is pass (${report.verdicts.pass} in controlgate.json).</p>`
      : '';
  return `<ul class="chips" id="verdict-counts">${chips}</ul>${note}`;
}

/**
 * The decision with what blocks it, a policy change as a banner above both, the counts per state and
 * severity, and the comparison with the base.
 */
export function renderSummary(report: JsonReport, facts: RunFacts): string {
  const waived = waivedPasses(report);
  const where = [facts.repository, facts.branch, facts.commit?.slice(0, 12)].filter(Boolean).join(' · ');
  const change = facts.changeNumber === null ? '' : ` · change #${facts.changeNumber}`;
  const severities = SEVERITIES.map(
    (s) =>
      `<li class="chip"><span class="sev sev-${s}">${s}</span><b>${report.summary.bySeverity[s]}</b></li>`,
  ).join('');
  const problems = report.summary.problems ?? report.summary.findings;
  const merged =
    report.summary.findings > problems
      ? ` (${report.summary.findings} from the tools, merged where two found one problem)`
      : '';
  const notCounted = `${report.findings.filter((f) => f.suppressed).length} suppressed (not counted) of ${problems} findings${merged}`;
  return `<header class="top">${renderPolicyBanner(report)}
<div class="banner">
<div class="decision decision-${esc(report.decision)}" id="decision">${esc(report.decision.toUpperCase())}</div>
<div class="headline"><h1>controlgate SOC 2 gate report</h1>
<div class="subtitle">${esc(where || 'unknown repository')}${esc(change)} · exit code <b id="exit-code">${esc(report.exitCode)}</b> (${esc(EXIT_MEANING[report.exitCode] ?? 'unknown')})${report.evaluated ? '' : ' · <b>some scanners failed</b>'}</div>
${renderBlocking(report, waived)}</div>
</div>${suppressionSection(report)}
<div class="summary">
<div><h3>Criteria per verdict</h3>${stateCounts(report, waived)}</div>
<div><h3>Findings per severity</h3><ul class="chips" id="severity-counts">${severities}</ul><p class="muted">${esc(notCounted)}</p></div>
</div>${renderComparison(report)}
</header>`;
}

/** The waiver text a cell shows: the first waiver's id, approver and expiry, and how many more. */
function waiverLine(p: WaivedPass): string {
  const first = p.waivers[0];
  const more = p.waivers.length + p.unlisted.length - 1;
  const head = first
    ? `waiver ${esc(waiverLabel(first))} · ${esc(first.approver)} · expires ${esc(first.expires)}`
    : `waiver ${esc(p.unlisted[0])}`;
  return `<span class="wv">${head}${more > 0 ? ` · +${more} more` : ''}</span>`;
}

function cell(c: Control, waived: WaivedPass | undefined): string {
  const state: CriterionState = waived ? 'waived-pass' : c.verdict;
  const help = [
    `${c.id} — ${c.title}`,
    `${waived ? 'passed under waiver; ' : ''}verdict: ${c.verdict} (${c.mode} mode, threshold ${c.severity}, policy: ${c.policySource})`,
    `${c.findings.length} at or above threshold, ${c.belowThreshold.length} below, ${c.waived.length} waived, ${c.suppressed.length} suppressed`,
    ...(c.existing.length > 0 ? [`${c.existing.length} existing before this change (not judged)`] : []),
    `covered by: ${c.coveredBy.join(', ') || 'no scanner'}`,
    ...(c.failedScanners.length > 0
      ? [`scanners that failed or could not judge every file: ${c.failedScanners.join(', ')}`]
      : []),
  ].join('\n');
  const count = c.findings.length > 0 ? `<span class="count">${c.findings.length}</span>` : '';
  const cls = `cell v-${esc(c.verdict)}${waived ? ' s-waived-pass' : ''}`;
  return `<a class="${cls}" href="#findings" id="criterion-${esc(c.id)}" data-criterion="${esc(c.id)}" data-verdict="${esc(c.verdict)}" data-criterion-state="${state}" title="${esc(help)}"><span class="glyph" aria-hidden="true">${GLYPH[state] ?? ''}</span>${esc(c.id)}${count}${waived ? waiverLine(waived) : ''}</a>`;
}

/** All criteria by category and group, coloured by state; a click filters the findings table. */
export function renderMatrix(report: JsonReport): string {
  const waived = waivedPasses(report);
  const shown = STATES.filter((s) => s !== 'waived-pass' || waived.size > 0);
  const legend = shown
    .map(
      (s) =>
        `<span class="chip v-${s === 'waived-pass' ? 'pass s-waived-pass' : s}">${GLYPH[s]} ${esc(STATE_HELP[s])}</span>`,
    )
    .join('');
  const outOfScope: string[] = [];
  const categories = [...groupControls(report.controls)].map(([category, groups]) => {
    const rows = [...groups].map(
      ([group, controls]) =>
        `<div class="group"><div class="group-label"><b>${esc(group)}</b> ${esc(GROUP_TITLES[group] ?? '')}</div><div class="cells">${controls.map((c) => cell(c, waived.get(c.id))).join('')}</div></div>`,
    );
    const title = CATEGORY_TITLES[category] ?? category;
    const allOut = [...groups.values()].every((cs) => cs.every((c) => c.verdict === 'out-of-scope'));
    if (allOut) outOfScope.push(title);
    return `<div class="category${allOut ? ' all-out-of-scope' : ''}" data-category="${esc(category)}"><h3>${esc(title)}</h3>\n${rows.join('\n')}</div>`;
  });
  const printLine =
    outOfScope.length > 0
      ? `\n<p class="print-only muted">Out of scope (category not opted in): ${esc(outOfScope.join(', '))}.</p>`
      : '';
  return `<section id="matrix"><h2>Control matrix (${report.controls.length} criteria)</h2>
<div class="legend" id="legend">${legend}</div>
<p class="muted screen-only">The number in a cell counts findings at or above its threshold. Click a criterion to list its findings.</p>
${categories.join('\n')}${printLine}
</section>`;
}
