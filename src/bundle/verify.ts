import { stat } from 'node:fs/promises';
import { BUNDLE_LIMITS, type BundleLimits } from './limits.ts';
import { ATTESTATION_FILE, bundleDigest, MANIFEST_FILE, type Manifest, sha256 } from './manifest.ts';
import { readFolderBundle } from './read-folder.ts';
import { readZipBundle } from './read-zip.ts';

export interface VerifyResult {
  ok: boolean;
  problems: string[];
  digest?: string;
  files: number;
}

/**
 * Reads a bundle (folder or zip) into memory, by POSIX path, within `limits` (one set for every
 * reader, in ./limits.ts; tests lower them): past one, or with an entry that escapes it, a BundleError.
 */
export async function readBundle(
  location: string,
  limits: Readonly<BundleLimits> = BUNDLE_LIMITS,
): Promise<Map<string, Uint8Array>> {
  return (await stat(location)).isDirectory()
    ? readFolderBundle(location, limits)
    : readZipBundle(location, limits);
}

/**
 * Checks every hash in the manifest, that nothing is missing or extra, and the bundle digest. The
 * attestation is the one file allowed outside the manifest (it signs the manifest, so it is made
 * after it); whether it is valid is checked with the signature (evidence/sign/verify-attestation.ts).
 */
export function verifyFiles(files: ReadonlyMap<string, Uint8Array>): VerifyResult {
  const raw = files.get(MANIFEST_FILE);
  if (!raw) return { ok: false, problems: [`${MANIFEST_FILE} is missing`], files: files.size };
  let manifest: Manifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(raw)) as Manifest;
  } catch {
    return { ok: false, problems: [`${MANIFEST_FILE} is not valid JSON`], files: files.size };
  }
  const problems: string[] = [];
  const listed = new Set<string>();
  for (const entry of manifest.files ?? []) {
    listed.add(entry.path);
    if (entry.path === ATTESTATION_FILE)
      problems.push(
        `${ATTESTATION_FILE}: listed in the manifest, but the attestation is written after the manifest`,
      );
    const bytes = files.get(entry.path);
    if (!bytes) problems.push(`${entry.path}: missing`);
    else if (bytes.length !== entry.size || sha256(bytes) !== entry.sha256)
      problems.push(`${entry.path}: content changed (SHA-256 differs)`);
  }
  for (const name of files.keys()) {
    if (name !== MANIFEST_FILE && name !== ATTESTATION_FILE && !listed.has(name))
      problems.push(`${name}: not in the manifest (added after the bundle was written)`);
  }
  const digest = bundleDigest(manifest.files ?? []);
  if (digest !== manifest.digest)
    problems.push(`${MANIFEST_FILE}: the bundle digest does not match its file list`);
  return { ok: problems.length === 0, problems, digest: manifest.digest, files: listed.size };
}

/** Verifies a bundle folder or zip. */
export async function verifyBundle(
  location: string,
  limits: Readonly<BundleLimits> = BUNDLE_LIMITS,
): Promise<VerifyResult> {
  return verifyFiles(await readBundle(location, limits));
}
