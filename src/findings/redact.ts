/*
 * Secret values found by scanners must never reach any output: terminal, JSON, SARIF, comments,
 * evidence. Two layers: well-known credential shapes are masked in every text, and for findings that
 * are about a secret, every quoted literal is masked too (Bandit puts the password in its message).
 */

export const REDACTED = '[REDACTED]';

/** CWEs whose findings point at a credential sitting in the code. */
const SECRET_CWES = new Set(['CWE-259', 'CWE-260', 'CWE-321', 'CWE-522', 'CWE-547', 'CWE-798']);

const KNOWN_SHAPES: readonly [RegExp, string][] = [
  [
    /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g,
    `-----BEGIN PRIVATE KEY-----${REDACTED}`,
  ],
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/g, REDACTED],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, REDACTED],
  [/\bglpat-[A-Za-z0-9_-]{20,}\b/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, REDACTED],
  [/\bsk_live_[A-Za-z0-9]{16,}\b/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, REDACTED],
  // scheme://user:password@host — keep the user and host, drop the password.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:\s/@'"`]+:)([^@\s/'"`]+)(@)/gi, `$1${REDACTED}$3`],
];

const SECRET_NAME =
  '[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential)[A-Za-z0-9_.-]*';
/** `password = "value"`, `"api_key": 'value'`, `password: value` (YAML, .env). */
const QUOTED_ASSIGNMENT = new RegExp(
  String.raw`(${SECRET_NAME}["']?\s*[:=]\s*)(["'\`])((?:(?!\2)[^\\\n]|\\.)+)\2`,
  'gi',
);
const BARE_ASSIGNMENT = new RegExp(
  String.raw`(^|\s)(${SECRET_NAME}\s*[:=]\s*)([^\s"'\`()[\]{},;.]{4,})(?=\s|$)`,
  'gim',
);
const QUOTED_LITERAL = /(["'`])((?:(?!\1)[^\\\n]|\\.)+)\1/g;

/**
 * Every pattern above needs one of these words or prefixes: text with none of them (most scanner
 * messages) is returned as it is, without running the dozen expressions over it.
 */
const MAYBE_SECRET =
  /PRIVATE KEY|A[KSGIRNP][IPDONV]A|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|sk_live_|AIza|eyJ|:\/\/|password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential/i;

/** Masks credential shapes and values assigned to secret-looking names; safe for any text. */
export function redactKnownSecrets(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of KNOWN_SHAPES) out = out.replace(pattern, replacement);
  out = out.replace(
    QUOTED_ASSIGNMENT,
    (_m, lead: string, quote: string) => `${lead}${quote}${REDACTED}${quote}`,
  );
  out = out.replace(BARE_ASSIGNMENT, (_m, start: string, lead: string) => `${start}${lead}${REDACTED}`);
  return out;
}

/** For a secret finding: also masks every quoted literal, whatever it is assigned to. */
export function redactSecretFindingText(text: string): string {
  return redactKnownSecrets(text).replace(
    QUOTED_LITERAL,
    (_m, quote: string) => `${quote}${REDACTED}${quote}`,
  );
}

/** True when a finding is about a credential, by CWE, category or tag. */
export function isSecretFinding(f: {
  cwe: readonly string[];
  category?: string;
  tags: readonly string[];
}): boolean {
  if (f.cwe.some((c) => SECRET_CWES.has(c))) return true;
  if (f.category && /secret/i.test(f.category)) return true;
  return f.tags.some((t) => /^(secrets?|secret[-_ ]detection|credentials?)$/i.test(t));
}
