import { describe, expect, it } from 'vitest';
import {
  isSecretFinding,
  REDACTED,
  redactKnownSecrets,
  redactSecretFindingText,
  redactSnippet,
} from '../../../src/findings/redact.ts';

/** Redacts `text` and checks that `secret` is gone and the mask is present. */
function expectMasked(text: string, secret: string): string {
  const out = redactKnownSecrets(text);
  expect(out).not.toContain(secret);
  expect(out).toContain(REDACTED);
  return out;
}

describe('redactKnownSecrets: credential shapes', () => {
  it('masks an AWS access key id', () => {
    const out = expectMasked('aws_key_id AKIAIOSFODNN7EXAMPLE in config', 'AKIAIOSFODNN7EXAMPLE');
    expect(out).toBe(`aws_key_id ${REDACTED} in config`);
  });

  it('masks a GitHub personal access token', () => {
    const secret = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    expect(expectMasked(`auth ${secret} end`, secret)).toBe(`auth ${REDACTED} end`);
  });

  it('masks a fine-grained GitHub token', () => {
    const secret = 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz';
    expectMasked(`export GH=${secret}`, secret);
  });

  it('masks a GitLab personal access token', () => {
    const secret = 'glpat-abcdefghij1234567890';
    expect(expectMasked(`use ${secret} here`, secret)).toBe(`use ${REDACTED} here`);
  });

  it('masks a Slack token', () => {
    const secret = 'xoxb-1234567890-abcdefghijkl';
    expect(expectMasked(`slack ${secret}`, secret)).toBe(`slack ${REDACTED}`);
  });

  it('masks a one-line private key block', () => {
    const body = 'MIIEowIBAAKCAQEAexampleexample';
    const text = `-----BEGIN RSA PRIVATE KEY-----${body}-----END RSA PRIVATE KEY-----`;
    expectMasked(text, body);
  });

  it('masks a multi-line private key block and keeps the text after it', () => {
    const lines = ['MIIEowIBAAKCAQEAline1', 'secondLineOfKeyMaterial', 'thirdLineOfKeyMaterial'];
    const text = `key = """\n-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n"""\nprint("done")`;
    const out = redactKnownSecrets(text);
    for (const line of lines) expect(out).not.toContain(line);
    expect(out).toContain(REDACTED);
    expect(out).toContain('print("done")');
  });

  it('masks an unterminated private key block up to the end of the text', () => {
    const text = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAAS\nmoreKeyMaterialHere';
    const out = redactKnownSecrets(text);
    expect(out).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAAS');
    expect(out).not.toContain('moreKeyMaterialHere');
  });

  it('masks a JWT', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(expectMasked(`Authorization: Bearer ${jwt}`, jwt)).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  it('masks the password in URL userinfo but keeps the user and host', () => {
    const out = expectMasked(
      'DATABASE_URL=postgres://admin:s3cretPass@db.example.com:5432/app',
      's3cretPass',
    );
    expect(out).toContain('postgres://admin:');
    expect(out).toContain('@db.example.com:5432/app');
  });

  it('leaves a URL without a password alone', () => {
    const text = 'see https://example.com:8443/path and https://user@example.com/';
    expect(redactKnownSecrets(text)).toBe(text);
  });
});

describe('redactKnownSecrets: assignments to secret-looking names', () => {
  it('masks a double-quoted password assignment', () => {
    expect(expectMasked('password = "hunter2"', 'hunter2')).toBe(`password = "${REDACTED}"`);
  });

  it('masks a JSON-style "api_key": \'x\' pair and keeps the quotes', () => {
    expect(redactKnownSecrets(`"api_key": 'x'`)).toBe(`"api_key": '${REDACTED}'`);
  });

  it('masks a backtick-quoted token in JavaScript', () => {
    expectMasked('const githubToken = `tok-value-123`;', 'tok-value-123');
  });

  it('masks a value containing an escaped quote', () => {
    expectMasked('db_password = "pa\\"ss-word"', 'ss-word');
  });

  it('masks a bare YAML value', () => {
    expect(expectMasked('  password: supersecret99', 'supersecret99')).toBe(`  password: ${REDACTED}`);
  });

  it('masks a bare .env value', () => {
    expect(expectMasked('DB_PASSWORD=supersecret99', 'supersecret99')).toBe(`DB_PASSWORD=${REDACTED}`);
  });

  it('masks every assignment on a multi-line text', () => {
    const out = redactKnownSecrets('API_KEY=firstvalue1\nSECRET_TOKEN=secondvalue2\nDEBUG=true');
    expect(out).not.toContain('firstvalue1');
    expect(out).not.toContain('secondvalue2');
    expect(out).toContain('DEBUG=true');
  });
});

describe('redactKnownSecrets: no over-redaction of ordinary code', () => {
  it('keeps a function call assigned to a password variable', () => {
    expect(redactKnownSecrets('password = get_password()')).toBe('password = get_password()');
  });

  it('keeps an attribute read assigned to a token variable', () => {
    expect(redactKnownSecrets('token = self.token')).toBe('token = self.token');
  });

  it('keeps quoted values assigned to names that are not secret-looking', () => {
    expect(redactKnownSecrets('user_id = "42"')).toBe('user_id = "42"');
    expect(redactKnownSecrets('name: "controlgate"')).toBe('name: "controlgate"');
  });

  it('keeps text with nothing secret in it unchanged', () => {
    const code = 'cursor.execute("SELECT * FROM users WHERE id = %s" % user_id)';
    expect(redactKnownSecrets(code)).toBe(code);
  });
});

describe('redactSecretFindingText', () => {
  it("masks the password in Bandit's hardcoded-password message", () => {
    const out = redactSecretFindingText("Possible hardcoded password: 'Inv3ntory-Demo-Only-Not-Real'");
    expect(out).not.toContain('Inv3ntory-Demo-Only-Not-Real');
    expect(out).toBe(`Possible hardcoded password: '${REDACTED}'`);
  });

  it('masks every quoted literal, whatever it is assigned to', () => {
    const out = redactSecretFindingText(`connect(user="svc", pw='Zx9-value', host=\`db\`)`);
    expect(out).not.toContain('svc');
    expect(out).not.toContain('Zx9-value');
    expect(out).toBe(`connect(user="${REDACTED}", pw='${REDACTED}', host=\`${REDACTED}\`)`);
  });

  it('also masks known shapes outside quotes', () => {
    const out = redactSecretFindingText('Found key AKIAIOSFODNN7EXAMPLE');
    expect(out).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });
});

describe('isSecretFinding', () => {
  it.each(['CWE-798', 'CWE-259', 'CWE-321'])('is true for %s', (cwe) => {
    expect(isSecretFinding({ cwe: ['CWE-20', cwe], tags: [] })).toBe(true);
  });

  it('is true for the KICS category "Secret Management"', () => {
    expect(isSecretFinding({ cwe: [], category: 'Secret Management', tags: [] })).toBe(true);
  });

  it.each(['secret', 'secrets', 'Secret-Detection', 'credentials'])('is true for the tag %s', (tag) => {
    expect(isSecretFinding({ cwe: [], tags: ['security', tag] })).toBe(true);
  });

  it('is false for an SQL injection finding', () => {
    expect(isSecretFinding({ cwe: ['CWE-89'], category: 'Injection', tags: ['security', 'sql'] })).toBe(
      false,
    );
  });

  it('does not treat tags that merely contain the word as secret tags', () => {
    expect(isSecretFinding({ cwe: [], tags: ['secretary-module', 'no-secrets-here'] })).toBe(false);
  });
});

describe('redactKnownSecrets: the quick pre-check', () => {
  it('lets no known shape through: each one still triggers the full redaction', () => {
    const samples = [
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
      ...['AKIA', 'ASIA', 'AGPA', 'AIDA', 'AROA', 'ANPA', 'ANVA', 'AIPA'].map(
        (p) => `id ${p}ABCDEFGHIJKLMNOP`,
      ),
      `token ghp_${'a'.repeat(36)}`,
      `github_pat_${'b'.repeat(30)}`,
      `glpat-${'c'.repeat(20)}`,
      'xoxb-1234567890-abcdef',
      `sk_live_${'d'.repeat(24)}`,
      `AIza${'e'.repeat(35)}`,
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijk',
      'postgres://admin:hunter2hunter2@db.internal/app',
      'DB_PASSWORD = "correct horse"',
      'Api-Key: abcd1234',
    ];
    for (const sample of samples) expect(redactKnownSecrets(sample), sample).toContain('[REDACTED]');
  });

  it('returns text without any of its words unchanged', () => {
    const text = 'Finding 17: something unsafe happens here with value 42';
    expect(redactKnownSecrets(text)).toBe(text);
  });
});

describe('redaction: shapes a planted-secrets corpus showed missing', () => {
  it('masks values of names that only abbreviate "password"', () => {
    expect(redactKnownSecrets('DB_PASS=hunter2.example')).toBe('DB_PASS=[REDACTED]');
    expect(redactKnownSecrets('smtp.pass: s3cr3t.value')).toBe('smtp.pass: [REDACTED]');
    expect(redactKnownSecrets('passphrase = "open sesame"')).toBe('passphrase = "[REDACTED]"');
  });

  it('masks a URL password with an empty user name', () => {
    expect(redactKnownSecrets('redis://:p4ssw0rd@cache:6379/0')).toBe('redis://:[REDACTED]@cache:6379/0');
  });

  it('masks the value after a label in a secret scanner message', () => {
    expect(redactKnownSecrets('found AWS Secret Access Key: wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY')).toBe(
      'found AWS Secret Access Key: [REDACTED]',
    );
  });

  it('masks GitLab runner tokens and GitHub tokens with dashes and underscores', () => {
    expect(redactKnownSecrets('token glrt-AbCdEfGhIjKlMnOpQrSt-1 here')).toBe('token [REDACTED] here');
    expect(redactKnownSecrets('ghs_abc-DEF_ghi1234567890abcdefghijklmnopqr')).toBe('[REDACTED]');
  });

  it('leaves attribute reads alone', () => {
    expect(redactKnownSecrets('self.token = other.token')).toBe('self.token = other.token');
  });

  it('treats a finding without CWE as a secret by its rule or message words, but not one with another CWE', () => {
    expect(
      isSecretFinding({
        cwe: [],
        tags: [],
        ruleId: 'generic-api-key',
        message: 'Detected a Generic API Key',
      }),
    ).toBe(true);
    expect(isSecretFinding({ cwe: ['CWE-89'], tags: [], ruleId: 'generic-api-key' })).toBe(false);
  });

  it('masks a long key body line in a secret finding, without its PEM header', () => {
    expect(redactSecretFindingText('key body MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7 end')).toBe(
      'key body [REDACTED] end',
    );
  });
});

describe('redactKnownSecrets: OpenAI, Slack webhook, Stripe and Authorization shapes', () => {
  // Test values only: the right shape, obviously not issued by anyone.
  it.each([
    ['an OpenAI project key', 'sk-proj-FAKE0test0only0Ab12Cd34Ef56Gh78-_Ij90'],
    ['an OpenAI service account key', 'sk-svcacct-FAKE0test0only0Ab12Cd34Ef56Gh78'],
    ['an older OpenAI key', 'sk-FAKE0test0only0Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op'],
    ['a Stripe test secret key', 'sk_test_FAKE0test0only0Ab12Cd34'],
    ['a Stripe live secret key', 'sk_live_FAKE0test0only0Ab12Cd34'],
    ['a Stripe restricted key', 'rk_live_FAKE0test0only0Ab12Cd34'],
    ['a Stripe restricted test key', 'rk_test_FAKE0test0only0Ab12Cd34'],
  ])('masks %s inside a shell call', (_what, secret) => {
    const line = `subprocess.call("llm-cli --with ${secret} " + text, shell=True)`;
    expect(expectMasked(line, secret)).toBe(
      `subprocess.call("llm-cli --with ${REDACTED} " + text, shell=True)`,
    );
  });

  it('masks a Slack webhook URL after its host', () => {
    const url = 'https://hooks.slack.com/services/T00FAKE00/B00FAKE00/FAKEtestONLY0000xxxx1234';
    const out = expectMasked(`curl -X POST -d @msg.json ${url}`, 'T00FAKE00/B00FAKE00');
    expect(out).toBe(`curl -X POST -d @msg.json https://hooks.slack.com/services/${REDACTED}`);
    expect(out).not.toContain('FAKEtestONLY0000xxxx1234');
  });

  it('masks a bearer token in an Authorization header, in any case', () => {
    const token = 'fake0test0only0token0a1b2c3d4e5f6';
    expect(expectMasked(`curl -H 'Authorization: Bearer ${token}' https://api.internal`, token)).toBe(
      `curl -H 'Authorization: Bearer ${REDACTED}' https://api.internal`,
    );
    expect(redactKnownSecrets(`headers={"authorization": "bearer ${token}"}`)).toBe(
      `headers={"authorization": "bearer ${REDACTED}"}`,
    );
  });

  it('masks Basic credentials after Authorization', () => {
    expect(redactKnownSecrets('Authorization: Basic ZmFrZTp0ZXN0LW9ubHk=')).toBe(
      `Authorization: Basic ${REDACTED}`,
    );
  });

  it('leaves prose and code about these schemes alone', () => {
    for (const text of [
      'Send a Bearer token in the Authorization header.',
      'headers = {"Authorization": "Bearer " + token}',
      'headers = {"Authorization": f"Bearer {token}"}',
      'const cls = "sk-loading-spinner-container-large";',
      'see https://hooks.slack.com/ for incoming webhooks',
      'task-runner-configuration-20241101',
    ])
      expect(redactKnownSecrets(text), text).toBe(text);
  });

  it('every new shape passes the quick pre-check', () => {
    for (const sample of [
      `sk-proj-${'a1'.repeat(12)}`,
      `sk-${'b2'.repeat(12)}`,
      `rk_live_${'c'.repeat(12)}`,
      `sk_test_${'d'.repeat(12)}`,
      'https://hooks.slack.com/services/T0/B0/x',
      'bearer abcdefgh1',
      'Authorization: Basic abcdefgh',
    ])
      expect(redactKnownSecrets(sample), sample).toContain(REDACTED);
  });
});

describe('redactSnippet: the code of a finding that is not about a secret', () => {
  it('masks a random token of no known shape, and known shapes', () => {
    const token = 'Qm9v7TzXr2LpK8wYc3NdJ5sHfA1gEuB6';
    expect(redactSnippet(`eval("client.connect('${token}')")`)).toBe(`eval("client.connect('${REDACTED}')")`);
    expect(redactSnippet('x = "sk_test_FAKE0test0only0Ab12Cd34"')).toBe(`x = "${REDACTED}"`);
  });

  it('keeps ordinary code with ids, digests and paths', () => {
    const code = [
      'query_id = "487f4be7-3fd9-4506-a07a-eae252180c08"  # KICS',
      'commit = "3f2c1e9a8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e"',
      'digest = "sha256:9f86d081884c7d659a2feb1b0b6e4e5f2a5c2f8b0b6e4e5f2a5c2f8b0b6e4e5f"',
      'open("examples/vulnerable-app/app/config.py")  # CWE-798',
      'CanvasRenderingContext2D, base64UrlToByteArray, Add_import_from_0_90057',
    ].join('\n');
    expect(redactSnippet(code)).toBe(code);
  });
});
