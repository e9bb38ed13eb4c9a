import { execa } from 'execa';

/** What to start: always a file and an argument array, never a shell command line. */
export interface ExecRequest {
  file: string;
  args: readonly string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Killed with its whole process group after this long; 0 or undefined means no limit. */
  timeoutMs?: number;
  /** Most stdout bytes kept; a process printing more is still waited for, the rest is dropped. */
  maxStdoutBytes?: number;
  /** How much of the end of stderr is kept for error reports. */
  stderrTailBytes?: number;
}

export interface ExecResult {
  /** null when the process was killed by a signal or could not start. */
  exitCode: number | null;
  signal?: string;
  timedOut: boolean;
  /** Set when the process could not start at all (e.g. ENOENT: the binary is missing). */
  startError?: string;
  stdout: string;
  stdoutTruncated: boolean;
  stderrTail: string;
  durationMs: number;
}

/** The one way controlgate starts processes; tests may pass another implementation. */
export type Exec = (request: ExecRequest) => Promise<ExecResult>;

const DEFAULT_STDOUT_LIMIT = 64 * 1024 * 1024;
const DEFAULT_STDERR_TAIL = 16 * 1024;
const GRACE_MS = 3_000;
const ORPHAN_GRACE_MS = 1_000;

/** Keeps the last `limit` bytes of a stream, so a flood of stderr cannot exhaust memory. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

/** Keeps the first `limit` bytes and remembers whether more came. */
class HeadBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  push(chunk: Buffer): void {
    if (this.size >= this.limit) {
      this.truncated = true;
      return;
    }
    const room = this.limit - this.size;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part.length < chunk.length) this.truncated = true;
    this.chunks.push(part);
    this.size += part.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Variables that look like credentials (CI tokens, cloud keys) are not handed to scanners. */
const CREDENTIAL_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_KEY|ACCESS_KEY|API_KEY)/i;

/** The environment scanners run with: the parent's, minus anything that looks like a credential. */
export function scannerEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !CREDENTIAL_NAME.test(name)) kept[name] = value;
  }
  return kept;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    // A negative pid signals the whole process group: scanners such as Semgrep start helpers
    // (semgrep-core) that must not outlive a timeout.
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Starts a process in its own process group, bounded in time, stdout and stderr memory. */
export const realExec: Exec = async (request) => {
  const started = performance.now();
  const stdout = new HeadBuffer(request.maxStdoutBytes ?? DEFAULT_STDOUT_LIMIT);
  const stderr = new TailBuffer(request.stderrTailBytes ?? DEFAULT_STDERR_TAIL);
  const subprocess = execa(request.file, [...request.args], {
    cwd: request.cwd,
    env: { ...scannerEnvironment(process.env), ...request.env },
    extendEnv: false,
    detached: true,
    reject: false,
    stdin: 'ignore',
    buffer: false,
    encoding: 'buffer',
    cleanup: true,
  });
  subprocess.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  subprocess.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));

  let timedOut = false;
  let hardKill: NodeJS.Timeout | undefined;
  const timer =
    request.timeoutMs && request.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          killGroup(subprocess.pid, 'SIGTERM');
          hardKill = setTimeout(() => killGroup(subprocess.pid, 'SIGKILL'), GRACE_MS);
        }, request.timeoutMs)
      : undefined;

  // A tool can leave a helper behind that keeps our pipes open after it exits (Semgrep's version
  // check does); once the main process is gone, its group gets a moment and is then ended.
  let orphanReaper: NodeJS.Timeout | undefined;
  subprocess.nodeChildProcess.once('exit', () => {
    orphanReaper = setTimeout(() => killGroup(subprocess.pid, 'SIGKILL'), ORPHAN_GRACE_MS);
  });

  const result = await subprocess;
  if (orphanReaper) clearTimeout(orphanReaper);
  if (timer) clearTimeout(timer);
  if (hardKill) clearTimeout(hardKill);
  // Anything the scanner left running in its group goes with it.
  killGroup(subprocess.pid, 'SIGKILL');

  const startError =
    result.failed && result.exitCode === undefined && !result.signal && !timedOut
      ? (result.originalMessage ?? result.shortMessage)
      : undefined;
  return {
    exitCode: result.exitCode ?? null,
    signal: result.signal,
    timedOut,
    startError,
    stdout: stdout.text(),
    stdoutTruncated: stdout.truncated,
    stderrTail: stderr.text(),
    durationMs: Math.round(performance.now() - started),
  };
};
