import type { Verdict } from '../../controls/evaluate.ts';
import { SEVERITIES } from '../../findings/finding.ts';
import type { JsonReport } from '../json-report-schema.ts';
import { policyNote } from '../policy-notes.ts';
import type { RunFacts } from '../run-facts.ts';
import { suppressionNote } from '../suppression-notes.ts';
import { renderComparison } from './comparison.ts';
import { code, esc } from './escape.ts';
import { CATEGORY_TITLES, type Control, GROUP_TITLES, groupControls, VERDICTS } from './model.ts';

const EXIT_MEANING: Record<number, string> = {
  0: 'pass',
  1: 'a blocking criterion fails',
  2: 'a blocking criterion could not be evaluated',
};

const VERDICT_HELP: Record<Verdict, string> = {
  pass: 'pass: covered, nothing at or above the threshold',
  fail: 'fail: a finding at or above the threshold, block mode',
  warn: 'warn: a finding at or above the threshold, warn mode',
  'not-evaluated': 'not evaluated: a scanner covering it failed',
  'not-covered': 'not covered: no scanner in this run produces a signal (e.g. process controls)',
  'out-of-scope': 'out of scope: its category is not opted in',
};

const GLYPH: Record<Verdict, string> = {
  pass: '✓',
  fail: '✗',
  warn: '!',
  'not-evaluated': '?',
  'not-covered': '–',
  'out-of-scope': '·',
};

/** The gate's own rules, before everything else: whose policy judged the change, what it proposes. */
function policySection(report: JsonReport): string {
  const note = policyNote(report.policy, { text: esc, code });
  if (!note) return '';
  const items = note.items.length > 0 ? `<ul>${note.items.map((i) => `<li>${i}</li>`).join('')}</ul>` : '';
  return `\n<div class="policy-note" id="policy-note"><p><b>Policy:</b> ${note.headline}</p>${items}</div>`;
}

/** Suppressions the policy refused for blocking criteria, and what to do instead. */
function suppressionSection(report: JsonReport): string {
  const note = suppressionNote(report, { text: esc, code });
  return note
    ? `\n<div class="policy-note" id="suppression-note"><p><b>Suppressions:</b> ${note}</p></div>`
    : '';
}

/** The decision banner, exit code, the verdict and severity counts, and the comparison with the base. */
export function renderSummary(report: JsonReport, facts: RunFacts): string {
  const where = [facts.repository, facts.branch, facts.commit?.slice(0, 12)].filter(Boolean).join(' · ');
  const change = facts.changeNumber === null ? '' : ` · change #${facts.changeNumber}`;
  const verdicts = VERDICTS.map(
    (v) => `<li class="chip v-${v}" data-verdict="${v}">${esc(v)}<b>${report.verdicts[v]}</b></li>`,
  ).join('');
  const severities = SEVERITIES.map(
    (s) =>
      `<li class="chip"><span class="sev sev-${s}">${s}</span><b>${report.summary.bySeverity[s]}</b></li>`,
  ).join('');
  const notCounted = `${report.summary.suppressed} suppressed (not counted) of ${report.summary.findings} findings`;
  return `<header class="top">
<div class="banner">
<div class="decision decision-${esc(report.decision)}" id="decision">${esc(report.decision.toUpperCase())}</div>
<div><h1>controlgate SOC 2 gate report</h1>
<div class="subtitle">${esc(where || 'unknown repository')}${esc(change)} · exit code <b id="exit-code">${esc(report.exitCode)}</b> (${esc(EXIT_MEANING[report.exitCode] ?? 'unknown')})${report.evaluated ? '' : ' · <b>some scanners failed</b>'}</div></div>
</div>${policySection(report)}${suppressionSection(report)}
<div class="summary">
<div><h3>Criteria per verdict</h3><ul class="chips" id="verdict-counts">${verdicts}</ul></div>
<div><h3>Findings per severity</h3><ul class="chips" id="severity-counts">${severities}</ul><p class="muted">${esc(notCounted)}</p></div>
</div>${renderComparison(report)}
</header>`;
}

function cell(c: Control): string {
  const help = [
    `${c.id} — ${c.title}`,
    `verdict: ${c.verdict} (${c.mode} mode, threshold ${c.severity}, policy: ${c.policySource})`,
    `${c.findings.length} at or above threshold, ${c.belowThreshold.length} below, ${c.waived.length} waived, ${c.suppressed.length} suppressed`,
    ...(c.existing.length > 0 ? [`${c.existing.length} existing before this change (not judged)`] : []),
    `covered by: ${c.coveredBy.join(', ') || 'no scanner'}`,
    ...(c.failedScanners.length > 0
      ? [`scanners that failed or could not judge every file: ${c.failedScanners.join(', ')}`]
      : []),
  ].join('\n');
  const count = c.findings.length > 0 ? `<span class="count">${c.findings.length}</span>` : '';
  return `<a class="cell v-${esc(c.verdict)}" href="#findings" id="criterion-${esc(c.id)}" data-criterion="${esc(c.id)}" data-verdict="${esc(c.verdict)}" title="${esc(help)}"><span class="glyph" aria-hidden="true">${GLYPH[c.verdict] ?? ''}</span>${esc(c.id)}${count}</a>`;
}

/** All criteria by category and group, coloured by verdict; a click filters the findings table. */
export function renderMatrix(report: JsonReport): string {
  const legend = VERDICTS.map(
    (v) => `<span class="chip v-${v}">${GLYPH[v]} ${esc(VERDICT_HELP[v])}</span>`,
  ).join('');
  const categories = [...groupControls(report.controls)].map(([category, groups]) => {
    const rows = [...groups].map(
      ([group, controls]) =>
        `<div class="group"><div class="group-label"><b>${esc(group)}</b> ${esc(GROUP_TITLES[group] ?? '')}</div><div class="cells">${controls.map(cell).join('')}</div></div>`,
    );
    return `<div class="category" data-category="${esc(category)}"><h3>${esc(CATEGORY_TITLES[category] ?? category)}</h3>\n${rows.join('\n')}</div>`;
  });
  return `<section id="matrix"><h2>Control matrix (${report.controls.length} criteria)</h2>
<div class="legend" id="legend">${legend}</div>
<p class="muted">The number in a cell counts findings at or above its threshold. Click a criterion to list its findings.</p>
${categories.join('\n')}
</section>`;
}
