import type { CommentStore } from '../sticky-comment.ts';
import type { GitHubClient } from './client.ts';

/** The comments of one GitHub pull request (issue comments), listed across all pages. */
export function githubCommentStore(
  client: GitHubClient,
  t: { owner: string; repo: string; issue: number },
): CommentStore {
  const base = { owner: t.owner, repo: t.repo };
  return {
    async list() {
      const all = await client.paginate(client.rest.issues.listComments, {
        ...base,
        issue_number: t.issue,
        per_page: 100,
      });
      return all.map((c) => ({ id: c.id, body: c.body ?? '' }));
    },
    async create(body) {
      return (await client.rest.issues.createComment({ ...base, issue_number: t.issue, body })).data.id;
    },
    async update(id, body) {
      await client.rest.issues.updateComment({ ...base, comment_id: id, body });
    },
    async remove(id) {
      await client.rest.issues.deleteComment({ ...base, comment_id: id });
    },
  };
}
