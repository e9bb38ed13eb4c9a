import { constants, type Stats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { SarifError } from '../errors.ts';
import type { SarifLogInput } from '../sarif/model.ts';
import { DEFAULT_MAX_SARIF_BYTES, parseSarifText } from '../sarif/read.ts';

/*
 * The file a scanner says it wrote is whatever the scanner (or the code it scanned) left at that
 * path. A named pipe there would block the open forever, a link to /dev/zero would be read until
 * memory runs out, and a link elsewhere would feed another file into the report. So it is opened
 * without following a final symbolic link and without blocking, and used only when the opened
 * file is a regular file within the size limit; its size is taken from the open file, so it
 * cannot be swapped between the check and the read.
 */

function kind(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

async function openUntrusted(file: string): Promise<FileHandle> {
  try {
    return await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SarifError(file, ['the file was not written']);
    if (code === 'ELOOP') throw new SarifError(file, ['it is a symbolic link, not a file the scanner wrote']);
    throw new SarifError(file, [`it cannot be opened (${code ?? 'unknown error'})`]);
  }
}

/** Reads and validates the SARIF file a scanner wrote, refusing anything but a regular file of at most `maxBytes`. */
export async function readScannerSarif(
  file: string,
  maxBytes = DEFAULT_MAX_SARIF_BYTES,
): Promise<SarifLogInput> {
  const handle = await openUntrusted(file);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new SarifError(file, [`it is ${kind(info)}, not a regular file`]);
    if (info.size > maxBytes) {
      throw new SarifError(file, [
        `the file is ${info.size} bytes, over the ${maxBytes}-byte limit for SARIF input`,
      ]);
    }
    // Exactly the size seen above: a file still growing cannot push the read past the limit.
    const bytes = Buffer.alloc(info.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return parseSarifText(bytes.toString('utf8', 0, filled), file);
  } finally {
    await handle.close();
  }
}
