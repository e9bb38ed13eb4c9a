import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Zip, ZipDeflate } from 'fflate';
import type { ManifestEntry } from '../bundle/manifest.ts';

/** One file of a bundle: its bytes, text made in chunks (a large file is never one string), or a file's stream. */
export type FileContent = Uint8Array | Iterable<string> | AsyncIterable<Buffer | string>;

/** Zip entries carry this date, in every time zone: a fixed value keeps the archive reproducible. */
const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/**
 * Writes files under `dir` one after another, hashing as it writes: nothing but the chunk at hand
 * is held in memory. Each content is made only when its turn comes. Returns the manifest entries.
 */
export async function writeFiles(
  dir: string,
  files: Iterable<readonly [string, () => FileContent]>,
): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = [];
  for (const [name, make] of files) {
    const target = path.join(dir, ...name.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    const handle = await open(target, 'w');
    const hash = createHash('sha256');
    let size = 0;
    try {
      const content = make();
      const chunks = content instanceof Uint8Array ? [content] : content;
      for await (const chunk of chunks) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        hash.update(bytes);
        size += bytes.length;
        await handle.write(bytes);
      }
    } finally {
      await handle.close();
    }
    entries.push({ path: name, size, sha256: hash.digest('hex') });
  }
  return entries;
}

/**
 * Moves a fully written staging folder into place, replacing an earlier bundle there, so a reader
 * (or a concurrent run) never sees a half-written one.
 */
export async function replaceDir(staging: string, dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    try {
      await rename(staging, dir);
      return;
    } catch (error) {
      // Another run renamed its bundle into place between our rm and rename: replace it again.
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 5) throw error;
    }
  }
}

/** A staging folder beside `near`, unique to this run. */
export function stagingDir(near: string): string {
  return `${near}.partial-${process.pid}-${randomUUID()}`;
}

/**
 * Zips files of a folder (sorted names, fixed timestamps: equal inputs give equal bytes), streaming
 * each file through the compressor, so the archive is never assembled in memory.
 */
export async function zipDir(dir: string, names: readonly string[], zipFile: string): Promise<void> {
  await mkdir(path.dirname(zipFile), { recursive: true });
  const partial = `${zipFile}.partial-${process.pid}-${randomUUID()}`;
  const out = createWriteStream(partial);
  let failure: Error | undefined;
  const zip = new Zip((error, chunk, final) => {
    if (error) failure = error;
    else out.write(chunk);
    if (final || error) out.end();
  });
  try {
    for (const name of [...names].sort()) {
      const entry = new ZipDeflate(name, { level: 9 });
      entry.mtime = ZIP_MTIME;
      zip.add(entry);
      for await (const chunk of createReadStream(path.join(dir, ...name.split('/')))) {
        entry.push(new Uint8Array(chunk as Buffer));
        // The compressor is synchronous: let the file catch up rather than queue the archive in memory.
        if (out.writableLength > 16 * 1024 * 1024) await once(out, 'drain');
      }
      entry.push(new Uint8Array(0), true);
    }
    zip.end();
    if (!out.writableFinished) await once(out, 'finish');
    if (failure) throw failure;
    await rename(partial, zipFile);
  } finally {
    out.destroy();
    await rm(partial, { force: true });
  }
}
