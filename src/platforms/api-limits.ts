/**
 * How long controlgate waits on a platform API. A security gate must never hang a pipeline on a
 * comment: every request has its own timeout, all of a run's requests (retries and waits included)
 * share one deadline, and a Retry-After longer than we are willing to wait means giving up at once
 * rather than sleeping through it. Reaching any of these is platform trouble: a warning, never a
 * change of the gate's decision.
 */

export interface ApiLimits {
  /** One request, from sending it to the last byte of its answer. */
  requestTimeoutMs: number;
  /** Everything a run sends to the API, retries and back-off included. */
  totalTimeoutMs: number;
  /** The longest Retry-After (or rate-limit reset) honoured; anything longer gives up. */
  maxRetryAfterS: number;
}

export const DEFAULT_API_LIMITS: Readonly<ApiLimits> = {
  requestTimeoutMs: 20_000,
  totalTimeoutMs: 120_000,
  maxRetryAfterS: 60,
};

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return n > 0 ? n : undefined;
}

/**
 * The limits for this run: CONTROLGATE_API_TIMEOUT_MS, CONTROLGATE_API_TOTAL_TIMEOUT_MS and
 * CONTROLGATE_API_MAX_RETRY_AFTER_S override the defaults (a value that is not a positive whole
 * number is ignored, so a typo cannot make a run wait forever).
 */
export function apiLimits(env: NodeJS.ProcessEnv): ApiLimits {
  return {
    requestTimeoutMs: positiveInt(env.CONTROLGATE_API_TIMEOUT_MS) ?? DEFAULT_API_LIMITS.requestTimeoutMs,
    totalTimeoutMs: positiveInt(env.CONTROLGATE_API_TOTAL_TIMEOUT_MS) ?? DEFAULT_API_LIMITS.totalTimeoutMs,
    maxRetryAfterS: positiveInt(env.CONTROLGATE_API_MAX_RETRY_AFTER_S) ?? DEFAULT_API_LIMITS.maxRetryAfterS,
  };
}

/** Raised once the run's API deadline has passed; clients must not retry it. */
export class ApiDeadlineError extends Error {
  // Octokit rethrows an "AbortError" as it is, outside its retry plugin: the deadline stays final.
  override readonly name = 'AbortError';
  constructor(totalMs: number) {
    super(`gave up: the platform API took longer than ${Math.round(totalMs / 1000)} s in all`);
  }
}

/** A run's budget for API calls, started when it is made. */
export interface ApiBudget {
  readonly limits: ApiLimits;
  /** `fetch` under the limits; the whole body is read before it resolves (see below). */
  fetch: typeof fetch;
  remainingMs(): number;
  /** Whether waiting `seconds` (a Retry-After) is allowed: within the cap and before the deadline. */
  mayWait(seconds: number): boolean;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A budget for one run's API calls. Its fetch reads each answer whole under the request's timeout:
 * a connection dropped halfway through a body then fails the request (which clients retry) instead
 * of handing them a truncated body that Octokit would quietly turn into an empty result.
 */
export function apiBudget(limits: ApiLimits, now: () => number = () => performance.now()): ApiBudget {
  const deadline = now() + limits.totalTimeoutMs;
  const remainingMs = (): number => Math.max(0, deadline - now());
  const bounded: typeof fetch = async (input, init) => {
    const left = remainingMs();
    if (left <= 0) throw new ApiDeadlineError(limits.totalTimeoutMs);
    const timeout = AbortSignal.timeout(Math.ceil(Math.min(limits.requestTimeoutMs, left)));
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const response = await fetch(input, { ...init, signal });
    const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
    const whole = new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(whole, 'url', { value: response.url });
    return whole;
  };
  return {
    limits,
    fetch: bounded,
    remainingMs,
    mayWait: (seconds) => seconds <= limits.maxRetryAfterS && seconds * 1000 < remainingMs(),
  };
}
