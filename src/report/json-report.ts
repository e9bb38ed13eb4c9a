import path from 'node:path';
import { SEVERITIES, type Severity } from '../findings/finding.ts';
import { toPosix } from '../paths.ts';
import type { ScanOutcome } from '../pipeline/scan.ts';
import { CONTROLGATE_VERSION } from '../version.ts';

/** Counts of unsuppressed findings per severity. */
export function countBySeverity(outcome: Pick<ScanOutcome, 'findings'>): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of outcome.findings) if (!f.suppressed) counts[f.severity] += 1;
  return counts;
}

/**
 * The `--format json` document. Its `scanners[]` and `findings[]` fields are a contract later stages
 * and users' scripts rely on: fields may be added, never renamed or removed.
 */
export function jsonReport(outcome: ScanOutcome) {
  return {
    tool: { name: 'controlgate', version: CONTROLGATE_VERSION },
    schemaVersion: 1,
    root: outcome.root,
    target: toPosix(path.relative(outcome.root, outcome.target)) || '.',
    configFile: outcome.configFile ? toPosix(path.relative(outcome.root, outcome.configFile)) : null,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    evaluated: outcome.scanners.every((s) => s.status !== 'failed'),
    summary: {
      findings: outcome.findings.length,
      suppressed: outcome.findings.filter((f) => f.suppressed).length,
      bySeverity: countBySeverity(outcome),
    },
    scanners: outcome.scanners.map((s) => ({
      id: s.id,
      name: s.displayName,
      status: s.status,
      version: s.version ?? null,
      findings: s.findings.length,
      error: s.error ?? null,
      filesScanned: s.filesScanned,
      durationMs: s.durationMs,
      exitCode: s.exitCode ?? null,
      sarifPath: outcome.outDirIsTemporary ? null : (s.sarifPath ?? null),
      ...(s.stderrTail && s.status === 'failed' ? { stderrTail: s.stderrTail } : {}),
    })),
    findings: outcome.findings.map((f) => ({
      scanner: f.scanner,
      scannerVersion: f.scannerVersion,
      ruleId: f.ruleId,
      ruleName: f.ruleName ?? null,
      severity: f.severity,
      severitySource: f.severitySource,
      cwe: f.cwe,
      category: f.category ?? null,
      tags: f.tags,
      path: f.path,
      inWorkspace: f.inWorkspace,
      line: f.line,
      endLine: f.endLine,
      column: f.column ?? null,
      fingerprint: f.fingerprint,
      message: f.message,
      snippet: f.snippet ?? null,
      suppressed: f.suppressed,
      suppressions: f.suppressions,
      secret: f.secret,
      helpUri: f.helpUri ?? null,
    })),
  };
}

export type JsonReport = ReturnType<typeof jsonReport>;
