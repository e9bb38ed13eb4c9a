import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * GitHub's artifact service (v4) as @actions/artifact talks to it, on 127.0.0.1: Twirp JSON methods
 * at `<ACTIONS_RESULTS_URL>twirp/github.actions.results.api.v1.ArtifactService/…`, and a signed blob
 * URL the Azure SDK uploads the zip to (`PUT ?comp=block&blockid=…` per block, then
 * `PUT ?comp=blocklist`, or one `PUT` for a small zip). FinalizeArtifact answers the artifact id, as
 * GitHub does; the zip is kept in memory (a test bundle is small) so a test can open it.
 */

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';

export interface StoredArtifact {
  name: string;
  id: number;
  /** The `sha256:` hash the client sent on FinalizeArtifact, as it computed it. */
  hash: string | null;
  /** The bytes the blob endpoint received, committed in block-list order. */
  zip: Buffer;
}

export interface FakeActionsArtifacts {
  /** ACTIONS_RESULTS_URL, with the trailing slash the runner gives it. */
  url: string;
  /** ACTIONS_RUNTIME_TOKEN: a JWT whose `scp` names the run and job backend ids, as the runner's does. */
  token: string;
  artifacts: StoredArtifact[];
  stop(): Promise<void>;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

/** An unsigned JWT with the scope @actions/artifact reads the backend ids from. */
function runtimeToken(): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ scp: 'Actions.GenericRead Actions.Results:run-backend-1:job-backend-1' })}.`;
}

export async function startFakeActionsArtifacts(firstId = 4242): Promise<FakeActionsArtifacts> {
  const artifacts: StoredArtifact[] = [];
  const pending = new Map<string, { blocks: Map<string, Buffer>; whole?: Buffer }>();
  let next = firstId;
  let base = '';
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      const bytes = await body(req);
      if (req.method === 'POST' && url.pathname.startsWith(SERVICE)) {
        const method = url.pathname.slice(SERVICE.length);
        const request = JSON.parse(bytes.toString('utf8') || '{}') as Record<string, unknown>;
        const name = String(request.name ?? '');
        if (method === 'CreateArtifact') {
          pending.set(name, { blocks: new Map() });
          return json(res, 200, {
            ok: true,
            signedUploadUrl: `${base}blob/${encodeURIComponent(name)}?sig=fake`,
          });
        }
        if (method === 'FinalizeArtifact') {
          const upload = pending.get(name);
          if (!upload?.whole) return json(res, 200, { ok: false });
          const hash = (request.hash as string | undefined) ?? null;
          const stored = { name, id: next++, hash, zip: upload.whole };
          artifacts.push(stored);
          return json(res, 200, { ok: true, artifactId: String(stored.id) });
        }
        return json(res, 404, { code: 'bad_route', msg: `no method ${method}` });
      }
      if (req.method === 'PUT' && url.pathname.startsWith('/blob/')) {
        const name = decodeURIComponent(url.pathname.slice('/blob/'.length));
        const upload = pending.get(name);
        if (!upload) return json(res, 404, {});
        const comp = url.searchParams.get('comp');
        if (comp === 'block') upload.blocks.set(url.searchParams.get('blockid') ?? '', bytes);
        else if (comp === 'blocklist') {
          const ids = [...bytes.toString('utf8').matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)];
          upload.whole = Buffer.concat(ids.map((m) => upload.blocks.get(m[2] ?? '') ?? Buffer.alloc(0)));
        } else upload.whole = bytes;
        res.writeHead(201, {
          'x-ms-request-id': 'fake',
          'x-ms-version': '2024-05-04',
          'content-md5': createHash('md5').update(bytes).digest('base64'),
        });
        return res.end();
      }
      json(res, 404, {});
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url: base,
    token: runtimeToken(),
    artifacts,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
