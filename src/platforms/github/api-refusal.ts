import { httpStatus } from './client.ts';

/*
 * Telling a refusal (the token may not read this, or it is not there) from a failure (the API is
 * down, the token is bad): a refusal makes one part of the facts unknown and is noted as a gap; a
 * failure stops the read, since facts read half-way would look like facts.
 */

/** The statuses that mean "not for this token" or "not there": the part read becomes unknown. */
const REFUSALS = new Set([403, 404, 410, 451]);

/** GitHub's message in an error answer (never the request: Octokit's error keeps the headers). */
export function apiMessage(error: unknown): string | null {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
  const message = (data as { message?: unknown } | null | undefined)?.message;
  if (typeof message !== 'string') return null;
  // GitHub does not echo credentials, but a message is copied into records: strip anything token-shaped.
  return message.replace(/\b(?:gh[opsuar]_|github_pat_)[A-Za-z0-9_]+/g, '[token]').slice(0, 200);
}

/** The refusal's status, or undefined when `error` is not a refusal (rethrow it). */
export function refusalStatus(error: unknown): number | undefined {
  const status = httpStatus(error);
  return status !== undefined && REFUSALS.has(status) ? status : undefined;
}

/** e.g. "403 (Resource not accessible by integration)". */
export function describeRefusal(error: unknown): string {
  const message = apiMessage(error);
  return `${httpStatus(error) ?? '?'}${message ? ` (${message})` : ''}`;
}

/** `read()`, or null (with the refusal in `gaps`) when GitHub refuses it; other errors are thrown. */
export async function readOrGap<T>(gaps: string[], what: string, read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (refusalStatus(error) === undefined) throw error;
    gaps.push(`${what}: GitHub answered ${describeRefusal(error)}`);
    return null;
  }
}

/** "owner/name" split, or an error naming the expected shape. */
export function splitRepo(repo: string): { owner: string; repo: string } {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(repo);
  if (!m?.[1] || !m[2]) throw new Error(`not a GitHub repository "owner/name": ${JSON.stringify(repo)}`);
  return { owner: m[1], repo: m[2] };
}
