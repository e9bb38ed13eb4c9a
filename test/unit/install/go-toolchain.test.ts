import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { realExec } from '../../../src/exec/exec.ts';
import { moduleTreeHash } from '../../../src/install/go-module-hash.ts';
import { goForBuild, goPlatform, goVersionOf, type ToolchainPin } from '../../../src/install/go-toolchain.ts';

/*
 * The Go toolchain fetched from a module proxy served on 127.0.0.1, as proxy.golang.org serves
 * golang.org/toolchain: a module zip whose entries sit under `golang.org/toolchain@<version>/`.
 * Real processes run the fake `go` commands (shell scripts printing a version).
 */

const VERSION = 'v0.0.1-go1.99.0.linux-amd64';
const PREFIX = `golang.org/toolchain@${VERSION}/`;
const GO_SCRIPT = '#!/bin/sh\necho "go version go1.99.0 linux/amd64"\n';
const TOOLCHAIN_FILES: Record<string, string> = {
  'bin/go': GO_SCRIPT,
  'bin/gofmt': '#!/bin/sh\nexit 0\n',
  'pkg/tool/linux_amd64/compile': '#!/bin/sh\nexit 0\n',
  'src/runtime/proc.go': 'package runtime\n',
};

let scratch: string;
let server: Server;
let proxy: string;
let zip: Uint8Array = new Uint8Array();
let requests: string[] = [];
let pin: ToolchainPin;

function zipOf(files: Record<string, string>, prefix = PREFIX): Uint8Array {
  return zipSync(
    Object.fromEntries(
      Object.entries(files).map(([rel, text]) => [`${prefix}${rel}`, new TextEncoder().encode(text)]),
    ),
  );
}

/** A `go` on PATH that prints this version. */
function fakeGo(version: string): string {
  const dir = mkdtempSync(path.join(scratch, 'path-'));
  const file = path.join(dir, 'go');
  writeFileSync(file, `#!/bin/sh\necho "go version go${version} linux/amd64"\n`);
  chmodSync(file, 0o755);
  return dir;
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'controlgate-go-toolchain-'));
  // The pinned hash is computed the way Go's dirhash does, over the tree as extracted.
  const tree = path.join(scratch, 'tree');
  for (const [rel, text] of Object.entries(TOOLCHAIN_FILES)) {
    mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true });
    writeFileSync(path.join(tree, rel), text);
  }
  pin = {
    go: '1.99.0',
    sums: { 'linux-amd64': await moduleTreeHash(tree, 'golang.org/toolchain', VERSION) },
  };
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === `/golang.org/toolchain/@v/${VERSION}.zip`) {
      res.writeHead(200, { 'content-type': 'application/zip' }).end(Buffer.from(zip));
    } else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

beforeEach(() => {
  requests = [];
  zip = zipOf(TOOLCHAIN_FILES);
});

function options(toolsDir: string, pathDir: string, lines: string[] = []) {
  return {
    exec: realExec,
    toolsDir,
    log: (line: string) => lines.push(line),
    env: { PATH: pathDir, CONTROLGATE_GOPROXY: proxy },
    pin,
    platform: 'linux-amd64',
  };
}

describe('goForBuild', () => {
  it('uses a Go on PATH that fetches toolchains itself (1.21 and later), fetching nothing', async () => {
    const onPath = fakeGo('1.22.3');
    const found = await goForBuild(options(mkdtempSync(path.join(scratch, 'tools-')), onPath));
    expect(found).toEqual({ go: path.join(onPath, 'go') });
    expect(requests).toEqual([]);
  });

  it('fetches the pinned toolchain when the Go on PATH is older (Debian bookworm’s 1.19), once', async () => {
    const tools = mkdtempSync(path.join(scratch, 'tools-'));
    const lines: string[] = [];
    const found = await goForBuild(options(tools, fakeGo('1.19.8'), lines));
    const go = path.join(tools, 'go-toolchain', 'go1.99.0.linux-amd64', 'bin', 'go');
    expect(found).toEqual({ go, toolchain: 'local' });
    expect(lines[0]).toMatch(/is Go 1\.19, which cannot fetch the Go 1\.99\.0 KICS needs/);
    expect(statSync(go).mode & 0o111).not.toBe(0);
    const version = await realExec({ file: go, args: ['version'] });
    expect(goVersionOf(version.stdout)).toEqual([1, 99]);
    // Reused, after its tree is checked again.
    await goForBuild(options(tools, fakeGo('1.19.8')));
    expect(requests).toEqual([`/golang.org/toolchain/@v/${VERSION}.zip`]);
  });

  it('uses a Go named by CONTROLGATE_GO as it is, asking nothing', async () => {
    const named = path.join(fakeGo('1.19.8'), 'go');
    const found = await goForBuild({
      ...options(mkdtempSync(path.join(scratch, 'tools-')), ''),
      env: { PATH: '', CONTROLGATE_GO: named, CONTROLGATE_GOPROXY: proxy },
    });
    expect(found).toEqual({ go: named });
    expect(requests).toEqual([]);
  });

  it('fetches it with no Go on PATH at all', async () => {
    const tools = mkdtempSync(path.join(scratch, 'tools-'));
    const found = await goForBuild(options(tools, mkdtempSync(path.join(scratch, 'empty-'))));
    expect(found.toolchain).toBe('local');
    expect(requests).toHaveLength(1);
  });

  it('refuses a download whose tree does not hash to the pinned go.sum line, and installs nothing', async () => {
    zip = zipOf({ ...TOOLCHAIN_FILES, 'bin/go': '#!/bin/sh\necho evil\n' });
    const tools = mkdtempSync(path.join(scratch, 'tools-'));
    await expect(goForBuild(options(tools, fakeGo('1.19.8')))).rejects.toThrow(
      /hashes to h1:\S+, not the pinned h1:\S+; not used/,
    );
    expect(existsSync(path.join(tools, 'go-toolchain', 'go1.99.0.linux-amd64'))).toBe(false);
  });

  it('refuses a zip with an entry outside the module’s folder', async () => {
    zip = zipSync({
      ...Object.fromEntries(
        Object.entries(TOOLCHAIN_FILES).map(([r, t]) => [`${PREFIX}${r}`, new TextEncoder().encode(t)]),
      ),
      [`${PREFIX}../../escape.sh`]: new TextEncoder().encode('x'),
    });
    const tools = mkdtempSync(path.join(scratch, 'tools-'));
    await expect(goForBuild(options(tools, fakeGo('1.19.8')))).rejects.toThrow(
      /is outside golang\.org\/toolchain@/,
    );
    expect(existsSync(path.join(tools, 'escape.sh'))).toBe(false);
  });

  it('fetches again when the toolchain in the tools folder was changed after it was fetched', async () => {
    const tools = mkdtempSync(path.join(scratch, 'tools-'));
    const { go } = await goForBuild(options(tools, fakeGo('1.19.8')));
    writeFileSync(go, '#!/bin/sh\necho "go version go1.99.0 linux/amd64"; touch /tmp/owned\n');
    const lines: string[] = [];
    await goForBuild(options(tools, fakeGo('1.19.8'), lines));
    expect(lines.some((l) => /^fetching Go 1\.99\.0 again: .* hashes to h1:/.test(l))).toBe(true);
    expect(requests).toHaveLength(2);
  });

  it('says what to do on a platform it has no pinned toolchain for', async () => {
    const tools = mkdtempSync(path.join(scratch, 'tools-'));
    await expect(goForBuild({ ...options(tools, fakeGo('1.19.8')), platform: 'plan9-386' })).rejects.toThrow(
      /needs Go 1\.21 or later on PATH \(https:\/\/go\.dev\/dl\): no pinned Go toolchain for plan9-386/,
    );
  });
});

describe('goPlatform', () => {
  it('names the machine as Go does', () => {
    expect(goPlatform('linux', 'x64')).toBe('linux-amd64');
    expect(goPlatform('darwin', 'arm64')).toBe('darwin-arm64');
  });
});
