import { createHmac, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isHighEntropyToken } from '../../src/findings/high-entropy.ts';
import { REPO_ROOT } from './cli.ts';

/*
 * Canaries for the secrets corpus (test/fixtures/secrets-corpus): random for each run and shaped like
 * the real thing, so nothing secret-shaped is committed. Shared by the tests that scan the corpus
 * and then search every output for them (secrets-corpus.test.ts, gitleaks.test.ts).
 */

/** The corpus, with a `{{NAME}}` placeholder where each canary goes. */
export const CORPUS = path.join(REPO_ROOT, 'test', 'fixtures', 'secrets-corpus');

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';

function pick(alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Key material: random, but always mixing letters and digits, as real keys of this length do. */
function keyLike(alphabet: string, n: number): string {
  for (;;) {
    const key = pick(alphabet, n);
    if (/\d/.test(key) && /[A-Za-z]/.test(key)) return key;
  }
}

/** A password as people pick them: letters, digits, a dot and a symbol that survive URLs and YAML. */
function password(): string {
  return `${pick(UPPER, 1)}${pick(ALNUM, 9)}.${pick(ALNUM, 7)}${pick('-_~!*', 1)}${pick(DIGITS, 2)}`;
}

/** A passphrase of made-up words: no digits, so only its context shows it is a secret. */
function passphrase(): string {
  return [6, 5, 7, 6].map((n) => pick(LOWER, n)).join('-');
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** A signed HS256 token with a random subject and key. */
function jwt(): string {
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = base64url(
    JSON.stringify({ sub: `svc-${pick(LOWER + DIGITS, 12)}`, iat: 1_767_225_600, scope: 'payments:write' }),
  );
  const signature = createHmac('sha256', randomBytes(32)).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

function rsaKey(type: 'pkcs1' | 'pkcs8'): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type, format: 'pem' })
    .toString();
}

function ecKey(): { plain: string; encrypted: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    plain: privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
    encrypted: privateKey
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: pick(ALNUM, 24) })
      .toString(),
  };
}

/** Every placeholder of the corpus with this run's value. */
export function makeCanaries(): Record<string, string> {
  const ec = ecKey();
  const slackWebhookSecret = pick(ALNUM, 24);
  const tlsKey = generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const apiToken = keyLike(HEX, 40);
  return {
    AWS_ACCESS_KEY_ID: `AKIA${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
    AWS_SECRET_ACCESS_KEY: keyLike(`${ALNUM}/+`, 40),
    ENV_AWS_ACCESS_KEY_ID: `ASIA${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
    ENV_AWS_SECRET_ACCESS_KEY: keyLike(`${ALNUM}/+`, 40),
    TF_AWS_ACCESS_KEY_ID: `AKIA${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
    TF_AWS_SECRET_ACCESS_KEY: keyLike(`${ALNUM}/+`, 40),
    GITHUB_TOKEN: `ghp_${pick(ALNUM, 36)}`,
    GITHUB_FINE_GRAINED_TOKEN: `github_pat_${pick(ALNUM, 22)}_${pick(ALNUM, 59)}`,
    GITLAB_TOKEN: `glpat-${pick(`${ALNUM}_-`, 20)}`,
    K8S_GITLAB_TOKEN: `glpat-${pick(`${ALNUM}_-`, 20)}`,
    SLACK_BOT_TOKEN: `xoxb-${pick(DIGITS, 12)}-${pick(DIGITS, 13)}-${pick(ALNUM, 24)}`,
    SLACK_USER_TOKEN: `xoxp-${pick(DIGITS, 12)}-${pick(DIGITS, 12)}-${pick(DIGITS, 13)}-${pick(HEX, 32)}`,
    STRIPE_SECRET_KEY: `sk_live_${pick(ALNUM, 24)}`,
    K8S_STRIPE_KEY: `sk_live_${pick(ALNUM, 99)}`,
    JWT: jwt(),
    JS_API_KEY: `AIza${pick(`${ALNUM}_-`, 35)}`,
    POSTGRES_PASSWORD: password(),
    ENV_DB_PASSWORD: password(),
    MONGO_PASSWORD: password(),
    REDIS_PASSWORD: password(),
    PY_ADMIN_PASSWORD: password(),
    PY_DB_PASS: password(),
    PY_DEFAULT_PASSWORD: password(),
    PY_KWARG_PASSWORD: password(),
    ENV_SMTP_PASSWORD: password(),
    YAML_DB_PASSWORD: password(),
    YAML_SMTP_PASSPHRASE: passphrase(),
    TF_VARIABLE_PASSWORD: password(),
    TF_RDS_PASSWORD: password(),
    TFVARS_DB_PASSWORD: password(),
    TFVARS_API_KEY: keyLike(HEX, 32),
    K8S_DB_PASSWORD: password(),
    K8S_ENV_PASSWORD: password(),
    K8S_API_TOKEN: apiToken,
    K8S_API_TOKEN_BASE64: Buffer.from(apiToken).toString('base64'),
    SERVICE_ACCOUNT_KEY_ID: keyLike(HEX, 40),
    RSA_PRIVATE_KEY: rsaKey('pkcs1').trimEnd(),
    SERVICE_ACCOUNT_PRIVATE_KEY: rsaKey('pkcs8'),
    EC_PRIVATE_KEY: ec.plain.trimEnd(),
    ENCRYPTED_PRIVATE_KEY: ec.encrypted.trimEnd(),
    TLS_KEY: tlsKey,
    // Only on lines flagged for something else (app/notify.py). Lower-case bodies leave the shape
    // as the only protection (the entropy rule wants upper case too); mixed-case ones have both.
    SLACK_WEBHOOK_URL: `https://hooks.slack.com/services/T${pick(UPPER + DIGITS, 8)}/B${pick(UPPER + DIGITS, 10)}/${slackWebhookSecret}`,
    SLACK_WEBHOOK_SECRET: slackWebhookSecret,
    BEARER_TOKEN: keyLike(LOWER + DIGITS, 32),
    OPENAI_PROJECT_KEY: `sk-proj-${keyLike(`${ALNUM}_-`, 64)}`,
    OPENAI_KEY: `sk-${keyLike(LOWER + DIGITS, 48)}`,
    STRIPE_TEST_KEY: `sk_test_${keyLike(ALNUM, 24)}`,
    STRIPE_RESTRICTED_KEY: `rk_live_${keyLike(LOWER + DIGITS, 24)}`,
    OPAQUE_TOKEN: opaqueToken(),
  };
}

/** A token of no known shape that the entropy rule is meant to catch (a draw that reads as words is drawn again). */
function opaqueToken(): string {
  for (;;) {
    const token = pick(ALNUM, 40);
    if (isHighEntropyToken(token)) return token;
  }
}

/** Values derived from the canaries for placing them (escaped in JSON, indented in YAML). */
export function placements(c: Record<string, string>): Record<string, string> {
  return {
    ...c,
    SERVICE_ACCOUNT_PRIVATE_KEY_JSON: (c.SERVICE_ACCOUNT_PRIVATE_KEY ?? '').replaceAll('\n', '\\n'),
    TLS_KEY_INDENTED: (c.TLS_KEY ?? '')
      .trimEnd()
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n'),
  };
}

/**
 * What must never be seen: each value, each line of key material, and a stretch from the middle of
 * each, so a value that was only partly masked is caught too.
 */
export function needles(c: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(c)) {
    const pieces = value.includes('-----BEGIN')
      ? value.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----') && !l.includes(':'))
      : [value];
    for (const [i, piece] of pieces.entries()) {
      const label = pieces.length > 1 ? `${name} line ${i + 1}` : name;
      out.set(piece, label);
      if (piece.length >= 24) {
        const mid = Math.floor(piece.length / 2);
        out.set(piece.slice(mid - 8, mid + 8), `${label} (middle)`);
      }
    }
  }
  return out;
}

/** Copies the corpus to `dir` with every `{{NAME}}` filled; a placeholder left unfilled is an error. */
export function materialize(dir: string, values: Record<string, string>): void {
  cpSync(CORPUS, dir, { recursive: true });
  rmSync(path.join(dir, 'README.md'));
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
  for (const file of files) {
    const text = readFileSync(file, 'utf8').replace(/\{\{([A-Z0-9_]+)\}\}/g, (_m, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`${file}: no canary for {{${name}}}`);
      return value;
    });
    writeFileSync(file, text);
  }
}
