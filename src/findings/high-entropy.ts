/*
 * A secret of no known shape quoted in a snippet of a finding that is not about a secret (a token
 * pasted into a shell call, a key handed to eval) has no name or prefix that gives it away; what it
 * has is randomness. A run of key-like characters is masked when it looks random and nothing else:
 *
 * - at least 20 characters, with upper case, lower case and digits (identifiers, hex digests, git
 *   SHAs and UUIDs lack one of these, and are also excluded by name below);
 * - a Shannon entropy of at least 80 % of the most a string of its length can carry: random
 *   base62/base64 of 20 to 64 characters falls below that in about 1 draw in 1,000;
 * - not reading as words: identifiers with a digit (`base64UrlToByteArray`,
 *   `CanvasRenderingContext2D`, `Add_import_from_0_90057`, `X509_EXTENSION_create`) are as varied
 *   as random text at these lengths, but each of their parts is short, in capitals between
 *   separators, or at least 60 % words of three or more letters, which random text reaches in about
 *   1 draw in 50 at 20 characters and 1 in 500 at 40;
 * - not a UUID, a hex digest, a digest labelled by its algorithm (`sha512-…`, `h1:…`, `sha256:…`)
 *   or base64 of a phrase.
 *
 * The rates come from simulation (test/unit/findings/high-entropy.test.ts checks them on seeded
 * draws). `node bench/snippet-redaction.ts [folder …]` counts what the rule masks in real code; on
 * the example app and the test fixtures only lines with planted secrets, which the test asserts.
 * It misses by design: tokens shorter than 20, of lower case and digits (hex), their base64, and
 * tokens that read as words.
 */

/** A run of base64 / base64url characters, `=` only as trailing padding. */
const TOKEN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}={0,2}(?![A-Za-z0-9+/_=-])/g;

const MIN_LENGTH = 20;
/** Share of the largest entropy a string of its length can have (log2 of its length, up to 64). */
const ENTROPY_SHARE = 0.8;
/** Share of a token in words of three letters or more above which it reads as an identifier or path. */
const WORDS_SHARE = 0.6;
/** Parts between separators this short are numbers, versions or abbreviations, not key material. */
const SHORT_PART = 6;

const UUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
const HEX = /^(?:0x)?[0-9a-f]+$/i;
/** `sha512-…` in package locks and `integrity` attributes: a digest, public by design. */
const INTEGRITY = /^sha(?:1|256|384|512)-/;
/** A digest labelled by its algorithm just before it: `h1:…` in go.sum, `sha256:…` image digests. */
const DIGEST_LABEL = /\b(?:h1|md5|sha(?:1|224|256|384|512))[:=]$/i;
/** A word: an optional capital and three or more lower-case letters (`Deployment`, `kics`). */
const WORD = /[A-Z]?[a-z]{3,}/g;

/** Shannon entropy of `text` in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** The entropy a token of `length` characters needs to be taken for random. */
export function entropyThreshold(length: number): number {
  return ENTROPY_SHARE * Math.log2(Math.min(length, 64));
}

function wordsShare(part: string): number {
  let covered = 0;
  for (const m of part.matchAll(WORD)) covered += m[0].length;
  return covered / part.length;
}

/**
 * An identifier or a path: each part between separators is short (`0`, `90057`, `v2`, `KHR`) or
 * reads as words (`Add_import_from_0_90057`, `com/Checkmarx/kics/v2/internal`). Random key material
 * with a `/` or `-` in it still has long parts that do not.
 */
function readsAsWords(body: string): boolean {
  const parts = body.split(/[/_+-]+/);
  // Between separators an all-capitals part is a word too (`X509_EXTENSION_create_by_OBJ`); a part
  // of random text is rarely capitals only, and a token needs every long part to read as words.
  const joined = parts.length > 1;
  return parts.every(
    (part) =>
      part.length <= SHORT_PART || (joined && /^[A-Z]+$/.test(part)) || wordsShare(part) >= WORDS_SHARE,
  );
}

/**
 * Base64 of a phrase (`aGVsbG8gd29ybGQ=`, "Base64 encoding is fun"): an encoded label, not key
 * material. It needs spaces between short words, so an encoded token or `user:password` is not one.
 */
function isEncodedWords(token: string): boolean {
  if (/[-_]/.test(token)) return false;
  const decoded = Buffer.from(token, 'base64').toString('latin1');
  const words = decoded.split(' ');
  const letters = decoded.replace(/[^A-Za-z]/g, '').length;
  return (
    words.length >= 2 &&
    words.every((w) => /^[A-Za-z0-9,.'!?-]{1,15}$/.test(w)) &&
    letters >= 0.7 * decoded.replace(/ /g, '').length
  );
}

/** True when `token` (one run of key-like characters) looks like random key material. */
export function isHighEntropyToken(token: string): boolean {
  const body = token.replace(/=+$/, '');
  if (body.length < MIN_LENGTH) return false;
  if (!/[A-Z]/.test(body) || !/[a-z]/.test(body) || !/\d/.test(body)) return false;
  if (UUID.test(body) || HEX.test(body) || INTEGRITY.test(body)) return false;
  if (shannonEntropy(body) < entropyThreshold(body.length)) return false;
  if (readsAsWords(body)) return false;
  return !isEncodedWords(token);
}

/** Replaces with `mask` every run of characters in `text` that looks like random key material. */
export function maskHighEntropyTokens(text: string, mask: string): string {
  return text.replace(TOKEN, (token: string, offset: number) =>
    isHighEntropyToken(token) && !DIGEST_LABEL.test(text.slice(Math.max(0, offset - 8), offset))
      ? mask
      : token,
  );
}
