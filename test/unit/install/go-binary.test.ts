import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exec, ExecRequest } from '../../../src/exec/exec.ts';
import {
  type GoBinaryTool,
  goBinaryPaths,
  goBinaryRecipe,
  installGoBinary,
} from '../../../src/install/go-binary.ts';
import { execResult } from '../../support/exec-result.ts';
import { downloadTinyModule, type GoDownload, TINY_MODULE, TINY_VERSION } from '../../support/go-module.ts';

/*
 * The Go binary recipe (Gitleaks, OSV-Scanner) against a real module download (the tiny module from a
 * file proxy, so its hashes are Go's own) and a fake `go` that "builds" by writing a file into GOBIN.
 */

describe('installGoBinary', () => {
  let scratch: string;
  let download: GoDownload;
  let tool: GoBinaryTool;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-gobin-'));
    const tiny = await downloadTinyModule(scratch);
    download = tiny.download;
    tool = {
      id: 'tiny',
      displayName: 'Tiny',
      pinFile: 'scanners/tiny/pin.json',
      pin: tiny.pin,
      toolchain: { go: '1.26.5', sums: {} },
      versionFlags: [`${TINY_MODULE}/version.Version=v1.0.0`],
      versionArgs: ['version'],
    };
  }, 60_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  /** A go that answers `mod download` with `reply` and "builds" the binary; the binary reports `reports`. */
  function fakeGo(reply: object, calls: ExecRequest[], reports = '1.0.0'): Exec {
    return async (request) => {
      calls.push(request);
      if (request.args[0] === 'mod') return execResult({ stdout: JSON.stringify(reply) });
      if (request.args[0] === 'install') {
        const bin = request.env?.GOBIN ?? '';
        await mkdir(bin, { recursive: true });
        await writeFile(path.join(bin, 'tiny'), '#!/bin/sh\necho built\n');
        return execResult();
      }
      if (request.args[0] === 'version') return execResult({ stdout: `tiny version ${reports}\n` });
      return execResult({ exitCode: 1, stderrTail: `unexpected ${request.args.join(' ')}` });
    };
  }

  const env = { PATH: '', CONTROLGATE_GO: '/usr/local/go/bin/go' };

  it('builds the verified module with the checked environment, stamps it, and reuses it next time', async () => {
    const tools = await mkdtemp(path.join(scratch, 'tools-'));
    const calls: ExecRequest[] = [];
    const outcome = await installGoBinary(tool, fakeGo(download, calls), tools, () => {}, env);
    expect(outcome).toMatchObject({ tool: 'tiny', action: 'installed', version: '1.0.0' });
    const install = calls.find((c) => c.args[0] === 'install');
    expect(install?.args).toEqual([
      'install',
      '-trimpath',
      '-ldflags',
      `-s -w -X ${TINY_MODULE}/version.Version=v1.0.0`,
      `${TINY_MODULE}/cmd/tiny@${TINY_VERSION}`,
    ]);
    expect(install?.env).toMatchObject({ GOSUMDB: 'sum.golang.org', GOENV: 'off', CGO_ENABLED: '0' });
    const { binary, dir } = goBinaryPaths(tools, 'tiny');
    expect(await readFile(binary, 'utf8')).toContain('built');
    expect(await readFile(path.join(dir, 'controlgate-install.json'), 'utf8')).toContain(download.Sum);

    const again: ExecRequest[] = [];
    expect(await installGoBinary(tool, fakeGo(download, again), tools, () => {}, env)).toMatchObject({
      action: 'present',
    });
    expect(again.map((c) => c.args[0])).toEqual(['version']);
  });

  it('builds again when the installed binary no longer matches its record', async () => {
    const tools = await mkdtemp(path.join(scratch, 'tools-'));
    await installGoBinary(tool, fakeGo(download, []), tools, () => {}, env);
    await writeFile(goBinaryPaths(tools, 'tiny').binary, '#!/bin/sh\necho swapped\n');
    const lines: string[] = [];
    const calls: ExecRequest[] = [];
    const outcome = await installGoBinary(tool, fakeGo(download, calls), tools, (l) => lines.push(l), env);
    expect(outcome.action).toBe('installed');
    expect(lines.join('\n')).toMatch(/rebuilding Tiny/);
    expect(calls.some((c) => c.args[0] === 'install')).toBe(true);
  });

  it('refuses to build a module whose hash is not the pinned go.sum line, naming the pin file', async () => {
    const tools = await mkdtemp(path.join(scratch, 'tools-'));
    const calls: ExecRequest[] = [];
    const error = await installGoBinary(
      tool,
      fakeGo({ ...download, Sum: 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }, calls),
      tools,
      () => {},
      env,
    ).then(
      () => 'no error',
      (e: Error) => e.message,
    );
    expect(error).toMatch(
      /the module hash Go reports is h1:AAAA.*scanners\/tiny\/pin\.json pins h1:.*refusing/,
    );
    expect(calls.some((c) => c.args[0] === 'install')).toBe(false);
  });

  it('refuses a module tree changed on disk after Go verified it', async () => {
    const tree = path.join(scratch, 'tampered');
    await cp(download.Dir, tree, { recursive: true });
    await writeFile(path.join(tree, 'tiny.go'), 'package tiny\n\nconst X = 3\n');
    const error = await installGoBinary(
      tool,
      fakeGo({ ...download, Dir: tree }, []),
      await mkdtemp(path.join(scratch, 'tools-')),
      () => {},
      env,
    ).then(
      () => 'no error',
      (e: Error) => e.message,
    );
    expect(error).toMatch(/the module tree in .*tampered is h1:.*refusing to build it/);
  });

  it('fails when the built binary reports another version than the pin', async () => {
    const error = await installGoBinary(
      tool,
      fakeGo(download, [], '0.9.0'),
      await mkdtemp(path.join(scratch, 'tools-')),
      () => {},
      env,
    ).then(
      () => 'no error',
      (e: Error) => e.message,
    );
    expect(error).toBe('built Tiny reports version 0.9.0, expected 1.0.0');
  });

  it('is a recipe of its own, cached by its folder', () => {
    const recipe = goBinaryRecipe(tool);
    expect(recipe.key).toBe('tiny');
    expect(recipe.cache).toEqual({ folder: 'tiny' });
  });
});
