import type { ChangeContext } from '../change-context.ts';
import { type EvidenceSigner, type SignOutcome, unsignedSigner } from '../evidence/sign/signer.ts';
import { sigstoreEndpoints, sigstoreSigner } from '../evidence/sign/sigstore-signer.ts';
import { noOidcTokenReason, oidcTokenSource } from '../platforms/oidc.ts';
import type { Log } from '../platforms/types.ts';

/**
 * The signer a run gets: Sigstore keyless when the job has an OIDC token, else one that records why
 * not. A missing token or a failed signature never fails the gate: the bundle is then unsigned.
 */
export function evidenceSigner(env: NodeJS.ProcessEnv, context: ChangeContext): EvidenceSigner {
  const source = oidcTokenSource(env);
  return source
    ? sigstoreSigner(source, sigstoreEndpoints(env))
    : unsignedSigner(noOidcTokenReason(context.platform));
}

/** One line on what became of signing: info when signed or not meant to, a warning when it failed. */
export function logSigning(signing: SignOutcome, log: Log): void {
  if (signing.signed) {
    const issuer = signing.issuer ? ` (issuer ${signing.issuer})` : '';
    log.info(`evidence signed: ${signing.identity ?? 'unknown identity'}${issuer}`);
  } else if (signing.failed) log.warning(`controlgate: evidence not signed: ${signing.reason}`);
  else log.info(`evidence not signed: ${signing.reason}`);
}
