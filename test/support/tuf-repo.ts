import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import tuf from '@tufjs/models';

// CommonJS: its classes come through the default export.
const { Key, Metadata, MetaFile, Root, Signature, Snapshot, TargetFile, Targets, Timestamp } = tuf;
type Signed = InstanceType<typeof Root | typeof Timestamp | typeof Snapshot | typeof Targets>;

/*
 * A one-target TUF repository on the loopback, holding a Sigstore trusted_root.json: what the
 * stock `sigstore verify` (@sigstore/cli) needs to trust a root other than the public-good one (it
 * takes roots only through TUF). One ed25519 key signs all four roles; consistent snapshots are
 * off, so the files are root.json, timestamp.json, snapshot.json, targets.json and
 * targets/trusted_root.json.
 */

export interface TufRepository {
  /** The mirror URL (--tuf-mirror-url). */
  url: string;
  /** The initial root metadata (--tuf-root-path reads it from a file). */
  root: Buffer;
  close(): Promise<void>;
}

const TRUSTED_ROOT_TARGET = 'trusted_root.json';

export async function serveTufRepository(trustedRoot: unknown): Promise<TufRepository> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // The raw 32-byte key, hex: the last 32 bytes of its SPKI DER.
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  const keyID = createHash('sha256').update(raw).digest('hex');
  const key = new Key({ keyID, keyType: 'ed25519', scheme: 'ed25519', keyVal: { public: raw } });
  const expires = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const signer = (data: Buffer) =>
    new Signature({ keyID, sig: sign(null, data, privateKey).toString('hex') });
  const serialize = (signed: Signed): Buffer => {
    const metadata = new Metadata(signed);
    metadata.sign(signer);
    return Buffer.from(JSON.stringify(metadata.toJSON()));
  };
  const common = { version: 1, expires, specVersion: '1.0.31' };
  const rootRole = new Root({ ...common, consistentSnapshot: false });
  for (const name of ['root', 'timestamp', 'snapshot', 'targets']) rootRole.addKey(key, name);
  const target = Buffer.from(JSON.stringify(trustedRoot));
  const root = serialize(rootRole);
  const targets = serialize(
    new Targets({
      ...common,
      targets: {
        [TRUSTED_ROOT_TARGET]: new TargetFile({
          path: TRUSTED_ROOT_TARGET,
          length: target.length,
          hashes: { sha256: createHash('sha256').update(target).digest('hex') },
        }),
      },
    }),
  );
  const snapshot = serialize(
    new Snapshot({ ...common, meta: { 'targets.json': new MetaFile({ version: 1 }) } }),
  );
  const timestamp = serialize(new Timestamp({ ...common, snapshotMeta: new MetaFile({ version: 1 }) }));
  const files = new Map<string, Buffer>([
    ['/1.root.json', root],
    ['/timestamp.json', timestamp],
    ['/snapshot.json', snapshot],
    ['/targets.json', targets],
    [`/targets/${TRUSTED_ROOT_TARGET}`, target],
  ]);
  const server = createServer((req, res) => {
    const body = files.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    root,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
