import type { IncomingHttpHeaders } from 'node:http';
import {
  type Answer,
  type BarrierOptions,
  type DelayOptions,
  FakeApiServer,
  HttpError,
  isRecord,
  parseJsonBody,
  type RecordedRequest,
  type RequestMatch,
  type RequestPredicate,
} from './fake-api-server.ts';
import { FakeGitLabChanges } from './fake-gitlab-changes.ts';

/*
 * A stand-in for the parts of GitLab's REST API v4 the GitLab integration uses: merge request notes
 * (plus a merge request, commit statuses and /user, should it ask). It listens on 127.0.0.1 and
 * speaks real HTTP, so the CLI's own GitLab client (pagination, retries) runs as it does against
 * gitlab.com. Every request is recorded; faults, delays and barriers can be injected.
 *
 * Behaviour copied from GitLab (https://docs.gitlab.com/api/notes/, /api/rest/):
 * - `:id` is a numeric project id or the URL-encoded path (`octo%2Fshop`); an unencoded path is a 404.
 * - Auth: `PRIVATE-TOKEN: <t>`, `Authorization: Bearer <t>` or `?private_token=`. The notes API does not
 *   accept CI job tokens: a `JOB-TOKEN` header (or `?job_token=`) gets 403.
 * - Notes are listed newest first (`sort=desc`, `order_by=created_at`) unless asked otherwise;
 *   20 per page by default, 100 at most, with x-page / x-per-page / x-next-page / x-prev-page /
 *   x-total / x-total-pages and a `link` header (prev, next, first, last).
 * - Parameters may come as JSON, a form, or the query string. A missing `body` is a 400; a note over
 *   1,000,000 characters is a 400.
 * - Only a note's author can edit it (403 otherwise); a maintainer-role bot may delete any note.
 * - 502 and 503 come back as HTML pages, as from GitLab's front proxy; 429 as text with Retry-After.
 */

export const API_PREFIX = '/api/v4';
export const PROJECT_ID = 123;
export const PROJECT_PATH = 'octo/shop';
export const FORK_PROJECT_ID = 456;
export const FORK_PROJECT_PATH = 'forker/shop';
/** The user a project access token acts as (GitLab names it project_<id>_bot…). */
export const BOT_USERNAME = 'project_123_bot';
/** GitLab's limit on a note's length. */
export const MAX_NOTE_BODY = 1_000_000;

export interface GitLabUser {
  id: number;
  username: string;
  name: string;
  state: 'active';
  locked: boolean;
  avatar_url: string | null;
  web_url: string;
  bot?: boolean;
}

export interface Note {
  id: number;
  type: string | null;
  body: string;
  attachment: null;
  author: GitLabUser;
  created_at: string;
  updated_at: string;
  system: boolean;
  noteable_id: number;
  noteable_type: 'MergeRequest';
  project_id: number;
  resolvable: boolean;
  confidential: boolean;
  internal: boolean;
  imported: boolean;
  imported_from: string;
  noteable_iid: number;
  commands_changes: Record<string, unknown>;
}

/** A diff note's anchor: the merge request's diff version and the head line it is on. */
export interface NotePosition {
  base_sha: string;
  start_sha: string;
  head_sha: string;
  position_type: 'text';
  old_path: string;
  new_path: string;
  new_line: number | null;
  old_line: number | null;
}

/** A note in a discussion: a Note with a position (diff notes) and resolution state. */
export interface DiscussionNote extends Note {
  position?: NotePosition;
  resolved: boolean;
  resolved_by: GitLabUser | null;
}

/** A merge request discussion: a thread of notes, the first of which starts it. */
export interface Discussion {
  id: string;
  individual_note: boolean;
  notes: DiscussionNote[];
}

/** A merge request's diff version (what a diff note's position names). */
export interface DiffRefs {
  base_sha: string;
  start_sha: string;
  head_sha: string;
}

export interface CommitStatus {
  id: number;
  sha: string;
  ref: string | null;
  status: 'pending' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped';
  name: string;
  target_url: string | null;
  description: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  allow_failure: boolean;
  coverage: number | null;
  pipeline_id: number | null;
  author: GitLabUser;
  project_id: number;
}

export interface FaultOptions extends RequestMatch {
  /** Sent as the `retry-after` header: seconds, or an HTTP date as a string. */
  retryAfter?: number | string;
  /** The body: an object is sent as JSON, a string as-is. Default: what GitLab sends for the status. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface FakeGitLabOptions {
  /** When set, only these tokens are accepted; any other gets GitLab's 401. */
  tokens?: string[];
  /** Projects the server knows: id → path. Default: 123 octo/shop and 456 forker/shop. */
  projects?: Record<number, string>;
  /** Items per page when the request has no per_page (GitLab's default is 20). */
  defaultPerPage?: number;
  /** The user every accepted token acts as. */
  bot?: Partial<GitLabUser>;
}

const STATUS_MESSAGES: Record<number, string> = {
  400: '400 Bad request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  409: '409 Conflict',
  422: '422 Unprocessable Entity',
  500: '500 Internal Server Error',
};

const STATUS_STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'] as const;

/** What GitLab's front proxy (Workhorse/NGINX) answers when Rails is down or slow. */
function errorPage(status: number): string {
  const title =
    status === 502
      ? '502 Whoops, GitLab is taking too much time to respond.'
      : status === 503
        ? '503 GitLab is not responding.'
        : `${status} Something went wrong`;
  return `<!DOCTYPE html>\n<html>\n<head><title>${title}</title></head>\n<body>\n<h1>${status}</h1>\n<h3>${title}</h3>\n<p>Try refreshing the page, or going back and attempting the action again.</p>\n</body>\n</html>\n`;
}

/** The fields of a multipart/form-data body (text fields only). */
function parseMultipart(raw: string, contentType: string): Record<string, string> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  const out: Record<string, string> = {};
  if (!marker) return out;
  for (const part of raw.split(`--${marker}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) continue;
    out[name] = part.slice(split + 4).replace(/\r\n$/, '');
  }
  return out;
}

function parseBody(raw: string, contentType: string): { body: unknown; ok: boolean } {
  if (raw.length === 0) return { body: undefined, ok: true };
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded')
    return { body: Object.fromEntries(new URLSearchParams(raw)), ok: true };
  if (type === 'multipart/form-data') return { body: parseMultipart(raw, contentType), ok: true };
  return parseJsonBody(raw);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function copyDiscussion(d: Discussion): Discussion {
  return {
    ...d,
    notes: d.notes.map((n) => ({
      ...n,
      author: { ...n.author },
      commands_changes: { ...n.commands_changes },
      ...(n.position ? { position: { ...n.position } } : {}),
    })),
  };
}

/** `position` from a JSON object or from `position[key]` form fields, as Grape reads both. */
function positionParams(body: unknown): Record<string, unknown> | undefined {
  if (!isRecord(body)) return undefined;
  if (isRecord(body.position)) return body.position;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    const m = /^position\[([a-z_]+)\]$/.exec(k);
    if (m?.[1]) out[m[1]] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function copyNote(note: Note): Note {
  return { ...note, author: { ...note.author }, commands_changes: { ...note.commands_changes } };
}

export class FakeGitLab extends FakeApiServer<FaultOptions> {
  // `tokens` (inherited): every PRIVATE-TOKEN / Bearer token the server was sent, in order of first use.
  /** Every CI job token the server was sent (each such request got a 403). */
  readonly jobTokens: string[] = [];
  readonly statuses: CommitStatus[] = [];
  /** Merge requests with a known source project (iid → project id); others come from the project itself. */
  readonly mergeRequestSources = new Map<number, number>();
  readonly bot: GitLabUser;
  /** Merged merge requests, approvals, files, groups, pipelines and jobs (change management, audit). */
  readonly changes = new FakeGitLabChanges();

  readonly #options: FakeGitLabOptions;
  readonly #projects: Map<number, string>;
  /** `${projectId}!${iid}` → notes, oldest first. */
  readonly #notes = new Map<string, Note[]>();
  /** `${projectId}!${iid}` → discussions, oldest first. */
  readonly #discussions = new Map<string, Discussion[]>();
  /** Merge requests' diff versions (iid → refs): what GET merge_requests/:iid says in diff_refs. */
  readonly diffRefs = new Map<number, DiffRefs>();
  /**
   * Merge requests' diffs, when a test says them (iid → new path → head lines in the diff): a diff
   * note on another line is refused with 400, as GitLab refuses a position it cannot find.
   */
  readonly #diffLines = new Map<number, Map<string, ReadonlySet<number>>>();
  #nextDiscussion = 1;
  #nextNoteId = 3_000_001;
  #nextStatusId = 7_000_001;

  constructor(options: FakeGitLabOptions = {}) {
    super('GitLab');
    this.#options = options;
    const projects = options.projects ?? { [PROJECT_ID]: PROJECT_PATH, [FORK_PROJECT_ID]: FORK_PROJECT_PATH };
    this.#projects = new Map(Object.entries(projects).map(([id, p]) => [Number(id), p]));
    this.bot = {
      id: 9_100_123,
      username: BOT_USERNAME,
      name: 'controlgate',
      state: 'active',
      locked: false,
      avatar_url: null,
      web_url: `https://gitlab.example.com/${BOT_USERNAME}`,
      bot: true,
      ...options.bot,
    };
  }

  /** url + '/api/v4' (what CI_API_V4_URL is set to; url is what CI_SERVER_URL is set to). */
  get apiUrl(): string {
    return `${this.url}${API_PREFIX}`;
  }

  /** The notes on a merge request, oldest first (copies). `project` is an id or a path. */
  notes(iid: number, project: number | string = PROJECT_ID): Note[] {
    const id = this.#projectId(String(project));
    return (this.#notes.get(`${id}!${iid}`) ?? []).map(copyNote);
  }

  /** Puts a note there as if it had been written earlier (by a person unless `author` says otherwise). */
  seedNote(
    iid: number,
    body: string,
    options: { project?: number | string; author?: Partial<GitLabUser>; system?: boolean } = {},
  ): Note {
    const author: GitLabUser = {
      id: 583_231,
      username: 'dev.alice',
      name: 'Alice Developer',
      state: 'active',
      locked: false,
      avatar_url: null,
      web_url: 'https://gitlab.example.com/dev.alice',
      ...options.author,
    };
    const project = this.#projectId(String(options.project ?? PROJECT_ID));
    if (project === undefined) throw new Error(`FakeGitLab: unknown project ${String(options.project)}`);
    return this.#createNote(project, iid, body, author, options.system ?? false);
  }

  /** The discussions on a merge request, oldest first (copies). */
  discussions(iid: number, project: number | string = PROJECT_ID): Discussion[] {
    const id = this.#projectId(String(project));
    return (this.#discussions.get(`${id}!${iid}`) ?? []).map(copyDiscussion);
  }

  /** Says which head lines of each file are in the merge request's diff. */
  setDiff(iid: number, lines: Record<string, Iterable<number>>): void {
    this.#diffLines.set(iid, new Map(Object.entries(lines).map(([file, set]) => [file, new Set(set)])));
  }

  /** A diff discussion as if a person had started it earlier (`author` may say otherwise). */
  seedDiscussion(
    iid: number,
    note: { body: string; path: string; line: number },
    options: { author?: Partial<GitLabUser> } = {},
  ): Discussion {
    const author: GitLabUser = {
      id: 583_231,
      username: 'dev.alice',
      name: 'Alice Developer',
      state: 'active',
      locked: false,
      avatar_url: null,
      web_url: 'https://gitlab.example.com/dev.alice',
      ...options.author,
    };
    const refs = this.diffRefs.get(iid) ?? {
      base_sha: 'a'.repeat(40),
      start_sha: 'a'.repeat(40),
      head_sha: 'b'.repeat(40),
    };
    const position: NotePosition = {
      ...refs,
      position_type: 'text',
      old_path: note.path,
      new_path: note.path,
      new_line: note.line,
      old_line: null,
    };
    return this.#createDiscussion(PROJECT_ID, iid, note.body, author, position);
  }

  /** Deletes a note as someone else would (e.g. from a hook between two calls); false if absent. */
  removeNote(iid: number, id: number, project: number | string = PROJECT_ID): boolean {
    const list = this.#notes.get(`${this.#projectId(String(project))}!${iid}`) ?? [];
    const at = list.findIndex((n) => n.id === id);
    if (at < 0) return false;
    list.splice(at, 1);
    return true;
  }

  /** Rewrites a note's body as someone else would (e.g. a concurrent run); false if absent. */
  editNote(iid: number, id: number, body: string, project: number | string = PROJECT_ID): boolean {
    const note = this.#notes.get(`${this.#projectId(String(project))}!${iid}`)?.find((n) => n.id === id);
    if (!note) return false;
    note.body = body;
    note.updated_at = new Date().toISOString();
    return true;
  }

  /** As FakeApiServer's, and `match` may also be a predicate. */
  override failNext(n: number, status: number, match?: FaultOptions | RequestPredicate): void {
    super.failNext(n, status, typeof match === 'function' ? { where: match } : match);
  }

  /** As FakeApiServer's, and `match` may also be a predicate. */
  override delay(ms: number, match?: DelayOptions | RequestPredicate): void {
    super.delay(ms, typeof match === 'function' ? { where: match } : match);
  }

  /** As FakeApiServer's, and `match` may also be a predicate. */
  override barrier(size: number, match?: BarrierOptions | RequestPredicate): void {
    super.barrier(size, typeof match === 'function' ? { where: match } : match);
  }

  protected override parseBody(raw: string, headers: IncomingHttpHeaders): { body: unknown; ok: boolean } {
    return parseBody(raw, header(headers, 'content-type') ?? '');
  }

  protected override baseHeaders(record: RecordedRequest): Record<string, string> {
    return {
      'x-request-id': `01FAKE${String(record.seq).padStart(20, '0')}`,
      'x-runtime': '0.012345',
      'cache-control': 'no-cache',
    };
  }

  /** A string payload goes out as text, bytes as a zip (job artifacts), anything else as JSON. */
  protected override encode(payload: unknown): { text: string | Uint8Array; contentType?: string } {
    if (payload === undefined) return { text: '' };
    if (payload instanceof Uint8Array) return { text: payload, contentType: 'application/zip' };
    if (typeof payload === 'string') return { text: payload, contentType: 'text/plain; charset=utf-8' };
    return { text: JSON.stringify(payload), contentType: 'application/json' };
  }

  /** GitLab's answer for the status: 502/503/504 as the front proxy's HTML page, 429 as text. */
  protected override faultAnswer(status: number, options: FaultOptions): Answer {
    const headers: Record<string, string> = {};
    if (options.retryAfter !== undefined) headers['retry-after'] = String(options.retryAfter);
    let payload: unknown = options.body;
    if (payload === undefined) {
      if (status === 502 || status === 503 || status === 504) {
        payload = errorPage(status);
        headers['content-type'] = 'text/html; charset=utf-8';
      } else if (status === 429) {
        payload = 'Retry later\n';
        headers['retry-after'] ??= '1';
        headers['ratelimit-name'] = 'throttle_authenticated_api';
        headers['ratelimit-limit'] = '2000';
        headers['ratelimit-observed'] = '2001';
        headers['ratelimit-remaining'] = '0';
        headers['ratelimit-reset'] = String(Math.floor(Date.now() / 1000) + 1);
      } else {
        payload = { message: STATUS_MESSAGES[status] ?? `${status} Error` };
      }
    }
    if (options.contentType) headers['content-type'] = options.contentType;
    return { status, payload, headers: { ...headers, ...options.headers } };
  }

  protected override authenticate(record: RecordedRequest): Answer | undefined {
    const jobToken = header(record.headers, 'job-token') ?? record.query.job_token;
    const privateToken =
      header(record.headers, 'private-token') ??
      /^bearer\s+(\S+)$/i.exec(header(record.headers, 'authorization') ?? '')?.[1] ??
      record.query.private_token;
    if (jobToken !== undefined) {
      if (!this.jobTokens.includes(jobToken)) this.jobTokens.push(jobToken);
      // Job tokens reach only a short list of endpoints; notes are not on it.
      return { status: 403, payload: { message: '403 Forbidden' } };
    }
    if (privateToken === undefined || privateToken === '')
      return { status: 401, payload: { message: '401 Unauthorized' } };
    this.recordToken(privateToken);
    if (this.#options.tokens !== undefined && !this.#options.tokens.includes(privateToken))
      return { status: 401, payload: { message: '401 Unauthorized' } };
    return undefined;
  }

  protected override invalidBody(): Answer {
    return {
      status: 400,
      payload: { error: 'The provided content-type is not supported or the body is not valid JSON' },
    };
  }

  /** A project id from an `:id` path segment (already decoded): a number or a full path. */
  #projectId(segment: string): number | undefined {
    if (/^\d+$/.test(segment)) {
      const id = Number(segment);
      return this.#projects.has(id) ? id : undefined;
    }
    for (const [id, p] of this.#projects) if (p.toLowerCase() === segment.toLowerCase()) return id;
    return undefined;
  }

  /** A request parameter from the body (JSON or form) or, as Grape allows, the query string. */
  #param(r: RecordedRequest, name: string): unknown {
    if (isRecord(r.body) && r.body[name] !== undefined) return r.body[name];
    return r.query[name];
  }

  protected override route(r: RecordedRequest): Answer {
    if (!r.path.startsWith(`${API_PREFIX}/`)) throw new HttpError(404, { error: '404 Not Found' });
    const raw = r.path.slice(API_PREFIX.length + 1).split('/');
    let parts: string[];
    try {
      parts = raw.map(decodeURIComponent);
    } catch {
      throw new HttpError(400, { error: 'Invalid path' });
    }
    const project0 = parts[0] === 'projects' ? this.#projectId(parts[1] ?? '') : undefined;
    const changes = this.changes.route(r, parts, project0, {
      page: (req, items) => this.#page(req, items),
      projectPath: (id) => this.#projects.get(id) ?? '',
    });
    if (changes) return changes;
    if (parts.length === 1 && parts[0] === 'user' && r.method === 'GET')
      return { status: 200, payload: this.bot };
    if (parts[0] !== 'projects' || parts.length < 2) throw new HttpError(404, { error: '404 Not Found' });

    const project = this.#projectId(parts[1] ?? '');
    const rest = parts.slice(2);
    if (project === undefined) {
      // An unencoded path (projects/octo/shop/…) lands here too: GitLab cannot route it either.
      throw new HttpError(404, { message: '404 Project Not Found' });
    }

    // /projects/:id/merge_requests/:iid[/notes[/:note_id]]
    if (rest[0] === 'merge_requests' && /^\d+$/.test(rest[1] ?? '')) {
      const iid = Number(rest[1]);
      if (rest.length === 2 && r.method === 'GET')
        return { status: 200, payload: this.#mergeRequest(project, iid) };
      if (rest[2] === 'notes' && rest.length === 3) {
        if (r.method === 'GET') return this.#listNotes(r, project, iid);
        if (r.method === 'POST') {
          const body = this.#noteBody(r);
          return { status: 201, payload: this.#createNote(project, iid, body, this.bot, false) };
        }
        throw new HttpError(405, { message: '405 Method Not Allowed' });
      }
      if (rest[2] === 'notes' && rest.length === 4 && /^\d+$/.test(rest[3] ?? '')) {
        const id = Number(rest[3]);
        const { list, note } = this.#findNote(project, iid, id);
        if (r.method === 'GET') return { status: 200, payload: copyNote(note) };
        if (r.method === 'PUT') {
          const body = this.#noteBody(r);
          if (note.author.id !== this.bot.id || note.system)
            throw new HttpError(403, { message: '403 Forbidden' });
          note.body = body;
          note.updated_at = new Date().toISOString();
          return { status: 200, payload: copyNote(note) };
        }
        if (r.method === 'DELETE') {
          if (note.system) throw new HttpError(403, { message: '403 Forbidden' });
          list.splice(list.indexOf(note), 1);
          return { status: 204 };
        }
        throw new HttpError(405, { message: '405 Method Not Allowed' });
      }
    }

    // /projects/:id/merge_requests/:iid/discussions[/:discussion_id[/notes/:note_id]]
    if (rest[0] === 'merge_requests' && /^\d+$/.test(rest[1] ?? '') && rest[2] === 'discussions') {
      return this.#routeDiscussions(r, project, Number(rest[1]), rest.slice(3));
    }

    // /projects/:id/statuses/:sha
    if (rest[0] === 'statuses' && rest.length === 2 && r.method === 'POST') {
      return { status: 201, payload: this.#createStatus(project, rest[1] ?? '', r) };
    }
    throw new HttpError(404, { error: '404 Not Found' });
  }

  #routeDiscussions(r: RecordedRequest, project: number, iid: number, rest: string[]): Answer {
    const key = `${project}!${iid}`;
    if (rest.length === 0) {
      if (r.method === 'GET') return this.#page(r, this.discussions(iid, project));
      if (r.method === 'POST') {
        const body = this.#noteBody(r);
        const p = positionParams(r.body);
        let position: NotePosition | undefined;
        if (p) {
          const refs = this.diffRefs.get(iid);
          const str = (name: string): string => (typeof p[name] === 'string' ? (p[name] as string) : '');
          for (const name of ['base_sha', 'start_sha', 'head_sha', 'position_type', 'new_path'])
            if (!str(name)) throw new HttpError(400, { error: `position[${name}] is missing` });
          if (
            refs &&
            (str('base_sha') !== refs.base_sha ||
              str('start_sha') !== refs.start_sha ||
              str('head_sha') !== refs.head_sha)
          )
            throw new HttpError(400, {
              message:
                '400 Bad request - Note {:line_code=>["can\'t be blank", "must be a valid line code"]}',
            });
          const line = Number(p.new_line);
          if (!Number.isInteger(line) || line < 1)
            throw new HttpError(400, { error: 'position[new_line] is invalid' });
          const lines = this.#diffLines.get(iid);
          if (lines && !lines.get(str('new_path'))?.has(line))
            throw new HttpError(400, {
              message:
                '400 Bad request - Note {:line_code=>["can\'t be blank", "must be a valid line code"]}',
            });
          position = {
            base_sha: str('base_sha'),
            start_sha: str('start_sha'),
            head_sha: str('head_sha'),
            position_type: 'text',
            old_path: str('old_path') || str('new_path'),
            new_path: str('new_path'),
            new_line: line,
            old_line: null,
          };
        }
        return {
          status: 201,
          payload: copyDiscussion(this.#createDiscussion(project, iid, body, this.bot, position)),
        };
      }
      throw new HttpError(405, { message: '405 Method Not Allowed' });
    }
    const discussion = (this.#discussions.get(key) ?? []).find((d) => d.id === rest[0]);
    if (!discussion) throw new HttpError(404, { message: '404 Discussion Not Found' });
    if (rest.length === 1 && r.method === 'GET') return { status: 200, payload: copyDiscussion(discussion) };
    if (rest.length === 1 && r.method === 'PUT') {
      const resolved = this.#param(r, 'resolved');
      if (resolved !== 'true' && resolved !== 'false' && typeof resolved !== 'boolean')
        throw new HttpError(400, { error: 'resolved is missing' });
      const value = resolved === true || resolved === 'true';
      for (const n of discussion.notes) {
        if (!n.resolvable) continue;
        n.resolved = value;
        n.resolved_by = value ? { ...this.bot } : null;
      }
      return { status: 200, payload: copyDiscussion(discussion) };
    }
    if (rest.length === 3 && rest[1] === 'notes' && /^\d+$/.test(rest[2] ?? '') && r.method === 'PUT') {
      const note = discussion.notes.find((n) => n.id === Number(rest[2]));
      if (!note) throw new HttpError(404, { message: '404 Note Not Found' });
      if (note.author.id !== this.bot.id) throw new HttpError(403, { message: '403 Forbidden' });
      note.body = this.#noteBody(r);
      note.updated_at = new Date().toISOString();
      return { status: 200, payload: { ...note, author: { ...note.author } } };
    }
    throw new HttpError(405, { message: '405 Method Not Allowed' });
  }

  #createDiscussion(
    project: number,
    iid: number,
    body: string,
    author: GitLabUser,
    position: NotePosition | undefined,
  ): Discussion {
    const key = `${project}!${iid}`;
    const list = this.#discussions.get(key) ?? [];
    this.#discussions.set(key, list);
    const now = new Date().toISOString();
    const id = (this.#nextDiscussion++).toString(16).padStart(40, 'd');
    const note: DiscussionNote = {
      id: this.#nextNoteId++,
      type: position ? 'DiffNote' : 'DiscussionNote',
      body,
      attachment: null,
      author: { ...author },
      created_at: now,
      updated_at: now,
      system: false,
      noteable_id: 90_000 + iid,
      noteable_type: 'MergeRequest',
      project_id: project,
      resolvable: true,
      confidential: false,
      internal: false,
      imported: false,
      imported_from: 'none',
      noteable_iid: iid,
      commands_changes: {},
      ...(position ? { position } : {}),
      resolved: false,
      resolved_by: null,
    };
    const discussion: Discussion = { id, individual_note: false, notes: [note] };
    list.push(discussion);
    return discussion;
  }

  #mergeRequest(project: number, iid: number): unknown {
    const source = this.mergeRequestSources.get(iid) ?? project;
    const refs = this.diffRefs.get(iid);
    return {
      ...(refs ? { diff_refs: { ...refs }, sha: refs.head_sha } : {}),
      id: 90_000 + iid,
      iid,
      project_id: project,
      title: 'Checkout v2',
      state: 'opened',
      source_branch: 'feature/checkout-v2',
      target_branch: 'main',
      source_project_id: source,
      target_project_id: project,
      web_url: `https://gitlab.example.com/${this.#projects.get(project) ?? ''}/-/merge_requests/${iid}`,
    };
  }

  /** One page of the notes, in GitLab's order and with its pagination headers. */
  #listNotes(r: RecordedRequest, project: number, iid: number): Answer {
    const sort = (r.query.sort ?? 'desc').toLowerCase();
    const orderBy = r.query.order_by ?? 'created_at';
    if (sort !== 'asc' && sort !== 'desc')
      throw new HttpError(400, { error: 'sort does not have a valid value' });
    if (orderBy !== 'created_at' && orderBy !== 'updated_at')
      throw new HttpError(400, { error: 'order_by does not have a valid value' });
    const key = (n: Note): string => (orderBy === 'updated_at' ? n.updated_at : n.created_at);
    const notes = this.notes(iid, project).sort((a, b) => key(a).localeCompare(key(b)) || a.id - b.id);
    if (sort === 'desc') notes.reverse();
    return this.#page(r, notes);
  }

  #page<T>(r: RecordedRequest, items: T[]): Answer {
    const { page, perPage, totalPages, slice } = this.paginate(r, items, this.#options.defaultPerPage ?? 20);
    const link = (p: number): string =>
      this.pageLink(r, { page: String(p), per_page: String(perPage) }, ['private_token']);
    const rels: string[] = [];
    if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`);
    if (page < totalPages) rels.push(`<${link(page + 1)}>; rel="next"`);
    rels.push(`<${link(1)}>; rel="first"`, `<${link(totalPages)}>; rel="last"`);
    return {
      status: 200,
      payload: slice,
      headers: {
        link: rels.join(', '),
        'x-page': String(page),
        'x-per-page': String(perPage),
        'x-next-page': page < totalPages ? String(page + 1) : '',
        'x-prev-page': page > 1 ? String(page - 1) : '',
        'x-total': String(items.length),
        'x-total-pages': String(totalPages),
      },
    };
  }

  #noteBody(r: RecordedRequest): string {
    const body = this.#param(r, 'body');
    if (typeof body !== 'string' || body.length === 0) throw new HttpError(400, { error: 'body is missing' });
    if (body.length > MAX_NOTE_BODY) {
      throw new HttpError(400, {
        message: { note: [`is too long (maximum is ${MAX_NOTE_BODY} characters)`] },
      });
    }
    return body;
  }

  #createNote(project: number, iid: number, body: string, author: GitLabUser, system: boolean): Note {
    const key = `${project}!${iid}`;
    const list = this.#notes.get(key) ?? [];
    this.#notes.set(key, list);
    const now = new Date().toISOString();
    const note: Note = {
      id: this.#nextNoteId++,
      type: null,
      body,
      attachment: null,
      author: { ...author },
      created_at: now,
      updated_at: now,
      system,
      noteable_id: 90_000 + iid,
      noteable_type: 'MergeRequest',
      project_id: project,
      resolvable: false,
      confidential: false,
      internal: false,
      imported: false,
      imported_from: 'none',
      noteable_iid: iid,
      commands_changes: {},
    };
    list.push(note);
    return copyNote(note);
  }

  #findNote(project: number, iid: number, id: number): { list: Note[]; note: Note } {
    const list = this.#notes.get(`${project}!${iid}`) ?? [];
    const note = list.find((n) => n.id === id);
    if (!note) throw new HttpError(404, { message: '404 Not found' });
    return { list, note };
  }

  #createStatus(project: number, sha: string, r: RecordedRequest): CommitStatus {
    const state = this.#param(r, 'state');
    if (typeof state !== 'string' || !(STATUS_STATES as readonly string[]).includes(state)) {
      throw new HttpError(400, { error: 'state does not have a valid value' });
    }
    if (!/^[0-9a-f]{40}$/.test(sha)) throw new HttpError(404, { message: '404 Commit Not Found' });
    const str = (name: string): string | null => {
      const v = this.#param(r, name);
      return typeof v === 'string' ? v : null;
    };
    const now = new Date().toISOString();
    const done = state !== 'pending' && state !== 'running';
    const status: CommitStatus = {
      id: this.#nextStatusId++,
      sha,
      ref: str('ref'),
      status: state as CommitStatus['status'],
      name: str('name') ?? str('context') ?? 'default',
      target_url: str('target_url'),
      description: str('description'),
      created_at: now,
      started_at: state === 'pending' ? null : now,
      finished_at: done ? now : null,
      allow_failure: false,
      coverage: null,
      pipeline_id: null,
      author: { ...this.bot },
      project_id: project,
    };
    this.statuses.push(status);
    return { ...status };
  }
}

/** Starts a fake GitLab API on a free port of 127.0.0.1. */
export async function startFakeGitLab(options: FakeGitLabOptions = {}): Promise<FakeGitLab> {
  return new FakeGitLab(options).start();
}
