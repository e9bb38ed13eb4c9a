import { createHash } from 'node:crypto';

/*
 * The evidence bundle as files: the manifest that lists them with their hashes, and (verify.ts)
 * reading a bundle back and checking it. Nothing here knows what the files mean, so it sits below
 * diff/ (which verifies an earlier run's bundle before using it as a baseline) and evidence/ (which
 * writes bundles).
 */

export const MANIFEST_FILE = 'manifest.json';

/**
 * The Sigstore bundle that signs the manifest: the one file outside it, because it is made from the
 * manifest's own hash after the manifest is written (a manifest cannot list its own signature).
 */
export const ATTESTATION_FILE = 'attestation.sigstore.json';

export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface Manifest {
  version: 1;
  generator: string;
  algorithm: 'sha256';
  files: ManifestEntry[];
  /** SHA-256 over the sorted "sha256  size  path" lines: one value that stands for the whole bundle. */
  digest: string;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The bundle digest: independent of file order and of the manifest's own formatting. */
export function bundleDigest(entries: readonly ManifestEntry[]): string {
  const lines = [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => `${e.sha256}  ${e.size}  ${e.path}\n`)
    .join('');
  return sha256(lines);
}

/** The manifest over files already hashed (POSIX paths relative to the bundle root). */
export function manifestOf(entries: readonly ManifestEntry[], generator: string): Manifest {
  const files = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { version: 1, generator, algorithm: 'sha256', files, digest: bundleDigest(files) };
}
