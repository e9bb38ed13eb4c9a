import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE, type Manifest, manifestOf, sha256 } from '../../src/bundle/manifest.ts';

/*
 * Editing an evidence bundle after the fact, as a forger would: the tests that show the edit is
 * caught (verify's consistency check, reevaluate, the signature) share these.
 */

/** Rewrites a JSON file of the bundle in place. */
export function editJson(file: string, edit: (value: Record<string, unknown>) => void): void {
  const value = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(value);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Writes the manifest again over the bundle's current files, so every hash in it matches. */
export function rewriteManifest(dir: string): void {
  const old = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  const entries = old.files.map((e) => {
    const bytes = readFileSync(path.join(dir, e.path));
    return { path: e.path, size: bytes.length, sha256: sha256(bytes) };
  });
  writeFileSync(
    path.join(dir, MANIFEST_FILE),
    `${JSON.stringify(manifestOf(entries, old.generator), null, 2)}\n`,
  );
}
