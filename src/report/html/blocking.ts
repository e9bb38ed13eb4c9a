import type { JsonReport } from '../json-report-schema.ts';
import { code, esc } from './escape.ts';
import { type Control, type WaivedPass, waiverLabel } from './model.ts';

/** Why a not-evaluated criterion has no verdict: which covering scanner failed or left files unjudged. */
function scannerTrouble(report: JsonReport, c: Control): string {
  const parts = c.failedScanners.map((id) => {
    const s = report.scanners.find((x) => x.id === id);
    const unjudged = s?.unjudged?.length ?? 0;
    if (s && s.status !== 'failed' && unjudged > 0)
      return `${code(id)} could not judge ${unjudged === 1 ? '1 file' : `${unjudged} files`}`;
    return `${code(id)} failed`;
  });
  return parts.length > 0 ? parts.join(', ') : 'a covering scanner failed';
}

function blockingItem(report: JsonReport, c: Control): string {
  const head = `<code>${esc(c.id)}</code> <b>${esc(c.title)}</b>`;
  if (c.verdict === 'not-evaluated')
    return `<li class="v-not-evaluated" data-criterion="${esc(c.id)}">${head} — not evaluated: ${scannerTrouble(report, c)}</li>`;
  const n = c.findings.length;
  return `<li class="v-fail" data-criterion="${esc(c.id)}">${head} — ${n} ${n === 1 ? 'finding' : 'findings'} at or above ${esc(c.severity)}</li>`;
}

/** One waiver's facts people check: id, approver, expiry. */
export function waiverFacts(w: WaivedPass['waivers'][number]): string {
  return `waiver ${code(waiverLabel(w))}, approved by ${esc(w.approver)}, expires ${code(w.expires)}`;
}

/** Every waiver a waived pass rests on, named with its approver and expiry. */
export function waivedPassFacts(p: WaivedPass): string {
  return [...p.waivers.map(waiverFacts), ...p.unlisted.map((u) => `waiver ${code(u)}`)].join('; ');
}

/**
 * Next to the decision: the criteria that block (failing, or not evaluated because a scanner failed)
 * by id and title, the ones that warn, and the passes that rest on a waiver.
 */
export function renderBlocking(report: JsonReport, waived: ReadonlyMap<string, WaivedPass>): string {
  const blocking = report.controls.filter((c) => c.blocking);
  const warning = report.controls.filter((c) => c.verdict === 'warn');
  const nonBlockingUnevaluated = report.controls.filter((c) => c.verdict === 'not-evaluated' && !c.blocking);
  const list =
    blocking.length > 0
      ? `<h2>Blocking criteria (${blocking.length})</h2><ul class="crit-list">${blocking.map((c) => blockingItem(report, c)).join('')}</ul>`
      : '<h2>No criterion blocks this change</h2>';
  const short = (cs: Control[]) => cs.map((c) => `<code>${esc(c.id)}</code> ${esc(c.title)}`).join('; ');
  const warnings =
    warning.length > 0
      ? `<p class="warn-line" id="warning-criteria"><b>Warnings (${warning.length}, not blocking):</b> ${short(warning)}</p>`
      : '';
  const unevaluated =
    nonBlockingUnevaluated.length > 0
      ? `<p id="unevaluated-criteria"><b>Not evaluated, not blocking (${nonBlockingUnevaluated.length}):</b> ${short(nonBlockingUnevaluated)}</p>`
      : '';
  const passes = [...waived.values()];
  const underWaiver =
    passes.length > 0
      ? `<div class="waived-list" id="waived-passes"><b>Passed under waiver (${passes.length}):</b><ul class="crit-list">${passes
          .map(
            (p) =>
              `<li class="s-waived-pass" data-criterion="${esc(p.control.id)}"><code>${esc(p.control.id)}</code> <b>${esc(p.control.title)}</b> — ${p.findings.length} waived ${p.findings.length === 1 ? 'finding' : 'findings'} at or above ${esc(p.control.severity)}: ${waivedPassFacts(p)}</li>`,
          )
          .join('')}</ul></div>`
      : '';
  return `<div class="blocking" id="blocking">${list}${warnings}${unevaluated}${underWaiver}</div>`;
}
