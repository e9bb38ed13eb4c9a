import { upsertStickyComment } from '../sticky-comment.ts';
import type { ChangeContext, CommentOutcome, Platform } from '../types.ts';
import type { GitHubClient } from './client.ts';
import { githubCommentStore } from './comments.ts';

/** The GitHub implementation of Platform: comments on the PR, statuses on the head commit. */
export function githubPlatform(client: GitHubClient, context: ChangeContext): Platform {
  const [owner = '', repo = ''] = (context.repository ?? '').split('/');
  return {
    context,
    async upsertComment(marker: string, body: string): Promise<CommentOutcome> {
      if (context.changeNumber === null) return 'skipped';
      return upsertStickyComment(
        githubCommentStore(client, { owner, repo, issue: context.changeNumber }),
        marker,
        body,
      );
    },
    async publishStatus(state, description, statusContext) {
      if (!context.headSha) return;
      // GitHub cuts descriptions at 140 characters.
      const text = description.length > 140 ? `${description.slice(0, 139)}…` : description;
      // A rerun with the same result posts nothing: the latest status of this context already says it.
      const existing = await client.rest.repos.listCommitStatusesForRef({
        owner,
        repo,
        ref: context.headSha,
        per_page: 100,
      });
      const latest = existing.data.find((s) => s.context === statusContext);
      if (
        latest &&
        latest.state === state &&
        latest.description === text &&
        (latest.target_url ?? null) === (context.runUrl ?? null)
      ) {
        return;
      }
      await client.rest.repos.createCommitStatus({
        owner,
        repo,
        sha: context.headSha,
        state,
        context: statusContext,
        description: text,
        ...(context.runUrl ? { target_url: context.runUrl } : {}),
      });
    },
  };
}
