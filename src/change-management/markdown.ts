import { clip, escapeMarkdown, flatten, inlineCode } from '../report/markdown/escape.ts';
import type { MergeRecord } from './record.ts';

/*
 * A merge record as the job summary shows it: the change, its exceptions first, then the facts
 * behind the judgement. Everything that came from the change (title, names) is escaped: the title
 * is the author's text.
 */

function text(value: string | null | undefined, max = 200): string {
  return value ? escapeMarkdown(clip(flatten(value), max)) : '_unknown_';
}

function names(list: readonly string[]): string {
  return list.length === 0 ? 'none' : list.map((n) => text(n, 60)).join(', ');
}

function sha(value: string | null): string {
  return value ? inlineCode(value.slice(0, 12)) : '_unknown_';
}

function tri(value: boolean | 'unknown' | null): string {
  return value === null ? 'not applicable' : value === 'unknown' ? 'unknown' : value ? 'yes' : 'no';
}

export function renderMergeRecord(record: MergeRecord): string {
  const { facts, judgement: j } = record;
  const lines = [
    `## controlgate merge record: ${text(facts.repository, 100)}#${facts.number}`,
    '',
    `**${text(facts.title)}**, by ${text(facts.author, 60)}: head ${sha(facts.headSha)} merged into ${text(facts.baseRef, 100)} as ${sha(facts.mergeCommitSha)} by ${text(facts.mergedBy, 60)} at ${text(facts.mergedAt, 40)}.`,
    '',
  ];
  if (record.exceptions.length === 0) lines.push('No exceptions.', '');
  else {
    lines.push(`### ${record.exceptions.length} exception${record.exceptions.length === 1 ? '' : 's'}`, '');
    for (const e of record.exceptions) lines.push(`- ${inlineCode(e.code)}: ${text(e.text, 500)}`);
    lines.push('');
  }
  const gate = j.gate;
  lines.push(
    '| | |',
    '|---|---|',
    `| Approved the final head | ${names(j.finalHeadApprovers)} |`,
    `| Approved only an earlier head | ${names(j.staleApprovers)} |`,
    `| Independent of author and last pusher | ${names(j.independentApprovers)} (last push by ${text(facts.lastPush?.by, 60)}, from ${text(facts.lastPush?.source, 100)}) |`,
    `| Policy files changed | ${names(j.policyChanged)} |`,
    `| Policy owners approved | ${tri(j.policyOwnerApproved)} |`,
    `| Waivers added | ${j.waiversAdded.length === 0 ? 'none' : j.waiversAdded.map((w) => `${text(w.id ?? 'unnamed', 60)} (approver ${text(w.approver, 60)}, expires ${text(w.expires, 20)})`).join('; ')} |`,
    `| Gate on the merged head | check ${gate.check}; bundle ${gate.decision}${gate.digest ? `, digest ${inlineCode(`sha256:${gate.digest.slice(0, 16)}…`)}` : ''}${gate.signature ? `, signature ${gate.signature}` : ''} |`,
    `| Gate required before merge | ${tri(j.requiredCheck)} (${text(facts.requiredCheck.source, 100)}) |`,
  );
  if (facts.gaps.length > 0) {
    lines.push('', '**Could not read:**', '');
    for (const gap of facts.gaps) lines.push(`- ${text(gap, 300)}`);
  }
  return `${lines.join('\n')}\n`;
}
