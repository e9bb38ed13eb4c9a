import { chmod, cp, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Exec } from '../../src/exec/exec.ts';
import { goEnvironment } from '../../src/install/go-env.ts';
import { goSumLines, type ModuleDownload, verifyModule } from '../../src/install/go-module.ts';
import { goForBuild, type ToolchainPin } from '../../src/install/go-toolchain.ts';
import { stampProblem, writeStamp } from '../../src/install/install-stamp.ts';
import type { InstallLog, InstallOutcome } from '../../src/install/log.ts';
import type { InstallRecipe } from '../../src/install/recipe.ts';
import { runChecked } from '../../src/install/run-checked.ts';
import { type PinnedGoModule, parseVersion, versionFits } from '../../src/tools/versions.ts';
import { findOnPath, isExecutable } from '../../src/tools/which.ts';
import pinned from './pin.json' with { type: 'json' };

/** The KICS module and version we build, with its go.sum lines. */
export const KICS_PIN: PinnedGoModule = pinned;

/** The Go toolchain KICS's go.mod asks for, fetched when the machine's Go is too old to fetch it itself. */
export const KICS_TOOLCHAIN: ToolchainPin = pinned.goToolchain;

const CONSTANTS = 'github.com/Checkmarx/kics/v2/internal/constants';

/** The KICS binary and its assets folder inside the tools folder. */
export function kicsPaths(toolsDir: string): { dir: string; binary: string; assets: string } {
  const dir = path.join(toolsDir, 'kics');
  return { dir, binary: path.join(dir, 'kics'), assets: path.join(dir, 'assets') };
}

async function kicsVersion(exec: Exec, binary: string): Promise<string | undefined> {
  const result = await exec({
    file: binary,
    args: ['version'],
    cwd: path.dirname(binary),
    timeoutMs: 60_000,
  });
  return result.exitCode === 0 ? parseVersion(result.stdout) : undefined;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Module-cache files are read-only; copies must be writable so later installs can replace them. */
async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(full);
    else await chmod(full, entry.name === 'kics' ? 0o755 : 0o644);
  }
}

/**
 * Builds KICS from the Go module proxy (CGO off, no crash-report DSN, version stamped) and copies the
 * module's assets (queries, libraries, cwe_csv) beside the binary, where KICS looks for them. Every
 * module is checked against Go's checksum database and KICS itself against its pinned go.sum line;
 * the sha256 of the binary and of every asset is recorded, so later installs reuse, and scans run,
 * only what this install produced.
 */
export async function installKics(
  exec: Exec,
  toolsDir: string,
  log: InstallLog,
  env: NodeJS.ProcessEnv = process.env,
  pin: PinnedGoModule = KICS_PIN,
  toolchainPin: ToolchainPin = KICS_TOOLCHAIN,
): Promise<InstallOutcome> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const target = kicsPaths(toolsDir);
  const pins = goSumLines(pin);

  if (isExecutable(target.binary) && (await exists(path.join(target.assets, 'queries')))) {
    const problem = await stampProblem(target.dir, pins);
    const version = problem ? undefined : await kicsVersion(exec, target.binary);
    if (version === pin.version) {
      return { tool: 'kics', action: 'present', version, location: target.binary, seconds: seconds() };
    }
    log(`rebuilding KICS at ${target.dir}: ${problem ?? `it reports version ${version ?? 'none'}`}`);
  }
  const onPath = findOnPath('kics', env);
  if (onPath) {
    const version = await kicsVersion(exec, onPath);
    if (version && versionFits(version, pin.accepts)) {
      return { tool: 'kics', action: 'path', version, location: onPath, seconds: seconds() };
    }
  }

  const { go, toolchain } = await goForBuild({ exec, toolsDir, log, env, pin: toolchainPin });
  const moduleRef = `${pin.module}@v${pin.version}`;
  const goEnv: Record<string, string> = {
    ...goEnvironment(env),
    ...(toolchain ? { GOTOOLCHAIN: toolchain } : {}),
  };
  log(
    `building KICS ${moduleRef} from ${goEnv.GOPROXY}, checked against ${goEnv.GOSUMDB} and the pinned go.sum line (takes a few minutes the first time) …`,
  );
  const ldflags = `-s -w -X ${CONSTANTS}.Version=v${pin.version} -X ${CONSTANTS}.SentryDSN= -X ${CONSTANTS}.BaseURL=`;

  const download = await runChecked(
    exec,
    { file: go, args: ['mod', 'download', '-json', moduleRef], env: goEnv },
    `go mod download ${moduleRef}`,
  );
  const moduleDir = await verifyModule(
    pin,
    JSON.parse(download.stdout) as ModuleDownload,
    'scanners/kics/pin.json',
  );

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-kics-'));
  try {
    const built = path.join(scratch, 'bin', 'console');
    const install = await exec({
      file: go,
      args: [
        'install',
        '-trimpath',
        '-ldflags',
        ldflags,
        `${pin.module}/${pin.package.replace(/^\.\//, '')}@v${pin.version}`,
      ],
      env: { ...goEnv, GOBIN: path.dirname(built) },
      timeoutMs: 30 * 60_000,
    });
    if (install.exitCode !== 0) {
      // `go install pkg@version` refuses modules with replace directives: build in a writable copy.
      log(
        `go install refused the module (${install.stderrTail.trim().split('\n').pop() ?? ''}); building in a copy`,
      );
      const copy = path.join(scratch, 'src');
      await cp(moduleDir, copy, { recursive: true });
      await makeWritable(copy);
      await runChecked(
        exec,
        {
          file: go,
          args: ['build', '-trimpath', '-ldflags', ldflags, '-o', built, pin.package],
          cwd: copy,
          env: goEnv,
        },
        `go build of ${moduleRef}`,
      );
    }
    await rm(target.dir, { recursive: true, force: true });
    await mkdir(target.dir, { recursive: true });
    await cp(path.join(moduleDir, 'assets'), target.assets, { recursive: true });
    await makeWritable(target.assets);
    await rename(built, target.binary).catch(async () => {
      await cp(built, target.binary);
    });
    await chmod(target.binary, 0o755);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const version = await kicsVersion(exec, target.binary);
  if (version !== pin.version)
    throw new Error(`built KICS reports version ${version ?? 'none'}, expected ${pin.version}`);
  await writeStamp(target.dir, pins);
  return { tool: 'kics', action: 'installed', version, location: target.binary, seconds: seconds() };
}

/** KICS's recipe: its own folder in the tools folder, built alone. */
export const kicsInstall: InstallRecipe = {
  key: 'kics',
  install: async ({ exec, toolsDir, log, env }) => [await installKics(exec, toolsDir, log, env)],
  // A static binary (CGO off) and its assets: nothing of the machine beyond OS and architecture.
  cache: { folder: 'kics' },
};
