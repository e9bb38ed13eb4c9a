import { chmod, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { Exec } from '../exec/exec.ts';
import { findOnPath, isExecutable } from '../tools/which.ts';
import { DEFAULT_GOPROXY } from './go-env.ts';
import { moduleTreeHash } from './go-module-hash.ts';
import type { InstallLog } from './log.ts';

/*
 * KICS is built from source, and its go.mod asks for a newer Go than many images carry (Debian
 * bookworm's golang-go is 1.19; KICS 2.2.0 needs 1.26.2). Go 1.21 and later fetch the toolchain a
 * module asks for themselves, checked against the checksum database. An older Go, or none, cannot:
 * then the toolchain comes from the module proxy the same way Go would fetch it (the module
 * golang.org/toolchain), checked against its go.sum line pinned here, before and at every use.
 */

/** The Go toolchain the installer may fetch, and its go.sum `h1:` line per platform. */
export interface ToolchainPin {
  /** e.g. 1.26.2 */
  go: string;
  /** `<goos>-<goarch>` → the `h1:` hash of golang.org/toolchain@v0.0.1-go<go>.<goos>-<goarch>. */
  sums: Readonly<Record<string, string>>;
}

const TOOLCHAIN_MODULE = 'golang.org/toolchain';

/** The lowest Go that switches to the toolchain a go.mod asks for (GOTOOLCHAIN). */
const SWITCHES_TOOLCHAINS = [1, 21] as const;

/** This machine as Go names it, e.g. linux-amd64. */
export function goPlatform(platform = process.platform, arch = process.arch): string {
  const goarch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
  return `${platform === 'win32' ? 'windows' : platform}-${goarch[arch] ?? arch}`;
}

/** `go1.22.3` in `go version` output as [1, 22], or undefined. */
export function goVersionOf(output: string): [number, number] | undefined {
  const match = /\bgo(\d+)\.(\d+)/.exec(output);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function atLeast(version: readonly [number, number], min: readonly [number, number]): boolean {
  return version[0] > min[0] || (version[0] === min[0] && version[1] >= min[1]);
}

export interface GoForBuild {
  /** The go command to build with. */
  go: string;
  /** Set for a toolchain fetched here: it is the one the module needs, so Go must not switch again. */
  toolchain?: 'local';
}

export interface GoToolchainOptions {
  exec: Exec;
  toolsDir: string;
  log: InstallLog;
  env: NodeJS.ProcessEnv;
  pin: ToolchainPin;
  /** Test seam: the platform to fetch for; default this machine. */
  platform?: string;
  /** The tool being built, for messages; default KICS. */
  tool?: string;
}

/**
 * The Go to build a Go tool (KICS, Gitleaks, OSV-Scanner) with: `CONTROLGATE_GO` as it is, or `go` on PATH when it is 1.21 or later (it fetches
 * the toolchain KICS's go.mod asks for itself), else the pinned toolchain from the module proxy,
 * fetched into the tools folder once and its tree checked against the pin at every use.
 */
export async function goForBuild(o: GoToolchainOptions): Promise<GoForBuild> {
  // A Go named on purpose is used as it is: the user chose it.
  if (o.env.CONTROLGATE_GO) return { go: o.env.CONTROLGATE_GO };
  const found = findOnPath('go', o.env);
  if (found) {
    const result = await o.exec({
      file: found,
      args: ['version'],
      env: { GOTOOLCHAIN: 'local' },
      timeoutMs: 30_000,
    });
    const version = result.exitCode === 0 ? goVersionOf(result.stdout) : undefined;
    if (version && atLeast(version, SWITCHES_TOOLCHAINS)) return { go: found };
    o.log(
      `${found} is ${version ? `Go ${version.join('.')}` : 'not a working Go'}, which cannot fetch the Go ${o.pin.go} ${o.tool ?? 'KICS'} needs; using Go ${o.pin.go} from the module proxy`,
    );
  }
  const platform = o.platform ?? goPlatform();
  const sum = o.pin.sums[platform];
  if (!sum) {
    throw new Error(
      `${o.tool ?? 'KICS'} is built from source and needs Go ${SWITCHES_TOOLCHAINS.join('.')} or later on PATH (https://go.dev/dl): no pinned Go toolchain for ${platform}`,
    );
  }
  const version = `v0.0.1-go${o.pin.go}.${platform}`;
  const home = path.join(o.toolsDir, 'go-toolchain');
  const root = path.join(home, `go${o.pin.go}.${platform}`);
  const go = path.join(root, 'bin', 'go');
  if (isExecutable(go)) {
    const problem = await treeProblem(root, version, sum);
    if (!problem) return { go, toolchain: 'local' };
    o.log(`fetching Go ${o.pin.go} again: ${problem}`);
  }
  await fetchToolchain(o, version, sum, home, root);
  return { go, toolchain: 'local' };
}

/** Why the extracted toolchain is not the pinned one, or undefined when it is. */
async function treeProblem(root: string, version: string, sum: string): Promise<string | undefined> {
  const actual = await moduleTreeHash(root, TOOLCHAIN_MODULE, version).catch(() => 'unreadable');
  return actual === sum ? undefined : `${root} hashes to ${actual}, not the pinned ${sum}`;
}

async function fetchToolchain(
  o: GoToolchainOptions,
  version: string,
  sum: string,
  home: string,
  root: string,
): Promise<void> {
  const proxy = (o.env.CONTROLGATE_GOPROXY || DEFAULT_GOPROXY).replace(/\/+$/, '');
  const url = `${proxy}/${TOOLCHAIN_MODULE}/@v/${version}.zip`;
  o.log(
    `fetching Go ${o.pin.go} (${TOOLCHAIN_MODULE}@${version}) from ${proxy}, checked against its pinned go.sum line …`,
  );
  const response = await fetch(url, { signal: AbortSignal.timeout(600_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const zip = new Uint8Array(await response.arrayBuffer());
  await mkdir(home, { recursive: true });
  const staging = await mkdtemp(path.join(home, '.fetch-'));
  try {
    const prefix = `${TOOLCHAIN_MODULE}@${version}/`;
    for (const [name, bytes] of Object.entries(unzipSync(zip))) {
      if (name.endsWith('/')) continue;
      // Every entry lies under the module's own folder; anything else is not a module zip.
      const rel = name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
      if (!rel || rel.split('/').some((part) => part === '..' || part === '') || path.isAbsolute(rel)) {
        throw new Error(`${url}: entry ${JSON.stringify(name)} is outside ${prefix}`);
      }
      const file = path.join(staging, ...rel.split('/'));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, bytes);
    }
    const problem = await treeProblem(staging, version, sum);
    if (problem) throw new Error(`${url}: ${problem.replace(staging, 'the download')}; not used`);
    // A module zip keeps no file modes: the commands are the files under bin/ and pkg/tool/.
    for (const dir of [path.join(staging, 'bin'), ...(await toolDirs(staging))]) {
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        if (entry.isFile()) await chmod(path.join(dir, entry.name), 0o755);
      }
    }
    await rm(root, { recursive: true, force: true });
    await rename(staging, root);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function toolDirs(root: string): Promise<string[]> {
  const tool = path.join(root, 'pkg', 'tool');
  const entries = await readdir(tool, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => path.join(tool, e.name));
}
