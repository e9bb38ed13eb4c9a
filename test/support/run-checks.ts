import { expect } from 'vitest';
import type { RecordedRequest } from './fake-api-server.ts';
import type { NodeRun } from './spawn-node.ts';

/** The hidden marker of a sticky comment or note, as the platform tests expect it, spelled out. */
export function marker(key: string): string {
  return `<!-- controlgate:comment key=${key} -->`;
}

/** Exit code, signal and the end of both streams, for failure messages. */
export function tail(run: NodeRun): string {
  const cut = (s: string): string => (s.length > 4000 ? `…${s.slice(-4000)}` : s);
  return `exit ${run.exitCode}${run.signal ? ` (${run.signal})` : ''}\n--- stdout\n${cut(run.stdout)}\n--- stderr\n${cut(run.stderr)}`;
}

export function expectExit(run: NodeRun, code: number): void {
  expect(run.exitCode, tail(run)).toBe(code);
}

/** One line per request a fake API server received, for failure messages. */
export function describeRequests(requests: readonly RecordedRequest[]): string {
  if (requests.length === 0) return '(no requests)';
  return requests
    .map(
      (r) =>
        `${r.method} ${r.path}${r.query.page ? `?page=${r.query.page}` : ''} → ${r.status}${r.faulted ? ' (injected)' : ''}`,
    )
    .join('\n');
}

/** Requests that arrived after the first `from` ones (i.e. during a later run). */
export function since(server: { requests: readonly RecordedRequest[] }, from: number): RecordedRequest[] {
  return server.requests.slice(from);
}

/** The first line where two texts differ, both versions, for failure messages. */
export function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}:\n  before: ${x[i] ?? '(none)'}\n  after:  ${y[i] ?? '(none)'}`;
  }
  return '(none: the same text)';
}

/**
 * The token went to the API and was never printed, not even in a failure's message. The one
 * exception is `::add-mask::<token>`, a command the runner consumes (and never shows) to mask it.
 */
export function expectTokenHidden(run: NodeRun, token: string): void {
  const unmask = (s: string): string =>
    s
      .split('\n')
      .filter((line) => line.trimEnd() !== `::add-mask::${token}`)
      .join('\n');
  expect(unmask(run.stdout).includes(token), 'the token appears in stdout').toBe(false);
  expect(unmask(run.stderr).includes(token), 'the token appears in stderr').toBe(false);
}
