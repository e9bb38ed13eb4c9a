import type { ChangeContext, CommentOutcome, Platform } from '../types.ts';
import type { GitHubClient } from './client.ts';
import { upsertComment } from './comments.ts';

/** The GitHub implementation of Platform: comments on the PR, statuses on the head commit. */
export function githubPlatform(client: GitHubClient, context: ChangeContext): Platform {
  const [owner = '', repo = ''] = (context.repository ?? '').split('/');
  return {
    context,
    async upsertComment(marker: string, body: string): Promise<CommentOutcome> {
      if (context.changeNumber === null) return 'skipped';
      return upsertComment(client, { owner, repo, issue: context.changeNumber }, marker, body);
    },
    async publishStatus(state, description, statusContext) {
      if (!context.headSha) return;
      await client.rest.repos.createCommitStatus({
        owner,
        repo,
        sha: context.headSha,
        state,
        context: statusContext,
        // GitHub cuts descriptions at 140 characters.
        description: description.length > 140 ? `${description.slice(0, 139)}…` : description,
        ...(context.runUrl ? { target_url: context.runUrl } : {}),
      });
    },
  };
}
