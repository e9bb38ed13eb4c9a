import { GitlabApiError } from './requester.ts';

/*
 * Reading GitLab's answers without trusting their shape: gitbeaker's types say what GitLab should
 * send, but a proxy or an older GitLab may send less. A missing field reads as null, never as a
 * crash or an invented value.
 */

export type Json = Record<string, unknown>;

export function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object GitLab answered with, or a GitlabApiError saying what it was not. */
export function objectOf(value: unknown, what: string): Json {
  if (!isJson(value))
    throw new GitlabApiError(`GitLab answered ${what} with something that is not an object`);
  return value;
}

/** The list GitLab answered with (its objects only), or a GitlabApiError. */
export function listOf(value: unknown, what: string): Json[] {
  if (!Array.isArray(value))
    throw new GitlabApiError(`GitLab answered ${what} with something that is not a list`);
  return value.filter(isJson);
}

export function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function int(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

/** `user.username` of a user object (author, merged_by, job user), when there is one. */
export function username(user: unknown): string | null {
  return isJson(user) ? text(user.username) : null;
}

/** An ISO time as milliseconds; NaN when absent or unreadable. */
export function timeOf(value: string | null): number {
  return value === null ? Number.NaN : Date.parse(value);
}

/** The HTTP status of a failed call, when GitLab answered at all. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof GitlabApiError ? error.status : undefined;
}

/**
 * What went wrong, in words for a gap. Our requester's messages name the method, the path and
 * GitLab's answer; the token travels in a header and never appears in them.
 */
export function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
