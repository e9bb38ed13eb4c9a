import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { ChangeContext } from '../change-context.ts';
import { parseAddedLines } from '../diff/added-lines.ts';
import { Git } from '../diff/git.ts';
import type { Exec } from '../exec/exec.ts';
import { toPosix } from '../paths.ts';
import type { JsonReport } from '../report/json-report-schema.ts';

/** What an inline comment needs of one file of the change, as the platform's diff shows it. */
export interface HeadFile {
  /** Repository-relative path in the head commit: where the platform puts the comment. */
  repoPath: string;
  /** The head's lines the change added or edited: the only lines an inline comment goes on. */
  changed: ReadonlySet<number>;
  /** The file's text at the head (the same as the scanned text), for a fix's suggestion lines. */
  text: string;
}

/** The change's files as the platform's diff shows them, by the report's workspace-relative paths. */
export interface ReviewLines {
  /** Undefined when the file is not part of the change or its lines cannot be trusted to match the head. */
  of(workspacePath: string): Promise<HeadFile | undefined>;
}

/**
 * The head side of the pull/merge request's diff, read from git in the scanned workspace: from the
 * merge base of the change's base and head (where the platform's diff starts) to the head commit.
 * A file whose scanned text differs from the head's (a merge checkout where the base also changed
 * it) is left out: its finding lines would land on the wrong lines of the diff.
 */
export async function gitReviewLines(
  report: JsonReport,
  context: ChangeContext,
  exec: Exec,
): Promise<ReviewLines | undefined> {
  const baseline = report.baseline;
  const head = context.headSha;
  if (baseline?.status !== 'compared' || !head) return undefined;
  let git = new Git(exec, report.root);
  let prefix: string;
  let from: string;
  try {
    const top = await realpath(await git.topLevel());
    // Paths below are the repository's: git reads pathspecs relative to the folder it runs in.
    git = git.at(top);
    prefix = toPosix(path.relative(top, await realpath(report.root)));
    const base = context.baseSha ?? baseline.baseSha;
    from = base ? await git.mergeBase(base, head) : (baseline.mergeBase ?? '');
  } catch {
    return undefined;
  }
  if (!from || prefix.startsWith('..')) return undefined;
  const changes = new Map(
    baseline.changedFiles.filter((c) => c.status !== 'deleted').map((c) => [c.path, c.oldPath]),
  );
  const inRepo = (p: string) => (prefix ? `${prefix}/${p}` : p);
  return {
    async of(file) {
      if (!changes.has(file)) return undefined;
      const oldPath = changes.get(file);
      const repoPath = inRepo(file);
      try {
        const [text, scanned] = await Promise.all([
          git.fileAt(head, repoPath),
          readFile(path.join(report.root, ...file.split('/')), 'utf8'),
        ]);
        if (text === undefined || text !== scanned) return undefined;
        // Both names of a rename, so git pairs them and the edits show rather than a whole new file.
        const paths = oldPath ? [inRepo(oldPath), repoPath] : [repoPath];
        const patch = await git.run([
          'diff',
          '-U0',
          '-M',
          '--no-color',
          '--no-ext-diff',
          '--no-textconv',
          from,
          head,
          '--',
          ...paths,
        ]);
        return { repoPath, changed: parseAddedLines(patch), text };
      } catch {
        return undefined;
      }
    },
  };
}
