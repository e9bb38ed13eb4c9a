import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Written beside what an install produced; re-read by the next install's fast path. */
export const STAMP_FILE = 'controlgate-install.json';

/** What an install was made from and the sha256 of the files that do the work. */
export interface InstallStamp {
  /** Identifies the pins used (a lock file's sha256, a module's go.sum line). */
  pins: string;
  /** Path relative to the stamped folder → sha256. */
  files: Record<string, string>;
}

/** sha256 of a file, streamed: scanner binaries are hundreds of megabytes. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Records the pins and the current hashes of `files` (relative to `dir`). */
export async function writeStamp(dir: string, pins: string, files: readonly string[]): Promise<void> {
  const stamp: InstallStamp = { pins, files: {} };
  for (const file of files) stamp.files[file] = await sha256File(path.join(dir, file));
  await writeFile(path.join(dir, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
}

/**
 * Why the install in `dir` cannot be reused, or undefined when it was made from `pins` and its
 * recorded files are unchanged. An install without a stamp predates the checks and is redone.
 */
export async function stampProblem(dir: string, pins: string): Promise<string | undefined> {
  let stamp: InstallStamp;
  try {
    stamp = JSON.parse(await readFile(path.join(dir, STAMP_FILE), 'utf8')) as InstallStamp;
  } catch {
    return `it has no readable ${STAMP_FILE}`;
  }
  if (stamp.pins !== pins) return 'it was made from other pins';
  for (const [file, expected] of Object.entries(stamp.files ?? {})) {
    const actual = await sha256File(path.join(dir, file)).catch(() => 'missing');
    if (actual !== expected)
      return `${file} changed since it was installed (sha256 ${actual}, recorded ${expected})`;
  }
  return undefined;
}
