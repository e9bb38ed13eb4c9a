import type { JsonReport } from '../json-report-schema.ts';
import { policyNote } from '../policy-notes.ts';
import { code, esc } from './escape.ts';

/** The banner's title (constant text, no report data): what kind of trouble with the gate's own rules this is. */
function title(report: JsonReport): string {
  const p = report.policy;
  if (p.unverified) return "The policy was not read from the change's base";
  if (p.source === 'head') return "Judged by the change's own policy";
  if (p.proposed?.invalid) return "This change edits the gate's own policy (and the edit is invalid)";
  return "This change edits the gate's own policy";
}

/**
 * Above the decision: a change that proposes edits to its own gate (policy or waivers), what it would
 * change, and whose policy judged it. A PASS must not read as "the gate approved these edits".
 * Keys, values and file names come from the change: escaped.
 */
export function renderPolicyBanner(report: JsonReport): string {
  const note = policyNote(report.policy, { text: esc, code });
  const files = report.baseline?.policyChanged ?? [];
  if (!note && files.length === 0) return '';
  const headline = note
    ? note.headline
    : report.policy.source === 'base'
      ? `This change edits the gate's own policy files. The edits apply after review and merge, not to this change, which the policy at the base commit ${report.policy.commit ? code(report.policy.commit.slice(0, 12)) : ''} judged.`
      : "This change edits the gate's own policy files.";
  const items =
    note && note.items.length > 0 ? `<ul>${note.items.map((i) => `<li>${i}</li>`).join('')}</ul>` : '';
  const edited =
    files.length > 0
      ? `<p class="files">Policy files edited: ${files.map((f) => code(f)).join(', ')}</p>`
      : '';
  return `<div class="policy-banner" id="policy-note" role="note"><p class="policy-title"><span class="policy-icon" aria-hidden="true">⚠</span> <b>Policy:</b> ${title(report)}</p><p>${headline}</p>${items}${edited}</div>`;
}
