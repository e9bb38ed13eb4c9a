import { compareFindings } from '../../findings/order.ts';
import {
  type BaselineFacts,
  comparisonHeadline,
  comparisonNotes,
  existingFingerprints,
  existingPerCriterion,
  type FixedFinding,
  type Inline,
  judgedNote,
} from '../comparison.ts';
import type { JsonReport } from '../json-report-schema.ts';
import { collapsed } from './details.ts';
import { clip, escapeMarkdown, flatten, inlineCode } from './escape.ts';
import { findingRow, findingsTableHead, locationCell, messageCell, ruleCell } from './finding-cells.ts';
import type { Context, ReportFinding } from './model.ts';
import { plural } from './model.ts';

/** Refs, reasons and bundle paths come from git, CI events and users: escaped and kept short. */
export const MARKDOWN_INLINE: Inline = {
  text: (s) => escapeMarkdown(clip(s, 200)),
  code: (s) => inlineCode(clip(s, 80)),
};

/** The comparison lines under the decision: what was compared, what was judged, what was not compared. */
export function comparisonLines(b: BaselineFacts): string[] {
  const headline = comparisonHeadline(b, MARKDOWN_INLINE);
  if (b.status === 'unavailable') return [`⚠️ ${headline}`];
  const notes = comparisonNotes(b, MARKDOWN_INLINE).map((n) => `- ⚠️ ${n}`);
  return [`**${headline}** ${judgedNote(b)}`, ...(notes.length > 0 ? ['', ...notes] : [])];
}

function criteriaWord(n: number): string {
  return `${n} ${n === 1 ? 'criterion' : 'criteria'}`;
}

/** The note under a list cut to fit, or nothing when the whole list is shown. */
function leftOut(total: number, shown: number): string[] {
  if (total === shown) return [];
  return [
    shown === 0
      ? '_The list was left out to fit the size limit._'
      : `_…and ${total - shown} more not shown._`,
  ];
}

/** A table, then the note when it was cut, with the blank line Markdown needs between them. */
function listed(table: string[], total: number, shown: number): string[] {
  const note = leftOut(total, shown);
  if (shown === 0) return note;
  return note.length > 0 ? [...table, '', ...note] : table;
}

/**
 * The JSON report's fixed entries do not say whether the path is in the workspace; only a plain
 * relative path is linked, never an absolute one, a `..` one or a URI a scanner reported.
 */
function linkable(path: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(path) && !path.startsWith('/') && !path.split('/').includes('..');
}

/**
 * Findings at or above a threshold that predate the change: counted per criterion and listed short,
 * collapsed and with no failing mark, because they do not block.
 */
export function existingSection(
  report: JsonReport,
  index: ReadonlyMap<string, ReportFinding[]>,
  ctx: Context,
  rows: number,
): string | undefined {
  const perCriterion = existingPerCriterion(report.controls);
  if (perCriterion.length === 0) return undefined;
  const findings = [...existingFingerprints(report.controls)]
    .flatMap((fp) => index.get(fp) ?? [])
    .filter((f) => f.baselineState === 'unchanged')
    .sort(compareFindings);
  const shown = findings.slice(0, rows);
  const body = [
    'At or above a criterion’s threshold, but already there before this change: reported as debt, not judged.',
    '',
    ...perCriterion.map(
      ({ control, count }) =>
        `- **${escapeMarkdown(control.id)}** ${escapeMarkdown(control.title)}: ${plural(count, 'finding')}`,
    ),
    '',
    ...listed(
      [...findingsTableHead(), ...shown.map((f) => findingRow(f, ctx))],
      findings.length,
      shown.length,
    ),
  ];
  return collapsed(
    `Existing findings, not blocking: ${plural(findings.length, 'finding')} in ${criteriaWord(perCriterion.length)}`,
    body,
  );
}

function fixedRow(f: FixedFinding, ctx: Context, commit: string | undefined): string {
  const criteria = f.criteria.map((c) => escapeMarkdown(c)).join(', ') || '—';
  return `| ${f.severity} | ${criteria} | ${ruleCell(f)} | ${locationCell(f, ctx, commit, linkable(f.path))} | ${messageCell(f.message)} |`;
}

/** What the change removed: progress worth showing, linked at the merge base where the code was. */
export function fixedSection(report: JsonReport, ctx: Context, rows: number): string | undefined {
  const b = report.baseline;
  if (b?.status !== 'compared' || report.fixed.length === 0) return undefined;
  const fixed = [...report.fixed].sort(compareFindings);
  const shown = fixed.slice(0, rows);
  const commit = b.mergeBase ? encodeURIComponent(flatten(b.mergeBase)) : undefined;
  const table = [
    '| Severity | Criteria | Rule | Location at the base | Message |',
    '| --- | --- | --- | --- | --- |',
    ...shown.map((f) => fixedRow(f, ctx, commit)),
  ];
  return collapsed(
    `✅ Fixed: this change removes ${plural(fixed.length, 'finding')}`,
    listed(table, fixed.length, shown.length),
  );
}
