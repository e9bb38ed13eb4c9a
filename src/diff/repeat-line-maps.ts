import type { Finding } from '../findings/finding.ts';
import type { ChangedLines } from './added-lines.ts';
import { pathsWithRepeats } from './classify.ts';
import { type LineMap, lineMapsOf } from './line-map.ts';

/**
 * The line maps `classifyFindings` needs, read from the change's diff: those of the files where one
 * problem is found more than once, over every scanner's head and base findings (a superset of what
 * each comparison needs, read once). Empty without a diff (the base is an earlier run's evidence):
 * positions are then compared as they are.
 */
export async function lineMapsForRepeats(
  head: readonly { findings: readonly Finding[] }[],
  base: readonly { findings: readonly Finding[] }[],
  renames: ReadonlyMap<string, string>,
  lines: ChangedLines | undefined,
): Promise<Map<string, LineMap>> {
  if (!lines) return new Map();
  const paths = pathsWithRepeats({
    head: head.flatMap((r) => r.findings),
    base: base.flatMap((r) => r.findings),
    renames,
  });
  return paths.size === 0 ? new Map() : lineMapsOf(paths, lines);
}
