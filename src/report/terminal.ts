import type { GatedFinding } from '../controls/evaluate.ts';
import { type Finding, SEVERITIES, type Severity } from '../findings/finding.ts';
import { compareFindings } from '../findings/order.ts';
import type { ScannerRun } from '../findings/scanner-run.ts';
import type { ScanOutcome } from '../pipeline/scan.ts';
import { defuseWorkflowCommands, flatLine } from '../text.ts';
import {
  type BaselineFacts,
  comparisonHeadline,
  comparisonNotes,
  type Inline,
  judgedNote,
} from './comparison.ts';
import { renderControls } from './controls-text.ts';
import { coverageLine } from './coverage-text.ts';
import { countBySeverity, jsonReport } from './json-report.ts';
import { policyNote } from './policy-notes.ts';
import { suppressionNote } from './suppression-notes.ts';

/** Existing debt and fixed findings are context, not action items: a short list, the rest in JSON. */
const SIDE_LIST_LIMIT = 20;
/** A terminal is read, not searched: past this many findings the rest is counted (all are in JSON). */
const MAIN_LIST_LIMIT = 1_000;

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/**
 * Outside text on one line that cannot drive a terminal (escape sequences, bidi controls). Whole
 * rendered lines also go through defuseWorkflowCommands: the output may be a CI runner's log.
 */
function oneLine(text: string, max: number): string {
  const flat = flatLine(text);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Refs, reasons and paths in the comparison header come from git and the user: one safe line each. */
const TERMINAL_INLINE: Inline = { text: (s) => oneLine(s, 200), code: (s) => oneLine(s, 80) };

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * One line per scanner: status, version, findings, time, and the cause when it failed. Names and
 * versions come from configuration and imported SARIF, errors from the tool's stderr: all outside text.
 */
export function scannerLine(run: ScannerRun): string {
  const mark = { ok: 'ok     ', failed: 'FAILED ', skipped: 'skipped' }[run.status];
  const version = run.version ? ` ${oneLine(run.version, 40)}` : '';
  const detail =
    run.status === 'ok'
      ? `${run.findings.length} findings in ${run.filesScanned} files, ${seconds(run.durationMs)}` +
        (run.unjudged?.length ? `; ${run.unjudged.length} not judged` : '')
      : oneLine(run.error ?? '', 160);
  return defuseWorkflowCommands(
    `  ${mark} ${pad(`${oneLine(run.displayName, 60)}${version}`, 18)} ${detail}`,
  );
}

/** The line a scanner's start prints (`… Name: scanning N files`); the name is outside text too. */
export function scannerStartLine(displayName: string, files: number): string {
  return defuseWorkflowCommands(`… ${oneLine(displayName, 60)}: scanning ${files} files`);
}

/** A problem as the terminal lists it: its main finding, the gate's severity, the other tools' rules. */
interface Listed {
  f: Finding;
  severity: Severity;
  also: string[];
}

function listed(g: GatedFinding): Listed {
  return {
    f: g.finding,
    severity: g.severity,
    also: g.sources.slice(1).map((s) => `${s.finding.scanner} ${s.finding.ruleId}`),
  };
}

function problemLine({ f, also }: Listed): string {
  const line = findingLine(f);
  return also.length > 0 ? line.replace('\n', ` (also ${oneLine(also.join(', '), 80)})\n`) : line;
}

function findingLine(f: Finding): string {
  const where = f.path ? `${f.path}${f.line ? `:${f.line}` : ''}` : '(no location)';
  const cwe = f.cwe.length > 0 ? ` [${f.cwe.join(', ')}]` : '';
  const byChange = f.suppressions.some((s) => s.status === 'accepted' && s.addedByChange);
  const suppressed = f.suppressed ? (byChange ? ' (suppressed by this change)' : ' (suppressed)') : '';
  return `    ${pad(oneLine(where, 60), 44)} ${pad(f.scanner, 8)} ${oneLine(f.ruleName ?? f.ruleId, 60)}${cwe}${suppressed}\n      ${oneLine(f.message, 150)}`;
}

/** Problems under a heading per severity (the gate's), most severe first; at most `limit` are listed. */
function severityGroups(findings: readonly Listed[], limit = MAIN_LIST_LIMIT): string[] {
  const out: string[] = [];
  let shown = 0;
  for (const severity of SEVERITIES) {
    const group = findings
      .filter((p) => p.severity === severity)
      .sort(
        ({ f: a }, { f: b }) =>
          Number(a.suppressed) - Number(b.suppressed) || a.path.localeCompare(b.path) || a.line - b.line,
      );
    const listed = group.slice(0, Math.max(0, limit - shown));
    if (listed.length === 0) continue;
    out.push(`${severity.toUpperCase()} (${group.length})`);
    for (const p of listed) out.push(problemLine(p));
    out.push('');
    shown += listed.length;
  }
  if (shown < findings.length) out.push(`    … and ${findings.length - shown} more (see --format json)`, '');
  return out;
}

/** What was compared, what was judged, and which scanners could not be compared. */
function comparisonLines(b: BaselineFacts): string[] {
  const note = judgedNote(b);
  return [
    comparisonHeadline(b, TERMINAL_INLINE),
    ...(note ? [note] : []),
    ...comparisonNotes(b, TERMINAL_INLINE).map((n) => `  ${n}`),
    '',
  ];
}

/** New findings first and in full, then existing debt and fixed findings as short lists. */
function comparedFindings(outcome: ScanOutcome, b: BaselineFacts): string[] {
  const problems = outcome.gate.findings.map(listed);
  const added = problems.filter((p) => p.f.baselineState !== 'unchanged');
  const existing = problems.filter((p) => p.f.baselineState === 'unchanged');
  // One per problem, like the head's findings: each group's first is its main finding.
  const fixed = (outcome.baseline?.fixedProblems ?? []).flatMap((g) => g.slice(0, 1)).sort(compareFindings);
  const judged = b.judged === 'new' ? 'reported, not judged' : 'judged too (mode full)';
  const out = [`NEW in this change (${added.length}):`, ''];
  out.push(...(added.length > 0 ? severityGroups(added) : ['    none', '']));
  if (existing.length > 0) {
    out.push(`EXISTING before this change (${existing.length}; ${judged}):`, '');
    out.push(...severityGroups(existing, SIDE_LIST_LIMIT));
  }
  if (fixed.length > 0) {
    out.push(`FIXED: this change removes ${fixed.length} finding${fixed.length === 1 ? '' : 's'}:`);
    out.push(...fixed.slice(0, SIDE_LIST_LIMIT).map(findingLine));
    if (fixed.length > SIDE_LIST_LIMIT) {
      out.push(`    … and ${fixed.length - SIDE_LIST_LIMIT} more (see --format json)`);
    }
    out.push('');
  }
  return out;
}

/** The human-readable result: scanners, the comparison with the base if any, then findings by severity. */
export function renderText(outcome: ScanOutcome): string {
  const report = jsonReport(outcome);
  const policy = policyNote(report.policy, TERMINAL_INLINE);
  const suppressions = suppressionNote(report, TERMINAL_INLINE);
  const out: string[] = [
    ...(policy ? [`POLICY: ${policy.headline}`, ...policy.items.map((i) => `  - ${i}`), ''] : []),
    ...(suppressions ? [`SUPPRESSIONS: ${suppressions}`, ''] : []),
    'Scanners:',
    ...outcome.scanners.map(scannerLine),
    '',
  ];
  // Only the comparison needs the JSON view (refs, counts, per-scanner reasons); without one, skip it.
  const baseline = outcome.baseline ? report.baseline : null;
  if (baseline) out.push(...comparisonLines(baseline));
  if (baseline?.status === 'compared') out.push(...comparedFindings(outcome, baseline));
  else out.push(...severityGroups(outcome.gate.findings.map(listed)));
  const counts = countBySeverity(outcome);
  const problems = outcome.gate.findings.length;
  const suppressed = outcome.gate.findings.filter((g) => g.finding.suppressed).length;
  const raw = outcome.findings.length;
  const failed = outcome.scanners.filter((s) => s.status === 'failed');
  out.push(
    `${problems} findings: ${SEVERITIES.map((s) => `${counts[s]} ${s}`).join(', ')}${suppressed ? `, ${suppressed} suppressed` : ''}` +
      (raw !== problems ? ` (the tools reported ${raw}; those of one weakness at one place are merged)` : ''),
  );
  if (failed.length > 0) {
    out.push(
      `NOT EVALUATED: ${failed.map((s) => oneLine(s.displayName, 60)).join(', ')} failed; the controls they cover are not evaluated.`,
    );
  }
  const coverage = coverageLine(report, TERMINAL_INLINE, 5);
  if (coverage) {
    const notJudged = report.coverage?.counts['not-judged'] ?? 0;
    out.push(
      `Coverage: ${coverage}${notJudged > 0 ? ' The controls their scanners cover are NOT EVALUATED.' : ''}`,
    );
  }
  // Files a scanner could not judge that are outside the ledger's scope (a unit file KICS read beside a changed one).
  const inLedger = new Set(report.coverage?.files.map((e) => e.path));
  for (const s of outcome.scanners.filter((r) => r.unjudged?.some((u) => !inLedger.has(u.path)))) {
    // Which file and why, in the tool's words: a syntax its parser lacks, a rule that timed out.
    const files = (s.unjudged ?? [])
      .filter((u) => !inLedger.has(u.path))
      .slice(0, 5)
      .map((u) => `${oneLine(u.path, 120)} (${oneLine(u.reason, 160)})`);
    const more = (s.unjudged ?? []).filter((u) => !inLedger.has(u.path)).length - files.length;
    out.push(
      `NOT JUDGED by ${oneLine(s.displayName, 60)}, so the controls it covers are not evaluated: ${files.join('; ')}${more > 0 ? `; and ${more} more` : ''}`,
    );
  }
  return defuseWorkflowCommands(`${out.join('\n')}\n\n${renderControls(outcome)}`);
}
