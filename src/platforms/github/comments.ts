import type { CommentStore } from '../sticky-comment.ts';
import type { GitHubClient } from './client.ts';

/** Who the token posts as: a user for personal tokens; apps' installation tokens cannot ask (403). */
async function tokenLogin(client: GitHubClient): Promise<string | undefined> {
  try {
    return (await client.rest.users.getAuthenticated()).data.login;
  } catch {
    return undefined;
  }
}

/** The comments of one GitHub pull request (issue comments), listed across all pages. */
export function githubCommentStore(
  client: GitHubClient,
  t: { owner: string; repo: string; issue: number },
): CommentStore {
  const base = { owner: t.owner, repo: t.repo };
  let login: Promise<string | undefined> | undefined;
  return {
    async list() {
      login ??= tokenLogin(client);
      const me = await login;
      const all = await client.paginate(client.rest.issues.listComments, {
        ...base,
        issue_number: t.issue,
        per_page: 100,
      });
      // With GITHUB_TOKEN we post as github-actions[bot]: a Bot account no person can impersonate.
      return all.map((c) => ({
        id: c.id,
        body: c.body ?? '',
        mine: me !== undefined ? c.user?.login === me : c.user?.type === 'Bot',
      }));
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
