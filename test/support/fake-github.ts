import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

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

export interface RecordedRequest {
  /** Order of arrival, from 1. */
  seq: number;
  method: string;
  /** The URL's path, without the query. */
  path: string;
  query: Record<string, string>;
  /** The parsed JSON body, or undefined when there was none (or it was not JSON). */
  body: unknown;
  rawBody: string;
  headers: IncomingHttpHeaders;
  /** The status the server answered with; 0 while the request is still held. */
  status: number;
  /** Whether the answer was an injected fault. */
  faulted: boolean;
  receivedAt: number;
}

/** Which requests a fault or delay applies to: all of them when omitted. */
export interface RequestMatch {
  method?: string;
  /** Exact path, or a pattern tested against it. */
  path?: string | RegExp;
  /** Any further test on the request (method, path, query and body are already parsed). */
  where?: (request: RecordedRequest) => boolean;
}

export interface FaultOptions extends RequestMatch {
  /** Sent as the `retry-after` header (seconds). */
  retryAfter?: number;
  /** The JSON body; default: `{ message }` with GitHub's wording for the status. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface DelayOptions extends RequestMatch {
  /** How many matching requests to delay; default: every one until `clearDelays()`. */
  times?: number;
}

export interface BarrierOptions extends RequestMatch {
  /** Give up waiting for the others after this long and answer anyway (default 15 s). */
  timeoutMs?: number;
}

export interface FakeGitHubOptions {
  /** When set, any other token gets GitHub's 401 "Bad credentials". */
  token?: string;
  /** Items per page when the request has no per_page (GitHub's default is 30). */
  defaultPerPage?: number;
}

interface Fault {
  match: RequestMatch;
  remaining: number;
  status: number;
  options: FaultOptions;
}

interface Delay {
  match: RequestMatch;
  remaining: number;
  ms: number;
}

interface Barrier {
  match: RequestMatch;
  size: number;
  waiting: Array<() => void>;
  timeoutMs: number;
}

class HttpError extends Error {
  readonly status: number;
  readonly payload: unknown;
  constructor(status: number, payload: unknown) {
    super(`HTTP ${status}`);
    this.status = status;
    this.payload = payload;
  }
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

function matches(match: RequestMatch, request: RecordedRequest): boolean {
  if (match.method && match.method.toUpperCase() !== request.method) return false;
  if (typeof match.path === 'string' && match.path !== request.path) return false;
  if (match.path instanceof RegExp && !match.path.test(request.path)) return false;
  if (match.where && !match.where(request)) return false;
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly statuses: CommitStatus[] = [];
  /** Every token the server was sent, in order of first use. */
  readonly tokens: string[] = [];
  /** Pull requests the server knows: number → head commit SHA. */
  readonly pullHeads = new Map<number, string>();

  readonly #options: FakeGitHubOptions;
  readonly #comments = new Map<string, IssueComment[]>();
  #faults: Fault[] = [];
  #delays: Delay[] = [];
  #barriers: Barrier[] = [];
  #server: Server | undefined;
  #url = '';
  #nextCommentId = 1_000_001;
  #nextStatusId = 5_000_001;
  #seq = 0;

  constructor(options: FakeGitHubOptions = {}) {
    this.#options = options;
  }

  /** The base URL, e.g. http://127.0.0.1:41234 (what GITHUB_API_URL is set to). */
  get url(): string {
    if (!this.#url) throw new Error('FakeGitHub: start() it first');
    return this.#url;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `fake-github: ${String(error)}` }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.#server = server;
    this.#url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    for (const barrier of this.#barriers) for (const release of barrier.waiting.splice(0)) release();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests that change something (everything but GET and HEAD). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
  }

  /** The comments on an issue or pull request, oldest first (copies). */
  comments(issue: number, repo = 'octo/shop'): IssueComment[] {
    return (this.#comments.get(`${repo}#${issue}`) ?? []).map((c) => ({ ...c }));
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

  /**
   * Answers the next `n` requests matching `options` with `status` instead of serving them
   * (e.g. 502, or 403 "Resource not accessible by integration"). Faults are consumed in the order
   * they were added.
   */
  failNext(n: number, status: number, options: FaultOptions = {}): void {
    this.#faults.push({ match: options, remaining: n, status, options });
  }

  /** Holds matching requests for `ms` before answering (computed after the wait). */
  delay(ms: number, options: DelayOptions = {}): void {
    this.#delays.push({ match: options, remaining: options.times ?? Number.POSITIVE_INFINITY, ms });
  }

  clearDelays(): void {
    this.#delays = [];
  }

  /**
   * Holds the first `size` matching requests until all of them have arrived, then answers them
   * together: two runs both list the comments before either creates one. Makes races certain
   * rather than likely.
   */
  barrier(size: number, options: BarrierOptions = {}): void {
    this.#barriers.push({ match: options, size, waiting: [], timeoutMs: options.timeoutMs ?? 15_000 });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawBody = await readBody(req);
    let body: unknown;
    let bodyIsJson = true;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        bodyIsJson = false;
      }
    }
    const record: RecordedRequest = {
      seq: ++this.#seq,
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      rawBody,
      headers: req.headers,
      status: 0,
      faulted: false,
      receivedAt: Date.now(),
    };
    this.requests.push(record);

    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      const text = payload === undefined ? '' : JSON.stringify(payload);
      res.writeHead(status, {
        'x-github-request-id': `FAKE:${record.seq}`,
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        'x-ratelimit-resource': 'core',
        ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        ...headers,
      });
      res.end(text);
    };

    await this.#wait(record);

    const fault = this.#faults.find((f) => f.remaining > 0 && matches(f.match, record));
    if (fault) {
      fault.remaining -= 1;
      this.#faults = this.#faults.filter((f) => f.remaining > 0);
      record.faulted = true;
      const headers: Record<string, string> = { ...fault.options.headers };
      if (fault.options.retryAfter !== undefined) headers['retry-after'] = String(fault.options.retryAfter);
      const payload = fault.options.body ?? {
        message: STATUS_MESSAGES[fault.status] ?? 'Error',
        documentation_url: DOCS,
        status: String(fault.status),
      };
      send(fault.status, payload, headers);
      return;
    }

    const auth = req.headers.authorization ?? '';
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(auth)?.[1];
    if (!token) {
      send(401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' });
      return;
    }
    if (!this.tokens.includes(token)) this.tokens.push(token);
    if (this.#options.token !== undefined && token !== this.#options.token) {
      send(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
      return;
    }
    if (!bodyIsJson) {
      send(400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
      return;
    }

    try {
      const [status, payload, headers] = this.#route(record);
      send(status, payload, headers);
    } catch (error) {
      if (error instanceof HttpError) send(error.status, error.payload);
      else throw error;
    }
  }

  async #wait(record: RecordedRequest): Promise<void> {
    const delay = this.#delays.find((d) => d.remaining > 0 && matches(d.match, record));
    if (delay) {
      delay.remaining -= 1;
      await sleep(delay.ms);
    }
    const barrier = this.#barriers.find((b) => b.size > 0 && matches(b.match, record));
    if (barrier) {
      barrier.size -= 1;
      if (barrier.size === 0) {
        for (const release of barrier.waiting.splice(0)) release();
      } else {
        await new Promise<void>((resolve) => {
          barrier.waiting.push(resolve);
          setTimeout(resolve, barrier.timeoutMs).unref();
        });
      }
    }
  }

  #route(r: RecordedRequest): [number, unknown, Record<string, string>?] {
    const parts = r.path.split('/').filter(Boolean).map(decodeURIComponent);
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
          return [
            201,
            this.#createComment(repo, issue, body, { login: BOT_LOGIN, id: 41898282, type: 'Bot' }),
          ];
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
        if (r.method === 'GET') return [200, found.comment];
        if (r.method === 'PATCH') {
          found.comment.body = this.#commentBody(r.body);
          found.comment.updated_at = new Date().toISOString();
          return [200, found.comment];
        }
        if (r.method === 'DELETE') {
          found.list.splice(found.list.indexOf(found.comment), 1);
          return [204, undefined];
        }
      }
      // /repos/:o/:r/pulls/:number (the fork-safe second half checks a PR's head commit)
      if (rest[0] === 'pulls' && rest.length === 2 && /^\d+$/.test(rest[1] ?? '') && r.method === 'GET') {
        const head = this.pullHeads.get(Number(rest[1]));
        if (head)
          return [
            200,
            {
              number: Number(rest[1]),
              state: 'open',
              head: { sha: head },
              base: { repo: { full_name: repo } },
            },
          ];
      }
      // /repos/:o/:r/statuses/:sha
      if (rest[0] === 'statuses' && rest.length === 2 && r.method === 'POST') {
        return [201, this.#createStatus(repo, rest[1] ?? '', r.body)];
      }
      // /repos/:o/:r/commits/:ref/statuses and /repos/:o/:r/commits/:ref/status
      if (rest[0] === 'commits' && rest.length === 3 && r.method === 'GET') {
        const sha = rest[1] ?? '';
        const forSha = this.statuses.filter((s) => s.sha === sha && s.url.includes(`/repos/${repo}/`));
        if (rest[2] === 'statuses') {
          const newestFirst = [...forSha].reverse();
          return this.#page(r, newestFirst);
        }
        if (rest[2] === 'status') return [200, this.#combinedStatus(repo, sha, forSha)];
      }
    }
    throw new HttpError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
  }

  #listComments(r: RecordedRequest, repo: string, issue: number): [number, unknown, Record<string, string>?] {
    return this.#page(r, this.comments(issue, repo));
  }

  /** One page of a list, with GitHub's `link` header when there is more than one page. */
  #page<T>(r: RecordedRequest, items: T[]): [number, unknown, Record<string, string>?] {
    const perPage = Math.min(100, positiveInt(r.query.per_page, this.#options.defaultPerPage ?? 30));
    const page = positiveInt(r.query.page, 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (p: number): string => {
      const u = new URL(r.path, this.#url);
      for (const [k, v] of Object.entries(r.query)) u.searchParams.set(k, v);
      u.searchParams.set('per_page', String(perPage));
      u.searchParams.set('page', String(p));
      return u.toString();
    };
    const rels: string[] = [];
    if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`);
    if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (page > 1) rels.push(`<${link(1)}>; rel="first"`);
    return [200, slice, rels.length > 0 ? { link: rels.join(', ') } : {}];
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
      url: `${this.#url}/repos/${repo}/issues/comments/${id}`,
      html_url: `https://github.com/${repo}/pull/${issue}#issuecomment-${id}`,
      issue_url: `${this.#url}/repos/${repo}/issues/${issue}`,
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
      url: `${this.#url}/repos/${repo}/statuses/${sha}`,
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
      commit_url: `${this.#url}/repos/${repo}/commits/${sha}`,
      url: `${this.#url}/repos/${repo}/commits/${sha}/status`,
    };
  }
}

/** Starts a fake GitHub API on a free port of 127.0.0.1. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  return new FakeGitHub(options).start();
}
