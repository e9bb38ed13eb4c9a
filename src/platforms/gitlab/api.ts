import { type ApiBudget, ApiDeadlineError } from '../api-limits.ts';

/**
 * The few GitLab REST v4 calls controlgate makes, over fetch, with one retry policy we control:
 * 5xx, 429 and dropped or timed-out connections are retried with back-off, a Retry-After is
 * honoured when it fits the run's API budget and ends the attempts when it does not, and nothing
 * waits past the budget. (gitbeaker retried 429 ten times within a quarter of a second, ignoring
 * Retry-After, and waited five minutes on a silent server.)
 */

export class GitlabApiError extends Error {
  override readonly name = 'GitlabApiError';
  /** The HTTP status, when GitLab answered at all. */
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

export interface GitlabAnswer {
  data: unknown;
  headers: Headers;
}

export interface GitlabApi {
  /** `path` is relative to /api/v4/, its parameters already encoded. */
  call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options?: { query?: Record<string, string>; body?: unknown },
  ): Promise<GitlabAnswer>;
}

const ATTEMPTS = 4;
const BACKOFF_MS = [500, 1000, 2000];
const MESSAGE_CHARS = 200;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retry-After in seconds: a number of seconds or an HTTP date. */
export function retryAfterSeconds(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** GitLab's own words for a failure ({message} or {error}); a proxy's HTML page only by its status. */
async function failureText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  let message = response.statusText;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
      const said = parsed.message ?? parsed.error;
      if (said !== undefined) message = typeof said === 'string' ? said : JSON.stringify(said);
    } catch {
      // Not JSON after all: the status says enough.
    }
  } else if ((response.headers.get('content-type') ?? '').startsWith('text/plain')) message = text;
  return message.replace(/\s+/g, ' ').trim().slice(0, MESSAGE_CHARS);
}

function networkReason(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return `no answer within ${Math.round(timeoutMs / 100) / 10} s`;
  // fetch's own failure is a TypeError whose cause says what went wrong on the wire.
  if (error.name !== 'TypeError') return error.message;
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const detail =
    typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  return `connection failed${detail ? ` (${detail})` : ''}`;
}

/** A client for `host` (CI_SERVER_URL) authenticated with a project access token. */
export function gitlabApi(
  host: string,
  token: string,
  budget: ApiBudget,
  log: (line: string) => void,
): GitlabApi {
  const root = `${host.replace(/\/+$/, '')}/api/v4/`;
  return {
    async call(method, path, options = {}) {
      const url = new URL(path, root);
      for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
      const what = `${method} ${url.pathname}`;
      for (let attempt = 1; ; attempt++) {
        let failure: GitlabApiError;
        let waitMs = BACKOFF_MS[attempt - 1] ?? 0;
        try {
          const response = await budget.fetch(url, {
            method,
            headers: {
              'private-token': token,
              accept: 'application/json',
              ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
            },
            ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
          });
          if (response.ok) {
            if (response.status === 204) return { data: undefined, headers: response.headers };
            const text = await response.text();
            try {
              return { data: JSON.parse(text) as unknown, headers: response.headers };
            } catch {
              throw new GitlabApiError(`${what}: GitLab's answer is not JSON`, response.status);
            }
          }
          failure = new GitlabApiError(
            `${what}: ${response.status} ${await failureText(response)}`,
            response.status,
          );
          if (response.status < 500 && response.status !== 429) throw failure;
          const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
          if (retryAfter !== undefined) {
            if (!budget.mayWait(retryAfter)) {
              throw new GitlabApiError(
                `${what}: ${response.status}, asked to wait ${retryAfter} s, more than controlgate waits (at most ${budget.limits.maxRetryAfterS} s, within the run's API time); giving up`,
                response.status,
              );
            }
            waitMs = retryAfter * 1000;
          }
        } catch (error) {
          if (error instanceof GitlabApiError) throw error;
          if (error instanceof ApiDeadlineError) throw new GitlabApiError(`${what}: ${error.message}`);
          failure = new GitlabApiError(`${what}: ${networkReason(error, budget.limits.requestTimeoutMs)}`);
        }
        if (attempt >= ATTEMPTS || waitMs >= budget.remainingMs()) throw failure;
        log(`controlgate: GitLab API: ${failure.message}; retrying in ${Math.round(waitMs / 100) / 10} s`);
        await sleep(waitMs);
      }
    },
  };
}
