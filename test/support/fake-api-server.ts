import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * The machinery the fake GitHub and GitLab APIs share: a loopback HTTP server on a free port,
 * request recording, fault injection (error statuses, dropped connections, requests never
 * answered), delays, barriers and hooks, token recording, and pagination.
 * Each fake extends FakeApiServer and supplies what differs: body parsing, authentication, the
 * headers and wording of its answers, and the routes themselves.
 */

export interface RecordedRequest {
  /** Order of arrival, from 1. */
  seq: number;
  method: string;
  /** The URL's path, without the query, as sent (still percent-encoded). */
  path: string;
  query: Record<string, string>;
  /** The parsed body; undefined when there was none (or it could not be parsed). */
  body: unknown;
  rawBody: string;
  headers: IncomingHttpHeaders;
  /** The status the server answered with; 0 while the request is still held. */
  status: number;
  /** Whether the answer was an injected fault. */
  faulted: boolean;
  /**
   * The connection was dropped (`reset`; `status` is what the route would have answered, or 0 if
   * it never ran) or the request was never answered (`hang`).
   */
  interrupted?: 'reset' | 'hang';
  receivedAt: number;
}

export type RequestPredicate = (request: RecordedRequest) => boolean;

/** Which requests a fault, delay or barrier applies to: all of them when omitted. */
export interface RequestMatch {
  method?: string;
  /** Exact path (as recorded), or a pattern tested against it. */
  path?: string | RegExp;
  /** Any further test on the request (method, path, query and body are already parsed). */
  where?: RequestPredicate;
}

export interface DelayOptions extends RequestMatch {
  /** How many matching requests to delay; default: every one until `clearDelays()`. */
  times?: number;
}

/** Where in the exchange `resetNext` drops the connection. */
export type ResetPoint =
  /** Before the server does anything: nothing changes, no byte of an answer is sent. */
  | 'before'
  /** After the server made the change: the client never hears that it happened. */
  | 'after-apply'
  /** After the status line, the headers and half the body of the answer (the change is made). */
  | 'mid-body';

export interface ResetOptions extends RequestMatch {
  /** Default: 'before'. */
  when?: ResetPoint;
}

export interface HookOptions extends RequestMatch {
  /** How many matching requests run the hook; default 1. */
  times?: number;
}

export interface BarrierOptions extends RequestMatch {
  /** Give up waiting for the others after this long and answer anyway (default 15 s). */
  timeoutMs?: number;
}

/** What the server sends: an object payload goes out as JSON (see `encode`). */
export interface Answer {
  status: number;
  payload?: unknown;
  headers?: Record<string, string>;
}

/** Thrown from a route to answer with an error. */
export class HttpError extends Error {
  readonly status: number;
  readonly payload: unknown;
  constructor(status: number, payload: unknown) {
    super(`HTTP ${status}`);
    this.status = status;
    this.payload = payload;
  }
}

type Fault<F> = { match: RequestMatch; remaining: number } & (
  | { kind: 'status'; status: number; options: F }
  | { kind: 'reset'; when: ResetPoint }
  | { kind: 'hang' }
);

interface Hook {
  match: RequestMatch;
  remaining: number;
  run: (request: RecordedRequest) => void;
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

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** A body parsed as JSON; `ok` is false when there was one and it was not JSON. */
export function parseJsonBody(raw: string): { body: unknown; ok: boolean } {
  if (raw.length === 0) return { body: undefined, ok: true };
  try {
    return { body: JSON.parse(raw) as unknown, ok: true };
  } catch {
    return { body: undefined, ok: false };
  }
}

/** One page of a list. */
export interface Page<T> {
  page: number;
  perPage: number;
  totalPages: number;
  slice: T[];
}

/**
 * A loopback stand-in for a REST API. `F` is the fake's fault options (at least a RequestMatch).
 */
export abstract class FakeApiServer<F extends RequestMatch = RequestMatch> {
  readonly requests: RecordedRequest[] = [];
  /** Every token the server was sent, in order of first use. */
  readonly tokens: string[] = [];

  /** E.g. 'GitHub': errors say FakeGitHub / fake-github. */
  readonly #name: string;
  #faults: Array<Fault<F>> = [];
  #delays: Delay[] = [];
  #barriers: Barrier[] = [];
  #hooks: Hook[] = [];
  /** Releases the requests held by `hangNext` (their connections are then destroyed). */
  #hung: Array<() => void> = [];
  #server: Server | undefined;
  #url = '';
  #seq = 0;

  constructor(name: string) {
    this.#name = name;
  }

  /** The base URL, e.g. http://127.0.0.1:41234. */
  get url(): string {
    if (!this.#url) throw new Error(`Fake${this.#name}: start() it first`);
    return this.#url;
  }

  /** The base URL, or '' before start() (for URLs in objects made before it). */
  protected get origin(): string {
    return this.#url;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `fake-${this.#name.toLowerCase()}: ${String(error)}` }));
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
    for (const release of this.#hung.splice(0)) release();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests that change something (everything but GET and HEAD). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
  }

  /**
   * Answers the next `n` requests matching `options` with `status` instead of serving them.
   * Faults are consumed in the order they were added.
   */
  failNext(n: number, status: number, options: F = {} as F): void {
    this.#faults.push({ match: options, remaining: n, kind: 'status', status, options });
  }

  /**
   * Drops the connection of the next `n` matching requests at `options.when` (see ResetPoint), as
   * a proxy restart or a network fault does. Shares the queue (and its order) with `failNext`.
   */
  resetNext(n: number, options: ResetOptions = {}): void {
    this.#faults.push({ match: options, remaining: n, kind: 'reset', when: options.when ?? 'before' });
  }

  /**
   * Never answers the next `n` matching requests: they are held, unchanged, until `stop()`. Only a
   * client-side timeout gets the caller out. Shares the queue with `failNext`.
   */
  hangNext(n: number, options: RequestMatch = {}): void {
    this.#faults.push({ match: options, remaining: n, kind: 'hang' });
  }

  /**
   * Runs `hook` right after a matching request was served (not for injected faults), before the
   * server handles anything else: the way to change the state between two calls of a client, as a
   * person or a concurrent run would (e.g. delete a comment between its list and its update).
   */
  afterServed(hook: (request: RecordedRequest) => void, options: HookOptions = {}): void {
    this.#hooks.push({ match: options, remaining: options.times ?? 1, run: hook });
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
   * together. Makes races certain rather than likely.
   */
  barrier(size: number, options: BarrierOptions = {}): void {
    this.#barriers.push({ match: options, size, waiting: [], timeoutMs: options.timeoutMs ?? 15_000 });
  }

  /** Parses a request body; `ok: false` gets `invalidBody()` (after authentication). */
  protected parseBody(raw: string, _headers: IncomingHttpHeaders): { body: unknown; ok: boolean } {
    return parseJsonBody(raw);
  }

  /** Headers sent with every answer. */
  protected abstract baseHeaders(record: RecordedRequest): Record<string, string>;

  /** The answer to an injected fault with no handler of its own. */
  protected abstract faultAnswer(status: number, options: F): Answer;

  /** An error answer when the request's credentials are missing or refused; undefined lets it through. */
  protected abstract authenticate(record: RecordedRequest): Answer | undefined;

  /** The answer to a body `parseBody` could not parse. */
  protected abstract invalidBody(): Answer;

  /** Serves the request (may throw HttpError). */
  protected abstract route(record: RecordedRequest): Answer;

  /** The text (or bytes) of a payload and its content type (JSON by default). */
  protected encode(payload: unknown): { text: string | Uint8Array; contentType?: string } {
    if (payload === undefined) return { text: '' };
    return { text: JSON.stringify(payload), contentType: 'application/json; charset=utf-8' };
  }

  /** Notes a token in `tokens` (once). */
  protected recordToken(token: string): void {
    if (!this.tokens.includes(token)) this.tokens.push(token);
  }

  /** Slices out the page `r` asks for (`per_page` at most 100, `page` from 1). */
  protected paginate<T>(r: RecordedRequest, items: T[], defaultPerPage: number): Page<T> {
    const perPage = Math.min(100, positiveInt(r.query.per_page, defaultPerPage));
    const page = positiveInt(r.query.page, 1);
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    return { page, perPage, totalPages, slice };
  }

  /** The request's URL with its query (less `omit`) and then `params` set, in that order. */
  protected pageLink(r: RecordedRequest, params: Record<string, string>, omit: string[] = []): string {
    const u = new URL(r.path, this.#url);
    for (const [k, v] of Object.entries(r.query)) if (!omit.includes(k)) u.searchParams.set(k, v);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return u.toString();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawBody = await readBody(req);
    const parsed = this.parseBody(rawBody, req.headers);
    const record: RecordedRequest = {
      seq: ++this.#seq,
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parsed.body,
      rawBody,
      headers: req.headers,
      status: 0,
      faulted: false,
      receivedAt: Date.now(),
    };
    this.requests.push(record);

    const send = ({ status, payload, headers = {} }: Answer): void => {
      record.status = status;
      const { text, contentType } = this.encode(payload);
      res.writeHead(status, {
        ...this.baseHeaders(record),
        ...(text && contentType ? { 'content-type': contentType } : {}),
        ...headers,
      });
      res.end(text);
    };

    // The whole answer is announced (content-length), half of it sent, then the connection dropped.
    const sendHalf = ({ status, payload, headers = {} }: Answer): void => {
      const { text, contentType } = this.encode(payload);
      const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text);
      res.writeHead(status, {
        ...this.baseHeaders(record),
        ...(text && contentType ? { 'content-type': contentType } : {}),
        ...headers,
        'content-length': String(bytes.length),
      });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.destroy());
    };

    await this.#wait(record);

    const fault = this.#faults.find((f) => f.remaining > 0 && matches(f.match, record));
    if (fault) {
      fault.remaining -= 1;
      this.#faults = this.#faults.filter((f) => f.remaining > 0);
      record.faulted = true;
      if (fault.kind === 'status') {
        send(this.faultAnswer(fault.status, fault.options));
        return;
      }
      if (fault.kind === 'hang') {
        record.interrupted = 'hang';
        await new Promise<void>((resolve) => this.#hung.push(resolve));
        res.destroy();
        return;
      }
      record.interrupted = 'reset';
      if (fault.when === 'before') {
        res.destroy();
        return;
      }
    }

    const answer = this.#serve(record, parsed.ok);
    if (fault?.kind === 'reset') {
      record.status = answer.status;
      if (fault.when === 'mid-body') sendHalf(answer);
      else res.destroy();
      return;
    }
    send(answer);
    const hook = this.#hooks.find((h) => h.remaining > 0 && matches(h.match, record));
    if (hook) {
      hook.remaining -= 1;
      this.#hooks = this.#hooks.filter((h) => h.remaining > 0);
      hook.run(record);
    }
  }

  /** The answer to a request that got past the faults: authentication, body, then the route. */
  #serve(record: RecordedRequest, bodyOk: boolean): Answer {
    const refused = this.authenticate(record);
    if (refused) return refused;
    if (!bodyOk) return this.invalidBody();
    try {
      return this.route(record);
    } catch (error) {
      if (error instanceof HttpError) return { status: error.status, payload: error.payload };
      throw error;
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
}
