import { existsSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Gitleaks writes its SARIF to a file of its own and the plugin copies it to the file the runner
 * reads, repaired: Gitleaks 8.30.1 gives a match that ends at a line break `endColumn: 0` (seen on a
 * base64 value in a Kubernetes secret), which SARIF forbids and the runner's validation rejects,
 * failing the whole run over one column. A column below 1 is dropped; the line stays.
 */

/** The two reports of a run: what Gitleaks writes, and the repaired copy the runner reads. */
export interface ReportPair {
  tool: string;
  sarif: string;
}

/** The tree scan's and the history scan's reports in a run's output folder. */
export function reportFiles(outDir: string): { tree: ReportPair; history: ReportPair } {
  return {
    tree: { tool: path.join(outDir, 'gitleaks-tool.sarif'), sarif: path.join(outDir, 'gitleaks.sarif') },
    history: {
      tool: path.join(outDir, 'gitleaks-history-tool.sarif'),
      sarif: path.join(outDir, 'gitleaks-history.sarif'),
    },
  };
}

/** Removes a pair before its run, so an earlier run's report cannot pass for this one's. */
export function clearReport(pair: ReportPair): void {
  rmSync(pair.tool, { force: true });
  rmSync(pair.sarif, { force: true });
}

interface Region {
  startColumn?: unknown;
  endColumn?: unknown;
}

/** Drops the columns below 1 from every result's regions, in place. */
export function repairColumns(log: unknown): void {
  const runs = (log as { runs?: unknown })?.runs;
  if (!Array.isArray(runs)) return;
  for (const run of runs as { results?: unknown }[]) {
    if (!Array.isArray(run?.results)) continue;
    for (const result of run.results as { locations?: unknown }[]) {
      if (!Array.isArray(result?.locations)) continue;
      for (const location of result.locations as { physicalLocation?: { region?: Region } }[]) {
        const region = location?.physicalLocation?.region;
        if (!region) continue;
        if (typeof region.startColumn === 'number' && region.startColumn < 1) delete region.startColumn;
        if (typeof region.endColumn === 'number' && region.endColumn < 1) delete region.endColumn;
      }
    }
  }
}

/**
 * Writes the repaired copy of each report Gitleaks wrote, and removes Gitleaks' own. After the tree
 * scan its report must be there (a run that exited without failing writes one); the history report
 * is copied once it exists.
 * Text that is not JSON is copied as it is, so the runner's reader names what is wrong with it.
 */
export async function writeRepairedReports(outDir: string): Promise<void> {
  const { tree, history } = reportFiles(outDir);
  // Called again after the history scan, when the tree report was already copied.
  if (!existsSync(tree.tool) && !existsSync(tree.sarif)) {
    throw new Error(`Gitleaks wrote no report at ${tree.tool}`);
  }
  for (const pair of [tree, history]) {
    if (!existsSync(pair.tool)) continue;
    const text = await readFile(pair.tool, 'utf8');
    let repaired = text;
    try {
      const log: unknown = JSON.parse(text);
      repairColumns(log);
      repaired = JSON.stringify(log, null, 1);
    } catch {
      repaired = text;
    }
    await writeFile(pair.sarif, repaired);
    // One copy: the runner replaces the one it reads with a copy stripped of what findings quote.
    rmSync(pair.tool, { force: true });
  }
}
