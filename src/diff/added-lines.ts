import pLimit from 'p-limit';
import type { FileChange, Git } from './git.ts';

/**
 * Which lines of a file the change wrote. `all`: the file is new to the base (added, copied,
 * untracked), so every line is the change's; a set: the 1-based lines the change added or edited;
 * empty: the change did not touch the file.
 */
export type AddedLines = 'all' | ReadonlySet<number>;

const NONE: ReadonlySet<number> = new Set();

/**
 * One hunk of a unified diff with no context (`git diff -U0`), from its header `@@ -a[,b] +c[,d] @@`:
 * the base's lines a … a+b-1 became the new side's lines c … c+d-1 (a count defaults to 1; a count
 * of 0 means that side has no lines, and its start is then the line the hunk sits after).
 */
export interface Hunk {
  baseStart: number;
  baseCount: number;
  headStart: number;
  headCount: number;
}

/** The hunks of a `-U0` patch, in order; none for an empty or binary diff. */
export function parseHunks(patch: string): Hunk[] {
  const hunks: Hunk[] = [];
  for (const match of patch.matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm)) {
    hunks.push({
      baseStart: Number(match[1]),
      baseCount: match[2] === undefined ? 1 : Number(match[2]),
      headStart: Number(match[3]),
      headCount: match[4] === undefined ? 1 : Number(match[4]),
    });
  }
  return hunks;
}

/** The lines a `-U0` patch adds on the new side: each hunk's lines c … c+d-1. */
export function parseAddedLines(patch: string): Set<number> {
  return linesAddedBy(parseHunks(patch));
}

function linesAddedBy(hunks: readonly Hunk[]): Set<number> {
  const lines = new Set<number>();
  for (const hunk of hunks) {
    for (let n = hunk.headStart; n < hunk.headStart + hunk.headCount; n++) lines.add(n);
  }
  return lines;
}

/**
 * What each changed file's diff says between the merge base and the working tree, asked of git once
 * per file and only for the files that need it: the lines it gained (for files holding a
 * suppression) and its hunks (for files where repeated findings must be told apart).
 */
export class ChangedLines {
  private readonly cache = new Map<string, Promise<Hunk[] | 'all'>>();
  // A few git processes at a time: a change can suppress or repeat findings in hundreds of files.
  private readonly limit = pLimit(4);
  private readonly byPath: ReadonlyMap<string, FileChange>;
  private readonly git: Git;
  private readonly mergeBase: string;
  /** Workspace folder inside the repository ('' at the top): findings' paths are relative to it. */
  private readonly prefix: string;

  /** `changes` in workspace-relative paths, as the comparison holds them. */
  constructor(git: Git, mergeBase: string, changes: readonly FileChange[], prefix: string) {
    this.git = git;
    this.mergeBase = mergeBase;
    this.prefix = prefix;
    this.byPath = new Map(changes.filter((c) => c.status !== 'deleted').map((c) => [c.path, c]));
  }

  /** Lines of a workspace-relative path that the change wrote. */
  async of(file: string): Promise<AddedLines> {
    const hunks = await this.hunks(file);
    if (hunks === 'all') return 'all';
    return hunks.length === 0 ? NONE : linesAddedBy(hunks);
  }

  /**
   * The hunks of a workspace-relative path's diff (base side: its old name for a rename); `all` when
   * the file is new to the base, none when the change did not touch it.
   */
  hunks(file: string): Promise<Hunk[] | 'all'> {
    let hunks = this.cache.get(file);
    if (!hunks) {
      hunks = this.limit(() => this.read(file));
      this.cache.set(file, hunks);
    }
    return hunks;
  }

  private async read(file: string): Promise<Hunk[] | 'all'> {
    const change = this.byPath.get(file);
    if (!change) return [];
    if (change.status === 'added') return 'all';
    const inRepo = (p: string) => (this.prefix ? `${this.prefix}/${p}` : p);
    // Both names of a rename, so git pairs them and reports edits rather than a whole new file.
    const paths = change.oldPath ? [inRepo(change.oldPath), inRepo(file)] : [inRepo(file)];
    const patch = await this.git.run([
      'diff',
      '-U0',
      '-M',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      this.mergeBase,
      '--',
      ...paths,
    ]);
    return parseHunks(patch);
  }
}
