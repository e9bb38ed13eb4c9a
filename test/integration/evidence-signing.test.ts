import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTESTATION_FILE, MANIFEST_FILE, type Manifest, sha256 } from '../../src/bundle/manifest.ts';
import { editJson, rewriteManifest } from '../support/bundle-edit.ts';
import { withoutCiVariables } from '../support/ci-env.ts';
import { CLI, REPO_ROOT } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';
import {
  GITHUB_ISSUER,
  githubClaims,
  type MockSigstore,
  mintToken,
  startMockSigstore,
} from '../support/sigstore-mock.ts';
import { spawnNode } from '../support/spawn-node.ts';
import { serveTufRepository } from '../support/tuf-repo.ts';

/*
 * Signed evidence, end to end and offline: the built CLI scans a small repository (Bandit only) in
 * a GitHub-like environment whose OIDC token endpoint, Fulcio and Rekor are @sigstore/mock's,
 * served on 127.0.0.1; the bundle it writes carries attestation.sigstore.json, and
 * `evidence verify --identity` checks it against the mock's trusted root with sigstore's own
 * verifier. Then what it must refuse: another identity, another issuer, a forged bundle with its
 * manifest written again, and a "laptop" bundle with GITHUB_* set but no OIDC token.
 */

const REPOSITORY = 'octo/shop';
const REF = 'refs/heads/main';
const IDENTITY = `https://github.com/${REPOSITORY}/.github/workflows/gate.yml@${REF}`;
const BANDIT_ONLY = 'scanners:\n  semgrep:\n    enabled: false\n  kics:\n    enabled: false\n';
const SHELL = 'import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cg-signing-'));
const CLAIMS = githubClaims(REPOSITORY, 'gate.yml', REF);
let sigstore: MockSigstore;
let repo: GitRepo;
let trustedRoot: string;
let signed: string;
let signedRun: { exitCode: number | null; stdout: string; stderr: string };

/** What a GitHub runner sets for a push to main of octo/shop, with the mocks' URLs. */
function githubEnv(oidc: boolean): NodeJS.ProcessEnv {
  return {
    ...withoutCiVariables(),
    CONTROLGATE_TOOLS_DIR: process.env.CONTROLGATE_TOOLS_DIR ?? path.join(REPO_ROOT, '.tools'),
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_REF: REF,
    GITHUB_REF_NAME: 'main',
    GITHUB_SHA: repo.head(),
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    CONTROLGATE_SIGSTORE_FULCIO_URL: sigstore.url,
    CONTROLGATE_SIGSTORE_REKOR_URL: sigstore.url,
    ...(oidc
      ? {
          ACTIONS_ID_TOKEN_REQUEST_URL: sigstore.tokenUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: sigstore.tokenRequestToken,
        }
      : {}),
  };
}

function scan(name: string, env: NodeJS.ProcessEnv) {
  const bundle = path.join(scratch, name);
  return spawnNode(CLI, ['scan', repo.dir, '--evidence', bundle, '--no-progress'], {
    env,
    cwd: repo.dir,
    timeoutMs: 300_000,
  }).then((run) => ({ ...run, bundle }));
}

function verify(location: string, ...args: string[]) {
  return spawnNode(CLI, ['evidence', 'verify', location, ...args], {
    env: withoutCiVariables(),
    cwd: scratch,
    timeoutMs: 60_000,
  });
}

const expected = () => ['--identity', IDENTITY, '--issuer', GITHUB_ISSUER, '--trusted-root', trustedRoot];

function copyOf(bundle: string, name: string): string {
  const dir = path.join(scratch, name);
  cpSync(bundle, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  sigstore = await startMockSigstore(CLAIMS);
  trustedRoot = path.join(scratch, 'trusted_root.json');
  writeFileSync(trustedRoot, JSON.stringify(sigstore.trustedRoot, null, 2));
  repo = GitRepo.create({ '.controlgate.yml': BANDIT_ONLY, 'app.py': SHELL });
  repo.commit('app');
  const run = await scan('signed', githubEnv(true));
  signed = run.bundle;
  signedRun = run;
});

afterAll(async () => {
  await sigstore?.close();
  repo?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe('a CI run with an OIDC token signs its evidence', () => {
  it('writes attestation.sigstore.json outside the manifest, and says who signed', () => {
    expect(signedRun.stdout + signedRun.stderr).not.toContain('internal error');
    expect(signedRun.stderr).toContain(`evidence signed: ${IDENTITY} (issuer ${GITHUB_ISSUER})`);
    const manifest = JSON.parse(readFileSync(path.join(signed, MANIFEST_FILE), 'utf8')) as Manifest;
    expect(manifest.files.map((f) => f.path)).not.toContain(ATTESTATION_FILE);
    const attestation = JSON.parse(readFileSync(path.join(signed, ATTESTATION_FILE), 'utf8')) as {
      mediaType: string;
      dsseEnvelope: { payload: string; payloadType: string };
      verificationMaterial: { tlogEntries: unknown[] };
    };
    expect(attestation.mediaType).toContain('application/vnd.dev.sigstore.bundle');
    expect(attestation.verificationMaterial.tlogEntries).toHaveLength(1);
    const statement = JSON.parse(Buffer.from(attestation.dsseEnvelope.payload, 'base64').toString('utf8'));
    expect(statement.predicateType).toBe('https://controlgate.dev/evidence/v1');
    expect(statement.subject[0]).toEqual({
      name: MANIFEST_FILE,
      digest: { sha256: sha256(readFileSync(path.join(signed, MANIFEST_FILE))) },
    });
    expect(statement.subject[1].digest.sha256).toBe(manifest.digest);
    const report = JSON.parse(readFileSync(path.join(signed, 'controlgate.json'), 'utf8'));
    expect(statement.predicate).toMatchObject({
      decision: report.decision,
      exitCode: report.exitCode,
      repository: REPOSITORY,
      headSha: repo.head(),
      runUrl: `https://github.com/${REPOSITORY}/actions/runs/4242`,
    });
    const facts = JSON.parse(readFileSync(path.join(signed, 'run.json'), 'utf8'));
    expect(facts.signing).toMatchObject({ attempted: true, reason: null });
    // Fulcio and Rekor were really asked, and the token endpoint with its bearer token.
    expect(sigstore.hits.get('/oidc/token')).toBe(1);
    expect(sigstore.hits.get('/api/v2/signingCert')).toBe(1);
    expect(sigstore.hits.get('/api/v1/log/entries')).toBe(1);
    expect(signedRun.stdout + signedRun.stderr).not.toContain(sigstore.tokenRequestToken);
    // The OIDC token itself (what the endpoint handed out) is in no output and no file of the bundle.
    const jwt = mintToken(CLAIMS);
    expect(signedRun.stdout + signedRun.stderr).not.toContain(jwt.split('.')[1]);
    for (const file of [...manifest.files.map((f) => f.path), MANIFEST_FILE, ATTESTATION_FILE])
      expect(readFileSync(path.join(signed, file), 'utf8'), file).not.toContain(jwt.split('.')[1]);
  });

  it('verify with the expected identity: exit 0, naming the signer and the source repository', async () => {
    const run = await verify(signed, ...expected());
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`signed by ${IDENTITY} (issuer ${GITHUB_ISSUER})`);
    expect(run.stdout).toContain(`source https://github.com/${REPOSITORY} ${REF}`);
  });

  it('verify with a regular expression for the identity: exit 0; a regexp matching only a part: exit 1', async () => {
    const whole = await verify(
      signed,
      '--identity-regexp',
      'https://github\\.com/octo/shop/\\.github/workflows/.*',
      '--issuer',
      GITHUB_ISSUER,
      '--trusted-root',
      trustedRoot,
    );
    expect(whole.exitCode, whole.stdout + whole.stderr).toBe(0);
    const part = await verify(
      signed,
      '--identity-regexp',
      'octo/shop',
      '--issuer',
      GITHUB_ISSUER,
      '--trusted-root',
      trustedRoot,
    );
    expect(part.exitCode, part.stdout).toBe(1);
    expect(part.stdout).toContain('wrong identity');
  });

  it('verify with another identity or issuer: exit 1, naming both identities', async () => {
    const other = `https://github.com/octo/other/.github/workflows/gate.yml@${REF}`;
    const run = await verify(
      signed,
      '--identity',
      other,
      '--issuer',
      GITHUB_ISSUER,
      '--trusted-root',
      trustedRoot,
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('wrong identity');
    expect(run.stdout).toContain(IDENTITY);
    // The exact identity is matched whole: a prefix of the real one is another identity.
    const prefix = await verify(
      signed,
      '--identity',
      IDENTITY.slice(0, -5),
      '--issuer',
      GITHUB_ISSUER,
      '--trusted-root',
      trustedRoot,
    );
    expect(prefix.exitCode).toBe(1);
    const issuer = await verify(
      signed,
      '--identity',
      IDENTITY,
      '--issuer',
      'https://gitlab.com',
      '--trusted-root',
      trustedRoot,
    );
    expect(issuer.exitCode).toBe(1);
    expect(issuer.stdout).toContain('issuer');
  });

  it('verify against another trusted root (not the CA that issued the certificate): exit 1', async () => {
    const stranger = await startMockSigstore(githubClaims(REPOSITORY, 'gate.yml', REF));
    const otherRoot = path.join(scratch, 'other_root.json');
    writeFileSync(otherRoot, JSON.stringify(stranger.trustedRoot));
    await stranger.close();
    const run = await verify(
      signed,
      '--identity',
      IDENTITY,
      '--issuer',
      GITHUB_ISSUER,
      '--trusted-root',
      otherRoot,
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('signature NOT valid');
  });

  it('the zip carries the same attestation and verifies the same', async () => {
    const zip = path.join(scratch, 'signed.zip');
    const run = await spawnNode(
      CLI,
      [
        'scan',
        repo.dir,
        '--evidence',
        path.join(scratch, 'signed-2'),
        '--evidence-zip',
        zip,
        '--no-progress',
      ],
      { env: githubEnv(true), cwd: repo.dir, timeoutMs: 300_000 },
    );
    expect(run.exitCode, run.stderr).not.toBeNull();
    const check = await verify(zip, ...expected());
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain(`signed by ${IDENTITY}`);
  });

  it('a forged bundle (decision flipped everywhere, manifest written again): exit 1, naming the subject and the decision', async () => {
    const dir = copyOf(signed, 'forged');
    const flip = (d: unknown) => (d === 'pass' ? 'block' : 'pass');
    const report = JSON.parse(readFileSync(path.join(dir, 'controlgate.json'), 'utf8'));
    const forged = flip(report.decision);
    for (const file of ['controlgate.json', 'controls.json', 'run.json'])
      editJson(path.join(dir, file), (v) => {
        v.decision = forged;
      });
    rewriteManifest(dir);
    const run = await verify(dir, ...expected());
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('signature NOT valid');
    expect(run.stdout).toContain(`subject ${MANIFEST_FILE}: the attestation signed sha256:`);
    expect(run.stdout).toContain(
      `decision: the attestation says "${report.decision}", controlgate.json says "${forged}"`,
    );
  });

  it('a forged bundle consistent in every file but the signature: exit 1 from the attestation alone', async () => {
    // A change no consistency check reads (a comment in the HTML): only the signature catches it.
    const dir = copyOf(signed, 'forged-note');
    writeFileSync(
      path.join(dir, 'report.html'),
      `${readFileSync(path.join(dir, 'report.html'), 'utf8')}<!-- edited -->`,
    );
    rewriteManifest(dir);
    const plain = await verify(dir);
    expect(plain.exitCode, plain.stdout).toBe(0);
    const run = await verify(dir, ...expected());
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain(`subject ${MANIFEST_FILE}: the attestation signed sha256:`);
  });

  it('a second file outside the manifest is refused, the attestation is the only one allowed', async () => {
    const dir = copyOf(signed, 'extra');
    writeFileSync(path.join(dir, 'attestation2.sigstore.json'), '{}');
    const run = await verify(dir, ...expected());
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('attestation2.sigstore.json: not in the manifest');
  });
});

describe('an outside verifier: the stock `sigstore verify` (@sigstore/cli)', () => {
  // It takes roots only through TUF: the mock's trusted root is served as a one-target TUF repository.
  const SIGSTORE_CLI = path.join(REPO_ROOT, 'node_modules', '@sigstore', 'cli', 'bin', 'run');

  it('verifies the attestation with the expected identity and issuer, and refuses another identity', async () => {
    const tuf = await serveTufRepository(sigstore.trustedRoot);
    try {
      const rootFile = path.join(scratch, 'tuf-root.json');
      writeFileSync(rootFile, tuf.root);
      const run = (identity: string, cache: string) =>
        spawnNode(
          SIGSTORE_CLI,
          [
            'verify',
            path.join(signed, ATTESTATION_FILE),
            '--certificate-identity-uri',
            identity,
            '--certificate-issuer',
            GITHUB_ISSUER,
            '--tuf-mirror-url',
            tuf.url,
            '--tuf-root-path',
            rootFile,
            '--tuf-cache-path',
            path.join(scratch, cache),
          ],
          { env: withoutCiVariables(), cwd: scratch, timeoutMs: 60_000 },
        );
      const ok = await run(IDENTITY, 'tuf-cache-1');
      expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
      expect(ok.stderr).toContain('Verification succeeded');
      const other = await run(
        'https://github.com/octo/other/.github/workflows/gate.yml@refs/heads/main',
        'tuf-cache-2',
      );
      expect(other.exitCode, other.stdout + other.stderr).not.toBe(0);
      expect(other.stderr).toContain('certificate identity error');

      // What the signature covers, as any in-toto verifier reads it: the statement's subject is the
      // SHA-256 of manifest.json. The forged bundle (decision flipped, manifest written again) still
      // carries the genuine attestation, which verifies, but its manifest is not the one signed.
      const envelope = JSON.parse(readFileSync(path.join(signed, ATTESTATION_FILE), 'utf8')) as {
        dsseEnvelope: { payload: string };
      };
      const statement = JSON.parse(Buffer.from(envelope.dsseEnvelope.payload, 'base64').toString('utf8')) as {
        subject: { name: string; digest: { sha256: string } }[];
      };
      const signedManifest = statement.subject.find((s) => s.name === 'manifest.json')?.digest.sha256;
      const digestOf = (dir: string) => sha256(readFileSync(path.join(dir, 'manifest.json')));
      expect(signedManifest).toBe(digestOf(signed));
      const forged = copyOf(signed, 'forged-outside');
      for (const file of ['controlgate.json', 'controls.json', 'run.json'])
        editJson(path.join(forged, file), (v) => {
          v.decision = 'pass';
          v.exitCode = 0;
        });
      rewriteManifest(forged);
      const stillValid = await run(IDENTITY, 'tuf-cache-3');
      expect(stillValid.exitCode).toBe(0);
      expect(digestOf(forged)).not.toBe(signedManifest);
    } finally {
      await tuf.close();
    }
  });
});

describe('runs that cannot sign', () => {
  it('a "laptop" run with GITHUB_* set but no OIDC token: unsigned, exit 3 when an identity is required, 0 and "not signed" without', async () => {
    const run = await scan('laptop', githubEnv(false));
    expect(run.stderr).toContain(
      'evidence not signed: no OIDC token (add `permissions: id-token: write` to the job)',
    );
    expect(run.exitCode, run.stderr).not.toBe(2);
    const required = await verify(run.bundle, ...expected());
    expect(required.exitCode, required.stdout + required.stderr).toBe(3);
    expect(required.stdout).toContain(`NOT signed: no ${ATTESTATION_FILE}`);
    expect(required.stdout).toContain('permissions: id-token: write');
    const plain = await verify(run.bundle);
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toContain('not signed');
  });

  it('Fulcio down: a warning, the gate decides as usual, the bundle is unsigned and run.json says it tried', async () => {
    sigstore.down = true;
    try {
      const run = await scan('fulcio-down', githubEnv(true));
      expect(run.exitCode, run.stderr).toBe(signedRun.exitCode);
      expect(run.stderr).toMatch(/evidence not signed: Sigstore signing failed: .*503/);
      expect(run.stderr).not.toContain(sigstore.tokenRequestToken);
      const required = await verify(run.bundle, ...expected());
      expect(required.exitCode).toBe(3);
      expect(required.stdout).toContain('the run tried to sign with GitHub Actions OIDC');
    } finally {
      sigstore.down = false;
    }
  });

  it('--identity without roots or an issuer is a usage error (exit 2) naming what is missing', async () => {
    const noRoot = await verify(signed, '--identity', IDENTITY, '--issuer', GITHUB_ISSUER);
    expect(noRoot.exitCode).toBe(2);
    expect(noRoot.stderr).toContain('--trusted-root <file> (offline) or --public-good-root');
    const noIssuer = await verify(signed, '--identity', IDENTITY, '--trusted-root', trustedRoot);
    expect(noIssuer.exitCode).toBe(2);
    expect(noIssuer.stderr).toContain('--issuer is required');
  });
});
