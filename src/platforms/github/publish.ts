import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import * as core from '@actions/core';
import type { ScanOutcome } from '../../pipeline/scan.ts';
import type { JsonReport } from '../../report/json-report.ts';
import { mergedSarif } from '../../sarif/merge.ts';
import { flatLine, stripControlChars } from '../../text.ts';

const ANNOTATION_CAP = 10;

/**
 * Annotations on the most severe findings that count against a criterion. GitHub shows at most 10
 * errors and 10 warnings per step, so the rest stay in the comment, summary and evidence.
 */
export function annotate(report: JsonReport): { errors: number; warnings: number } {
  const counted = new Set(
    report.controls.filter((c) => c.verdict === 'fail' || c.verdict === 'warn').flatMap((c) => c.findings),
  );
  const rank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;
  const findings = report.findings
    .filter((f) => counted.has(f.fingerprint) && f.inWorkspace)
    .sort((a, b) => rank[a.severity] - rank[b.severity] || a.path.localeCompare(b.path) || a.line - b.line);
  let errors = 0;
  let warnings = 0;
  for (const f of findings) {
    const properties = {
      // A title is one line on the checks page; a rule name is text from the scanned project.
      title: flatLine(`${f.severity.toUpperCase()} ${f.ruleName ?? f.ruleId} (${f.criteria.join(', ')})`),
      file: f.path,
      startLine: f.line,
      endLine: f.endLine,
    };
    const message = stripControlChars(`${f.scanner}: ${f.message}`);
    if ((f.severity === 'critical' || f.severity === 'high') && errors < ANNOTATION_CAP) {
      core.error(message, properties);
      errors += 1;
    } else if (f.severity === 'medium' && warnings < ANNOTATION_CAP) {
      core.warning(message, properties);
      warnings += 1;
    }
  }
  return { errors, warnings };
}

/**
 * One SARIF file per scanner, each run with its own automationDetails category, ready for
 * github/codeql-action/upload-sarif (which rejects two runs of one tool in a category).
 */
export async function writeScannerSarif(outcome: ScanOutcome, dir: string): Promise<Record<string, string>> {
  await mkdir(dir, { recursive: true });
  // Without the fixed (absent) results: code scanning would open alerts for code that is gone.
  const log = mergedSarif(outcome.scanners, outcome.root, { waivers: outcome.gate.waivers.applied });
  const paths: Record<string, string> = {};
  for (const [i, scanner] of outcome.scanners.entries()) {
    const run = log.runs[i];
    if (!run || scanner.status === 'skipped') continue;
    const file = path.join(dir, `${scanner.id}.sarif`);
    await writeFile(file, `${JSON.stringify({ ...log, runs: [run] }, null, 2)}\n`);
    paths[scanner.id] = file;
  }
  return paths;
}

/** Uploads the evidence folder as a workflow artifact; without the runner's tokens it warns and goes on. */
export async function uploadEvidence(
  name: string,
  dir: string,
  files: readonly string[],
  retentionDays: number | undefined,
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    core.warning(
      `controlgate: cannot upload the evidence artifact here (no ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL: only \`uses:\` steps get them); the bundle is at ${dir}`,
    );
    return false;
  }
  try {
    const client = new DefaultArtifactClient();
    const absolute = files.map((f) => path.join(dir, ...f.split('/')));
    await client.uploadArtifact(name, absolute, dir, retentionDays ? { retentionDays } : {});
    core.info(`controlgate: evidence uploaded as artifact "${name}"`);
    return true;
  } catch (error) {
    core.warning(
      `controlgate: evidence upload failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return false;
  }
}
