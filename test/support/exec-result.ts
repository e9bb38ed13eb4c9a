import type { ExecResult } from '../../src/exec/exec.ts';

/** What a finished process returns, for test doubles of Exec: exit 0 with `stdout` unless told otherwise. */
export function execResult(over: Partial<ExecResult> = {}): ExecResult {
  return {
    exitCode: 0,
    timedOut: false,
    stdout: '',
    stdoutTruncated: false,
    stderrTail: '',
    durationMs: 1,
    ...over,
  };
}
