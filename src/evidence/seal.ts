import { rm } from 'node:fs/promises';
import { ATTESTATION_FILE, MANIFEST_FILE, type Manifest, manifestOf } from '../bundle/manifest.ts';
import { prettyJsonChunks } from '../json-stream.ts';
import { CONTROLGATE_VERSION } from '../version.ts';
import type { EvidenceSigner, SignOutcome } from './sign/signer.ts';
import { STATEMENT_PAYLOAD_TYPE } from './sign/statement.ts';
import { type FileContent, replaceDir, stagingDir, writeFiles, zipDir } from './write-files.ts';

/*
 * Writing any controlgate bundle (the gate's evidence, a merge record): its files into a staging
 * folder, the manifest over them, the attestation signing the manifest, then the zip and the folder
 * put in place at once, so a reader never sees half a bundle.
 */

export interface SealedBundle {
  manifest: Manifest;
  /** The bundle's files (POSIX paths relative to its root), the manifest and any attestation included. */
  paths: string[];
  dir?: string;
  zip?: string;
  /** Whether the manifest was signed (the attestation file is then among `paths`), or why not. */
  signing: SignOutcome;
}

const encoder = new TextEncoder();

/**
 * Writes `files` as a bundle at `target` (a folder and/or a reproducible zip). `statement` makes the
 * in-toto statement signed over the written manifest; the signer, when there is one, signs it.
 */
export async function sealBundle(
  files: Iterable<readonly [string, () => FileContent]>,
  target: { dir?: string; zip?: string },
  statement: (manifestBytes: Uint8Array, manifest: Manifest) => unknown,
  signer?: EvidenceSigner,
): Promise<SealedBundle> {
  const near = target.dir ?? target.zip;
  if (!near) throw new Error('sealBundle: neither a folder nor a zip was asked for');
  const staging = stagingDir(near);
  try {
    const entries = await writeFiles(staging, files);
    const manifest = manifestOf(entries, `controlgate ${CONTROLGATE_VERSION}`);
    const manifestBytes = encoder.encode([...prettyJsonChunks(manifest)].join(''));
    await writeFiles(staging, [[MANIFEST_FILE, () => manifestBytes]]);
    const paths = [...entries.map((e) => e.path), MANIFEST_FILE];
    // Signed after the manifest, over its hash: the attestation is the one file the manifest cannot list.
    const signing: SignOutcome = signer
      ? await signer.sign(
          encoder.encode(JSON.stringify(statement(manifestBytes, manifest))),
          STATEMENT_PAYLOAD_TYPE,
        )
      : { signed: false, reason: 'no signer was configured', failed: false };
    if (signing.signed) {
      await writeFiles(staging, [
        [ATTESTATION_FILE, () => encoder.encode(`${JSON.stringify(signing.bundle, null, 2)}\n`)],
      ]);
      paths.push(ATTESTATION_FILE);
    }
    if (target.zip) await zipDir(staging, paths, target.zip);
    if (target.dir) await replaceDir(staging, target.dir);
    return { manifest, paths, ...target, signing };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
