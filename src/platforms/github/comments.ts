import type { CommentStore } from '../sticky-comment.ts';
import { type GitHubClient, httpStatus } from './client.ts';

/** Who the token posts as: a user for personal tokens; apps' installation tokens cannot ask (403). */
async function tokenLogin(client: GitHubClient): Promise<string | undefined> {
  try {
    return (await client.rest.users.getAuthenticated()).data.login;
  } catch {
    return undefined;
  }
}

/** An answer that is not what GitHub documents (a proxy's page, a cut body): never act on it. */
function malformed(what: string): Error {
  return new Error(`GitHub answered ${what} with something that is not a comment`);
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
      const all: unknown[] = await client.paginate(client.rest.issues.listComments, {
        ...base,
        issue_number: t.issue,
        per_page: 100,
      });
      return all.map((item) => {
        const c = item as {
          id?: unknown;
          body?: unknown;
          user?: { login?: unknown; type?: unknown } | null;
        } | null;
        if (typeof c?.id !== 'number') throw malformed('the list of comments');
        // With GITHUB_TOKEN we post as github-actions[bot]: a Bot account no person can impersonate.
        return {
          id: c.id,
          body: typeof c.body === 'string' ? c.body : '',
          mine: me !== undefined ? c.user?.login === me : c.user?.type === 'Bot',
        };
      });
    },
    async create(body) {
      const { id } = (await client.rest.issues.createComment({ ...base, issue_number: t.issue, body }))
        .data as {
        id?: unknown;
      };
      if (typeof id !== 'number') throw malformed('the new comment');
      return id;
    },
    async update(id, body) {
      try {
        await client.rest.issues.updateComment({ ...base, comment_id: id, body });
        return true;
      } catch (error) {
        if (httpStatus(error) === 404) return false;
        throw error;
      }
    },
    async remove(id) {
      try {
        await client.rest.issues.deleteComment({ ...base, comment_id: id });
      } catch (error) {
        if (httpStatus(error) !== 404) throw error;
      }
    },
  };
}
