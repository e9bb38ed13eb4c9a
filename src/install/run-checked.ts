import type { Exec, ExecRequest, ExecResult } from '../exec/exec.ts';

/** Runs an install step and throws with the tail of its output when it fails. */
export async function runChecked(exec: Exec, request: ExecRequest, what: string): Promise<ExecResult> {
  const result = await exec({ timeoutMs: 30 * 60_000, ...request });
  if (result.exitCode !== 0) {
    const cause =
      result.startError ?? (result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`);
    const tail = `${result.stderrTail}\n${result.stdout.slice(-2000)}`.trim().slice(-3000);
    throw new Error(`${what} failed (${cause}):\n${tail}`);
  }
  return result;
}
