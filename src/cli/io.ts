import type { Log } from '../platforms/types.ts';

/** The CLI's outside world: its two streams, environment and working folder. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The CLI logs to stderr, a line each, so stdout carries only the report. */
export function stderrLog(io: Io): Log {
  const line = (text: string) => io.err(`${text}\n`);
  return { info: line, warning: line, error: line };
}
