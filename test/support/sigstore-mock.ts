import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  fulcioHandler,
  type HandlerFn,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  rekorHandler,
} from '@sigstore/mock';
import { HashAlgorithm, PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';

/*
 * Sigstore on the loopback: @sigstore/mock's Fulcio (CA + CT log) and Rekor handlers served over
 * real HTTP on 127.0.0.1 (its own `mockFulcio` uses nock, which only reaches this process, and the
 * gate runs as a child process), an OIDC token endpoint shaped like GitHub's, and the trusted root
 * that matches the mock's keys. The mock Fulcio does not check the token's signature: it decodes
 * the JWT and puts `sub` in the certificate's SAN (as a URI) and `iss`, `repository`, `ref`, … in
 * the Fulcio extensions, which is all a test of our signing and verifying needs.
 */

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export interface MockSigstore {
  url: string;
  /** The trusted root (protobuf JSON) naming the mock CA, CT log and Rekor keys. */
  trustedRoot: Record<string, unknown>;
  /** GitHub's ACTIONS_ID_TOKEN_REQUEST_URL: answers `{"value": <jwt>}` to the right bearer token. */
  tokenUrl: string;
  /** The bearer token the token endpoint wants (ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
  tokenRequestToken: string;
  /** How many times each path was asked for. */
  hits: Map<string, number>;
  /** Requests to Fulcio and Rekor fail with 503 while this is true. */
  down: boolean;
  close(): Promise<void>;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An OIDC token the mock Fulcio accepts: the claims matter, the signature is not checked. */
export function mintToken(claims: Record<string, unknown>): string {
  return `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url(claims)}.${Buffer.from('not-checked').toString('base64url')}`;
}

/** GitHub Actions claims for a workflow run of `repository` at `ref`. */
export function githubClaims(repository: string, workflow: string, ref: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: GITHUB_ISSUER,
    aud: 'sigstore',
    sub: `https://github.com/${repository}/.github/workflows/${workflow}@${ref}`,
    repository,
    ref,
    sha: 'a'.repeat(40),
    event_name: 'pull_request',
    workflow: 'gate',
    iat: now,
    exp: now + 600,
  };
}

interface ProposedDsse {
  kind: 'dsse';
  apiVersion: string;
  spec: { proposedContent: { envelope: string; verifiers: string[] } };
}

/**
 * What the real Rekor stores for a proposed `dsse` entry: the signatures with their verifiers and the
 * payload and envelope hashes, not the proposal itself (the mock logs what it is sent, which a
 * verifier rejects as "signature count mismatch"). Other kinds pass unchanged.
 */
export function canonicalRekorBody(body: string): string {
  const proposed = JSON.parse(body) as ProposedDsse | { kind: string };
  if (proposed.kind !== 'dsse' || !('spec' in proposed)) return body;
  const { envelope, verifiers } = proposed.spec.proposedContent;
  const parsed = JSON.parse(envelope) as { payload: string; signatures: { sig: string }[] };
  const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
  return JSON.stringify({
    kind: 'dsse',
    apiVersion: proposed.apiVersion,
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha(envelope) },
      payloadHash: { algorithm: 'sha256', value: sha(Buffer.from(parsed.payload, 'base64')) },
      signatures: parsed.signatures.map((s, i) => ({
        signature: s.sig,
        verifier: verifiers[i] ?? verifiers[0],
      })),
    },
  });
}

function readBody(req: import('node:http').IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the mock services; `claims` are what the token endpoint's JWT says. */
export async function startMockSigstore(claims: Record<string, unknown>): Promise<MockSigstore> {
  const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // The mock's clock is left alone: its root certificate is dated now, and a leaf or log entry
  // dated earlier would fall outside it.
  const ctLog = await initializeCTLog(keyPair());
  const ca = await initializeCA(keyPair(), ctLog);
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tlog = await initializeTLog(url, keyPair());
  const tokenRequestToken = 'request-token-for-the-test';
  const routes = new Map<string, HandlerFn>();
  for (const handler of [fulcioHandler(ca), rekorHandler(tlog)]) routes.set(handler.path, handler.fn);
  const state: MockSigstore = {
    url,
    trustedRoot: {},
    tokenUrl: `${url}/oidc/token`,
    tokenRequestToken,
    hits: new Map(),
    down: false,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  server.on('request', async (req, res) => {
    const { pathname, searchParams } = new URL(req.url ?? '/', url);
    state.hits.set(pathname, (state.hits.get(pathname) ?? 0) + 1);
    if (pathname === '/oidc/token') {
      const ok =
        req.headers.authorization === `Bearer ${tokenRequestToken}` &&
        searchParams.get('audience') === 'sigstore';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(ok ? JSON.stringify({ value: mintToken(claims) }) : '{"message":"bad token request"}');
      return;
    }
    const route = routes.get(pathname);
    const body = await readBody(req);
    if (!route || req.method !== 'POST') {
      res.writeHead(404).end('not found');
      return;
    }
    if (state.down) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
      return;
    }
    const answer = await route(pathname === '/api/v1/log/entries' ? canonicalRekorBody(body) : body);
    res.writeHead(answer.statusCode, { 'content-type': answer.contentType ?? 'text/plain' });
    res.end(answer.response);
  });
  const validFor = { start: new Date(Date.now() - 120_000) };
  const pkix = (rawBytes: Buffer) => ({
    rawBytes,
    keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
    validFor,
  });
  state.trustedRoot = TrustedRoot.toJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: url,
        hashAlgorithm: HashAlgorithm.SHA2_256,
        publicKey: pkix(tlog.publicKey),
        logId: { keyId: createHash('sha256').update(tlog.publicKey).digest() },
        checkpointKeyId: undefined,
        operator: 'sigstore.mock',
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: url,
        certChain: { certificates: [{ rawBytes: Buffer.from(ca.rootCertificate.buffer) }] },
        validFor,
        operator: 'sigstore.mock',
      },
    ],
    ctlogs: [
      {
        baseUrl: url,
        hashAlgorithm: HashAlgorithm.SHA2_256,
        publicKey: pkix(ctLog.publicKey),
        logId: { keyId: Buffer.from(ctLog.logID.buffer) },
        checkpointKeyId: undefined,
        operator: 'sigstore.mock',
      },
    ],
    timestampAuthorities: [],
  }) as Record<string, unknown>;
  return state;
}
