import { readReviewMarker, reviewMarkerKey } from '../../report/markdown/review-comment.ts';
import type { ReviewComment, ReviewOutcome } from '../types.ts';
import { type GitHubClient, httpStatus } from './client.ts';

/** The pull request whose review comments are synced, and the head commit new ones are made on. */
export interface PullTarget {
  owner: string;
  repo: string;
  pull: number;
  headSha: string;
}

/** One of our review comments as GitHub holds it. */
interface Ours {
  id: number;
  body: string;
  path: string;
  /** null when GitHub calls the comment outdated: its line is gone from the current diff. */
  line: number | null;
  startLine: number | null;
}

interface ThreadState {
  id: string;
  resolved: boolean;
}

const THREADS = `query($owner: String!, $repo: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
      }
    }
  }
}`;

const RESOLVE = `mutation($id: ID!) {
  resolveReviewThread(input: { threadId: $id }) { thread { id isResolved } }
}`;

/** More threads than any pull request has: a broken cursor must not loop forever. */
const MAX_THREAD_PAGES = 50;

interface ThreadsAnswer {
  repository?: {
    pullRequest?: {
      reviewThreads?: {
        pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
        nodes?: Array<{
          id?: unknown;
          isResolved?: unknown;
          comments?: { nodes?: Array<{ databaseId?: unknown }> };
        }>;
      };
    } | null;
  } | null;
}

/** Who the token posts as; apps' installation tokens cannot ask (403), and then only Bot comments count. */
async function tokenLogin(client: GitHubClient): Promise<string | undefined> {
  try {
    return (await client.rest.users.getAuthenticated()).data.login;
  } catch {
    return undefined;
  }
}

/** Our comments (our identity, our marker with this key), each problem's fingerprint → its comments, oldest first. */
async function listOurs(client: GitHubClient, t: PullTarget, key: string): Promise<Map<string, Ours[]>> {
  const all: unknown[] = await client.paginate(client.rest.pulls.listReviewComments, {
    owner: t.owner,
    repo: t.repo,
    pull_number: t.pull,
    per_page: 100,
  });
  const marked = all.filter((item) => readReviewMarker(String((item as { body?: unknown })?.body ?? '')));
  if (marked.length === 0) return new Map();
  const me = await tokenLogin(client);
  const ours = new Map<string, Ours[]>();
  for (const item of marked) {
    const c = item as {
      id?: unknown;
      body?: unknown;
      path?: unknown;
      line?: unknown;
      start_line?: unknown;
      in_reply_to_id?: unknown;
      user?: { login?: unknown; type?: unknown } | null;
    };
    // With GITHUB_TOKEN we post as github-actions[bot]: a Bot account no person can impersonate.
    const mine = me !== undefined ? c.user?.login === me : c.user?.type === 'Bot';
    const marker = readReviewMarker(String(c.body));
    if (!mine || !marker || marker.key !== key || typeof c.id !== 'number' || c.in_reply_to_id) continue;
    const list = ours.get(marker.fingerprint) ?? [];
    list.push({
      id: c.id,
      body: String(c.body),
      path: typeof c.path === 'string' ? c.path : '',
      line: typeof c.line === 'number' ? c.line : null,
      startLine: typeof c.start_line === 'number' ? c.start_line : null,
    });
    ours.set(
      marker.fingerprint,
      list.sort((a, b) => a.id - b.id),
    );
  }
  return ours;
}

/** Each review thread's state, by the id of the comment that opened it. */
async function threads(client: GitHubClient, t: PullTarget): Promise<Map<number, ThreadState>> {
  const byComment = new Map<number, ThreadState>();
  let after: string | null = null;
  for (let page = 0; page < MAX_THREAD_PAGES; page++) {
    const answer: ThreadsAnswer = await client.graphql<ThreadsAnswer>(THREADS, {
      owner: t.owner,
      repo: t.repo,
      number: t.pull,
      after,
    });
    const list = answer.repository?.pullRequest?.reviewThreads;
    if (!list) throw new Error('GitHub answered the review threads query with something else');
    for (const node of list.nodes ?? []) {
      const first = node.comments?.nodes?.[0]?.databaseId;
      if (typeof node.id === 'string' && typeof first === 'number')
        byComment.set(first, { id: node.id, resolved: node.isResolved === true });
    }
    if (!list.pageInfo?.hasNextPage || !list.pageInfo.endCursor) break;
    after = list.pageInfo.endCursor;
  }
  return byComment;
}

function samePlace(c: Ours, wanted: ReviewComment): boolean {
  const start = wanted.startLine < wanted.endLine ? wanted.startLine : null;
  return c.path === wanted.path && c.line === wanted.endLine && (c.startLine ?? null) === start;
}

/**
 * Makes the gate's review comments on the pull request match `wanted`: one per problem, created on
 * the head commit, edited when its text changed, and its thread resolved once the problem is gone
 * (or moved: GitHub cannot move a comment, so a new one is made where the problem is now).
 * Comments without our marker and key, or written by anyone else, are never touched; a rerun with
 * the same problems only reads.
 */
export async function syncGithubReviewComments(
  client: GitHubClient,
  t: PullTarget,
  commentKey: string,
  wanted: readonly ReviewComment[],
): Promise<ReviewOutcome> {
  const key = reviewMarkerKey(commentKey);
  const outcome: ReviewOutcome = { created: 0, updated: 0, unchanged: 0, resolved: 0 };
  const ours = await listOurs(client, t, key);
  const state = ours.size > 0 ? await threads(client, t) : new Map<number, ThreadState>();
  // A comment whose thread the query did not list is taken as open: better kept than duplicated.
  const open = (c: Ours) => state.get(c.id)?.resolved !== true;
  const keep = new Set<number>();
  const refused: string[] = [];
  for (const w of wanted) {
    const existing = (ours.get(w.fingerprint) ?? []).find((c) => open(c) && samePlace(c, w));
    if (existing) {
      keep.add(existing.id);
      if (existing.body === w.body) {
        outcome.unchanged += 1;
        continue;
      }
      await client.rest.pulls.updateReviewComment({
        owner: t.owner,
        repo: t.repo,
        comment_id: existing.id,
        body: w.body,
      });
      outcome.updated += 1;
      continue;
    }
    const multi = w.startLine < w.endLine;
    try {
      await client.rest.pulls.createReviewComment({
        owner: t.owner,
        repo: t.repo,
        pull_number: t.pull,
        commit_id: t.headSha,
        path: w.path,
        body: w.body,
        line: w.endLine,
        side: 'RIGHT',
        ...(multi ? { start_line: w.startLine, start_side: 'RIGHT' as const } : {}),
      });
      outcome.created += 1;
    } catch (error) {
      // A line GitHub does not show in the diff (a file too large to diff): the others still go.
      if (httpStatus(error) !== 422) throw error;
      refused.push(`${w.path}:${w.endLine}`);
    }
  }
  for (const list of ours.values()) {
    for (const c of list) {
      const thread = state.get(c.id);
      if (keep.has(c.id) || !thread || thread.resolved) continue;
      await client.graphql(RESOLVE, { id: thread.id });
      outcome.resolved += 1;
    }
  }
  if (refused.length > 0)
    throw new Error(
      `GitHub refused ${refused.length} review comment${refused.length === 1 ? '' : 's'} (422, not on the diff it shows: ${refused.join(', ')}); the sticky comment lists every problem (${outcome.created} created, ${outcome.updated} updated, ${outcome.unchanged} unchanged, ${outcome.resolved} resolved)`,
    );
  return outcome;
}
