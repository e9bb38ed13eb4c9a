import type { ChangedLines, Hunk } from './added-lines.ts';

/**
 * Where a file's base lines are in the scanned tree, from the hunks of its `-U0` diff: a line no
 * hunk touched has moved by the lines gained and lost above it; a line a hunk removed or edited has
 * no counterpart, only a neighbourhood (where the hunk's new lines are).
 */
export class LineMap {
  private readonly hunks: readonly Hunk[];
  /** The last base line at or before each hunk: lines after it are shifted by the hunk. */
  private readonly baseEnds: readonly number[];
  /** shifts[i]: lines gained (or lost, negative) by hunks 0 … i-1. */
  private readonly shifts: readonly number[];

  /** `hunks` in the order git writes them (by base line). */
  constructor(hunks: readonly Hunk[]) {
    this.hunks = hunks;
    // A hunk that removes nothing (`-a,0`) sits after base line a, so line a itself does not move.
    this.baseEnds = hunks.map((h) => (h.baseCount > 0 ? h.baseStart + h.baseCount - 1 : h.baseStart));
    const shifts = [0];
    for (const h of hunks) shifts.push((shifts.at(-1) ?? 0) + h.headCount - h.baseCount);
    this.shifts = shifts;
  }

  /** The scanned tree's line holding base line `line` unchanged; undefined when the change removed or edited it. */
  toHead(line: number): number | undefined {
    const i = this.hunksBefore(line);
    const next = this.hunks[i];
    if (next && next.baseCount > 0 && next.baseStart <= line) return undefined;
    return line + (this.shifts[i] ?? 0);
  }

  /**
   * The scanned tree's line nearest to base line `line`: its own line when it survived, else the
   * corresponding line of the hunk that replaced it (its last new line when the hunk is shorter,
   * and where the lines were when the hunk only removes).
   */
  nearest(line: number): number {
    const i = this.hunksBefore(line);
    const next = this.hunks[i];
    if (next && next.baseCount > 0 && next.baseStart <= line) {
      return next.headStart + Math.min(line - next.baseStart, Math.max(next.headCount - 1, 0));
    }
    return line + (this.shifts[i] ?? 0);
  }

  /** How many hunks lie wholly before base line `line` (binary search: hunks are ordered). */
  private hunksBefore(line: number): number {
    let lo = 0;
    let hi = this.baseEnds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.baseEnds[mid] ?? 0) < line) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** At most this many `git diff` processes at once: one per file with repeated findings. */
const CONCURRENT_DIFFS = 8;

/**
 * The line maps of `paths` (workspace-relative, current names) from the change's diff. A file new
 * to the base has no base lines to map, and is left out.
 */
export async function lineMapsOf(
  paths: Iterable<string>,
  lines: ChangedLines,
): Promise<Map<string, LineMap>> {
  const queue = [...paths];
  const maps = new Map<string, LineMap>();
  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const hunks = await lines.hunks(file);
      if (hunks !== 'all') maps.set(file, new LineMap(hunks));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_DIFFS, queue.length) }, worker));
  return maps;
}
