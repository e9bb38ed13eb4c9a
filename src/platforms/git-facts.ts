import type { ChangeContext } from '../change-context.ts';
import type { Exec } from '../exec/exec.ts';

async function git(exec: Exec, root: string, args: string[]): Promise<string | null> {
  const result = await exec({ file: 'git', args: ['-C', root, ...args], timeoutMs: 10_000 });
  const out = result.stdout.trim();
  return result.exitCode === 0 && out !== '' ? out : null;
}

/** "owner/name" from a git remote URL (https or ssh form), without credentials. */
export function repositoryFromRemote(url: string | null): string | null {
  // Only hosted remotes (https://host/owner/name, git@host:owner/name); a local path names no repository.
  if (!url || !/^(?:[a-z+]+:\/\/|[\w.-]+@[\w.-]+:)/i.test(url)) return null;
  const match = /[:/]([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(url);
  return match?.[1] ?? null;
}

/**
 * Fills what CI did not say (always, for local runs) from the git repository at `root`: the
 * repository from its remote, the checked-out commit and branch. CI's own values win.
 */
export async function withGitFacts(context: ChangeContext, exec: Exec, root: string): Promise<ChangeContext> {
  const repository =
    context.repository ??
    repositoryFromRemote(await git(exec, root, ['config', '--get', 'remote.origin.url']));
  const headSha = context.headSha ?? (await git(exec, root, ['rev-parse', 'HEAD']));
  const headRef = context.headRef ?? (await git(exec, root, ['rev-parse', '--abbrev-ref', 'HEAD']));
  return { ...context, repository, headSha, headRef };
}
