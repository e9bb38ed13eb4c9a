import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { realExec } from '../../src/exec/exec.ts';
import type { PinnedGoModule } from '../../src/tools/versions.ts';
import { findOnPath } from '../../src/tools/which.ts';

/** The `go` the Go module tests ask (CONTROLGATE_GO, else PATH). */
export const GO = process.env.CONTROLGATE_GO ?? findOnPath('go') ?? 'go';

/** A tiny module served from a file proxy; its file names test Go's byte order (upper case first). */
export const TINY_MODULE = 'example.test/tiny';
export const TINY_VERSION = 'v1.0.0';
const FILES: Record<string, string> = {
  'go.mod': `module ${TINY_MODULE}\n\ngo 1.21\n`,
  'tiny.go': 'package tiny\n\nconst X = 1\n',
  'README.md': 'tiny\n',
  'Zeta.txt': 'upper case sorts first in bytes\n',
  'assets/queries/a.rego': 'package a\n',
  'assets/queries/b/c.json': '{}\n',
};

/** Go's own record of a downloaded module, from `go mod download -json`. */
export interface GoDownload {
  Dir: string;
  Sum: string;
  GoModSum: string;
}

/**
 * Serves the tiny module from a file proxy under `scratch` and has the real `go` download it, to learn
 * Go's hashes of a module the public checksum database cannot know; returns them and a pin of them.
 */
export async function downloadTinyModule(
  scratch: string,
): Promise<{ download: GoDownload; pin: PinnedGoModule }> {
  const proxy = path.join(scratch, 'proxy', TINY_MODULE, '@v');
  await mkdir(proxy, { recursive: true });
  await writeFile(path.join(proxy, 'list'), `${TINY_VERSION}\n`);
  await writeFile(path.join(proxy, `${TINY_VERSION}.info`), JSON.stringify({ Version: TINY_VERSION }));
  await writeFile(path.join(proxy, `${TINY_VERSION}.mod`), FILES['go.mod'] ?? '');
  const zip = Object.fromEntries(
    Object.entries(FILES).map(([name, text]) => [`${TINY_MODULE}@${TINY_VERSION}/${name}`, strToU8(text)]),
  );
  await writeFile(path.join(proxy, `${TINY_VERSION}.zip`), zipSync(zip));
  const result = await realExec({
    file: GO,
    args: ['mod', 'download', '-json', `${TINY_MODULE}@${TINY_VERSION}`],
    env: {
      GOENV: 'off',
      GOPROXY: `file://${path.join(scratch, 'proxy')}`,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod -modcacherw',
      GOMODCACHE: path.join(scratch, 'modcache'),
    },
    timeoutMs: 60_000,
  });
  if (result.exitCode !== 0)
    throw new Error(`go mod download of the tiny module failed: ${result.stderrTail}`);
  const download = JSON.parse(result.stdout) as GoDownload;
  return {
    download,
    pin: {
      module: TINY_MODULE,
      version: TINY_VERSION.slice(1),
      accepts: '>=1.0.0 <2.0.0',
      package: './cmd/tiny',
      sum: download.Sum,
      goModSum: download.GoModSum,
    },
  };
}
