import path from 'node:path';
import type { ChangeContext } from '../change-context.ts';
import { Git } from '../diff/git.ts';
import { errorMessage, UsageError } from '../errors.ts';
import type { Exec } from '../exec/exec.ts';
import { realPath } from '../paths.ts';
import { resolveWorkspace } from '../pipeline/workspace.ts';
import type { Log } from '../platforms/types.ts';

/*
 * pull_request_target runs the base branch's workflow with a write token, so it can comment and set
 * the status on a fork's pull request. That is trustworthy only when the pull request is data: its
 * head checked out into a folder of its own and scanned there, with the base's policy (read from git
 * at the base commit) and tools that lie outside that folder. The status goes on the PR's head
 * commit, so what was scanned must be that commit, or the merge commit GitHub built from it.
 */

export interface PullRequestTargetCheck {
  context: ChangeContext;
  /** The scanned path and the folder it is relative to, as the settings have them. */
  target: string;
  cwd: string;
  /** The runner's workspace folder, where a plain `actions/checkout` puts the code. */
  workspace: string;
  toolsDir: string;
  exec: Exec;
  log: Log;
}

function isInside(folder: string, file: string): boolean {
  const rel = path.relative(realPath(folder), realPath(file));
  return rel === '' || !(rel.split(path.sep)[0] === '..' || path.isAbsolute(rel));
}

/**
 * On pull_request_target, refuses a run whose status could claim something it did not check (a
 * folder that is not the PR's head, scanners the PR could supply) and says which pattern it is.
 * Returns the context with the merge commit only when that is what was checked out. Other events:
 * the context as it is.
 */
export async function checkPullRequestTarget(check: PullRequestTargetCheck): Promise<ChangeContext> {
  const { context, log } = check;
  if (context.eventName !== 'pull_request_target') return context;
  // The repository the scan reads: the nearest folder up from the scanned path that has a `.git`.
  const scannedRoot = resolveWorkspace(check.target, check.cwd).root;
  if (!context.headSha || !context.baseSha)
    throw new UsageError(
      'pull_request_target: the event names no pull request head or base commit, so there is nothing to judge it by',
    );
  // Scanner installs in the PR's folder would be the PR's own programs, run with a write token.
  if (isInside(scannedRoot, check.toolsDir))
    throw new UsageError(
      `pull_request_target: the tools folder ${check.toolsDir} lies inside the checked-out pull request (${scannedRoot}), which could supply its own scanners; set CONTROLGATE_TOOLS_DIR outside it`,
    );
  let checkedOut: string;
  try {
    checkedOut = (await new Git(check.exec, scannedRoot).run(['rev-parse', '--verify', 'HEAD'])).trim();
  } catch (error) {
    throw new UsageError(
      `pull_request_target: ${scannedRoot} is not a git checkout (${errorMessage(error)}); check out the pull request with actions/checkout (ref: the head sha, path: pr, fetch-depth: 0) and scan that folder`,
    );
  }
  if (checkedOut !== context.headSha && checkedOut !== context.mergeSha)
    throw new UsageError(
      `pull_request_target: the scanned folder has ${checkedOut.slice(0, 12)} checked out, not the pull request's head ${context.headSha.slice(0, 12)}; the status would vouch for a commit that was not scanned. Check out \`ref: \${{ github.event.pull_request.head.sha }}\` into the scanned folder`,
    );
  if (isInside(scannedRoot, check.workspace))
    log.warning(
      'controlgate: pull_request_target with the pull request checked out into the workspace itself: later steps of this job (and any `uses: ./…`) would run its files with a write token and your secrets. Check it out into a folder of its own and scan that (path: pr; see examples/workflows/fork-safe-pull-request-target.yml).',
    );
  else
    log.info(
      `controlgate: fork-safe pull_request_target: scanning the pull request's head ${context.headSha.slice(0, 12)} in ${path.relative(check.workspace, scannedRoot) || scannedRoot} as data, judged by the policy at its base ${context.baseSha.slice(0, 12)}`,
    );
  // The evidence says which commit was checked out: the head itself has no separate merge commit.
  return checkedOut === context.headSha ? { ...context, mergeSha: null } : context;
}
