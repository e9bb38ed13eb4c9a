/*
 * Signing the evidence, as an effect behind an interface: the gate is handed a signer (Sigstore
 * keyless in CI, see sigstore-signer.ts) or none, and tests hand it one pointed at local mocks.
 */

/** What became of signing one bundle: the Sigstore bundle JSON, or why there is none. */
export type SignOutcome =
  | {
      signed: true;
      /** The Sigstore bundle (DSSE envelope, certificate, transparency-log entry), as JSON. */
      bundle: unknown;
      /** The certificate's identity (SAN) and OIDC issuer, for the log line. */
      identity: string | null;
      issuer: string | null;
    }
  /** `failed`: signing was tried and did not work (a warning); else there was nothing to sign with. */
  | { signed: false; reason: string; failed: boolean };

/**
 * Whether a run will try to sign, recorded in run.json (written before signing, so it says what
 * was meant, not what happened: the attestation file is the record that it did).
 */
export interface SigningIntent {
  attempted: boolean;
  /** Where the OIDC token comes from, when there is one. */
  via: string | null;
  /** Why the run does not sign, when it does not. */
  reason: string | null;
}

export interface EvidenceSigner {
  readonly intent: SigningIntent;
  /** Signs an in-toto statement (its JSON bytes) as a DSSE envelope. Never throws: failures are outcomes. */
  sign(statement: Uint8Array, payloadType: string): Promise<SignOutcome>;
}

/** A signer that cannot sign, saying why (no OIDC token): the bundle is written unsigned. */
export function unsignedSigner(reason: string): EvidenceSigner {
  return {
    intent: { attempted: false, via: null, reason },
    sign: async () => ({ signed: false, reason, failed: false }),
  };
}
