import { CONTROLGATE_URI } from '../../version.ts';
import { blockingCount } from '../blocking-problems.ts';
import { coverageLine, scannerTrouble } from '../coverage-text.ts';
import type { JsonReport } from '../json-report-schema.ts';
import { policyNote } from '../policy-notes.ts';
import { problemCount } from '../problem-count.ts';
import { suppressionNote } from '../suppression-notes.ts';
import { comparisonLines, MARKDOWN_INLINE } from './comparison.ts';
import { escapeMarkdown } from './escape.ts';
import type { Context, Control, ReportFinding, Shape } from './model.ts';
import { plural } from './model.ts';
import { WAIVERS_FILE } from './waiver-snippet.ts';

function title(report: JsonReport, problems: readonly ReportFinding[], ctx?: Context): string {
  if (ctx?.unverified) {
    const says =
      report.exitCode === 2
        ? 'could not evaluate'
        : report.decision === 'block'
          ? 'blocked'
          : 'no blocking criterion failed';
    return `### controlgate: ⚠️ Unverified report (the run says: ${says})\n\n> ${ctx.unverified}`;
  }
  if (report.exitCode === 2) {
    const also = problems.length > 0 ? `; ${blockingCount(report, problems)} block as well` : '';
    return `### controlgate: ❌ Blocked: could not evaluate${also}`;
  }
  if (report.decision !== 'block') return '### controlgate: ✅ Passed';
  return problems.length > 0
    ? `### controlgate: ❌ Blocked: ${blockingCount(report, problems)}`
    : '### controlgate: ❌ Blocked';
}

function named(controls: Control[], shape: Shape, extra: (c: Control) => string = () => ''): string {
  const shown = controls.slice(0, shape.named).map((c) => `**${escapeMarkdown(c.id)}**${extra(c)}`);
  const rest = controls.length - shown.length;
  return `${shown.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
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

/** How waivers work, in controlgate's own README: the project under review does not hold it. */
const WAIVERS_DOCS = `${CONTROLGATE_URI}#waivers-controlgate-waiversyml`;

/** What the developer can do next; a waiver is the security team's call, reviewed on the base branch. */
function nextStep(report: JsonReport, problems: readonly ReportFinding[]): string[] {
  const steps: string[] = [];
  if (report.exitCode === 2) {
    steps.push(
      'get the blocking criteria evaluated: the gate fails closed when a scanner fails (see why under Scanners, folded below), so fix the run and run it again',
    );
  }
  if (problems.length > 0) {
    steps.push(
      `fix ${problems.length === 1 ? 'the problem' : 'each problem'} below and push, or ask your security team to accept the risk with a [waiver](${WAIVERS_DOCS}) in \`${WAIVERS_FILE}\` on the base branch (entries to paste are folded below)`,
    );
  }
  return steps.length > 0 ? [`**To merge:** ${steps.join('; and ')}.`] : [];
}

/**
 * The decision with what blocks, then what the change proposes to its own policy, what to do, and
 * anything that makes the verdict less than complete (not evaluated, not compared, not judged).
 */
export function headline(
  report: JsonReport,
  problems: readonly ReportFinding[],
  shape: Shape,
  ctx?: Context,
): string[] {
  const unevaluated = report.controls.filter((c) => c.verdict === 'not-evaluated' && c.blocking);
  const caveats = [
    unevaluated.length > 0
      ? `Not evaluated (blocking): ${named(unevaluated, shape, (c) =>
          c.failedScanners.length > 0
            ? ` (${c.failedScanners.map((id) => escapeMarkdown(scannerTrouble(report.scanners, id))).join(', ')})`
            : '',
        )}.`
      : '',
    notJudged(report, shape),
  ].filter(Boolean);
  if (report.decision !== 'block' && report.exitCode !== 2 && caveats.length === 0)
    caveats.push('No SOC 2 criterion fails.');
  const suppressions = suppressionNote(report, MARKDOWN_INLINE);
  const unavailable =
    report.baseline?.status === 'unavailable' ? ['', ...comparisonLines(report.baseline)] : [];
  const next = nextStep(report, problems);
  return [
    title(report, problems, ctx),
    ...policyLines(report),
    ...(next.length > 0 ? ['', ...next] : []),
    ...(caveats.length > 0 ? ['', caveats.join(' ')] : []),
    ...(suppressions ? ['', `🔕 **Suppressions:** ${suppressions}`] : []),
    ...unavailable,
  ];
}

/** The run's facts for the folded section: criteria counts, problems, comparison and coverage. */
export function runFacts(report: JsonReport, shape: Shape): string[] {
  const v = report.verdicts;
  const counts =
    `Criteria: ${v.fail} fail · ${v.warn} warn · ${v.pass} pass · ${v['not-evaluated']} not evaluated · ` +
    `${v['not-covered']} not covered · ${v['out-of-scope']} out of scope. ` +
    `${problemCount(report)}.`;
  const comparison = report.baseline?.status === 'compared' ? ['', ...comparisonLines(report.baseline)] : [];
  const coverage = coverageLine(report, MARKDOWN_INLINE, shape.named);
  return [counts, ...comparison, ...(coverage ? ['', `**Coverage:** ${coverage}`] : [])];
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
 * partial list.
 */
export function shortenedNote(shape: Shape, shown: number, total: number, ctx: Context): string {
  const what =
    shown === total
      ? `all ${plural(total, 'blocking problem')} listed`
      : shown === 0
        ? `the list of ${plural(total, 'blocking problem')} left out`
        : `showing ${shown} of ${plural(total, 'blocking problem')}`;
  const fixes = shape.fixes ? '' : ', fix texts left out';
  const details = shape.details === 'full' ? '' : ', details summarized';
  return `✂️ **Shortened to fit the size limit:** ${what}${fixes}${details}. The full list is in ${ctx.elsewhere}.`;
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
