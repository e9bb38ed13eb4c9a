import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Exec, type ExecRequest, type ExecResult, realExec } from '../../../src/exec.ts';
import { goEnvironment } from '../../../src/install/go-env.ts';
import { moduleTreeHash } from '../../../src/install/go-module-hash.ts';
import { goSumLines, installKics, kicsPaths } from '../../../src/install/install-kics.ts';
import { writeStamp } from '../../../src/install/install-stamp.ts';
import type { PinnedGoModule } from '../../../src/tools/versions.ts';
import { findOnPath } from '../../../src/tools/which.ts';
import { execResult } from '../../support/exec-result.ts';

const GO = process.env.CONTROLGATE_GO ?? findOnPath('go') ?? 'go';

const ok = (stdout = ''): ExecResult => execResult({ stdout });
const failed = (stderrTail: string): ExecResult => execResult({ exitCode: 1, stderrTail });

/** Asks the real `go` what it would use, in an environment where `hostile` sits below ours. */
async function effectiveGoEnv(hostile: Record<string, string>): Promise<Record<string, string>> {
  const underneath: Exec = (request) => realExec({ ...request, env: { ...hostile, ...request.env } });
  const names = ['GOSUMDB', 'GONOSUMDB', 'GOPRIVATE', 'GONOPROXY', 'GOINSECURE', 'GOFLAGS', 'GOPROXY'];
  const result = await underneath({
    file: GO,
    args: ['env', '-json', ...names],
    env: goEnvironment(hostile),
    timeoutMs: 60_000,
  });
  expect(result.exitCode, result.stderrTail).toBe(0);
  return JSON.parse(result.stdout) as Record<string, string>;
}

describe('the environment of the Go build', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-goenv-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('checks every module against sum.golang.org whatever the machine or the go/env file say', async () => {
    // `go env -w` writes here; plain variables set to "" do not outrank it.
    const goEnvFile = path.join(scratch, 'go-env');
    await writeFile(
      goEnvFile,
      'GONOSUMDB=*\nGOPRIVATE=*\nGONOPROXY=*\nGOINSECURE=*\nGOSUMDB=off\nGOFLAGS=-mod=mod\nGOPROXY=direct\n',
    );
    const hostile = {
      GOENV: goEnvFile,
      GOSUMDB: 'off',
      GONOSUMDB: '*',
      GOPRIVATE: 'github.com/*',
      GONOPROXY: '*',
      GOINSECURE: '*',
      GOFLAGS: '-mod=mod -insecure',
      GOPROXY: 'http://proxy.invalid,direct',
    };
    expect(await effectiveGoEnv(hostile)).toEqual({
      GOSUMDB: 'sum.golang.org',
      GONOSUMDB: '',
      GOPRIVATE: '',
      GONOPROXY: '',
      GOINSECURE: '',
      GOFLAGS: '-mod=readonly -buildvcs=false',
      GOPROXY: 'https://proxy.golang.org',
    });
  });

  it('takes a mirror only from CONTROLGATE_GOPROXY and keeps the caches the user moved', () => {
    const env = goEnvironment({
      CONTROLGATE_GOPROXY: 'https://goproxy.example.test',
      GOMODCACHE: '/cache/mod',
      GOCACHE: '/cache/build',
    });
    expect(env).toMatchObject({
      GOPROXY: 'https://goproxy.example.test',
      GOSUMDB: 'sum.golang.org',
      GOMODCACHE: '/cache/mod',
      GOCACHE: '/cache/build',
    });
  });
});

describe('the pinned module hash', () => {
  const MODULE = 'example.test/tiny';
  const VERSION = 'v1.0.0';
  const files: Record<string, string> = {
    'go.mod': `module ${MODULE}\n\ngo 1.21\n`,
    'tiny.go': 'package tiny\n\nconst X = 1\n',
    'README.md': 'tiny\n',
    'Zeta.txt': 'upper case sorts first in bytes\n',
    'assets/queries/a.rego': 'package a\n',
    'assets/queries/b/c.json': '{}\n',
  };
  let scratch: string;
  /** Go's own record of the module, from `go mod download -json`. */
  let download: { Dir: string; Sum: string; GoModSum: string };
  let pin: PinnedGoModule;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-gomod-'));
    const proxy = path.join(scratch, 'proxy', MODULE, '@v');
    await mkdir(proxy, { recursive: true });
    await writeFile(path.join(proxy, 'list'), `${VERSION}\n`);
    await writeFile(path.join(proxy, `${VERSION}.info`), JSON.stringify({ Version: VERSION }));
    await writeFile(path.join(proxy, `${VERSION}.mod`), files['go.mod'] ?? '');
    const zip = Object.fromEntries(
      Object.entries(files).map(([name, text]) => [`${MODULE}@${VERSION}/${name}`, strToU8(text)]),
    );
    await writeFile(path.join(proxy, `${VERSION}.zip`), zipSync(zip));
    // Only here, to learn Go's hash of a module the public checksum database cannot know.
    const result = await realExec({
      file: GO,
      args: ['mod', 'download', '-json', `${MODULE}@${VERSION}`],
      env: {
        GOENV: 'off',
        GOPROXY: `file://${path.join(scratch, 'proxy')}`,
        GOSUMDB: 'off',
        GOFLAGS: '-mod=mod -modcacherw',
        GOMODCACHE: path.join(scratch, 'modcache'),
      },
      timeoutMs: 60_000,
    });
    expect(result.exitCode, result.stderrTail).toBe(0);
    download = JSON.parse(result.stdout);
    pin = {
      module: MODULE,
      version: VERSION.slice(1),
      accepts: '>=1.0.0 <2.0.0',
      package: './cmd/tiny',
      sum: download.Sum,
      goModSum: download.GoModSum,
    };
  }, 60_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it("computes the same h1: hash as Go for the module's tree, and another after one byte changes", async () => {
    expect(download.Sum).toMatch(/^h1:/);
    expect(await moduleTreeHash(download.Dir, MODULE, VERSION)).toBe(download.Sum);
    const copy = path.join(scratch, 'changed');
    await cp(download.Dir, copy, { recursive: true });
    await writeFile(path.join(copy, 'assets/queries/a.rego'), 'package b\n');
    expect(await moduleTreeHash(copy, MODULE, VERSION)).not.toBe(download.Sum);
  });

  /** Answers `go mod download` with `reply` and records every command installKics runs. */
  function fakeGo(reply: object, calls: ExecRequest[]): Exec {
    return async (request) => {
      calls.push(request);
      if (request.args[0] === 'mod') return ok(JSON.stringify(reply));
      return failed('this fake go builds nothing');
    };
  }

  async function installWith(reply: object): Promise<{ error: string; calls: ExecRequest[] }> {
    const calls: ExecRequest[] = [];
    const tools = await mkdtemp(path.join(scratch, 'tools-'));
    const env = { PATH: '', CONTROLGATE_GO: '/usr/local/go/bin/go' };
    const error = await installKics(fakeGo(reply, calls), tools, () => {}, env, pin).then(
      () => 'no error',
      (e: Error) => e.message,
    );
    return { error, calls };
  }

  const builds = (calls: ExecRequest[]) =>
    calls.filter((c) => c.args[0] === 'install' || c.args[0] === 'build');

  it('refuses to build when Go reports another module hash than the pinned go.sum line', async () => {
    const { error, calls } = await installWith({
      ...download,
      Sum: 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    });
    expect(error).toMatch(/the module hash Go reports is h1:AAAA.*pins h1:.*refusing to build it/);
    expect(builds(calls)).toEqual([]);
  });

  it('refuses to build when the go.mod hash differs from the pin', async () => {
    const { error, calls } = await installWith({
      ...download,
      GoModSum: 'h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=',
    });
    expect(error).toMatch(/the go\.mod hash is h1:BBBB.*refusing to build it/);
    expect(builds(calls)).toEqual([]);
  });

  it('refuses to build from a module tree changed on disk after Go verified the download', async () => {
    const tree = path.join(scratch, 'tampered-cache');
    await cp(download.Dir, tree, { recursive: true });
    await writeFile(path.join(tree, 'tiny.go'), 'package tiny\n\nconst X = 2\n');
    const { error, calls } = await installWith({ ...download, Dir: tree });
    expect(error).toMatch(/the module tree in .*tampered-cache is h1:.*pins .*refusing to build it/);
    expect(builds(calls)).toEqual([]);
  });

  it('goes on to build the verified module with the checked environment', async () => {
    const { error, calls } = await installWith(download);
    const [install] = builds(calls);
    expect(install?.args).toEqual(expect.arrayContaining(['install', `${MODULE}/cmd/tiny@${VERSION}`]));
    expect(install?.env).toMatchObject({
      GOSUMDB: 'sum.golang.org',
      GOENV: 'off',
      GOFLAGS: '-mod=readonly -buildvcs=false',
    });
    expect(calls[0]?.env).toMatchObject({ GOSUMDB: 'sum.golang.org', GOENV: 'off' });
    expect(error).toMatch(/go build of .* failed/);
  });
});

describe('the KICS install record', () => {
  let tools: string;
  const pin: PinnedGoModule = {
    module: 'example.test/kics',
    version: '2.2.0',
    accepts: '>=2.0.0 <3.0.0',
    package: './cmd/console',
    sum: 'h1:3pEPW0zIZDfqJzEvxpUbBSgNFS4no3Sbq6qZ5jQCxMU=',
    goModSum: 'h1:zlqRhO/NKYDEV8bxGWNsD/VEflrZZLA16G5QRR0Z1+E=',
  };

  beforeAll(async () => {
    tools = await mkdtemp(path.join(os.tmpdir(), 'controlgate-kics-stamp-'));
    const target = kicsPaths(tools);
    await mkdir(path.join(target.assets, 'queries'), { recursive: true });
    await writeFile(target.binary, '#!/bin/sh\necho the binary this install built\n');
    await chmod(target.binary, 0o755);
    await writeStamp(target.dir, goSumLines(pin), ['kics']);
  });
  afterAll(async () => {
    await rm(tools, { recursive: true, force: true });
  });

  /** `kics version` answers as KICS does; `go` fails, so reaching it shows a rebuild was chosen. */
  function fakeTools(calls: ExecRequest[]): Exec {
    return async (request) => {
      calls.push(request);
      if (request.args[0] === 'version') return ok(`Keeping Infrastructure as Code Secure v${pin.version}\n`);
      return failed('no network in this test');
    };
  }
  const env = { PATH: '', CONTROLGATE_GO: '/usr/local/go/bin/go' };
  const goCalls = (calls: ExecRequest[]) => calls.filter((c) => c.file === env.CONTROLGATE_GO);

  it('reuses the binary its stamp vouches for, and rebuilds one whose sha256 changed', async () => {
    const warm: ExecRequest[] = [];
    const reused = await installKics(fakeTools(warm), tools, () => {}, env, pin);
    expect(reused.action).toBe('present');
    expect(goCalls(warm)).toEqual([]);

    await writeFile(kicsPaths(tools).binary, '#!/bin/sh\necho something else\n');
    const log: string[] = [];
    const cold: ExecRequest[] = [];
    await expect(installKics(fakeTools(cold), tools, (l) => log.push(l), env, pin)).rejects.toThrow(
      /go mod download/,
    );
    expect(log.join('\n')).toMatch(
      /rebuilding KICS .*kics changed since it was installed \(sha256 [0-9a-f]{64}/,
    );
    expect(goCalls(cold)[0]?.args).toEqual(['mod', 'download', '-json', `${pin.module}@v${pin.version}`]);
  });

  it('rebuilds when the stamp was made from other pins', async () => {
    const log: string[] = [];
    const calls: ExecRequest[] = [];
    const bumped = { ...pin, sum: 'h1:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC=' };
    await writeStamp(kicsPaths(tools).dir, goSumLines(pin), ['kics']);
    await expect(installKics(fakeTools(calls), tools, (l) => log.push(l), env, bumped)).rejects.toThrow();
    expect(log.join('\n')).toMatch(/it was made from other pins/);
    expect(goCalls(calls)).not.toEqual([]);
  });
});
