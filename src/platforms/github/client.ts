import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface ClientLog {
  warning(message: string): void;
}

/**
 * An Octokit with retries on 5xx and network errors and back-off on primary and secondary rate
 * limits: a flaky API must not lose the comment or fail the gate.
 */
export function githubClient(token: string, log: ClientLog, baseUrl?: string): GitHubClient {
  return getOctokit(
    token,
    {
      ...(baseUrl ? { baseUrl } : {}),
      retry: { retries: 3 },
      throttle: {
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _octokit: unknown,
          retryCount: number,
        ) => {
          log.warning(`GitHub rate limit on ${options.method} ${options.url}; retrying in ${retryAfter} s`);
          return retryCount < 2;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _octokit: unknown,
          retryCount: number,
        ) => {
          log.warning(
            `GitHub secondary rate limit on ${options.method} ${options.url}; retrying in ${retryAfter} s`,
          );
          return retryCount < 2;
        },
      },
    },
    retry,
    throttling,
  );
}

/** The HTTP status of an Octokit error, if it has one. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
