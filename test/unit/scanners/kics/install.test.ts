import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installKics, KICS_PIN, kicsInstall, kicsPaths } from '../../../../scanners/kics/install.ts';
import { kics } from '../../../../scanners/kics/plugin.ts';
import type { Exec, ExecRequest, ExecResult } from '../../../../src/exec/exec.ts';
import { goSumLines } from '../../../../src/install/go-module.ts';
import { writeStamp } from '../../../../src/install/install-stamp.ts';
import type { PinnedGoModule } from '../../../../src/tools/versions.ts';
import { execResult } from '../../../support/exec-result.ts';
import {
  downloadTinyModule,
  type GoDownload,
  TINY_MODULE,
  TINY_VERSION,
} from '../../../support/go-module.ts';

const ok = (stdout = ''): ExecResult => execResult({ stdout });
const failed = (stderrTail: string): ExecResult => execResult({ exitCode: 1, stderrTail });

describe('installKics and the pinned module', () => {
  let scratch: string;
  /** Go's own record of the module, from `go mod download -json`. */
  let download: GoDownload;
  let pin: PinnedGoModule;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-gomod-'));
    ({ download, pin } = await downloadTinyModule(scratch));
  }, 60_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  /** Answers `go mod download` with `reply` and records every command installKics runs. */
  function fakeGo(reply: object, calls: ExecRequest[]): Exec {
    return async (request) => {
      calls.push(request);
      // A Go recent enough to fetch KICS's toolchain itself: none is fetched here.
      if (request.args[0] === 'version') return ok('go version go1.26.2 linux/amd64\n');
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
    expect(install?.args).toEqual(
      expect.arrayContaining(['install', `${TINY_MODULE}/cmd/tiny@${TINY_VERSION}`]),
    );
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
    await writeStamp(target.dir, goSumLines(pin));
  });
  afterAll(async () => {
    await rm(tools, { recursive: true, force: true });
  });

  /** `kics version` answers as KICS does; `go` fails, so reaching it shows a rebuild was chosen. */
  function fakeTools(calls: ExecRequest[]): Exec {
    return async (request) => {
      calls.push(request);
      if (request.file === env.CONTROLGATE_GO && request.args[0] === 'version') {
        return ok('go version go1.26.2 linux/amd64\n');
      }
      if (request.args[0] === 'version') return ok(`Keeping Infrastructure as Code Secure v${pin.version}\n`);
      return failed('no network in this test');
    };
  }
  const env = { PATH: '', CONTROLGATE_GO: '/usr/local/go/bin/go' };
  // What the build ran with Go (asking Go its version, to know it fetches its own toolchain, aside).
  const goCalls = (calls: ExecRequest[]) =>
    calls.filter((c) => c.file === env.CONTROLGATE_GO && c.args[0] !== 'version');

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
    await writeStamp(kicsPaths(tools).dir, goSumLines(pin));
    await expect(installKics(fakeTools(calls), tools, (l) => log.push(l), env, bumped)).rejects.toThrow();
    expect(log.join('\n')).toMatch(/it was made from other pins/);
    expect(goCalls(calls)).not.toEqual([]);
  });

  it('rebuilds when a query changed or the queries were emptied, naming the query', async () => {
    const target = kicsPaths(tools);
    const query = path.join(target.assets, 'queries', 'terraform', 'public_acl', 'query.rego');
    await mkdir(path.dirname(query), { recursive: true });
    await writeFile(query, 'package Cx\nCxPolicy[result] { true }\n');
    await writeStamp(target.dir, goSumLines(pin));
    const rebuild = async () => {
      const log: string[] = [];
      const calls: ExecRequest[] = [];
      await expect(installKics(fakeTools(calls), tools, (l) => log.push(l), env, pin)).rejects.toThrow(
        /go mod download/,
      );
      expect(goCalls(calls)).not.toEqual([]);
      return log.join('\n');
    };

    await writeFile(query, 'package Cx\nCxPolicy[result] { fals }\n');
    expect(await rebuild()).toContain(
      `rebuilding KICS at ${target.dir}: ${query} changed since it was installed`,
    );

    await rm(path.join(target.assets, 'queries'), { recursive: true });
    await mkdir(path.join(target.assets, 'queries'));
    expect(await rebuild()).toContain(`${query} is missing (it was installed)`);
  });
});

describe('kicsInstall, the recipe the KICS plugin declares', () => {
  let tools: string;
  beforeAll(async () => {
    tools = await mkdtemp(path.join(os.tmpdir(), 'controlgate-kics-recipe-'));
  });
  afterAll(async () => {
    await rm(tools, { recursive: true, force: true });
  });

  it("is the plugin's, installs KICS alone, and reports one outcome with the pinned version", async () => {
    expect(kics.install).toBe(kicsInstall);
    const target = kicsPaths(tools);
    await mkdir(path.join(target.assets, 'queries'), { recursive: true });
    await writeFile(target.binary, '#!/bin/sh\n');
    await chmod(target.binary, 0o755);
    await writeStamp(target.dir, goSumLines(KICS_PIN));
    const calls: ExecRequest[] = [];
    const exec: Exec = async (request) => {
      calls.push(request);
      return ok(`Keeping Infrastructure as Code Secure v${KICS_PIN.version}\n`);
    };
    const env = { PATH: '', CONTROLGATE_GO: '/nonexistent/go' };
    const outcomes = await kicsInstall.install({ exec, toolsDir: tools, log: () => {}, env, ids: ['kics'] });
    expect(outcomes).toMatchObject([
      { tool: 'kics', action: 'present', version: KICS_PIN.version, location: target.binary },
    ]);
    expect(calls.map((c) => c.file)).toEqual([target.binary]);
  });

  it('pins the module by its two go.sum lines', () => {
    expect(KICS_PIN.module).toBe('github.com/Checkmarx/kics/v2');
    expect(KICS_PIN.sum).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/);
    expect(KICS_PIN.goModSum).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/);
    expect(goSumLines(KICS_PIN)).toBe(
      `github.com/Checkmarx/kics/v2 v${KICS_PIN.version} ${KICS_PIN.sum}\ngithub.com/Checkmarx/kics/v2 v${KICS_PIN.version}/go.mod ${KICS_PIN.goModSum}`,
    );
  });
});
