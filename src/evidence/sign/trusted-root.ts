import { readFile } from 'node:fs/promises';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { getTrustedRoot } from '@sigstore/tuf';
import { errorMessage, UsageError } from '../../errors.ts';

/*
 * The roots a signature is checked against: a trusted_root.json file (offline: a private Sigstore,
 * or an auditor's pinned copy of the public-good root), or the public-good root fetched through
 * its TUF repository. Which one is the caller's explicit choice: nothing is fetched by default.
 */

export type TrustedRootSource = { kind: 'file'; path: string } | { kind: 'public-good' };

/** Reads or fetches the trusted root; a file that is not one is the user's mistake, named. */
export async function loadTrustedRoot(source: TrustedRootSource): Promise<TrustedRoot> {
  if (source.kind === 'public-good') return getTrustedRoot();
  let json: unknown;
  try {
    json = JSON.parse(await readFile(source.path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--trusted-root ${source.path}: cannot read it as JSON: ${errorMessage(error)}`);
  }
  const root = TrustedRoot.fromJSON(json);
  if (root.certificateAuthorities.length === 0 || root.tlogs.length === 0)
    throw new UsageError(
      `--trusted-root ${source.path}: expected a Sigstore trusted root with "certificateAuthorities" and "tlogs"`,
    );
  return root;
}
