import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { problemFingerprints } from '../controls/evaluate.ts';
import { compactJsonChunks, prettyJsonChunks } from '../json-stream.ts';
import { isLargeOutcome, type ScanOutcome } from '../pipeline/scan.ts';
import { jsonReport } from '../report/json-report.ts';
import { renderComment } from '../report/markdown/comment.ts';
import { renderText } from '../report/terminal.ts';
import { mergedSarif, mergedSarifChunks } from '../sarif/merge.ts';
import type { GateSettings, OutputFormat } from './settings.ts';

/**
 * The chosen format, in chunks: JSON is pretty for people, compact and streamed for large results.
 * Markdown is the comment's body as the PR/MR would get it, under the comment key's marker.
 */
export function render(outcome: ScanOutcome, format: OutputFormat, commentKey = 'default'): Iterable<string> {
  if (format === 'text') return [renderText(outcome)];
  if (format === 'markdown') return [renderComment(jsonReport(outcome), { commentKey })];
  const large = isLargeOutcome(outcome);
  if (format === 'json')
    return large ? compactJsonChunks(jsonReport(outcome)) : prettyJsonChunks(jsonReport(outcome));
  const options = {
    waivers: outcome.gate.waivers.applied,
    problems: problemFingerprints(outcome.gate),
    fixed: outcome.baseline?.fixed ?? [],
  };
  return large
    ? mergedSarifChunks(outcome.scanners, outcome.root, options)
    : prettyJsonChunks(mergedSarif(outcome.scanners, outcome.root, options));
}

/** Writes chunks to `file` as they come, so a large report never exists as one string. */
export async function writeChunks(file: string, chunks: Iterable<string>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, 'w');
  try {
    for (const chunk of chunks) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

/**
 * The run's own outputs: controlgate.json and controlgate.sarif in --out-dir, the report in
 * --output, and the report on stdout. Returns the files written.
 */
export async function writeOutputs(
  outcome: ScanOutcome,
  settings: GateSettings,
  out: (text: string) => void,
): Promise<string[]> {
  const written: string[] = [];
  if (settings.outDir) {
    const json = path.join(settings.outDir, 'controlgate.json');
    const sarif = path.join(settings.outDir, 'controlgate.sarif');
    await writeChunks(json, render(outcome, 'json'));
    await writeChunks(sarif, render(outcome, 'sarif'));
    written.push(json, sarif, path.join(settings.outDir, 'raw'));
  }
  if (!settings.print) return written;
  if (settings.outputFile) {
    await writeChunks(settings.outputFile, render(outcome, settings.print, settings.comment.key));
    written.unshift(settings.outputFile);
    out(renderText(outcome));
  } else {
    for (const chunk of render(outcome, settings.print, settings.comment.key)) out(chunk);
  }
  return written;
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
