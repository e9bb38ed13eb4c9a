import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as Sarif from 'sarif';
import type { Exec } from '../../src/exec/exec.ts';
import type { HistoryContext } from '../types.ts';
import { workspacePathOf } from './mirror.ts';

/**
 * The partial fingerprint normalization takes as a result's identity (src/sarif/normalize.ts
 * IDENTITY_FINGERPRINT; scanners/ sits below sarif/ and cannot import it, a unit test keeps both equal).
 */
export const IDENTITY_KEY = 'controlgate/identity/v1';

/** Where a kept history result says it is: not a workspace path, so it is never read as the head's line. */
export const HISTORY_URI_SCHEME = 'git-commit';

/** What a result of `gitleaks git` names: Gitleaks' own fingerprint fields. */
export interface HistoryLeak {
  commit: string;
  /** Repository-relative POSIX path in that commit. */
  file: string;
  ruleId: string;
  line: number;
}

/** The fields of a git-scan result, or undefined for one without a commit or a line. */
export function historyLeakOf(result: Sarif.Result): HistoryLeak | undefined {
  const commit = result.partialFingerprints?.commitSha;
  const location = result.locations?.[0]?.physicalLocation;
  const file = location?.artifactLocation?.uri;
  const line = location?.region?.startLine;
  if (!commit || !file || !result.ruleId || line === undefined) return undefined;
  return { commit, file, ruleId: result.ruleId, line };
}

/** The URI of a kept history result, `git-commit:<sha>/<path>`: a scheme, so normalization never takes it for a workspace file. */
export function historyUri(leak: HistoryLeak): string {
  return `${HISTORY_URI_SCHEME}:${leak.commit}/${leak.file.split('/').map(encodeURIComponent).join('/')}`;
}

/** Reads one line of a file as a commit has it, through git (argument arrays, hooks off). */
export type CommitLineReader = (commit: string, file: string, line: number) => Promise<string | undefined>;

/** A reader that asks git once per commit and file; undefined when git cannot give the file. */
export function gitCommitLines(exec: Exec, repoRoot: string): CommitLineReader {
  const cache = new Map<string, Promise<string[] | undefined>>();
  return async (commit, file, line) => {
    const key = `${commit}\u0000${file}`;
    let lines = cache.get(key);
    if (!lines) {
      lines = exec({
        file: 'git',
        // `commit:path` is an object name, not a pathspec: no glob or magic reading of the path.
        args: ['-C', repoRoot, '-c', 'core.hooksPath=/dev/null', 'cat-file', 'blob', `${commit}:${file}`],
        timeoutMs: 60_000,
        maxStdoutBytes: 256 * 1024 * 1024,
      }).then((r) => (r.exitCode === 0 && !r.stdoutTruncated ? r.stdout.split(/\r?\n/) : undefined));
      cache.set(key, lines);
    }
    return (await lines)?.[line - 1];
  };
}

/** Rule and absolute file of each tree-scan result, with the head lines it is on. */
function treeLeaks(tree: Sarif.Log, root: string, cwd: string): Map<string, number[]> {
  const found = new Map<string, number[]>();
  for (const run of tree.runs) {
    for (const result of run.results ?? []) {
      const location = result.locations?.[0]?.physicalLocation;
      const uri = location?.artifactLocation?.uri;
      const rel = uri === undefined ? undefined : workspacePathOf(uri, cwd);
      const line = location?.region?.startLine;
      if (!rel || !result.ruleId || line === undefined) continue;
      const key = `${result.ruleId}\u0000${path.join(root, rel)}`;
      found.set(key, [...(found.get(key) ?? []), line]);
    }
  }
  return found;
}

/**
 * True when the secret of a history result is still in the head: the tree scan reports the same
 * rule in the same file on a line whose text equals the commit's line. Line numbers alone would not
 * do (later commits move lines); the text shows it is the same value. When either text cannot be
 * read the result is kept: reporting a leak twice is better than losing one.
 */
async function stillInHead(
  leak: HistoryLeak,
  repoRoot: string,
  tree: ReadonlyMap<string, number[]>,
  commitLine: CommitLineReader,
  headLines: (file: string) => Promise<string[] | undefined>,
): Promise<boolean> {
  const file = path.join(repoRoot, leak.file);
  const lines = tree.get(`${leak.ruleId}\u0000${file}`);
  if (!lines) return false;
  const then = await commitLine(leak.commit, leak.file, leak.line);
  const now = await headLines(file);
  if (then === undefined || now === undefined) return false;
  return lines.some((n) => now[n - 1]?.trim() === then.trim());
}

/** The message of a kept history result: where the secret was added and what to do, never the value. */
export function historyMessage(leak: HistoryLeak): string {
  return (
    `${leak.ruleId}: a secret added to ${leak.file} (line ${leak.line}) in commit ${leak.commit.slice(0, 12)} ` +
    'of this change is no longer in the head as written there, but it stays in the repository history: ' +
    'treat it as leaked and rotate it.'
  );
}

/**
 * Adds to the tree log the history results whose secret the head no longer holds (removed or
 * changed by a later commit of the change), each located at `git-commit:<sha>/<path>` (not a
 * workspace file) with Gitleaks' own fingerprint as its identity, so it is stable across reruns.
 * The commit's author, e-mail and message are dropped: the finding does not need them.
 */
export async function addHistoryResults(
  history: Sarif.Log,
  tree: Sarif.Log,
  context: Pick<HistoryContext, 'history' | 'root' | 'cwd'>,
  commitLine: CommitLineReader,
): Promise<void> {
  const target = tree.runs[0];
  if (!target) return;
  const inTree = treeLeaks(tree, context.root, context.cwd);
  const heads = new Map<string, Promise<string[] | undefined>>();
  const headLines = (file: string) => {
    let lines = heads.get(file);
    if (!lines) {
      lines = readFile(file, 'utf8').then(
        (text) => text.split(/\r?\n/),
        () => undefined,
      );
      heads.set(file, lines);
    }
    return lines;
  };
  const rules = new Map((target.tool.driver.rules ?? []).map((rule) => [rule.id, rule]));
  const kept: Sarif.Result[] = [];
  for (const run of history.runs) {
    for (const rule of run.tool.driver.rules ?? []) if (!rules.has(rule.id)) rules.set(rule.id, rule);
    for (const result of run.results ?? []) {
      const leak = historyLeakOf(result);
      if (!leak) continue;
      if (await stillInHead(leak, context.history.repoRoot, inTree, commitLine, headLines)) continue;
      const region = result.locations?.[0]?.physicalLocation?.region;
      kept.push({
        ruleId: leak.ruleId,
        message: { text: historyMessage(leak) },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: historyUri(leak) },
              region: {
                startLine: leak.line,
                ...(region?.startColumn ? { startColumn: region.startColumn } : {}),
                ...(region?.endLine ? { endLine: region.endLine } : {}),
                ...(region?.endColumn ? { endColumn: region.endColumn } : {}),
              },
            },
          },
        ],
        partialFingerprints: {
          commitSha: leak.commit,
          [IDENTITY_KEY]: `${leak.commit}:${leak.file}:${leak.ruleId}:${leak.line}`,
        },
        properties: { gitleaksHistory: { commit: leak.commit, file: leak.file, line: leak.line } },
      });
    }
  }
  if (kept.length === 0) return;
  target.tool.driver.rules = [...rules.values()];
  // Results refer to rules by id (Gitleaks gives no ruleIndex), so appending rules keeps them right.
  target.results = [...(target.results ?? []), ...kept];
}
