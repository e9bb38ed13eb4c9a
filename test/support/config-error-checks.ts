import { expect } from 'vitest';
import { ConfigError } from '../../src/errors.ts';

/*
 * Checks shared by the property tests of the two YAML files people write: `.controlgate.yml` and the
 * waiver file. Both report problems as a ConfigError with one located line per problem.
 */

/** Longest problem line a hostile file may produce: a located path and a clipped value. */
export const MAX_PROBLEM_CHARS = 1_200;

export type Outcome<T> = { value: T; error?: undefined } | { value?: undefined; error: ConfigError };

/** Runs a loader; a ConfigError is an outcome, any other exception fails the property as it is. */
export function outcome<T>(read: () => T): Outcome<T> {
  try {
    return { value: read() };
  } catch (error) {
    if (error instanceof ConfigError) return { error };
    throw error;
  }
}

/** The typed error's contract: the file, then one located, bounded line per problem. */
export function expectNamesFile(error: ConfigError, file: string): void {
  expect(error.file).toBe(file);
  expect(error.message.startsWith(`${file}: `)).toBe(true);
  expect(error.problems.length).toBeGreaterThan(0);
  for (const problem of error.problems) {
    expect(problem.trim()).not.toBe('');
    expect(problem.length).toBeLessThanOrEqual(MAX_PROBLEM_CHARS);
  }
}

/** `scanners.custom[0].id` for a path of plain keys, written out here rather than borrowed from the source. */
export function keyPathText(keys: readonly (string | number)[]): string {
  return keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${k}`)).join('');
}

/**
 * True when a located problem (`line 3: exclude[0]: …`) is about the node at `where`, something
 * inside it, or a node holding it (a union such as `cwe: CWE-1 | [CWE-1, …]` is judged as a whole;
 * a waiver's problem may name the waiver).
 */
export function isOnPathOf(problem: string, where: string): boolean {
  const rest = problem.replace(/^line \d+: /, '');
  const about = rest.slice(0, rest.indexOf(': '));
  const within = (inner: string, outer: string) =>
    inner === outer || (inner.startsWith(outer) && ['.', '['].includes(inner.charAt(outer.length)));
  return within(about, where) || within(where, about);
}
