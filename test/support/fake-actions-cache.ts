import { execFileSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/*
 * The Actions cache service v2 as @actions/cache 6 talks to it (protobuf JSON with the proto field
 * names, `size_bytes`, `signed_upload_url`, as its generated Twirp client sends and reads them), on 127.0.0.1: the Twirp JSON
 * methods at `<ACTIONS_RESULTS_URL>twirp/github.actions.results.api.v1.CacheService/…`, and the
 * signed blob URLs they hand out. Uploads arrive as the Azure SDK's BlockBlobClient.uploadFile sends
 * them: one `PUT` with `x-ms-blob-type: BlockBlob` up to 128 MiB, else `PUT ?comp=block&blockid=…`
 * per 64 MiB block (8 at once) and `PUT ?comp=blocklist`. Downloads are a plain `GET` (the SDK is
 * only used for *.blob.core.windows.net). Everything is streamed to files in `dir`, never held in
 * memory: a tools archive is hundreds of MB. Entries are immutable per key and version, as GitHub's.
 */

const SERVICE = '/twirp/github.actions.results.api.v1.CacheService/';

export type CacheRoute =
  | 'CreateCacheEntry'
  | 'FinalizeCacheEntryUpload'
  | 'GetCacheEntryDownloadURL'
  | 'blob-put'
  | 'blob-block'
  | 'blob-blocklist'
  | 'blob-get'
  | 'unknown';

export interface CacheRequest {
  method: string;
  route: CacheRoute;
  path: string;
  query: Record<string, string>;
  /** The Twirp request body; undefined for blob requests. */
  body?: Record<string, unknown>;
  /** Bytes received (uploads) or sent (downloads). */
  bytes: number;
  status: number;
}

export interface CacheEntry {
  key: string;
  version: string;
  /** The archive as uploaded (tar, zstd- or gzip-compressed as @actions/cache chose). */
  file: string;
  size: number;
  finalized: boolean;
}

export interface FakeActionsCache {
  /** ACTIONS_RESULTS_URL: with the trailing slash the runner gives it. */
  url: string;
  token: string;
  /** The variables a `uses:` step gets that select and reach the v2 service. */
  env(): Record<string, string>;
  requests: CacheRequest[];
  entries(): CacheEntry[];
  /** Answers the next `times` requests of `route` with `status` (a service failure). */
  fail(route: CacheRoute, status: number, times?: number): void;
  /**
   * Changes one byte of the first file whose archive path ends with `suffix` in the stored entry
   * `key`, as someone who can write the cache but not the record inside it would. Returns the path.
   */
  tamper(key: string, suffix: string): string;
  stop(): Promise<void>;
}

interface Upload {
  entry: CacheEntry;
  blocks: Map<string, string>;
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>);
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

/** Streams a request body to `file`; the number of bytes written. */
async function bodyToFile(req: IncomingMessage, file: string): Promise<number> {
  let bytes = 0;
  req.on('data', (c: Buffer) => {
    bytes += c.length;
  });
  await pipeline(req, createWriteStream(file));
  return bytes;
}

function blockIds(xml: string): string[] {
  return [...xml.matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map((m) => m[2] ?? '');
}

export async function startFakeActionsCache(
  dir: string,
  token = 'fake-runtime-token',
): Promise<FakeActionsCache> {
  mkdirSync(dir, { recursive: true });
  const requests: CacheRequest[] = [];
  const entries = new Map<string, CacheEntry>();
  const uploads = new Map<string, Upload>();
  const faults = new Map<CacheRoute, { status: number; times: number }>();
  let counter = 0;
  let base = '';
  const entryId = (key: string, version: string) => `${key}\0${version}`;

  function twirp(
    res: ServerResponse,
    record: CacheRequest,
    status: number,
    body: Record<string, unknown>,
  ): void {
    record.status = status;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  function blobReply(res: ServerResponse, record: CacheRequest, status: number): void {
    record.status = status;
    res.writeHead(status, {
      etag: `"0x${(++counter).toString(16)}"`,
      'last-modified': new Date().toUTCString(),
      'x-ms-request-id': `fake-${counter}`,
      'x-ms-version': '2024-11-04',
      'x-ms-request-server-encrypted': 'true',
      'content-length': '0',
    });
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    let route: CacheRoute = 'unknown';
    if (url.pathname.startsWith(SERVICE)) route = url.pathname.slice(SERVICE.length) as CacheRoute;
    else if (url.pathname.startsWith('/devstoreaccount1/cache/')) {
      if (method === 'GET') route = 'blob-get';
      else if (query.comp === 'block') route = 'blob-block';
      else if (query.comp === 'blocklist') route = 'blob-blocklist';
      else if (method === 'PUT') route = 'blob-put';
    }
    const record: CacheRequest = { method, route, path: url.pathname, query, bytes: 0, status: 0 };
    requests.push(record);

    const fault = faults.get(route);
    if (fault && fault.times > 0) {
      fault.times--;
      req.resume();
      record.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'internal', msg: 'injected fault' }));
      return;
    }

    if (url.pathname.startsWith(SERVICE)) {
      if (req.headers.authorization !== `Bearer ${token}`) {
        req.resume();
        return twirp(res, record, 401, { code: 'unauthenticated', msg: 'bad token' });
      }
      const body = await readJson(req);
      record.body = body;
      const key = String(body.key ?? '');
      const version = String(body.version ?? '');
      if (route === 'GetCacheEntryDownloadURL') {
        const entry = entries.get(entryId(key, version));
        if (!entry?.finalized) return twirp(res, record, 200, { ok: false });
        return twirp(res, record, 200, {
          ok: true,
          signed_download_url: `${base}devstoreaccount1/cache/${path.basename(entry.file)}?sig=download`,
          matched_key: key,
        });
      }
      if (route === 'CreateCacheEntry') {
        if (entries.has(entryId(key, version)))
          return twirp(res, record, 200, { ok: false, message: 'cache entry already exists' });
        const name = `entry-${++counter}`;
        const entry: CacheEntry = { key, version, file: path.join(dir, name), size: 0, finalized: false };
        entries.set(entryId(key, version), entry);
        uploads.set(name, { entry, blocks: new Map() });
        return twirp(res, record, 200, {
          ok: true,
          signed_upload_url: `${base}devstoreaccount1/cache/${name}?sig=upload`,
        });
      }
      if (route === 'FinalizeCacheEntryUpload') {
        const entry = entries.get(entryId(key, version));
        if (!entry || entry.finalized || statSync(entry.file, { throwIfNoEntry: false }) === undefined)
          return twirp(res, record, 200, { ok: false, message: 'no upload to finalize' });
        entry.size = statSync(entry.file).size;
        if (String(entry.size) !== String(body.size_bytes))
          return twirp(res, record, 200, {
            ok: false,
            message: `uploaded ${entry.size} bytes, the client says ${String(body.size_bytes)}`,
          });
        entry.finalized = true;
        return twirp(res, record, 200, { ok: true, entry_id: String(counter) });
      }
      req.resume();
      return twirp(res, record, 404, { code: 'bad_route', msg: `no method ${route}` });
    }

    const name = path.basename(url.pathname);
    if (route === 'blob-get') {
      const entry = [...entries.values()].find((e) => path.basename(e.file) === name && e.finalized);
      if (!entry) {
        record.status = 404;
        res.writeHead(404).end();
        return;
      }
      const size = statSync(entry.file).size;
      record.status = 200;
      record.bytes = size;
      res.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream' });
      await pipeline(createReadStream(entry.file), res);
      return;
    }
    const upload = uploads.get(name);
    if (!upload || upload.entry.finalized) {
      req.resume();
      return blobReply(res, record, 404);
    }
    if (route === 'blob-put') {
      record.bytes = await bodyToFile(req, upload.entry.file);
      return blobReply(res, record, 201);
    }
    if (route === 'blob-block') {
      const blockFile = `${upload.entry.file}.block-${upload.blocks.size}-${++counter}`;
      upload.blocks.set(query.blockid ?? '', blockFile);
      record.bytes = await bodyToFile(req, blockFile);
      return blobReply(res, record, 201);
    }
    if (route === 'blob-blocklist') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const ids = blockIds(Buffer.concat(chunks).toString('utf8'));
      const out = createWriteStream(upload.entry.file);
      for (const id of ids) {
        const blockFile = upload.blocks.get(id);
        if (!blockFile) {
          out.destroy();
          return blobReply(res, record, 400);
        }
        await pipeline(createReadStream(blockFile), out, { end: false });
      }
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      for (const blockFile of upload.blocks.values()) rmSync(blockFile, { force: true });
      return blobReply(res, record, 201);
    }
    req.resume();
    return blobReply(res, record, 400);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    url: base,
    token,
    env: () => ({
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_RESULTS_URL: base,
      ACTIONS_RUNTIME_TOKEN: token,
    }),
    requests,
    entries: () => [...entries.values()],
    fail(route, status, times = 1) {
      faults.set(route, { status, times });
    },
    tamper(key, suffix) {
      const entry = [...entries.values()].find((e) => e.key === key && e.finalized);
      if (!entry)
        throw new Error(`no finalized cache entry with key ${key}; have ${[...entries.keys()].join(', ')}`);
      const changed = tamperArchive(entry.file, suffix);
      entry.size = statSync(entry.file).size;
      return changed;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Whether an archive is zstd (magic 28 b5 2f fd) or gzip, as @actions/cache wrote it. */
function compressor(file: string): 'zstd' | 'gzip' {
  const magic = readFileSync(file).subarray(0, 4);
  return magic.equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])) ? 'zstd' : 'gzip';
}

function octal(field: Buffer): number {
  return Number.parseInt(field.toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
}

/**
 * Flips one byte in the data of the first regular file whose path ends with `suffix`, walking the tar
 * headers (ustar name + prefix, and pax `path=` records, which GNU tar --posix writes for long names)
 * in a decompressed copy on disk, then compresses it again the same way.
 */
function tamperArchive(file: string, suffix: string): string {
  const kind = compressor(file);
  const plain = `${file}.tar`;
  // @actions/cache compresses with a 1 GiB window (--long=30); zstd refuses to decompress that without it.
  const decompress =
    kind === 'zstd' ? ['-d', '--long=30', '-q', '-f', '-c', file] : ['-d', '-q', '-f', '-c', file];
  runInto(plain, kind, decompress);
  const changed = flipByteIn(plain, suffix);
  runInto(file, kind, ['-q', '-f', '-c', plain]);
  rmSync(plain, { force: true });
  return changed;
}

/** Runs `command` with its standard output written to `file`. */
function runInto(file: string, command: string, args: string[]): void {
  const out = openSync(file, 'w');
  try {
    execFileSync(command, args, { stdio: ['ignore', out, 'inherit'] });
  } finally {
    closeSync(out);
  }
}

function flipByteIn(tar: string, suffix: string): string {
  const fd = openSync(tar, 'r+');
  try {
    const total = fstatSync(fd).size;
    const header = Buffer.alloc(512);
    let offset = 0;
    let paxPath: string | undefined;
    while (offset + 512 <= total) {
      readSync(fd, header, 0, 512, offset);
      if (header.every((b) => b === 0)) break;
      const size = octal(header.subarray(124, 136));
      const type = String.fromCharCode(header[156] ?? 0);
      const dataStart = offset + 512;
      const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
      const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
      if (type === 'x') {
        const records = Buffer.alloc(size);
        readSync(fd, records, 0, size, dataStart);
        paxPath = /\d+ path=([^\n]*)\n/.exec(records.toString('utf8'))?.[1];
      } else {
        const full = paxPath ?? (prefix ? `${prefix}/${name}` : name);
        paxPath = undefined;
        if ((type === '0' || type === '\0') && size > 0 && full.endsWith(suffix)) {
          const at = dataStart + Math.floor(size / 2);
          const byte = Buffer.alloc(1);
          readSync(fd, byte, 0, 1, at);
          byte[0] = (byte[0] ?? 0) ^ 0x20;
          writeSync(fd, byte, 0, 1, at);
          return full;
        }
      }
      offset = dataStart + Math.ceil(size / 512) * 512;
    }
  } finally {
    closeSync(fd);
  }
  throw new Error(`no file ending with ${suffix} in the archive ${tar}`);
}
