import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Exec } from '../exec/exec.ts';
import { OFFLINE_ENV } from '../tools/offline-env.ts';
import { type PinnedTool, parseVersion, versionFits } from '../tools/versions.ts';
import { findOnPath, isExecutable } from '../tools/which.ts';
import { stampProblem, writeStamp } from './install-stamp.ts';
import type { InstallOutcome } from './log.ts';
import { pipInstallLocked } from './pip-locked.ts';
import {
  canonicalName,
  loadLock,
  lockPath,
  PYTHON_LOCKS,
  type PythonLockId,
  parsePin,
  pinsDigest,
} from './python-lock.ts';
import type { InstallContext, InstallRecipe } from './recipe.ts';
import { runChecked } from './run-checked.ts';

/** A scanner installed into a locked venv, as its plugin declares it. */
export interface VenvTool {
  /** The scanner's id: also its PyPI project and its program in the venv's bin/. */
  id: string;
  pin: PinnedTool;
}

/** A venv that several scanners share, installed from one hash-locked closure. */
export interface LockedVenv {
  /** The recipe key: every scanner in this venv declares the same recipe. */
  key: string;
  /** Folder under the tools folder. */
  dir: string;
  lock: PythonLockId;
  /** The exact pins the lock must match (scanners/versions.json). */
  requirements: readonly string[];
  tools: readonly VenvTool[];
}

async function versionOf(exec: Exec, command: string): Promise<string | undefined> {
  const result = await exec({
    file: command,
    args: ['--version'],
    env: { ...OFFLINE_ENV },
    timeoutMs: 60_000,
  });
  return result.exitCode === 0 ? parseVersion(result.stdout) : undefined;
}

/**
 * Throws unless each tool's own pin is the version the closure pins for it: the lock installs the
 * closure's, and a scanner's pin.json bumped alone would fail only after a whole install.
 */
export function checkToolPins(venv: Pick<LockedVenv, 'lock' | 'requirements' | 'tools'>): void {
  const closure = new Map(
    venv.requirements.map((requirement) => {
      const pin = parsePin(requirement);
      return [canonicalName(pin.name), pin.version] as const;
    }),
  );
  const problems = venv.tools.flatMap((tool) => {
    const locked = closure.get(canonicalName(tool.id));
    return locked === tool.pin.version
      ? []
      : [`${tool.id} is pinned at ${tool.pin.version}, the closure has ${locked ?? 'no version of it'}`];
  });
  if (problems.length > 0) {
    throw new Error(
      `the scanners' pins do not match the closure ${PYTHON_LOCKS[venv.lock]} is made from (${problems.join('; ')}); ` +
        'bump both (scanners/<id>/pin.json and scanners/versions.json), then run `node scripts/lock-python.ts`',
    );
  }
}

/**
 * Installs the venv's scanners from PyPI into `<tools>/<dir>`: a fresh venv, then exactly the files
 * hashed in its lock. Reuses the venv only when its stamp says it came from these pins and every file
 * in it is the one it recorded, or PATH has fitting versions of the scanners asked for (`context.ids`).
 */
export async function installLockedVenv(
  venv: LockedVenv,
  context: InstallContext,
): Promise<InstallOutcome[]> {
  const { exec, toolsDir, log, env } = context;
  const started = performance.now();
  const dir = path.join(toolsDir, venv.dir);
  // Checked first, on every run: a lock or a pin that no longer matches the closure is reported at once.
  const lock = await loadLock(venv.lock, venv.requirements);
  checkToolPins(venv);
  // The whole venv's pins, whichever scanners were asked for: it is one install.
  const pins = [pinsDigest(venv.lock, lock), ...venv.tools.map((t) => `${t.id}==${t.pin.version}`)].join(' ');
  const wanted = venv.tools.filter((tool) => context.ids.includes(tool.id));
  const venvProblem = await stampProblem(dir, pins);
  // The stamp vouches for the versions; asking Semgrep for its version would cost seconds per run.
  const commands = ['python', ...wanted.map((t) => t.id)].map((name) => path.join(dir, 'bin', name));
  if (venvProblem === undefined && commands.every((command) => isExecutable(command))) {
    return finish(
      wanted.map((tool) => ({
        tool: tool.id,
        action: 'present',
        version: tool.pin.version,
        location: path.join(dir, 'bin', tool.id),
        seconds: 0,
      })),
      started,
    );
  }
  const outcomes: InstallOutcome[] = [];
  const missing: VenvTool[] = [];
  for (const tool of wanted) {
    const onPath = findOnPath(tool.id, env);
    const pathVersion = onPath ? await versionOf(exec, onPath) : undefined;
    if (onPath && pathVersion && versionFits(pathVersion, tool.pin.accepts)) {
      outcomes.push({ tool: tool.id, action: 'path', version: pathVersion, location: onPath, seconds: 0 });
      continue;
    }
    missing.push(tool);
  }
  if (missing.length === 0) return finish(outcomes, started);

  if (existsSync(dir)) log(`reinstalling the venv at ${dir}: ${venvProblem ?? 'a program in it is missing'}`);
  const python = venvPython(env);
  log(
    `installing ${missing.map((t) => t.id).join(' and ')} from PyPI into ${dir} (hash-checked against ${PYTHON_LOCKS[venv.lock]}) …`,
  );
  // Always a fresh venv: --no-deps would leave packages of an older lock in place. Isolated (-I):
  // `-m` would otherwise import a `venv/` folder of the working directory, a checkout's own code.
  await runChecked(
    exec,
    { file: python, args: ['-I', '-m', 'venv', '--clear', dir] },
    'creating the Python venv',
  );
  await pipInstallLocked(exec, {
    python: path.join(dir, 'bin', 'python'),
    lockFile: lockPath(venv.lock),
    lockLabel: PYTHON_LOCKS[venv.lock],
  });
  const seconds = (performance.now() - started) / 1000;
  for (const tool of missing) {
    const location = path.join(dir, 'bin', tool.id);
    const version = await versionOf(exec, location);
    if (version !== tool.pin.version) {
      throw new Error(
        `${tool.id} in ${dir} reports version ${version ?? 'none'}, expected ${tool.pin.version}`,
      );
    }
    outcomes.push({ tool: tool.id, action: 'installed', version, location, seconds });
  }
  // Last, after the version checks: it lists every file they and pip left (bytecode caches included).
  await writeStamp(dir, pins);
  return outcomes;
}

function finish(outcomes: InstallOutcome[], started: number): InstallOutcome[] {
  const seconds = (performance.now() - started) / 1000;
  return outcomes.map((o) => ({ ...o, seconds }));
}

/** The interpreter a venv is made from: CONTROLGATE_PYTHON, else python3 on PATH. */
function venvPython(env: NodeJS.ProcessEnv): string {
  return env.CONTROLGATE_PYTHON ?? findOnPath('python3', env) ?? 'python3';
}

/**
 * The interpreter a venv would be made from, links resolved: the venv's `bin/python` links to it and
 * its site-packages are for its minor version, so a venv is only reusable beside the same one.
 */
function venvRuntime(env: NodeJS.ProcessEnv): string {
  const python = venvPython(env);
  try {
    return realpathSync(python);
  } catch {
    return python;
  }
}

/** The recipe every scanner of a shared venv declares: installing it once serves them all. */
export function lockedVenvRecipe(venv: LockedVenv): InstallRecipe {
  return {
    key: venv.key,
    install: (context) => installLockedVenv(venv, context),
    cache: { folder: venv.dir, runtime: venvRuntime },
  };
}
