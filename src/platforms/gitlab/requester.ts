import { setTimeout as sleep } from 'node:timers/promises';
import {
  createRequesterFn,
  type FormattedResponse,
  type RequesterType,
  type RequestOptions,
  type ResourceOptions,
} from '@gitbeaker/requester-utils';
import pRetry, { AbortError } from 'p-retry';
import { type ApiBudget, ApiDeadlineError } from '../api-limits.ts';

/**
 * gitbeaker's transport, replaced: its own retries 429 and 502 ten times within a quarter of a
 * second, ignores Retry-After and waits five minutes on a silent server. Here each attempt is one
 * exchange under the run's API budget, and p-retry retries 5xx, 429 and dropped or timed-out
 * connections with back-off, honouring a Retry-After that fits the budget and giving up at once on
 * one that does not.
 */

export class GitlabApiError extends Error {
  override readonly name = 'GitlabApiError';
  /** The HTTP status, when GitLab answered at all. */
  readonly status: number | undefined;
  /** Whether asking again may get another answer (5xx, 429, a dropped or silent connection). */
  readonly transient: boolean;
  /** How long GitLab asked us to wait before asking again (seconds), within the budget. */
  readonly retryAfterS: number | undefined;
  constructor(message: string, options: { status?: number; transient?: boolean; retryAfterS?: number } = {}) {
    super(message);
    this.status = options.status;
    this.transient = options.transient ?? false;
    this.retryAfterS = options.retryAfterS;
  }
}

/** Four attempts, 0.5, 1 and 2 s apart (p-retry's exponential back-off). */
const RETRIES = 3;
const FIRST_BACKOFF_MS = 500;
const BACKOFF_FACTOR = 2;
const MESSAGE_CHARS = 200;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
/** Downloads as GitLab (Workhorse) and object storage type them. */
const BYTES = /^(?:application\/(?:zip|x-zip-compressed|octet-stream)|binary\/octet-stream)\b/i;

/** The back-off p-retry 7 waits after a failure (minTimeout × factor ** retries consumed; no randomize). */
function backoffMs(retriesConsumed: number): number {
  return FIRST_BACKOFF_MS * BACKOFF_FACTOR ** retriesConsumed;
}

/** Retry-After in seconds: a number of seconds or an HTTP date. */
function retryAfterSeconds(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** GitLab's own words for a failure ({message} or {error}); a proxy's HTML page only by its status. */
async function failureText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  const type = response.headers.get('content-type') ?? '';
  let message = response.statusText;
  if (type.includes('json')) {
    try {
      const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
      const said = parsed.message ?? parsed.error;
      if (said !== undefined) message = typeof said === 'string' ? said : JSON.stringify(said);
    } catch {
      // Not JSON after all: the status says enough.
    }
  } else if (type.startsWith('text/plain')) message = text;
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

/** One HTTP exchange as gitbeaker's request handlers make it; every failure is a GitlabApiError. */
async function exchange(
  budget: ApiBudget,
  endpoint: string,
  options: RequestOptions,
): Promise<FormattedResponse> {
  const { method = 'GET', prefixUrl = '', searchParams, headers, body, signal } = options;
  const url = new URL(endpoint, prefixUrl.endsWith('/') ? prefixUrl : `${prefixUrl}/`);
  url.search = searchParams ?? '';
  const what = `${method} ${url.pathname}`;
  let response: Response;
  try {
    let target = url;
    let sent: Record<string, string> = { accept: 'application/json', ...headers };
    for (let hop = 0; ; hop++) {
      response = await budget.fetch(target, {
        method,
        headers: sent,
        // Redirects are followed here, not by fetch, which would carry PRIVATE-TOKEN along.
        redirect: 'manual',
        ...(body !== undefined ? { body } : {}),
        ...(signal ? { signal } : {}),
      });
      const location = response.headers.get('location');
      if (method !== 'GET' || !REDIRECTS.has(response.status) || location === null || hop === MAX_REDIRECTS)
        break;
      target = new URL(location, target);
      // A download GitLab hands to object storage (a presigned URL, which carries its own
      // authority): GitLab's token stays with GitLab's origin.
      if (target.origin !== url.origin) sent = { accept: sent.accept ?? 'application/json' };
    }
  } catch (error) {
    if (error instanceof ApiDeadlineError) throw new GitlabApiError(`${what}: ${error.message}`);
    const reason = networkReason(error, budget.limits.requestTimeoutMs);
    throw new GitlabApiError(`${what}: ${reason}`, { transient: true });
  }
  const { status } = response;
  if (!response.ok) {
    const failure = `${what}: ${status} ${await failureText(response)}`;
    const transient = status >= 500 || status === 429;
    const retryAfter = transient ? retryAfterSeconds(response.headers.get('retry-after')) : undefined;
    if (retryAfter !== undefined && !budget.mayWait(retryAfter)) {
      throw new GitlabApiError(
        `${failure}; asked to wait ${retryAfter} s, more than controlgate waits (at most ${budget.limits.maxRetryAfterS} s, within the run's API time); giving up`,
        { status },
      );
    }
    throw new GitlabApiError(failure, { status, transient, retryAfterS: retryAfter });
  }
  const answer = { headers: Object.fromEntries(response.headers), status };
  if (status === 204) return { ...answer, body: null };
  // A download (job artifacts) is bytes, as gitbeaker's own requester gives them (a Blob, or a
  // stream when asked); a proxy's HTML page still is not GitLab.
  if (options.asStream) return { ...answer, body: response.body ?? new Blob([]).stream() };
  if (BYTES.test(response.headers.get('content-type') ?? ''))
    return { ...answer, body: await response.blob() };
  // controlgate asks only for JSON; anything else (a captive portal, a proxy's page) is not GitLab.
  try {
    return { ...answer, body: JSON.parse(await response.text()) as FormattedResponse['body'] };
  } catch {
    throw new GitlabApiError(`${what}: GitLab's answer is not JSON`, { status });
  }
}

/**
 * gitbeaker's `requesterFn` for one run: requests go out as gitbeaker builds them (URL, query,
 * token header, JSON body), through `budget`, with controlgate's retry policy. `log` hears of each
 * retry.
 */
export function budgetedRequester(
  budget: ApiBudget,
  log: (line: string) => void,
): (resource: ResourceOptions) => RequesterType {
  return createRequesterFn(
    async (_resource, request) => request,
    (endpoint, options = {}) => {
      const request = options as RequestOptions;
      return pRetry(
        async () => {
          try {
            return await exchange(budget, endpoint, request);
          } catch (error) {
            if (error instanceof GitlabApiError && error.transient) throw error;
            throw new AbortError(error instanceof Error ? error : String(error));
          }
        },
        {
          retries: RETRIES,
          minTimeout: FIRST_BACKOFF_MS,
          factor: BACKOFF_FACTOR,
          // The run's deadline, so that p-retry's own back-off never sleeps past it either.
          maxRetryTime: budget.remainingMs(),
          ...(request.signal ? { signal: request.signal } : {}),
          async onFailedAttempt({ error, retriesLeft, retriesConsumed }) {
            if (retriesLeft === 0) return;
            // Only transient GitlabApiErrors get here: everything else was an AbortError.
            const { retryAfterS = 0 } = error as GitlabApiError;
            const backoff = backoffMs(retriesConsumed);
            const waitMs = Math.max(backoff, retryAfterS * 1000);
            // Waiting into the deadline would only end in its error; this failure says more.
            if (waitMs >= budget.remainingMs()) throw error;
            log(`controlgate: GitLab API: ${error.message}; retrying in ${Math.round(waitMs / 100) / 10} s`);
            // p-retry waits the back-off next; a longer Retry-After is topped up here.
            await sleep(waitMs - backoff);
          },
        },
      );
    },
  );
}
