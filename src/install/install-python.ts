import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Exec } from '../exec.ts';
import { OFFLINE_ENV } from '../tools/offline-env.ts';
import { PINNED, PYTHON_REQUIREMENTS, parseVersion, versionFits } from '../tools/versions.ts';
import { findOnPath, isExecutable } from '../tools/which.ts';
import { stampProblem, writeStamp } from './install-stamp.ts';
import type { InstallLog, InstallOutcome } from './log.ts';
import { pipInstallLocked } from './pip-locked.ts';
import { loadLock, lockPath, PYTHON_LOCKS, pinsDigest } from './python-lock.ts';
import { runChecked } from './run-checked.ts';

const PY_TOOLS = ['semgrep', 'bandit'] as const;

async function versionOf(exec: Exec, command: string): Promise<string | undefined> {
  const result = await exec({
    file: command,
    args: ['--version'],
    env: { ...OFFLINE_ENV },
    timeoutMs: 60_000,
  });
  return result.exitCode === 0 ? parseVersion(result.stdout) : undefined;
}

/** Semgrep's native engine, the one large binary in the venv: its sha256 goes into the stamp. */
async function semgrepCore(venv: string): Promise<string | undefined> {
  const lib = path.join(venv, 'lib');
  const pythons = await readdir(lib).catch(() => [] as string[]);
  for (const python of pythons) {
    const rel = path.join('lib', python, 'site-packages', 'semgrep', 'bin', 'semgrep-core');
    if (isExecutable(path.join(venv, rel))) return rel;
  }
  return undefined;
}

/**
 * Installs Semgrep and Bandit (with SARIF support) from PyPI into `<tools>/venv`: a fresh venv, then
 * exactly the files hashed in scanners/python-scanners.lock. Reuses the venv only when its stamp says it
 * came from these pins and Semgrep's engine is unchanged, or PATH has fitting versions.
 */
export async function installPythonScanners(
  exec: Exec,
  toolsDir: string,
  log: InstallLog,
  env: NodeJS.ProcessEnv = process.env,
): Promise<InstallOutcome[]> {
  const started = performance.now();
  const venv = path.join(toolsDir, 'venv');
  // Checked first, on every run: a lock that no longer matches versions.json is reported at once.
  const lock = await loadLock('scanners', PYTHON_REQUIREMENTS);
  const pins = [pinsDigest('scanners', lock), ...PY_TOOLS.map((t) => `${t}==${PINNED[t].version}`)].join(' ');
  const venvProblem = await stampProblem(venv, pins);
  // The stamp vouches for the versions; asking Semgrep for its version would cost seconds per run.
  const commands = ['python', ...PY_TOOLS].map((name) => path.join(venv, 'bin', name));
  if (venvProblem === undefined && commands.every((command) => isExecutable(command))) {
    return finish(
      PY_TOOLS.map((tool) => ({
        tool,
        action: 'present',
        version: PINNED[tool].version,
        location: path.join(venv, 'bin', tool),
        seconds: 0,
      })),
      started,
    );
  }
  const outcomes: InstallOutcome[] = [];
  const missing: (typeof PY_TOOLS)[number][] = [];
  for (const tool of PY_TOOLS) {
    const pin = PINNED[tool];
    const onPath = findOnPath(tool, env);
    const pathVersion = onPath ? await versionOf(exec, onPath) : undefined;
    if (onPath && pathVersion && versionFits(pathVersion, pin.accepts)) {
      outcomes.push({ tool, action: 'path', version: pathVersion, location: onPath, seconds: 0 });
      continue;
    }
    missing.push(tool);
  }
  if (missing.length === 0) return finish(outcomes, started);

  if (existsSync(venv))
    log(`reinstalling the venv at ${venv}: ${venvProblem ?? 'a program in it is missing'}`);
  const python = env.CONTROLGATE_PYTHON ?? findOnPath('python3', env) ?? 'python3';
  log(
    `installing ${missing.join(' and ')} from PyPI into ${venv} (hash-checked against ${PYTHON_LOCKS.scanners}) …`,
  );
  // Always a fresh venv: --no-deps would leave packages of an older lock in place.
  await runChecked(exec, { file: python, args: ['-m', 'venv', '--clear', venv] }, 'creating the Python venv');
  await pipInstallLocked(exec, {
    python: path.join(venv, 'bin', 'python'),
    lockFile: lockPath('scanners'),
    lockLabel: PYTHON_LOCKS.scanners,
  });
  const seconds = (performance.now() - started) / 1000;
  for (const tool of missing) {
    const location = path.join(venv, 'bin', tool);
    const version = await versionOf(exec, location);
    if (version !== PINNED[tool].version) {
      throw new Error(
        `${tool} in ${venv} reports version ${version ?? 'none'}, expected ${PINNED[tool].version}`,
      );
    }
    outcomes.push({ tool, action: 'installed', version, location, seconds });
  }
  const core = await semgrepCore(venv);
  if (!core) throw new Error(`semgrep-core is missing from ${venv} after the install`);
  await writeStamp(venv, pins, [core]);
  return outcomes;
}

function finish(outcomes: InstallOutcome[], started: number): InstallOutcome[] {
  const seconds = (performance.now() - started) / 1000;
  return outcomes.map((o) => ({ ...o, seconds }));
}
