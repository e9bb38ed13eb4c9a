import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Unzip, UnzipInflate } from 'fflate';
import type { ToolDatabase } from '../types.ts';

/** The service OSV-Scanner queries when no offline database is configured. */
export const OSV_API = 'https://api.osv.dev';

/**
 * The variable OSV-Scanner 2.5.0 (osv-scalibr's vulnmatch/osvlocal) reads for the folder holding
 * `osv-scalibr/<Ecosystem>/all.zip`. Its own docs still name OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY
 * and `osv-scanner/`, which this version no longer reads.
 */
export const LOCAL_DB_VARIABLE = 'OSV_SCALIBR_LOCAL_DB_CACHE_DIRECTORY';
const SUBFOLDER = 'osv-scalibr';

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The folder holding the `<Ecosystem>/all.zip` files of a configured database: the database folder
 * itself (osv.dev's export layout), or its `osv-scalibr/` when it was filled by OSV-Scanner's own
 * `--download-offline-databases`.
 */
export function ecosystemsFolder(database: string): string {
  const nested = path.join(database, SUBFOLDER);
  return isDirectory(nested) ? nested : database;
}

/**
 * The folder to give OSV-Scanner as its cache directory, so it finds `osv-scalibr/<Ecosystem>/all.zip`:
 * the database itself when laid out that way, else a folder in `outDir` whose `osv-scalibr` links to
 * it. Reading through the link also keeps OSV-Scanner from creating folders in the database.
 */
export function cacheDirectory(database: string, outDir: string): string {
  if (isDirectory(path.join(database, SUBFOLDER))) return database;
  const cache = path.join(outDir, 'osv-db');
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  symlinkSync(database, path.join(cache, SUBFOLDER), 'dir');
  return cache;
}

/** The `all.zip` files of a database, relative to its ecosystems folder, sorted. */
export function ecosystemZips(database: string): string[] {
  const folder = ecosystemsFolder(database);
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  return entries
    .filter((name) => isDirectory(path.join(folder, name)))
    .map((name) => path.posix.join(name, 'all.zip'))
    .filter((rel) => {
      try {
        return statSync(path.join(folder, rel)).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

/** The number of OSV records in one zip and the newest `modified` among them, read one entry at a time. */
export function zipRecords(bytes: Uint8Array): { records: number; newest?: string } {
  let records = 0;
  let newest: string | undefined;
  const unzip = new Unzip((file) => {
    // OSV-Scanner reads only the .json entries; so are they counted.
    if (!file.name.endsWith('.json')) return;
    const chunks: Uint8Array[] = [];
    file.ondata = (error, data, final) => {
      if (error) throw error;
      chunks.push(data);
      if (!final) return;
      records++;
      const modified = modifiedOf(Buffer.concat(chunks).toString('utf8'));
      if (modified !== undefined && (newest === undefined || Date.parse(modified) > Date.parse(newest))) {
        newest = modified;
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  unzip.push(bytes, true);
  return newest === undefined ? { records } : { records, newest };
}

function modifiedOf(text: string): string | undefined {
  try {
    const record = JSON.parse(text) as { modified?: unknown };
    return typeof record.modified === 'string' && !Number.isNaN(Date.parse(record.modified))
      ? record.modified
      : undefined;
  } catch {
    return undefined; // OSV-Scanner skips an entry it cannot parse, and so it is not dated here.
  }
}

/**
 * What the evidence says a run rested on: offline, each ecosystem file with its hash, size and
 * record count, and the date of the newest record (how current the data was); online, the service.
 */
export async function describeDatabase(database: string | undefined): Promise<ToolDatabase> {
  if (database === undefined) return { kind: 'online', location: OSV_API };
  const folder = ecosystemsFolder(database);
  const files: NonNullable<ToolDatabase['files']> = [];
  let snapshot: string | undefined;
  for (const rel of ecosystemZips(database)) {
    const bytes = await readFile(path.join(folder, rel));
    const { records, newest } = zipRecords(bytes);
    files.push({
      path: rel,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
      records,
    });
    if (newest !== undefined && (snapshot === undefined || Date.parse(newest) > Date.parse(snapshot))) {
      snapshot = newest;
    }
  }
  return { kind: 'offline', location: folder, ...(snapshot ? { snapshot } : {}), files };
}
