import { hash } from 'node:crypto';

/**
 * Fingerprints identify a finding across runs without using its line number, so code moved up or
 * down keeps its identity: scanner + rule + path + the matched code with all whitespace removed.
 * Identical matches in one file are told apart by their order of appearance.
 */
export interface FingerprintBasis {
  scanner: string;
  ruleId: string;
  path: string;
  /** The matched code (already redacted); undefined when the code could not be read. */
  code: string | undefined;
  /** Used when there is no code: the (redacted) message. */
  fallback: string;
  /**
   * What makes the result the same across runs when the tool says it better than the code can
   * (OSV-Scanner: ecosystem, package and advisory, so a reordered or bumped lockfile keeps it);
   * replaces the code when set.
   */
  identity?: string;
}

/** The matched code reduced to what matters for identity: whitespace is formatting, not meaning. */
export function normalizeCode(code: string): string {
  return code.replace(/\s+/g, '');
}

/** Computes fingerprints for a list of findings in reading order; equal bases get #1, #2, … */
export function computeFingerprints(bases: readonly FingerprintBasis[]): string[] {
  const seen = new Map<string, number>();
  return bases.map((b) => {
    const content =
      b.identity !== undefined
        ? `id:${b.identity}`
        : b.code !== undefined && normalizeCode(b.code) !== ''
          ? `code:${normalizeCode(b.code)}`
          : `msg:${b.fallback}`;
    const key = [b.scanner, b.ruleId, b.path, content].join('\u0000');
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    // The one-shot hash is about twice as fast as createHash().update().digest() for short input.
    return hash('sha256', `${key}\u0000${occurrence}`, 'hex').slice(0, 32);
  });
}
