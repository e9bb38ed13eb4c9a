/*
 * Secret values found by scanners must never reach any output: terminal, JSON, SARIF, comments,
 * evidence. Three layers: well-known credential shapes and values assigned to secret-looking names are
 * masked in every text; in the code snippets of any finding, runs that look like random key material
 * are masked too (a token pasted into a shell call that a scanner flags for the shell call); and for
 * findings that are about a secret, every quoted literal and token-like run is masked (Bandit puts
 * the password in its message, KICS points at a key's body line, Gitleaks's snippet is the bare value).
 */

import { maskHighEntropyTokens } from './high-entropy.ts';

export const REDACTED = '[REDACTED]';

/** CWEs whose findings point at a credential sitting in the code. */
const SECRET_CWES = new Set(['CWE-259', 'CWE-260', 'CWE-321', 'CWE-522', 'CWE-547', 'CWE-798']);

/** Token shapes end where their alphabet does: `\b` would stop short of a trailing `-`. */
const KNOWN_SHAPES: readonly [RegExp, string][] = [
  [
    /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g,
    `-----BEGIN PRIVATE KEY-----${REDACTED}`,
  ],
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/g, REDACTED],
  [/\b(?:gh[pousr]_[A-Za-z0-9_-]{20,}|github_pat_[A-Za-z0-9_]{20,})(?![\w-])/g, REDACTED],
  // GitLab's token family: personal/project/group, OAuth, deploy, runner, CI job, trigger, feed…
  [/\bgl(?:pat|oas|dt|rt|cbt|ptt|ft|imt|agent|soat|ffct)-[A-Za-z0-9_-]{20,}(?![\w-])/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}(?![\w-])/g, REDACTED],
  // Stripe secret and restricted keys, live and test (a test key still reaches the account's data).
  [/\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}\b/g, REDACTED],
  // OpenAI (and Anthropic) keys: `sk-proj-…`, `sk-svcacct-…`, `sk-admin-…`, `sk-ant-…`, and the older
  // `sk-` with 20 or more letters and digits (some of each, so `sk-loading-spinner` is left alone).
  [/\bsk-(?:proj|svcacct|admin|ant)-[A-Za-z0-9_-]{20,}(?![\w-])/g, REDACTED],
  [/\bsk-(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{20,}(?![\w-])/g, REDACTED],
  // A Slack incoming webhook URL is its own credential: keep the host, drop the path.
  [/\b(https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9_/-]+/g, `$1${REDACTED}`],
  // `Authorization: Bearer …` and a bearer token anywhere: an RFC 6750 token with a digit in it, so
  // prose ("a Bearer token", "Bearer authentication") is left alone.
  [/\b(bearer\s+)(?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{8,}=*/gi, `$1${REDACTED}`],
  // `Authorization: Basic …` (base64 of user:password) and `Token` / `Bot` schemes.
  [/\b(authorization["']?\s*[:=]\s*["']?(?:basic|token|bot)\s+)[A-Za-z0-9._~+/-]{8,}=*/gi, `$1${REDACTED}`],
  [/\bAIza[0-9A-Za-z_-]{35}(?![\w-])/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?![\w-])/g, REDACTED],
  // scheme://user:password@host — keep the user and host, drop the password.
  // The user may be empty (`redis://:password@host`).
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:\s/@'"`]*:)([^@\s/'"`]+)(@)/gi, `$1${REDACTED}$3`],
];

/**
 * A name that holds a credential: one of the words anywhere in it, or `pass` / `passphrase` as a
 * part of its own (`DB_PASS`, `smtp.pass`), not inside another word (`bypass`, `passenger`).
 */
const SECRET_NAME =
  '(?:[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential)[A-Za-z0-9_.-]*' +
  '|(?:[A-Za-z0-9_.-]*[_.-]|(?<![A-Za-z0-9_.-]))pass(?:phrase)?(?:[_.-][A-Za-z0-9_.-]*)?)';
/** `password = "value"`, `"api_key": 'value'`, `password: value` (YAML, .env). */
const QUOTED_ASSIGNMENT = new RegExp(
  String.raw`(${SECRET_NAME}["']?\s*[:=]\s*)(["'\`])((?:(?!\2)[^\\\n]|\\.)+)\2`,
  'gi',
);
/**
 * A bare value up to the end of the line or a space. Dots are allowed (passwords have them), but a
 * dotted name without digits such as `self.token` or `settings.SECRET_KEY` is code, not a value.
 */
const BARE_ASSIGNMENT = new RegExp(
  String.raw`(^|\s)(${SECRET_NAME}\s*[:=]\s*)((?![A-Za-z_$]+(?:\.[A-Za-z_$]+)+(?=\s|$))[^\s"'\`()[\]{},;]{4,})(?=\s|$)`,
  'gim',
);
/**
 * A value after a label that names a credential, as secret scanners word their messages: "found AWS
 * Secret Access Key: wJalr…", "Password: s3cr3t!". Only values mixing letters and digits, so prose
 * ("password: required") is left alone.
 */
const LABELLED_VALUE =
  /(\b(?:secret|password|passwd|passphrase|credential|token|api[ _-]?key|access[ _-]?key|private[ _-]?key)s?\b[^\n:="'`]{0,40}?:\s+)([^\s"'`,;]{8,})/gi;
const QUOTED_LITERAL = /(["'`])((?:(?!\1)[^\\\n]|\\.)+)\1/g;
/**
 * A long run of key-like characters mixing letters and digits: key material (a PEM body line
 * without its header), a bare token or password. Only masked in text about a secret.
 */
const TOKEN_LIKE =
  /(?<![A-Za-z0-9+/=_.~!*-])(?=[A-Za-z0-9+/=_.~!*-]*\d)(?=[A-Za-z0-9+/=_.~!*-]*[A-Za-z])[A-Za-z0-9+/=_.~!*-]{16,}(?![A-Za-z0-9+/=_.~!*-])/g;

/**
 * Every pattern above needs one of these words or prefixes: text with none of them (most scanner
 * messages) is returned as it is, without running the dozen expressions over it.
 */
const MAYBE_SECRET =
  /PRIVATE KEY|A[KSGIRNP][IPDONV]A|gh[pousr]_|github_pat_|gl[a-z]{1,5}-|xox[abposr]-|[sr]k_(?:live|test)_|sk-|AIza|eyJ|:\/\/|bearer|authorization|pass|pwd|secret|token|api[ _-]?key|access[ _-]?key|private[ _-]?key|credential/i;

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
  out = out.replace(LABELLED_VALUE, (m, lead: string, value: string) =>
    /\d/.test(value) && /[A-Za-z]/.test(value) && !value.includes(REDACTED) ? `${lead}${REDACTED}` : m,
  );
  return out;
}

/**
 * For the code of a finding that is not about a secret: known shapes and assignments, and runs that
 * look like random key material (high-entropy.ts says how that is judged without masking code).
 */
export function redactSnippet(text: string): string {
  return maskHighEntropyTokens(redactKnownSecrets(text), REDACTED);
}

/**
 * For a secret finding: also masks every quoted literal, whatever it is assigned to, and every
 * token-like run (a key's body line, a bare value), which no name or shape gives away.
 */
export function redactSecretFindingText(text: string): string {
  return redactKnownSecrets(text)
    .replace(QUOTED_LITERAL, (_m, quote: string) => `${quote}${REDACTED}${quote}`)
    .replace(TOKEN_LIKE, REDACTED);
}

/** Words in a rule's id or name, or a scanner's message, that say the finding is a leaked credential. */
const SECRET_WORDS =
  /secret|password|passwd|passphrase|credential|api[-_ ]?key|private[-_ ]?key|access[-_ ]?key|token|(?:^|[-_ ])(?:pat|jwt)(?:$|[-_ ])/i;

/**
 * True when a finding is about a credential: by CWE, category or tag; and, for findings without any
 * CWE (secret scanners such as Gitleaks give none), by the words in its rule and message.
 */
export function isSecretFinding(f: {
  cwe: readonly string[];
  category?: string;
  tags: readonly string[];
  ruleId?: string;
  ruleName?: string;
  message?: string;
}): boolean {
  if (f.cwe.some((c) => SECRET_CWES.has(c))) return true;
  if (f.category && /secret/i.test(f.category)) return true;
  if (f.tags.some((t) => /^(secrets?|secret[-_ ]detection|credentials?)$/i.test(t))) return true;
  if (f.cwe.length > 0) return false;
  return [f.ruleId, f.ruleName, f.message].some((text) => text !== undefined && SECRET_WORDS.test(text));
}
