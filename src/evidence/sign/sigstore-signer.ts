import { X509Certificate } from 'node:crypto';
import { attest } from 'sigstore';
import { errorMessage } from '../../errors.ts';
import type { EvidenceSigner, SignOutcome } from './signer.ts';

/** Where the Sigstore services are; unset means the public-good instance (sigstore's defaults). */
export interface SigstoreEndpoints {
  fulcioURL?: string;
  rekorURL?: string;
  /** An RFC 3161 timestamp authority, as well as (not instead of) Rekor. */
  tsaServerURL?: string;
}

/**
 * The endpoints from CONTROLGATE_SIGSTORE_FULCIO_URL, _REKOR_URL and _TSA_URL: a private Sigstore
 * instance, or the local mocks the tests serve.
 */
export function sigstoreEndpoints(env: NodeJS.ProcessEnv): SigstoreEndpoints {
  const fulcioURL = env.CONTROLGATE_SIGSTORE_FULCIO_URL;
  const rekorURL = env.CONTROLGATE_SIGSTORE_REKOR_URL;
  const tsaServerURL = env.CONTROLGATE_SIGSTORE_TSA_URL;
  return {
    ...(fulcioURL ? { fulcioURL } : {}),
    ...(rekorURL ? { rekorURL } : {}),
    ...(tsaServerURL ? { tsaServerURL } : {}),
  };
}

/** The `iss` claim of a JWT, read without checking it (Fulcio checks it): only for the log line. */
function issuerOf(token: string): string | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      iss?: unknown;
    };
    return typeof payload.iss === 'string' ? payload.iss : null;
  } catch {
    return null;
  }
}

/** The SAN of the leaf certificate in a Sigstore bundle (URI or email), without its "URI:" prefix. */
function identityOf(bundle: {
  verificationMaterial?: { certificate?: { rawBytes?: string } };
}): string | null {
  const raw = bundle.verificationMaterial?.certificate?.rawBytes;
  if (!raw) return null;
  const san = new X509Certificate(Buffer.from(raw, 'base64')).subjectAltName ?? '';
  return san.replace(/^(URI|email):/, '') || null;
}

/**
 * Keyless signing with Sigstore: a short-lived Fulcio certificate for the CI job's OIDC identity, a
 * DSSE envelope over the statement, and a Rekor entry. `source` fetches the OIDC token when asked;
 * the token goes to Fulcio only and is kept out of every message.
 */
export function sigstoreSigner(
  source: { describe: string; getToken(): Promise<string> },
  endpoints: SigstoreEndpoints,
): EvidenceSigner {
  return {
    intent: { attempted: true, via: source.describe, reason: null },
    async sign(statement, payloadType): Promise<SignOutcome> {
      let token: string | undefined;
      try {
        token = await source.getToken();
      } catch (error) {
        return {
          signed: false,
          reason: `could not get the OIDC token: ${errorMessage(error)}`,
          failed: true,
        };
      }
      try {
        const bundle = await attest(Buffer.from(statement), payloadType, {
          ...endpoints,
          identityToken: token,
        });
        return { signed: true, bundle, identity: identityOf(bundle), issuer: issuerOf(token) };
      } catch (error) {
        const message = errorMessage(error).split(token).join('<token>');
        return { signed: false, reason: `Sigstore signing failed: ${message}`, failed: true };
      }
    },
  };
}
