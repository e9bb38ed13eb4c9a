import { ruleLabel } from '../rule-label.ts';
import { collapsed } from './details.ts';
import { flatten } from './escape.ts';
import type { ReportFinding } from './model.ts';

/** The waiver file the README documents; a configuration may name another (`waivers:`). */
export const WAIVERS_FILE = '.controlgate-waivers.yml';

/**
 * A YAML comment naming the problem: rule ids and paths come from the scanned tree, so only plain
 * path characters are kept; anything else (markup, mentions, a marker) becomes `?`. It is a note for
 * the reader: the fingerprint is what the waiver matches.
 */
function yamlComment(text: string): string {
  return flatten(text)
    .slice(0, 120)
    .replace(/[^A-Za-z0-9 ._/+=,-]/g, '?');
}

/** One entry of the waiver file for one problem: its fingerprint, and placeholders the approver fills in. */
function entry(f: ReportFinding): string[] {
  const place = `${f.path}${f.line > 0 ? ` line ${f.line}` : ''}`;
  // Fingerprints are 32 hex characters (the schema checks it); anything else is not pasted.
  const fingerprint = /^[0-9a-f]{32}$/.test(f.fingerprint) ? f.fingerprint : 'FINGERPRINT';
  return [
    `  - fingerprint: ${fingerprint}  # ${yamlComment(`${f.scanner} ${ruleLabel(f)} in ${place}`)}`,
    '    reason: REASON why the risk is accepted (at least 10 characters)',
    '    approver: APPROVER',
    '    ticket: TICKET',
    '    expires: YYYY-MM-DD  # at most a year ahead',
  ];
}

/**
 * Entries ready to paste into the waiver file, folded: the security team's part, not the developer's.
 * `all` false gives the first problem's entry only, and says where the others are.
 */
export function waiverSnippet(problems: readonly ReportFinding[], all: boolean, elsewhere: string): string {
  const shown = all ? problems : problems.slice(0, 1);
  const rest = problems.length - shown.length;
  return collapsed(`Waiver entries to paste into ${WAIVERS_FILE} (for the security team)`, [
    `A waiver is reviewed on the base branch: whoever approves the risk fills in the reason, approver, ticket and expiry.${
      rest > 0
        ? ` The entry of the first problem is below; all ${problems.length} entries are in ${elsewhere}.`
        : ''
    }`,
    '',
    // An indented code block, not a fence: nothing in the body can open or close a fence.
    ...['version: 1', 'waivers:', ...shown.flatMap(entry)].map((line) => `    ${line}`),
  ]);
}
