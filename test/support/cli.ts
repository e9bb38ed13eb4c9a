import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bundled `controlgate` CLI as a real process, with the Node running the tests. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 900_000,
  });
  return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
}
