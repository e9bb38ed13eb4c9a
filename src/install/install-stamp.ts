import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type InstallRecord,
  RECORD_FILE,
  RECORD_FORMAT,
  readInstallRecord,
  recordTree,
  treeProblem,
} from '../tools/install-record.ts';

/** Written beside what an install produced; re-read by the next install and before each scan. */
export const STAMP_FILE = RECORD_FILE;

/**
 * Records the pins and every file and link now in `dir` (src/tools/install-record.ts). Written last,
 * after the version checks, so it lists exactly what the install and those checks left; written to a
 * new file then renamed, so a record is never half written and never shared with a hard-linked copy.
 */
export async function writeStamp(dir: string, pins: string): Promise<void> {
  const stamp: InstallRecord = { format: RECORD_FORMAT, pins, ...(await recordTree(dir)) };
  const file = path.join(dir, STAMP_FILE);
  const partial = `${file}.${process.pid}.partial`;
  try {
    await writeFile(partial, `${JSON.stringify(stamp, null, 2)}\n`);
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * Why the install in `dir` cannot be reused, or undefined when it was made from `pins` and every file
 * in it is the one it recorded. An install without a complete record predates the checks and is redone.
 */
export async function stampProblem(dir: string, pins: string): Promise<string | undefined> {
  const stamp = await readInstallRecord(dir);
  if (typeof stamp === 'string') return stamp;
  if (stamp.pins !== pins) return 'it was made from other pins';
  return treeProblem(dir, stamp);
}
