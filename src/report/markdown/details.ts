import { scannerTrouble } from '../coverage-text.ts';
import type { JsonReport } from '../json-report-schema.ts';
import { clip, escapeMarkdown, inlineCode } from './escape.ts';
import type { Control } from './model.ts';
import { plural } from './model.ts';

type Waiver = JsonReport['waivers']['stale'][number];

/**
 * A collapsed section. `<details>` opens an HTML block, so the summary is raw HTML (only our own
 * words and numbers go there) and the blank lines let the body be Markdown again.
 */
export function collapsed(summary: string, body: string[]): string {
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>'].join('\n');
}

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function waiverCells(w: Waiver): string[] {
  return [
    inlineCode(w.id ?? `line ${w.line}`),
    escapeMarkdown(clip(w.approver, 80)),
    escapeMarkdown(clip(w.ticket, 60)),
    escapeMarkdown(w.expires),
  ];
}

function waivers(report: JsonReport, full: boolean): string {
  const { applied, expired, stale } = report.waivers;
  const waived = applied.reduce((n, w) => n + w.findings.length, 0);
  const summary = `Waivers: ${applied.length} applied (${plural(waived, 'finding')}), ${expired.length} expired, ${stale.length} stale`;
  if (applied.length + expired.length + stale.length === 0) return collapsed(summary, ['No waivers.']);
  if (!full) return collapsed(summary, ['The list was left out to fit the size limit.']);
  const reason = (w: Waiver) => escapeMarkdown(clip(w.reason, 160));
  const body: string[] = [];
  if (applied.length > 0) {
    body.push('**Applied**', '');
    body.push(
      ...table(
        ['Waiver', 'Approver', 'Ticket', 'Expires', 'Findings', 'Reason'],
        applied.map((w) => [...waiverCells(w), String(w.findings.length), reason(w)]),
      ),
      '',
    );
  }
  if (expired.length > 0) {
    body.push('**Expired** (no longer apply)', '');
    body.push(
      ...table(
        ['Waiver', 'Approver', 'Ticket', 'Expired', 'Would match', 'Reason'],
        expired.map((w) => [...waiverCells(w), String(w.wouldMatch.length), reason(w)]),
      ),
      '',
    );
  }
  if (stale.length > 0) {
    body.push('**Stale** (match nothing)', '');
    body.push(
      ...table(
        ['Waiver', 'Approver', 'Ticket', 'Expires', 'Reason'],
        stale.map((w) => [...waiverCells(w), reason(w)]),
      ),
      '',
    );
  }
  return collapsed(summary, body.slice(0, -1));
}

function scanners(report: JsonReport, full: boolean): string {
  const failed = report.scanners.filter((s) => s.status === 'failed').length;
  const summary = `Scanners: ${report.scanners.length} in this run, ${failed} failed`;
  if (report.scanners.length === 0) return collapsed(summary, ['No scanners ran.']);
  const errorChars = full ? 300 : 80;
  return collapsed(
    summary,
    table(
      // No durations: they differ on every rerun and would rewrite an otherwise unchanged comment.
      ['Scanner', 'Status', 'Version', 'Findings', 'Error'],
      report.scanners.map((s) => [
        escapeMarkdown(clip(s.name || s.id, 60)),
        s.status === 'failed' ? '**failed**' : escapeMarkdown(s.status),
        s.version ? inlineCode(clip(s.version, 40)) : '—',
        String(s.findings),
        s.error ? escapeMarkdown(clip(s.error, errorChars)) : '—',
      ]),
    ),
  );
}

/** `count: id, id, …` in full, just the count when shortened. */
function ids(controls: Control[], full: boolean, extra: (c: Control) => string = () => ''): string {
  if (!full || controls.length === 0) return String(controls.length);
  return `${controls.length}: ${controls.map((c) => `${escapeMarkdown(c.id)}${extra(c)}`).join(', ')}`;
}

const VERDICT_WORDS: Partial<Record<Control['verdict'], string>> = {
  fail: '❌ fail',
  warn: '⚠️ warn',
  'not-evaluated': '❓ not evaluated',
};

/**
 * The SOC 2 view, for reviewers and auditors rather than the developer: the run's counts, then a row
 * per criterion that failed, warned or could not be evaluated (title, verdict, threshold, problems),
 * then the ids of the rest by verdict.
 */
function criteria(report: JsonReport, full: boolean, facts: readonly string[]): string {
  const v = report.verdicts;
  const of = (verdict: Control['verdict']) => report.controls.filter((c) => c.verdict === verdict);
  const failedBy = (c: Control) =>
    c.failedScanners.length > 0
      ? ` (${c.failedScanners.map((id) => escapeMarkdown(scannerTrouble(report.scanners, id))).join(', ')}${c.blocking ? ', blocks' : ''})`
      : '';
  const judged = report.controls.filter((c) => VERDICT_WORDS[c.verdict] !== undefined);
  const rows = judged.map((c) => [
    `**${escapeMarkdown(c.id)}** ${escapeMarkdown(clip(c.title, 100))}`,
    `${VERDICT_WORDS[c.verdict] ?? c.verdict}${failedBy(c)}`,
    `${c.severity} and above, mode ${c.mode}${c.policySource === 'default' ? '' : ` (${escapeMarkdown(clip(c.policySource, 60))})`}`,
    String(new Set(c.findings).size),
  ]);
  return collapsed(
    `SOC 2 criteria: ${v.fail} fail, ${v.warn} warn, ${v['not-evaluated']} not evaluated, ${v.pass} pass`,
    [
      ...facts,
      ...(rows.length > 0 ? ['', ...table(['Criterion', 'Verdict', 'Threshold', 'Problems'], rows)] : []),
      '',
      `- **Not covered** (no scanner in this run can show a problem; mostly process controls): ${ids(of('not-covered'), full)}`,
      `- **Out of scope** (category not opted in): ${ids(of('out-of-scope'), full)}`,
      `- **Pass**: ${ids(of('pass'), full)}`,
    ],
  );
}

function others(report: JsonReport): string {
  const live = report.findings.filter((f) => !f.suppressed);
  const below = new Set(report.controls.flatMap((c) => c.belowThreshold)).size;
  const advisory = live.filter((f) => f.advisory).length;
  const unmapped = live.filter((f) => f.unmapped).length;
  const waived = report.findings.filter((f) => f.waiver !== null).length;
  return collapsed(
    `Other findings: ${advisory} advisory, ${below} below threshold, ${report.summary.suppressed} suppressed, ${waived} waived`,
    [
      `- **Advisory** (no security meaning, never block): ${advisory}`,
      `- **Below threshold** (mapped, but less severe than the criterion's threshold): ${below}`,
      `- **Suppressed** (e.g. \`nosec\`, \`nosemgrep\`): ${report.summary.suppressed}`,
      `- **Waived**: ${waived}`,
      `- **Unmapped** (put under CC7.1 so the gap shows): ${unmapped}`,
    ],
  );
}

/**
 * The collapsed sections; `full` lists every waiver and criterion id, otherwise only counts. `facts`
 * (counts, comparison, coverage) open the SOC 2 section.
 */
export function detailSections(report: JsonReport, full: boolean, facts: readonly string[]): string[] {
  return [criteria(report, full, facts), scanners(report, full), waivers(report, full), others(report)];
}
