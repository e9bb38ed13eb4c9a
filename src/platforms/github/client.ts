import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { ApiBudget } from '../api-limits.ts';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface ClientLog {
  warning(message: string): void;
}

/** Octokit's retry plugin's list, plus 429: rate limits are the throttling plugin's, which reads Retry-After. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

/**
 * An Octokit with retries on 5xx and network errors and back-off on primary and secondary rate
 * limits, all within `budget`: a flaky API must not lose the comment or fail the gate, and a dead
 * or throttling one must not hold the job.
 */
export function githubClient(
  token: string,
  log: ClientLog,
  budget: ApiBudget,
  baseUrl?: string,
): GitHubClient {
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const call = `${options.method} ${options.url}`;
      if (retryCount < 2 && budget.mayWait(retryAfter)) {
        log.warning(`GitHub ${kind} on ${call}; retrying in ${retryAfter} s`);
        return true;
      }
      log.warning(
        `GitHub ${kind} on ${call}: asked to wait ${retryAfter} s, more than controlgate waits (at most ${budget.limits.maxRetryAfterS} s, within the run's API time); giving up`,
      );
      return false;
    };
  const client = getOctokit(
    token,
    {
      ...(baseUrl ? { baseUrl } : {}),
      request: { fetch: budget.fetch },
      retry: { retries: 3, doNotRetry: DO_NOT_RETRY },
      throttle: { onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit') },
    },
    retry,
    throttling,
  );
  // Every call shares one `request` options object, where the retry plugin counts retries: after one
  // failed call (even a 404 it does not retry), the next call's back-off would start at 4 s, then
  // 9 s, and grow with each failure. A copy per call keeps it at 1, 4, 9 s. (The hooks of one call
  // all see the same options object, so the copy is put in place rather than passed on.)
  client.hook.wrap('request', (request, options) => {
    options.request = { ...options.request };
    return request(options);
  });
  return client;
}

/** The HTTP status of an Octokit error, if it has one. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
