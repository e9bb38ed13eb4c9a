import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { execa } from 'execa';
import { PROCESS_TAG_VARIABLE, taggedProcesses } from './process-tree.ts';

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
  /**
   * The environment handed down besides `env`: `all` (tools of our own: git, pip, go) keeps the
   * parent's minus credentials; a list (scanners) keeps only the basics and those names.
   */
  inherit?: 'all' | { allow: readonly string[] };
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

/** Most stdout kept by default: a scanner writing SARIF there must stay under it. */
export const STDOUT_LIMIT_BYTES = 64 * 1024 * 1024;
const DEFAULT_STDERR_TAIL = 16 * 1024;
const GRACE_MS = 3_000;
const ORPHAN_GRACE_MS = 1_000;
/** After the last kill, how long a pipe may stay open before we stop reading it. */
const RELEASE_MS = 1_000;
/** Kill passes per sweep: a process forking while we kill gets another pass. */
const KILL_PASSES = 3;

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
  private decoded: string | undefined;
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
  /** Decoded once, chunk by chunk, letting go of each chunk: never the bytes twice plus the text. */
  text(): string {
    if (this.decoded === undefined) {
      const decoder = new StringDecoder('utf8');
      const parts: string[] = [];
      for (let chunk = this.chunks.shift(); chunk; chunk = this.chunks.shift())
        parts.push(decoder.write(chunk));
      parts.push(decoder.end());
      this.decoded = parts.join('');
    }
    return this.decoded;
  }
}

/** Variables that look like credentials (CI tokens, cloud keys) are not handed to scanners. */
const CREDENTIAL_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_KEY|ACCESS_KEY|API_KEY)/i;

/**
 * What every scanner may see of the parent's environment: where programs and home are, the locale,
 * the temporary folder, certificates and proxies. Nothing else reaches a scanner (a CI job holds
 * tokens and runtime secrets under names nobody can list in advance) unless its plugin names it.
 */
export const SCANNER_BASE_ENV: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'LC_*',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

/** A name matches `NAME` exactly or, for `PREFIX_*`, any name starting with `PREFIX_`. */
function allowed(name: string, allow: readonly string[]): boolean {
  return allow.some((a) => (a.endsWith('*') ? name.startsWith(a.slice(0, -1)) : name === a));
}

/**
 * The environment a process starts with. `all`: the parent's, minus anything that looks like a
 * credential (git, pip, go). A list: only SCANNER_BASE_ENV and the names the scanner's plugin (or a
 * custom scanner's configuration) declares, and still never a credential-looking name.
 */
export function scannerEnvironment(
  env: NodeJS.ProcessEnv,
  inherit: ExecRequest['inherit'] = 'all',
): Record<string, string> {
  const allow = inherit === 'all' ? undefined : [...SCANNER_BASE_ENV, ...inherit.allow];
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || CREDENTIAL_NAME.test(name)) continue;
    if (allow && !allowed(name, allow)) continue;
    kept[name] = value;
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

function signalOne(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // ESRCH: it ended meanwhile.
  }
}

/**
 * Signals the scanner's process group and every process that carries its tag or (while it has not
 * been reaped) descends from it, even those that left the group. SIGKILL is repeated so a process
 * forked during a pass does not survive it.
 */
function killTree(pid: number | undefined, tag: string, reaped: boolean, sig: NodeJS.Signals): void {
  for (let pass = 0; pass < (sig === 'SIGKILL' ? KILL_PASSES : 1); pass++) {
    killGroup(pid, sig);
    const rest = taggedProcesses(tag, reaped ? undefined : pid);
    for (const other of rest) signalOne(other, sig);
    if (rest.length === 0) return;
  }
}

/**
 * Starts a process in its own process group, bounded in time, stdout and stderr memory. Nothing it
 * starts outlives it: its group and every process carrying its tag are killed when it ends or times out.
 */
export const realExec: Exec = async (request) => {
  const started = performance.now();
  const stdout = new HeadBuffer(request.maxStdoutBytes ?? STDOUT_LIMIT_BYTES);
  const stderr = new TailBuffer(request.stderrTailBytes ?? DEFAULT_STDERR_TAIL);
  const tag = randomUUID();
  const subprocess = execa(request.file, [...request.args], {
    cwd: request.cwd,
    env: { ...scannerEnvironment(process.env, request.inherit), ...request.env, [PROCESS_TAG_VARIABLE]: tag },
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

  let reaped = false;
  const kill = (sig: NodeJS.Signals) => killTree(subprocess.pid, tag, reaped, sig);
  let timedOut = false;
  let hardKill: NodeJS.Timeout | undefined;
  const timer =
    request.timeoutMs && request.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          kill('SIGTERM');
          hardKill = setTimeout(() => kill('SIGKILL'), GRACE_MS);
        }, request.timeoutMs)
      : undefined;

  // A tool can leave a helper behind that keeps our pipes open after it exits (Semgrep's version
  // check does); once the main process is gone, its helpers get a moment and are then ended. If
  // the pipes are still open after that, something we cannot find holds them: we stop reading.
  let orphanReaper: NodeJS.Timeout | undefined;
  let release: NodeJS.Timeout | undefined;
  subprocess.nodeChildProcess.once('exit', () => {
    reaped = true;
    orphanReaper = setTimeout(() => {
      kill('SIGKILL');
      release = setTimeout(() => {
        subprocess.stdout?.destroy();
        subprocess.stderr?.destroy();
      }, RELEASE_MS);
    }, ORPHAN_GRACE_MS);
  });

  const result = await subprocess;
  reaped = true;
  for (const pending of [orphanReaper, release, timer, hardKill]) if (pending) clearTimeout(pending);
  // Anything the scanner left running, in its group or out of it, goes with it.
  kill('SIGKILL');

  const startError =
    result.failed && result.exitCode === undefined && !result.signal && !timedOut
      ? (result.originalMessage ?? result.shortMessage)
      : undefined;
  return {
    exitCode: result.exitCode ?? null,
    signal: result.signal,
    timedOut,
    startError,
    // Decoded when first read: a flood that is only going to be refused never becomes a string.
    get stdout() {
      return stdout.text();
    },
    stdoutTruncated: stdout.truncated,
    stderrTail: stderr.text(),
    durationMs: Math.round(performance.now() - started),
  };
};
