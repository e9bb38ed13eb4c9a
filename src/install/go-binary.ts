import { chmod, cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Exec } from '../exec/exec.ts';
import { type PinnedGoModule, parseVersion, versionFits } from '../tools/versions.ts';
import { findOnPath, isExecutable } from '../tools/which.ts';
import { goEnvironment } from './go-env.ts';
import { goSumLines, type ModuleDownload, verifyModule } from './go-module.ts';
import { goForBuild, type ToolchainPin } from './go-toolchain.ts';
import { stampProblem, writeStamp } from './install-stamp.ts';
import type { InstallLog, InstallOutcome } from './log.ts';
import type { InstallRecipe } from './recipe.ts';
import { runChecked } from './run-checked.ts';

/** A scanner that is one Go binary built from its pinned module (Gitleaks, OSV-Scanner). */
export interface GoBinaryTool {
  /** Scanner id, and the name of its folder and binary in the tools folder. */
  id: string;
  displayName: string;
  /** The pin file, for messages: `scanners/<id>/pin.json`. */
  pinFile: string;
  pin: PinnedGoModule;
  /** The Go toolchain fetched when the machine's Go cannot fetch the one the module needs itself. */
  toolchain: ToolchainPin;
  /** `-X` settings that stamp the version the binary reports, as `-ldflags` takes them. */
  versionFlags: string[];
  /** The arguments that make it print its version. */
  versionArgs: string[];
}

/** The tool's folder and binary inside the tools folder. */
export function goBinaryPaths(toolsDir: string, id: string): { dir: string; binary: string } {
  const dir = path.join(toolsDir, id);
  return { dir, binary: path.join(dir, id) };
}

async function versionOf(exec: Exec, tool: GoBinaryTool, binary: string): Promise<string | undefined> {
  const result = await exec({ file: binary, args: tool.versionArgs, timeoutMs: 60_000 });
  return result.exitCode === 0 ? parseVersion(result.stdout) : undefined;
}

/**
 * Builds the tool from the Go module proxy (CGO off, version stamped, `-trimpath`) into
 * `<tools>/<id>/<id>`. Every module is checked against Go's checksum database and the tool's own
 * module against its pinned go.sum lines; the binary's sha256 is recorded in the install stamp, so a
 * later install reuses, and scans run, only what this install produced. A binary on PATH in the
 * pin's `accepts` range is used instead.
 */
export async function installGoBinary(
  tool: GoBinaryTool,
  exec: Exec,
  toolsDir: string,
  log: InstallLog,
  env: NodeJS.ProcessEnv = process.env,
): Promise<InstallOutcome> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const { pin } = tool;
  const target = goBinaryPaths(toolsDir, tool.id);
  const pins = goSumLines(pin);

  if (isExecutable(target.binary)) {
    const problem = await stampProblem(target.dir, pins);
    const version = problem ? undefined : await versionOf(exec, tool, target.binary);
    if (version === pin.version) {
      return { tool: tool.id, action: 'present', version, location: target.binary, seconds: seconds() };
    }
    log(
      `rebuilding ${tool.displayName} at ${target.dir}: ${problem ?? `it reports version ${version ?? 'none'}`}`,
    );
  }
  const onPath = findOnPath(tool.id, env);
  if (onPath) {
    const version = await versionOf(exec, tool, onPath);
    if (version && versionFits(version, pin.accepts)) {
      return { tool: tool.id, action: 'path', version, location: onPath, seconds: seconds() };
    }
  }

  const { go, toolchain } = await goForBuild({
    exec,
    toolsDir,
    log,
    env,
    pin: tool.toolchain,
    tool: tool.displayName,
  });
  const moduleRef = `${pin.module}@v${pin.version}`;
  const goEnv: Record<string, string> = {
    ...goEnvironment(env),
    ...(toolchain ? { GOTOOLCHAIN: toolchain } : {}),
  };
  log(
    `building ${tool.displayName} ${moduleRef} from ${goEnv.GOPROXY}, checked against ${goEnv.GOSUMDB} and the pinned go.sum line …`,
  );
  const download = await runChecked(
    exec,
    { file: go, args: ['mod', 'download', '-json', moduleRef], env: goEnv },
    `go mod download ${moduleRef}`,
  );
  await verifyModule(pin, JSON.parse(download.stdout) as ModuleDownload, tool.pinFile);

  const scratch = await mkdtemp(path.join(os.tmpdir(), `controlgate-${tool.id}-`));
  try {
    const bin = path.join(scratch, 'bin');
    const pkg = pin.package.replace(/^\.\/?/, '');
    await runChecked(
      exec,
      {
        file: go,
        args: [
          'install',
          '-trimpath',
          '-ldflags',
          ['-s', '-w', ...tool.versionFlags.flatMap((flag) => ['-X', flag])].join(' '),
          `${pin.module}${pkg ? `/${pkg}` : ''}@v${pin.version}`,
        ],
        env: { ...goEnv, GOBIN: bin },
        timeoutMs: 30 * 60_000,
      },
      `go install ${moduleRef}`,
    );
    const built = path.join(bin, path.posix.basename(pkg || pin.module.replace(/\/v\d+$/, '')));
    await rm(target.dir, { recursive: true, force: true });
    await mkdir(target.dir, { recursive: true });
    await rename(built, target.binary).catch(async () => {
      await cp(built, target.binary);
    });
    await chmod(target.binary, 0o755);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const version = await versionOf(exec, tool, target.binary);
  if (version !== pin.version) {
    throw new Error(
      `built ${tool.displayName} reports version ${version ?? 'none'}, expected ${pin.version}`,
    );
  }
  await writeStamp(target.dir, pins);
  return { tool: tool.id, action: 'installed', version, location: target.binary, seconds: seconds() };
}

/** The recipe of a Go binary tool: its own folder in the tools folder, built alone. */
export function goBinaryRecipe(tool: GoBinaryTool): InstallRecipe {
  return {
    key: tool.id,
    install: async ({ exec, toolsDir, log, env }) => [await installGoBinary(tool, exec, toolsDir, log, env)],
    // A static binary (CGO off): nothing of the machine beyond OS and architecture.
    cache: { folder: tool.id },
  };
}
