import type { ChangedLines } from '../diff/added-lines.ts';
import type { Finding, Suppression } from '../findings/finding.ts';
import type { ScannerRun } from '../findings/scanner-run.ts';

/*
 * A suppression the change writes was never reviewed on the base branch, so it must not be able to
 * unblock the change that wrote it (policy `newSuppressions`). Which ones the change wrote:
 * - a suppression of a finding the change introduces: whatever its comment, it now hides new code;
 * - an in-source comment on a line the change added or edited, even over a finding that was there,
 *   also when it is written in a file of its own (a `.gitleaksignore` entry);
 * - an external suppression (from SARIF given with --sarif) of a finding that is not already known
 *   from the base: nothing shows it was reviewed.
 * Everything else was already there and follows `inSourceSuppressions`.
 */

async function wroteIt(finding: Finding, s: Suppression, lines: ChangedLines | undefined): Promise<boolean> {
  if (finding.baselineState !== 'unchanged') return true;
  if (s.kind !== 'inSource' || s.line === undefined || !lines) return false;
  if (s.file === undefined && !finding.inWorkspace) return false;
  const added = await lines.of(s.file ?? finding.path);
  return added === 'all' || added.has(s.line);
}

/**
 * Marks each suppression of the head's findings `addedByChange`, on a run compared with a base.
 * `lines` is absent when the base is an earlier run's evidence: then only new findings tell.
 */
export async function markNewSuppressions(
  runs: readonly ScannerRun[],
  lines: ChangedLines | undefined,
): Promise<ScannerRun[]> {
  return Promise.all(
    runs.map(async (run) => {
      if (!run.findings.some((f) => f.suppressions.length > 0)) return run;
      const findings = await Promise.all(
        run.findings.map(async (f) => {
          if (f.suppressions.length === 0) return f;
          const suppressions = await Promise.all(
            f.suppressions.map(async (s) => ({ ...s, addedByChange: await wroteIt(f, s, lines) })),
          );
          return { ...f, suppressions };
        }),
      );
      return { ...run, findings };
    }),
  );
}
