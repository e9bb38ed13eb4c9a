import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../src/errors.ts';
import { commonOptions, commonSettings, scannerConfig } from '../settings.ts';
import type { ScannerOptions } from '../types.ts';

/** OSV-Scanner's options: the common ones and, when it runs offline, its advisory database folder. */
export interface OsvScannerOptions extends ScannerOptions {
  /** Absolute folder of the offline database; undefined: OSV-Scanner asks osv.dev. */
  database?: string;
}

/** The file named in configuration errors: the options are built without knowing which one was read. */
const CONFIG_FILE = '.controlgate.yml';
const FIELD = 'scanners.osv-scanner.database';

/** The path as the filesystem resolves it where it exists (a symlink into the workspace is inside it). */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** True when `inner` is `outer` or lies below it. */
function within(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The database folder as an absolute path. It must lie outside the workspace (the scanned change
 * can edit any file in it, and a database the change edits could drop the advisories that would
 * flag it) and exist.
 */
export function resolveDatabase(database: string, root: string): string {
  const absolute = path.resolve(root, database);
  const problem = databaseProblem(absolute, root);
  if (problem) throw new ConfigError(CONFIG_FILE, [`${FIELD}: ${JSON.stringify(database)} ${problem}`]);
  return absolute;
}

/**
 * Why the folder at `absolute` cannot be the database for the workspace at `root`, or undefined. Also
 * for `CONTROLGATE_OSV_DATABASE` (src/pipeline/scan.ts), whose error names the variable instead.
 */
export function databaseProblem(absolute: string, root: string): string | undefined {
  if (within(root, absolute) || within(real(root), real(absolute))) {
    return (
      `is inside the workspace (${root}); expected a folder outside it, ` +
      'since a change could edit an advisory database kept in the repository it changes'
    );
  }
  // Said here, not left to OSV-Scanner, whose own error names neither the setting nor the folder.
  if (!isFolder(absolute)) {
    return (
      `(${absolute}) is not a folder; expected a folder holding the advisory database, ` +
      '<Ecosystem>/all.zip per ecosystem (docs/osv-scanner.md says how to fill one)'
    );
  }
  return undefined;
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `scanners.osv-scanner` in .controlgate.yml. */
export const osvScannerConfig = scannerConfig(
  z.strictObject({
    ...commonSettings,
    /**
     * Folder of an offline advisory database: `<Ecosystem>/all.zip` as osv.dev exports them (or the
     * `osv-scalibr/<Ecosystem>/all.zip` that `--download-offline-databases` leaves), absolute or
     * relative to the workspace root. Without it OSV-Scanner queries https://api.osv.dev.
     */
    database: z
      .string({ error: 'expected the path of a folder holding <Ecosystem>/all.zip files' })
      .min(1, {
        error: 'expected the path of a folder holding <Ecosystem>/all.zip files; got an empty string',
      })
      .optional(),
  }),
  (settings, root): OsvScannerOptions => ({
    ...commonOptions(settings),
    ...(settings.database !== undefined ? { database: resolveDatabase(settings.database, root) } : {}),
  }),
);
