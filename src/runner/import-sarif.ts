import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../clock.ts';
import { errorMessage, SarifError } from '../errors.ts';
import { byLocation } from '../findings/order.ts';
import type { ScannerRun } from '../findings/scanner-run.ts';
import { keepRawSarif } from '../sarif/keep-raw.ts';
import { normalizeRun } from '../sarif/normalize.ts';
import { readSarifFile } from '../sarif/read.ts';
import { SourceReader } from '../sarif/source-reader.ts';

/**
 * What an imported log stands for when nothing else is known about its tool: vulnerability
 * detection (CC7.1). It is also what becomes not-evaluated when the file cannot be read, so a
 * broken CodeQL upload fails closed instead of passing quietly.
 */
export const IMPORTED_SARIF_COVERS = ['CC7.1'];

/** A scanner id from a tool name: "CodeQL" → "sarif-codeql", "ESLint" → "sarif-eslint". */
export function importedId(toolName: string): string {
  const slug = toolName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `sarif-${slug || 'tool'}`;
}

function unique(id: string, taken: Set<string>): string {
  let candidate = id;
  for (let n = 2; taken.has(candidate); n += 1) candidate = `${id}-${n}`;
  taken.add(candidate);
  return candidate;
}

export interface ImportSarifOptions {
  /** Absolute workspace root: paths in the logs are made relative to it and never leave it. */
  root: string;
  clock: Clock;
  /** Scanner ids already in the run, so an imported log never takes one of theirs. */
  takenIds: readonly string[];
  /** Where a redacted copy goes when a log quotes secret values. */
  outDir: string;
}

/**
 * SARIF logs produced earlier in the pipeline (CodeQL, ESLint, any tool), each as a scanner run of
 * its own: normalized, mapped and gated like the built-in scanners. A file that is missing or not
 * SARIF is a failed run naming the file and the JSON path; the other inputs are still used.
 */
export async function importSarifFiles(
  files: readonly string[],
  options: ImportSarifOptions,
): Promise<ScannerRun[]> {
  const taken = new Set(options.takenIds);
  const sources = new SourceReader(options.root);
  const runs: ScannerRun[] = [];
  for (const file of files) {
    const started = options.clock.monotonicMs();
    const elapsed = () => Math.round(options.clock.monotonicMs() - started);
    try {
      if (!existsSync(file)) throw new SarifError(file, ['no such file']);
      const log = await readSarifFile(file);
      const driver = log.runs[0]?.tool.driver;
      const id = unique(importedId(driver?.name ?? path.basename(file, path.extname(file))), taken);
      const version = driver?.semanticVersion ?? driver?.version ?? 'unknown';
      const findings = log.runs.flatMap((run) =>
        normalizeRun(run, {
          scannerId: id,
          scannerVersion: version,
          root: options.root,
          // Relative URIs in a log from elsewhere are taken as relative to the repository root.
          baseDir: options.root,
          sources,
        }),
      );
      // Secret values quoted in the tool's own file are not kept in the evidence.
      await mkdir(options.outDir, { recursive: true });
      const kept = await keepRawSarif(log, findings, {
        source: file,
        dest: path.join(options.outDir, `${id}.sarif`),
      });
      findings.sort(byLocation);
      runs.push({
        id,
        displayName: `${driver?.name ?? id} (imported)`,
        status: 'ok',
        version,
        durationMs: elapsed(),
        sarifPath: file,
        filesScanned: new Set(findings.map((f) => f.path)).size,
        findings,
        log: kept.skeleton,
        rawSarifPath: kept.rawSarifPath,
        covers: IMPORTED_SARIF_COVERS,
        imported: true,
      });
    } catch (error) {
      const id = unique(importedId(path.basename(file, path.extname(file))), taken);
      runs.push({
        id,
        displayName: `${path.basename(file)} (imported)`,
        status: 'failed',
        error: errorMessage(error),
        durationMs: elapsed(),
        sarifPath: file,
        filesScanned: 0,
        findings: [],
        covers: IMPORTED_SARIF_COVERS,
        imported: true,
      });
    }
  }
  return runs;
}
