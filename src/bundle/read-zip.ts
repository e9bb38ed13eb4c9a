import { type FileHandle, open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import { BundleError, errorMessage, quoteForMessage } from '../errors.ts';
import { BundleBudget, type BundleLimits, formatBytes } from './limits.ts';

/*
 * A bundle zip read within limits (./limits.ts). The central directory is read first and every entry
 * checked against it (names, count, sizes, ratios) before anything is inflated; then each entry is
 * inflated (node:zlib, streaming) into a buffer of the size it declared, stopping as soon as the
 * output passes it. Only the archive's directory and the entry at hand are read from the file.
 */

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_BYTES = 22;
const CENTRAL_BYTES = 46;
const LOCAL_BYTES = 30;
const MAX_COMMENT = 0xffff;
/** A directory record is 46 bytes, a name, an extra field and a comment: 4 KiB is room for any bundle's. */
const CENTRAL_RECORD_ROOM = 4096;
/** Compressed bytes read from the file at a time. */
const READ_BYTES = 256 * 1024;
/** Inflated bytes handed over at a time: how far past its declared size an entry can get. */
const INFLATE_CHUNK = 64 * 1024;
const STORED = 0;
const DEFLATE = 8;

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  /** Where the entry's local header starts. */
  offset: number;
}

async function readAt(handle: FileHandle, position: number, length: number, budget: BundleBudget) {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  if (bytesRead !== length) budget.refuse('the archive is truncated');
  return buffer;
}

/** The entries the central directory lists, and where it starts (every entry's data lies before it). */
async function centralDirectory(handle: FileHandle, fileSize: number, budget: BundleBudget) {
  const tailLength = Math.min(fileSize, EOCD_BYTES + MAX_COMMENT);
  const tail = await readAt(handle, fileSize - tailLength, tailLength, budget);
  let at = -1;
  for (let i = tail.length - EOCD_BYTES; i >= 0 && at < 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE && i + EOCD_BYTES + tail.readUInt16LE(i + 20) === tail.length)
      at = i;
  }
  if (at < 0) budget.refuse('not a zip archive (no end of central directory record)');
  const count = tail.readUInt16LE(at + 10);
  const size = tail.readUInt32LE(at + 12);
  const start = tail.readUInt32LE(at + 16);
  if (count === 0xffff || size === 0xffffffff || start === 0xffffffff)
    budget.refuse('a zip64 archive (a bundle within the limits never needs one; write it with controlgate)');
  if (
    tail.readUInt16LE(at + 4) !== 0 ||
    tail.readUInt16LE(at + 6) !== 0 ||
    tail.readUInt16LE(at + 8) !== count
  )
    budget.refuse('a multi-part archive');
  budget.declareEntries(count);
  if (start + size > fileSize - tailLength + at || size > count * CENTRAL_RECORD_ROOM)
    budget.refuse('a damaged archive (its central directory does not fit)');
  const directory = await readAt(handle, start, size, budget);
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + CENTRAL_BYTES > size || directory.readUInt32LE(p) !== CENTRAL_SIGNATURE)
      budget.refuse(`a damaged archive (central directory record ${i + 1} of ${count})`);
    const nameLength = directory.readUInt16LE(p + 28);
    const next =
      p + CENTRAL_BYTES + nameLength + directory.readUInt16LE(p + 30) + directory.readUInt16LE(p + 32);
    if (next > size) budget.refuse(`a damaged archive (central directory record ${i + 1} of ${count})`);
    const entry: ZipEntry = {
      name: decoder.decode(directory.subarray(p + CENTRAL_BYTES, p + CENTRAL_BYTES + nameLength)),
      flags: directory.readUInt16LE(p + 8),
      method: directory.readUInt16LE(p + 10),
      compressedSize: directory.readUInt32LE(p + 20),
      size: directory.readUInt32LE(p + 24),
      offset: directory.readUInt32LE(p + 42),
    };
    // Made on Unix (the upper byte of "version made by"), with the mode of a symbolic link.
    const unixMode = directory.readUInt16LE(p + 4) >> 8 === 3 ? directory.readUInt32LE(p + 38) >>> 16 : 0;
    if ((unixMode & 0o170000) === 0o120000)
      budget.refuse(
        `entry ${quoteForMessage(entry.name)} is a symbolic link; a bundle holds regular files only`,
      );
    if ([entry.compressedSize, entry.size, entry.offset].includes(0xffffffff))
      budget.refuse(
        'a zip64 archive (a bundle within the limits never needs one; write it with controlgate)',
      );
    entries.push(entry);
    p = next;
  }
  return { entries, start };
}

/** Checks one entry as the central directory declares it; false for a folder entry, which has no content. */
function checkDeclared(entry: ZipEntry, budget: BundleBudget, limits: Readonly<BundleLimits>): boolean {
  const name = quoteForMessage(entry.name);
  budget.entry(entry.name);
  if (entry.name.endsWith('/')) return false;
  if (entry.flags & 1) budget.refuse(`entry ${name} is encrypted`);
  if (entry.method !== STORED && entry.method !== DEFLATE)
    budget.refuse(`entry ${name} uses compression method ${entry.method} (only stored and deflate are read)`);
  budget.file(entry.name, entry.size);
  if (entry.method === STORED && entry.compressedSize !== entry.size)
    budget.refuse(`a damaged archive (stored entry ${name} has two sizes)`);
  if (entry.size >= limits.ratioFromBytes && entry.size > entry.compressedSize * limits.ratio)
    budget.refuse(
      `${name} declares ${formatBytes(entry.size)} from ${formatBytes(entry.compressedSize)} compressed, a ratio of ${Math.round(entry.size / Math.max(entry.compressedSize, 1))}, over the limit of ${limits.ratio}`,
    );
  return true;
}

/** The compressed bytes of an entry, a block at a time. */
async function* compressedBlocks(
  handle: FileHandle,
  entry: ZipEntry,
  dataStart: number,
  budget: BundleBudget,
) {
  for (let read = 0; read < entry.compressedSize; ) {
    const length = Math.min(READ_BYTES, entry.compressedSize - read);
    yield await readAt(handle, dataStart + read, length, budget);
    read += length;
  }
}

/** An entry's content, inflated into a buffer of its declared size and never past it. */
async function inflateEntry(handle: FileHandle, entry: ZipEntry, dataStart: number, budget: BundleBudget) {
  const name = quoteForMessage(entry.name);
  const out = new Uint8Array(entry.size);
  if (entry.method === STORED) {
    if (entry.size > 0) out.set(await readAt(handle, dataStart, entry.size, budget));
    return out;
  }
  let written = 0;
  try {
    await pipeline(
      compressedBlocks(handle, entry, dataStart, budget),
      createInflateRaw({ chunkSize: INFLATE_CHUNK }),
      async (inflated: AsyncIterable<Buffer>) => {
        // Pulled a chunk at a time: the inflater waits while a chunk is checked, so little runs ahead.
        for await (const chunk of inflated) {
          if (written + chunk.length > entry.size)
            budget.refuse(
              `${name} inflates past the ${formatBytes(entry.size)} the archive declares for it (stopped at ${formatBytes(written + chunk.length)})`,
            );
          out.set(chunk, written);
          written += chunk.length;
        }
      },
    );
  } catch (error) {
    if (error instanceof BundleError) throw error;
    budget.refuse(`a damaged archive (entry ${name}: ${errorMessage(error)})`);
  }
  if (written !== entry.size)
    budget.refuse(
      `a damaged archive (${name} inflates to ${formatBytes(written)}, not the ${formatBytes(entry.size)} it declares)`,
    );
  return out;
}

/** Reads a bundle zip into memory by entry name, within `limits`; throws a BundleError past them. */
export async function readZipBundle(
  location: string,
  limits: Readonly<BundleLimits>,
): Promise<Map<string, Uint8Array>> {
  const budget = new BundleBudget(location, limits);
  const handle = await open(location, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    // Entries may not overlap (below), so this also bounds what is inflated in all.
    if (fileSize > limits.totalBytes)
      budget.refuse(
        `the zip is ${formatBytes(fileSize)}, over the limit of ${formatBytes(limits.totalBytes)}`,
      );
    const { entries, start } = await centralDirectory(handle, fileSize, budget);
    const files = entries.filter((entry) => checkDeclared(entry, budget, limits));
    const contents = new Map<string, Uint8Array>();
    // In the file's order: each entry's data must end before the next begins and before the directory.
    let free = 0;
    for (const entry of files.sort((a, b) => a.offset - b.offset)) {
      const header = await readAt(handle, entry.offset, LOCAL_BYTES, budget);
      const dataStart = entry.offset + LOCAL_BYTES + header.readUInt16LE(26) + header.readUInt16LE(28);
      const dataEnd = dataStart + entry.compressedSize;
      if (header.readUInt32LE(0) !== LOCAL_SIGNATURE || entry.offset < free || dataEnd > start)
        budget.refuse(
          `a damaged archive (entry ${quoteForMessage(entry.name)} overlaps another or the directory)`,
        );
      free = dataEnd;
      contents.set(entry.name, await inflateEntry(handle, entry, dataStart, budget));
    }
    return contents;
  } finally {
    await handle.close();
  }
}
