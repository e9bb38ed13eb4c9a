import {
  type Answer,
  FakeApiServer,
  HttpError,
  isRecord,
  type RecordedRequest,
  type RequestMatch,
} from './fake-api-server.ts';
import { FakeGitHubChanges } from './fake-github-changes.ts';

/*
 * A stand-in for the parts of GitHub's REST API the Action uses: issue comments and commit statuses.
 * It listens on 127.0.0.1 and speaks real HTTP, so the Action's own Octokit client (retry and
 * throttling plugins included) is exercised as it is against api.github.com. Every request is
 * recorded; faults and delays can be injected for the next matching requests.
 */

export const BOT_LOGIN = 'github-actions[bot]';
/** GitHub's limit on an issue comment's body. */
export const MAX_COMMENT_BODY = 65_536;

export interface GitHubUser {
  login: string;
  id: number;
  type: 'Bot' | 'User';
}

export interface IssueComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: GitHubUser;
  created_at: string;
  updated_at: string;
  author_association: string;
}

export interface CommitStatus {
  id: number;
  node_id: string;
  url: string;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  target_url: string | null;
  created_at: string;
  updated_at: string;
  creator: GitHubUser;
}

/** A pull request review comment (the part of GitHub's shape the gate reads, and a little more). */
export interface ReviewComment {
  id: number;
  node_id: string;
  pull_request_review_id: number;
  url: string;
  html_url: string;
  pull_request_url: string;
  commit_id: string;
  original_commit_id: string;
  path: string;
  line: number;
  start_line: number | null;
  side: 'LEFT' | 'RIGHT';
  start_side: 'LEFT' | 'RIGHT' | null;
  original_line: number;
  in_reply_to_id?: number;
  body: string;
  user: GitHubUser;
  created_at: string;
  updated_at: string;
  author_association: string;
}

/** A review thread: the comment that opened it and its replies, resolved or not. */
export interface ReviewThread {
  id: string;
  pull: number;
  repo: string;
  isResolved: boolean;
  commentIds: number[];
}

export interface FaultOptions extends RequestMatch {
  /** Sent as the `retry-after` header (seconds). */
  retryAfter?: number;
  /** The JSON body; default: `{ message }` with GitHub's wording for the status. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeGitHubOptions {
  /** When set, any other token gets GitHub's 401 "Bad credentials". */
  token?: string;
  /** Items per page when the request has no per_page (GitHub's default is 30). */
  defaultPerPage?: number;
}

const DOCS = 'https://docs.github.com/rest';

const STATUS_MESSAGES: Record<number, string> = {
  400: 'Problems parsing JSON',
  401: 'Bad credentials',
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  422: 'Validation Failed',
  429: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
  500: 'Internal Server Error',
  502: 'Server Error',
  503: 'Service Unavailable',
};

const STATUS_STATES = ['error', 'failure', 'pending', 'success'] as const;

function error(status: number, message: string): Answer {
  return { status, payload: { message, documentation_url: DOCS, status: String(status) } };
}

export class FakeGitHub extends FakeApiServer<FaultOptions> {
  readonly statuses: CommitStatus[] = [];
  /** Pull requests the server knows: number → head commit SHA. */
  readonly pullHeads = new Map<number, string>();
  /** Merged pull requests, contents, teams, rulesets, protection, search and artifacts (seed here). */
  readonly changes = new FakeGitHubChanges(
    () => this.origin,
    (r, items) => this.#page(r, items),
    this.statuses,
  );

  readonly #options: FakeGitHubOptions;
  readonly #comments = new Map<string, IssueComment[]>();
  /** `${repo}#${pull}` → review comments, oldest first. */
  readonly #reviewComments = new Map<string, ReviewComment[]>();
  readonly #threads: ReviewThread[] = [];
  /**
   * Pull requests' diffs, when a test says them: `${repo}#${pull}` → path → the head lines in the
   * diff. A review comment on another line is refused with 422, as GitHub refuses it.
   */
  readonly #diffLines = new Map<string, Map<string, ReadonlySet<number>>>();
  #nextReviewCommentId = 2_000_001;
  #nextCommentId = 1_000_001;
  #nextStatusId = 5_000_001;

  constructor(options: FakeGitHubOptions = {}) {
    super('GitHub');
    this.#options = options;
  }

  /** The comments on an issue or pull request, oldest first (copies). */
  comments(issue: number, repo = 'octo/shop'): IssueComment[] {
    return (this.#comments.get(`${repo}#${issue}`) ?? []).map((c) => ({ ...c }));
  }

  /** The review comments on a pull request, oldest first (copies). */
  reviewComments(pull: number, repo = 'octo/shop'): ReviewComment[] {
    return (this.#reviewComments.get(`${repo}#${pull}`) ?? []).map((c) => ({ ...c, user: { ...c.user } }));
  }

  /** The review threads of a pull request (copies). */
  reviewThreads(pull: number, repo = 'octo/shop'): ReviewThread[] {
    return this.#threads
      .filter((t) => t.pull === pull && t.repo === repo)
      .map((t) => ({ ...t, commentIds: [...t.commentIds] }));
  }

  /** The thread a review comment belongs to. */
  threadOf(commentId: number): ReviewThread | undefined {
    const thread = this.#threads.find((t) => t.commentIds.includes(commentId));
    return thread ? { ...thread, commentIds: [...thread.commentIds] } : undefined;
  }

  /** Says which head lines of each file are in the pull request's diff (replacing what was said before). */
  setDiff(pull: number, lines: Record<string, Iterable<number>>, repo = 'octo/shop'): void {
    this.#diffLines.set(
      `${repo}#${pull}`,
      new Map(Object.entries(lines).map(([file, set]) => [file, new Set(set)])),
    );
  }

  /** A review comment as if someone had written it earlier (a person by default). */
  seedReviewComment(
    pull: number,
    comment: { path: string; line: number; body: string; commitId?: string; startLine?: number },
    options: { repo?: string; user?: Partial<GitHubUser> } = {},
  ): ReviewComment {
    const user: GitHubUser = { login: 'dev-alice', id: 583231, type: 'User', ...options.user };
    return this.#createReviewComment(options.repo ?? 'octo/shop', pull, {
      body: comment.body,
      commit_id: comment.commitId ?? 'f'.repeat(40),
      path: comment.path,
      line: comment.line,
      ...(comment.startLine !== undefined ? { start_line: comment.startLine } : {}),
      user,
    });
  }

  /** Puts a comment there as if someone had written it earlier (a person by default). */
  seedComment(
    issue: number,
    body: string,
    options: { repo?: string; user?: Partial<GitHubUser> } = {},
  ): IssueComment {
    const user: GitHubUser = { login: 'dev-alice', id: 583231, type: 'User', ...options.user };
    return this.#createComment(options.repo ?? 'octo/shop', issue, body, user);
  }

  /** Deletes a comment as someone else would (e.g. from a hook between two calls); false if absent. */
  removeComment(id: number, repo = 'octo/shop'): boolean {
    try {
      const found = this.#findComment(repo, id);
      found.list.splice(found.list.indexOf(found.comment), 1);
      return true;
    } catch {
      return false;
    }
  }

  /** Rewrites a comment's body as someone else would (e.g. a concurrent run); false if absent. */
  editComment(id: number, body: string, repo = 'octo/shop'): boolean {
    try {
      const found = this.#findComment(repo, id);
      found.comment.body = body;
      found.comment.updated_at = new Date().toISOString();
      return true;
    } catch {
      return false;
    }
  }

  protected override baseHeaders(record: RecordedRequest): Record<string, string> {
    return {
      'x-github-request-id': `FAKE:${record.seq}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
    };
  }

  /** e.g. 502, or 403 "Resource not accessible by integration", in GitHub's words. */
  protected override faultAnswer(status: number, options: FaultOptions): Answer {
    const headers: Record<string, string> = { ...options.headers };
    if (options.retryAfter !== undefined) headers['retry-after'] = String(options.retryAfter);
    const payload = options.body ?? {
      message: STATUS_MESSAGES[status] ?? 'Error',
      documentation_url: DOCS,
      status: String(status),
    };
    return { status, payload, headers };
  }

  protected override authenticate(record: RecordedRequest): Answer | undefined {
    // Artifact blob URLs are signed, not authenticated: GitHub's redirect target takes no token.
    if (this.changes.isBlobPath(record.path)) return undefined;
    const auth = record.headers.authorization ?? '';
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(auth)?.[1];
    if (!token) return error(401, 'Requires authentication');
    this.recordToken(token);
    if (this.#options.token !== undefined && token !== this.#options.token)
      return error(401, 'Bad credentials');
    return undefined;
  }

  protected override invalidBody(): Answer {
    return error(400, 'Problems parsing JSON');
  }

  /** Bytes (an artifact's zip) go out as they are; everything else as JSON. */
  protected override encode(payload: unknown): { text: string | Uint8Array; contentType?: string } {
    if (Buffer.isBuffer(payload)) return { text: payload, contentType: 'application/octet-stream' };
    return super.encode(payload);
  }

  protected override route(r: RecordedRequest): Answer {
    if (r.path === '/graphql' && r.method === 'POST') return this.#graphql(r);
    const parts = r.path.split('/').filter(Boolean).map(decodeURIComponent);
    const answered = this.changes.route(r, parts);
    if (answered) return answered;
    if (parts[0] === 'repos' && parts.length >= 4) {
      const repo = `${parts[1]}/${parts[2]}`;
      const rest = parts.slice(3);
      // /repos/:o/:r/issues/:number/comments
      if (
        rest[0] === 'issues' &&
        rest.length === 3 &&
        /^\d+$/.test(rest[1] ?? '') &&
        rest[2] === 'comments'
      ) {
        const issue = Number(rest[1]);
        if (r.method === 'GET') return this.#listComments(r, repo, issue);
        if (r.method === 'POST') {
          const body = this.#commentBody(r.body);
          const bot: GitHubUser = { login: BOT_LOGIN, id: 41898282, type: 'Bot' };
          return { status: 201, payload: this.#createComment(repo, issue, body, bot) };
        }
      }
      // /repos/:o/:r/issues/comments/:id
      if (
        rest[0] === 'issues' &&
        rest[1] === 'comments' &&
        rest.length === 3 &&
        /^\d+$/.test(rest[2] ?? '')
      ) {
        const id = Number(rest[2]);
        const found = this.#findComment(repo, id);
        if (r.method === 'GET') return { status: 200, payload: found.comment };
        if (r.method === 'PATCH') {
          found.comment.body = this.#commentBody(r.body);
          found.comment.updated_at = new Date().toISOString();
          return { status: 200, payload: found.comment };
        }
        if (r.method === 'DELETE') {
          found.list.splice(found.list.indexOf(found.comment), 1);
          return { status: 204 };
        }
      }
      // /repos/:o/:r/pulls/:number/comments
      if (rest[0] === 'pulls' && rest.length === 3 && /^\d+$/.test(rest[1] ?? '') && rest[2] === 'comments') {
        const pull = Number(rest[1]);
        if (r.method === 'GET') return this.#page(r, this.reviewComments(pull, repo));
        if (r.method === 'POST') {
          const bot: GitHubUser = { login: BOT_LOGIN, id: 41898282, type: 'Bot' };
          return { status: 201, payload: this.#newReviewComment(repo, pull, r.body, bot) };
        }
      }
      // /repos/:o/:r/pulls/comments/:id
      if (rest[0] === 'pulls' && rest[1] === 'comments' && rest.length === 3 && /^\d+$/.test(rest[2] ?? '')) {
        const comment = this.#findReviewComment(repo, Number(rest[2]));
        if (r.method === 'GET') return { status: 200, payload: { ...comment } };
        if (r.method === 'PATCH') {
          comment.body = this.#commentBody(r.body);
          comment.updated_at = new Date().toISOString();
          return { status: 200, payload: { ...comment } };
        }
      }
      // /repos/:o/:r/pulls/:number (the fork-safe second half checks a PR's head commit)
      if (rest[0] === 'pulls' && rest.length === 2 && /^\d+$/.test(rest[1] ?? '') && r.method === 'GET') {
        const head = this.pullHeads.get(Number(rest[1]));
        if (head)
          return {
            status: 200,
            payload: {
              number: Number(rest[1]),
              state: 'open',
              head: { sha: head },
              base: { repo: { full_name: repo } },
            },
          };
      }
      // /repos/:o/:r/statuses/:sha
      if (rest[0] === 'statuses' && rest.length === 2 && r.method === 'POST') {
        return { status: 201, payload: this.#createStatus(repo, rest[1] ?? '', r.body) };
      }
      // /repos/:o/:r/commits/:ref/statuses and /repos/:o/:r/commits/:ref/status
      if (rest[0] === 'commits' && rest.length === 3 && r.method === 'GET') {
        const sha = rest[1] ?? '';
        const forSha = this.statuses.filter((s) => s.sha === sha && s.url.includes(`/repos/${repo}/`));
        if (rest[2] === 'statuses') {
          const newestFirst = [...forSha].reverse();
          return this.#page(r, newestFirst);
        }
        if (rest[2] === 'status') return { status: 200, payload: this.#combinedStatus(repo, sha, forSha) };
      }
    }
    throw new HttpError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
  }

  #listComments(r: RecordedRequest, repo: string, issue: number): Answer {
    return this.#page(r, this.comments(issue, repo));
  }

  /** One page of a list, with GitHub's `link` header when there is more than one page. */
  #page<T>(r: RecordedRequest, items: T[]): Answer {
    const { page, perPage, totalPages, slice } = this.paginate(r, items, this.#options.defaultPerPage ?? 30);
    const link = (p: number): string => this.pageLink(r, { per_page: String(perPage), page: String(p) });
    const rels: string[] = [];
    if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`);
    if (page < totalPages) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(totalPages)}>; rel="last"`);
    if (page > 1) rels.push(`<${link(1)}>; rel="first"`);
    return { status: 200, payload: slice, headers: rels.length > 0 ? { link: rels.join(', ') } : {} };
  }

  #commentBody(payload: unknown): string {
    const body = isRecord(payload) ? payload.body : undefined;
    if (typeof body !== 'string') {
      throw new HttpError(422, {
        message: 'Invalid request.\n\n"body" wasn\'t supplied.',
        documentation_url: DOCS,
        status: '422',
      });
    }
    if (body.length > MAX_COMMENT_BODY) {
      throw new HttpError(422, {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: `body is too long (maximum is ${MAX_COMMENT_BODY} characters)`,
          },
        ],
        documentation_url: DOCS,
        status: '422',
      });
    }
    return body;
  }

  #createComment(repo: string, issue: number, body: string, user: GitHubUser): IssueComment {
    const key = `${repo}#${issue}`;
    const list = this.#comments.get(key) ?? [];
    this.#comments.set(key, list);
    const id = this.#nextCommentId++;
    const now = new Date().toISOString();
    const comment: IssueComment = {
      id,
      node_id: `IC_fake${id}`,
      url: `${this.origin}/repos/${repo}/issues/comments/${id}`,
      html_url: `https://github.com/${repo}/pull/${issue}#issuecomment-${id}`,
      issue_url: `${this.origin}/repos/${repo}/issues/${issue}`,
      body,
      user,
      created_at: now,
      updated_at: now,
      author_association: user.type === 'Bot' ? 'NONE' : 'MEMBER',
    };
    list.push(comment);
    return { ...comment };
  }

  #findComment(repo: string, id: number): { list: IssueComment[]; comment: IssueComment } {
    for (const [key, list] of this.#comments) {
      if (!key.startsWith(`${repo}#`)) continue;
      const comment = list.find((c) => c.id === id);
      if (comment) return { list, comment };
    }
    throw new HttpError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
  }

  #unprocessable(message: string): HttpError {
    return new HttpError(422, {
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequestReviewComment', code: 'custom', message }],
      documentation_url: DOCS,
      status: '422',
    });
  }

  /** POST .../pulls/:n/comments: the fields GitHub requires, and the line in the diff when the diff is known. */
  #newReviewComment(repo: string, pull: number, payload: unknown, user: GitHubUser): ReviewComment {
    const body = this.#commentBody(payload);
    const p = isRecord(payload) ? payload : {};
    if (typeof p.in_reply_to === 'number') {
      const parent = this.#findReviewComment(repo, p.in_reply_to);
      return this.#createReviewComment(repo, pull, { ...parent, body, user, in_reply_to_id: parent.id });
    }
    const { commit_id: commit, path, line, side, start_line: startLine } = p;
    if (typeof commit !== 'string' || !/^[0-9a-f]{40}$/.test(commit))
      throw this.#unprocessable('commit_id is not a commit of this pull request');
    if (typeof path !== 'string' || path === '') throw this.#unprocessable('path is missing');
    if (typeof line !== 'number' || !Number.isInteger(line) || line < 1)
      throw this.#unprocessable('line must be a positive integer');
    if (side !== undefined && side !== 'RIGHT' && side !== 'LEFT')
      throw this.#unprocessable('side must be LEFT or RIGHT');
    if (startLine !== undefined && (typeof startLine !== 'number' || startLine >= line))
      throw this.#unprocessable('start_line must precede line');
    const diff = this.#diffLines.get(`${repo}#${pull}`);
    if (diff) {
      const lines = diff.get(path);
      const first = typeof startLine === 'number' ? startLine : line;
      for (let n = first; n <= line; n++)
        if (!lines?.has(n))
          throw this.#unprocessable('pull_request_review_thread.line must be part of the diff');
    }
    return this.#createReviewComment(repo, pull, {
      body,
      commit_id: commit,
      path,
      line,
      ...(typeof startLine === 'number' ? { start_line: startLine } : {}),
      user,
    });
  }

  #createReviewComment(
    repo: string,
    pull: number,
    c: {
      body: string;
      commit_id: string;
      path: string;
      line: number;
      start_line?: number | null;
      user: GitHubUser;
      in_reply_to_id?: number;
    },
  ): ReviewComment {
    const key = `${repo}#${pull}`;
    const list = this.#reviewComments.get(key) ?? [];
    this.#reviewComments.set(key, list);
    const id = this.#nextReviewCommentId++;
    const now = new Date().toISOString();
    const comment: ReviewComment = {
      id,
      node_id: `PRRC_fake${id}`,
      pull_request_review_id: 8_000_000 + id,
      url: `${this.origin}/repos/${repo}/pulls/comments/${id}`,
      html_url: `https://github.com/${repo}/pull/${pull}#discussion_r${id}`,
      pull_request_url: `${this.origin}/repos/${repo}/pulls/${pull}`,
      commit_id: c.commit_id,
      original_commit_id: c.commit_id,
      path: c.path,
      line: c.line,
      start_line: c.start_line ?? null,
      side: 'RIGHT',
      start_side: c.start_line ? 'RIGHT' : null,
      original_line: c.line,
      ...(c.in_reply_to_id !== undefined ? { in_reply_to_id: c.in_reply_to_id } : {}),
      body: c.body,
      user: c.user,
      created_at: now,
      updated_at: now,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    };
    list.push(comment);
    const thread =
      c.in_reply_to_id !== undefined
        ? this.#threads.find((t) => t.commentIds.includes(c.in_reply_to_id ?? 0))
        : undefined;
    if (thread) thread.commentIds.push(id);
    else this.#threads.push({ id: `PRRT_fake${id}`, pull, repo, isResolved: false, commentIds: [id] });
    return { ...comment, user: { ...comment.user } };
  }

  #findReviewComment(repo: string, id: number): ReviewComment {
    for (const [key, list] of this.#reviewComments) {
      if (!key.startsWith(`${repo}#`)) continue;
      const comment = list.find((c) => c.id === id);
      if (comment) return comment;
    }
    throw new HttpError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
  }

  /**
   * POST /graphql: the two operations the gate sends, told apart by their text: a pull request's
   * `reviewThreads` (paged by a cursor that is the index of the next thread) and `resolveReviewThread`.
   */
  #graphql(r: RecordedRequest): Answer {
    const body = isRecord(r.body) ? r.body : {};
    const query = typeof body.query === 'string' ? body.query : '';
    const vars = isRecord(body.variables) ? body.variables : {};
    const fail = (message: string): Answer => ({
      status: 200,
      payload: { data: null, errors: [{ message }] },
    });
    if (/^\s*mutation\b/.test(query) && query.includes('resolveReviewThread')) {
      const thread = this.#threads.find((t) => t.id === vars.id);
      if (!thread) return fail(`Could not resolve to a node with the global id of '${String(vars.id)}'`);
      thread.isResolved = true;
      return {
        status: 200,
        payload: { data: { resolveReviewThread: { thread: { id: thread.id, isResolved: true } } } },
      };
    }
    if (query.includes('reviewThreads')) {
      const repo = `${String(vars.owner)}/${String(vars.repo)}`;
      const pull = Number(vars.number);
      const all = this.#threads.filter((t) => t.repo === repo && t.pull === pull);
      const start = typeof vars.after === 'string' ? Number(vars.after) : 0;
      const slice = all.slice(start, start + 100);
      const next = start + slice.length;
      return {
        status: 200,
        payload: {
          data: {
            repository: {
              pullRequest: {
                reviewThreads: {
                  pageInfo: { hasNextPage: next < all.length, endCursor: String(next) },
                  nodes: slice.map((t) => ({
                    id: t.id,
                    isResolved: t.isResolved,
                    comments: { nodes: t.commentIds.slice(0, 1).map((id) => ({ databaseId: id })) },
                  })),
                },
              },
            },
          },
        },
      };
    }
    return fail('FakeGitHub: unsupported GraphQL operation');
  }

  #createStatus(repo: string, sha: string, payload: unknown): CommitStatus {
    const p = isRecord(payload) ? payload : {};
    const state = p.state;
    if (typeof state !== 'string' || !(STATUS_STATES as readonly string[]).includes(state)) {
      throw new HttpError(422, {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'Status',
            code: 'custom',
            field: 'state',
            message: 'state is not included in the list',
          },
        ],
        documentation_url: DOCS,
        status: '422',
      });
    }
    if (!/^[0-9a-f]{40}$/.test(sha)) {
      throw new HttpError(422, {
        message: `No commit found for SHA: ${sha}`,
        documentation_url: DOCS,
        status: '422',
      });
    }
    const description = typeof p.description === 'string' ? p.description : null;
    if (description !== null && description.length > 140) {
      throw new HttpError(422, {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'Status',
            code: 'custom',
            field: 'description',
            message: 'description is too long (maximum is 140 characters)',
          },
        ],
        documentation_url: DOCS,
        status: '422',
      });
    }
    const id = this.#nextStatusId++;
    const now = new Date().toISOString();
    const status: CommitStatus = {
      id,
      node_id: `SC_fake${id}`,
      url: `${this.origin}/repos/${repo}/statuses/${sha}`,
      sha,
      state: state as CommitStatus['state'],
      context: typeof p.context === 'string' ? p.context : 'default',
      description,
      target_url: typeof p.target_url === 'string' ? p.target_url : null,
      created_at: now,
      updated_at: now,
      creator: { login: BOT_LOGIN, id: 41898282, type: 'Bot' },
    };
    this.statuses.push(status);
    return { ...status };
  }

  #combinedStatus(repo: string, sha: string, forSha: CommitStatus[]): unknown {
    const latest = new Map<string, CommitStatus>();
    for (const s of forSha) latest.set(s.context, s);
    const statuses = [...latest.values()];
    const states = statuses.map((s) => s.state);
    const state = states.some((s) => s === 'failure' || s === 'error')
      ? 'failure'
      : states.length === 0 || states.includes('pending')
        ? 'pending'
        : 'success';
    return {
      state,
      sha,
      total_count: statuses.length,
      statuses,
      repository: { full_name: repo },
      commit_url: `${this.origin}/repos/${repo}/commits/${sha}`,
      url: `${this.origin}/repos/${repo}/commits/${sha}/status`,
    };
  }
}

/** Starts a fake GitHub API on a free port of 127.0.0.1. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  return new FakeGitHub(options).start();
}
