import { coverageLine, scannerTrouble } from '../coverage-text.ts';
import type { JsonReport } from '../json-report-schema.ts';
import { policyNote } from '../policy-notes.ts';
import { problemCount } from '../problem-count.ts';
import { suppressionNote } from '../suppression-notes.ts';
import { comparisonLines, MARKDOWN_INLINE } from './comparison.ts';
import { escapeMarkdown } from './escape.ts';
import type { Context, Control, Shape } from './model.ts';
import { plural } from './model.ts';

function title(report: JsonReport, ctx?: Context): string {
  if (ctx?.unverified) {
    const says =
      report.exitCode === 2
        ? 'could not evaluate'
        : report.decision === 'block'
          ? 'blocked'
          : 'no blocking criterion failed';
    return `### controlgate: ⚠️ Unverified report (the run says: ${says})\n\n> ${ctx.unverified}`;
  }
  if (report.exitCode === 2) return '### controlgate: ❌ Blocked: could not evaluate';
  return report.decision === 'block' ? '### controlgate: ❌ Blocked' : '### controlgate: ✅ Passed';
}

function named(controls: Control[], shape: Shape, extra: (c: Control) => string = () => ''): string {
  const shown = controls
    .slice(0, shape.named)
    .map((c) => `**${escapeMarkdown(c.id)}**${shape.titles ? ` ${escapeMarkdown(c.title)}` : ''}${extra(c)}`);
  const rest = controls.length - shown.length;
  return `${shown.join('; ')}${rest > 0 ? `; and ${rest} more` : ''}`;
}

/** The files a scanner was given and could not judge, which is why its criteria are not evaluated. */
function notJudged(report: JsonReport, shape: Shape): string {
  // The ledger's line names the files in its scope; here only others (a file KICS read beside a changed one).
  const inLedger = new Set(report.coverage?.files.map((e) => e.path));
  const lines = report.scanners.flatMap((s) => {
    const list = (s.unjudged ?? []).filter((u) => !inLedger.has(u.path));
    if (list.length === 0) return [];
    const files = list
      .slice(0, shape.named)
      .map((u) => `**${escapeMarkdown(u.path)}** (${escapeMarkdown(u.reason)})`);
    const rest = list.length - files.length;
    return [`${escapeMarkdown(s.name)}: ${files.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`];
  });
  return lines.length > 0 ? `Not judged: ${lines.join('; ')}.` : '';
}

/**
 * The decision, what the change was compared with (when it was), one line naming what fails or could
 * not be evaluated, then the verdict counts.
 */
export function headline(report: JsonReport, shape: Shape, ctx?: Context): string[] {
  const failing = report.controls.filter((c) => c.verdict === 'fail');
  const warning = report.controls.filter((c) => c.verdict === 'warn');
  const unevaluated = report.controls.filter((c) => c.verdict === 'not-evaluated' && c.blocking);
  const parts = [
    failing.length > 0 ? `Failing: ${named(failing, shape)}.` : '',
    unevaluated.length > 0
      ? `Not evaluated (blocking): ${named(unevaluated, shape, (c) =>
          c.failedScanners.length > 0
            ? ` (${c.failedScanners.map((id) => escapeMarkdown(scannerTrouble(report.scanners, id))).join(', ')})`
            : '',
        )}.`
      : '',
    warning.length > 0 ? `Warning: ${named(warning, { ...shape, titles: false })}.` : '',
    notJudged(report, shape),
  ].filter(Boolean);
  if (parts.length === 0) parts.push('No SOC 2 criterion fails.');
  const v = report.verdicts;
  const counts =
    `Criteria: ${v.fail} fail · ${v.warn} warn · ${v.pass} pass · ${v['not-evaluated']} not evaluated · ` +
    `${v['not-covered']} not covered · ${v['out-of-scope']} out of scope. ` +
    `${problemCount(report)}.`;
  const comparison = report.baseline ? ['', ...comparisonLines(report.baseline)] : [];
  const suppressions = suppressionNote(report, MARKDOWN_INLINE);
  const coverage = coverageLine(report, MARKDOWN_INLINE, shape.named);
  return [
    title(report, ctx),
    ...policyLines(report),
    ...(suppressions ? ['', `🔕 **Suppressions:** ${suppressions}`] : []),
    ...comparison,
    '',
    parts.join(' '),
    '',
    counts,
    ...(coverage ? ['', `**Coverage:** ${coverage}`] : []),
  ];
}

/** The gate's own rules, first: whose policy judged the change, and what the change proposes. */
function policyLines(report: JsonReport): string[] {
  const note = policyNote(report.policy, MARKDOWN_INLINE);
  if (!note) return [];
  return [
    '',
    `⚠️ **Policy:** ${note.headline}`,
    ...(note.items.length > 0 ? ['', ...note.items.map((i) => `- ${i}`)] : []),
  ];
}

/**
 * The line that says the body was shortened and where the rest is; without it a reader would trust a
 * partial list. `sideLists`: the report has existing or fixed findings this shape only counts.
 */
export function shortenedNote(
  shape: Shape,
  shown: number,
  total: number,
  ctx: Context,
  sideLists = false,
): string {
  const what =
    shape.rows === 0
      ? `finding tables omitted (${plural(total, 'finding row')})`
      : `showing ${shown} of ${plural(total, 'finding row')}`;
  const side = sideLists && shape.sideRows === 0 ? ', existing and fixed findings counted only' : '';
  const details = shape.details === 'full' ? '' : shape.details === 'short' ? ', details summarized' : '';
  return `✂️ **Shortened to fit the size limit:** ${what}${side}${details}. The full list is in ${ctx.elsewhere}.`;
}

/** Where the full details are and which tool and data produced this. */
export function footer(report: JsonReport, ctx: Context): string {
  const parts = [
    ctx.detailsHint ? `Full details: ${ctx.detailsHint}` : '',
    ctx.runUrl ? `[CI run](${ctx.runUrl})` : '',
    `controlgate ${escapeMarkdown(report.tool.version)}, mapping ${escapeMarkdown(report.data.mapping.version)}`,
  ].filter(Boolean);
  return `<sub>${parts.join(' · ')}</sub>`;
}
