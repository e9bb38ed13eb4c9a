import type { Finding } from '../findings/finding.ts';
import { LARGE_DOCUMENT_ITEMS, writeJsonFile } from '../json-stream.ts';
import type { SarifLogInput } from './model.ts';
import { redactRawSarif } from './redact-raw.ts';

export interface KeptRaw {
  /** The tool's SARIF with secret values redacted, on disk: what the evidence copies. */
  rawSarifPath: string;
  /**
   * The log without its results (tool, rules, taxonomies, invocations): what the merged SARIF
   * needs. The results are dropped so a large log is not held in memory twice over.
   */
  skeleton: SarifLogInput;
}

/**
 * Keeps a tool's own SARIF for the evidence. Secret values are redacted first; when nothing had to
 * change, the file as the tool wrote it (`source`) is kept, otherwise a redacted copy goes to `dest`.
 */
export async function keepRawSarif(
  log: SarifLogInput,
  findings: readonly Finding[],
  files: { source?: string; dest: string },
): Promise<KeptRaw> {
  const changed = redactRawSarif(log, findings);
  let rawSarifPath = files.source;
  if (changed > 0 || rawSarifPath === undefined) {
    const results = log.runs.reduce((n, run) => n + (run.results?.length ?? 0), 0);
    await writeJsonFile(files.dest, log, results <= LARGE_DOCUMENT_ITEMS);
    rawSarifPath = files.dest;
  }
  for (const run of log.runs) run.results = [];
  return { rawSarifPath, skeleton: log };
}
