import { type Finding, SEVERITIES } from '../findings/finding.ts';
import type { ScanOutcome } from '../pipeline/scan.ts';
import type { ScannerRun } from '../runner/scanner-run.ts';
import { stripControlChars } from '../text.ts';
import { renderControls } from './controls-text.ts';
import { countBySeverity } from './json-report.ts';

/** Scanned text cannot drive the terminal: control characters are removed first. */
export const terminalSafe = stripControlChars;

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function oneLine(text: string, max: number): string {
  const flat = terminalSafe(text.replace(/\s+/g, ' ').trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One line per scanner: status, version, findings, time, and the cause when it failed. */
export function scannerLine(run: ScannerRun): string {
  const mark = { ok: 'ok     ', failed: 'FAILED ', skipped: 'skipped' }[run.status];
  const version = run.version ? ` ${run.version}` : '';
  const detail =
    run.status === 'ok'
      ? `${run.findings.length} findings in ${run.filesScanned} files, ${seconds(run.durationMs)}`
      : oneLine(run.error ?? '', 160);
  return `  ${mark} ${pad(`${run.displayName}${version}`, 18)} ${detail}`;
}

function findingLine(f: Finding): string {
  const where = f.path ? `${f.path}${f.line ? `:${f.line}` : ''}` : '(no location)';
  const cwe = f.cwe.length > 0 ? ` [${f.cwe.join(', ')}]` : '';
  const suppressed = f.suppressed ? ' (suppressed)' : '';
  return `    ${pad(oneLine(where, 60), 44)} ${pad(f.scanner, 8)} ${oneLine(f.ruleName ?? f.ruleId, 60)}${cwe}${suppressed}\n      ${oneLine(f.message, 150)}`;
}

/** The human-readable result: scanners, then findings grouped by severity, most severe first. */
export function renderText(outcome: ScanOutcome): string {
  const out: string[] = ['Scanners:', ...outcome.scanners.map(scannerLine), ''];
  for (const severity of SEVERITIES) {
    const group = outcome.findings
      .filter((f) => f.severity === severity)
      .sort(
        (a, b) =>
          Number(a.suppressed) - Number(b.suppressed) || a.path.localeCompare(b.path) || a.line - b.line,
      );
    if (group.length === 0) continue;
    out.push(`${severity.toUpperCase()} (${group.length})`, ...group.map(findingLine), '');
  }
  const counts = countBySeverity(outcome);
  const suppressed = outcome.findings.filter((f) => f.suppressed).length;
  const failed = outcome.scanners.filter((s) => s.status === 'failed');
  out.push(
    `${outcome.findings.length} findings: ${SEVERITIES.map((s) => `${counts[s]} ${s}`).join(', ')}${suppressed ? `, ${suppressed} suppressed` : ''}`,
  );
  if (failed.length > 0) {
    out.push(
      `NOT EVALUATED: ${failed.map((s) => s.displayName).join(', ')} failed; the controls they cover are not evaluated.`,
    );
  }
  return `${out.join('\n')}\n\n${renderControls(outcome)}`;
}
