import type { Inline } from './comparison.ts';
import type { JsonReport } from './json-report-schema.ts';

type ReportFinding = JsonReport['findings'][number];

/** Comments quoted in the note; the rest are counted. */
const COMMENTS_SHOWN = 3;

function accepted(f: ReportFinding) {
  return f.suppressions.filter((s) => s.status === 'accepted');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * What the reports say when the policy refused suppressions for blocking criteria: that a change
 * cannot suppress what blocks it, which comments it wrote, and that a reviewed waiver is the way.
 * Undefined when nothing was refused. Comment text comes from the scanned code and goes through `fmt`.
 */
export function suppressionNote(
  report: Pick<JsonReport, 'findings' | 'controls'>,
  fmt: Inline,
): string | undefined {
  // Only refusals that matter: the finding now fails (or warns) a criterion. One that predates the
  // change, or is below the threshold, was not going to count either way.
  const counted = new Set(report.controls.flatMap((c) => c.findings));
  const refused = report.findings.filter((f) => f.suppressionRefused && counted.has(f.fingerprint));
  if (refused.length === 0) return undefined;
  const byChange = refused.filter((f) => accepted(f).some((s) => s.addedByChange === true));
  const comments = [
    ...new Set(byChange.flatMap((f) => accepted(f).map((s) => s.justification ?? `${s.kind} suppression`))),
  ];
  const quoted = comments.slice(0, COMMENTS_SHOWN).map(fmt.code).join(', ');
  const more = comments.length > COMMENTS_SHOWN ? ` and ${comments.length - COMMENTS_SHOWN} more` : '';
  const parts: string[] = [];
  if (byChange.length > 0) {
    parts.push(
      `${plural(byChange.length, 'finding')} of blocking criteria ${byChange.length === 1 ? 'is' : 'are'} suppressed by ${comments.length === 1 ? 'a suppression' : 'suppressions'} this change adds (${quoted}${more}). ` +
        `A change cannot suppress what blocks it (policy ${fmt.code('newSuppressions: refuse')}), so ${byChange.length === 1 ? 'it still counts' : 'they still count'}.`,
    );
  }
  const other = refused.length - byChange.length;
  if (other > 0) {
    parts.push(
      `${plural(other, 'finding')} of blocking criteria ${other === 1 ? 'has an in-source suppression' : 'have in-source suppressions'} the policy does not honour (${fmt.code('inSourceSuppressions: refuse')}), so ${other === 1 ? 'it counts' : 'they count'}.`,
    );
  }
  parts.push(
    'Fix the code, or record the accepted risk as a waiver (approver, ticket, expiry) in the base branch’s waiver file, where it is reviewed on its own.',
  );
  return parts.join(' ');
}
