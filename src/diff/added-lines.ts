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
 * The lines a unified diff with no context (`git diff -U0`) adds on the new side: each hunk header
 * `@@ -a[,b] +c[,d] @@` adds lines c … c+d-1 (d defaults to 1; d = 0 means it only removes).
 */
export function parseAddedLines(patch: string): Set<number> {
  const lines = new Set<number>();
  for (const match of patch.matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm)) {
    const start = Number(match[1]);
    const count = match[2] === undefined ? 1 : Number(match[2]);
    for (let n = start; n < start + count; n++) lines.add(n);
  }
  return lines;
}

/**
 * The lines each changed file gained between the merge base and the working tree, asked of git
 * once per file and only for the files that need it (those holding a suppression).
 */
export class ChangedLines {
  private readonly cache = new Map<string, Promise<AddedLines>>();
  // A few git processes at a time: a change can suppress findings in hundreds of files.
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
  of(file: string): Promise<AddedLines> {
    let lines = this.cache.get(file);
    if (!lines) {
      lines = this.limit(() => this.read(file));
      this.cache.set(file, lines);
    }
    return lines;
  }

  private async read(file: string): Promise<AddedLines> {
    const change = this.byPath.get(file);
    if (!change) return NONE;
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
    return parseAddedLines(patch);
  }
}
