import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Exec } from '../exec.ts';
import { OFFLINE_ENV } from '../tools/offline-env.ts';
import { PINNED, PYTHON_REQUIREMENTS, parseVersion, versionFits } from '../tools/versions.ts';
import { findOnPath, isExecutable } from '../tools/which.ts';
import type { InstallLog, InstallOutcome } from './log.ts';
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

/**
 * Installs Semgrep and Bandit (with SARIF support) from PyPI into `<tools>/venv`, pinned to the full
 * dependency list in scanners/versions.json. Skips the work when the venv or PATH already has them.
 */
export async function installPythonScanners(
  exec: Exec,
  toolsDir: string,
  log: InstallLog,
  env: NodeJS.ProcessEnv = process.env,
): Promise<InstallOutcome[]> {
  const started = performance.now();
  const venv = path.join(toolsDir, 'venv');
  const outcomes: InstallOutcome[] = [];
  const missing: (typeof PY_TOOLS)[number][] = [];
  for (const tool of PY_TOOLS) {
    const pin = PINNED[tool];
    const inVenv = path.join(venv, 'bin', tool);
    if (isExecutable(inVenv) && (await versionOf(exec, inVenv)) === pin.version) {
      outcomes.push({ tool, action: 'present', version: pin.version, location: inVenv, seconds: 0 });
      continue;
    }
    const onPath = findOnPath(tool, env);
    const pathVersion = onPath ? await versionOf(exec, onPath) : undefined;
    if (onPath && pathVersion && versionFits(pathVersion, pin.accepts)) {
      outcomes.push({ tool, action: 'path', version: pathVersion, location: onPath, seconds: 0 });
      continue;
    }
    missing.push(tool);
  }
  if (missing.length === 0) return finish(outcomes, started);

  const python = env.CONTROLGATE_PYTHON ?? findOnPath('python3', env) ?? 'python3';
  log(`installing ${missing.join(' and ')} from PyPI into ${venv} …`);
  if (!isExecutable(path.join(venv, 'bin', 'pip'))) {
    await runChecked(
      exec,
      { file: python, args: ['-m', 'venv', '--clear', venv] },
      'creating the Python venv',
    );
  }
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-pip-'));
  try {
    const requirements = path.join(scratch, 'requirements.txt');
    await writeFile(requirements, `${PYTHON_REQUIREMENTS.join('\n')}\n`);
    await runChecked(
      exec,
      {
        file: path.join(venv, 'bin', 'pip'),
        args: ['install', '--disable-pip-version-check', '--no-input', '--quiet', '-r', requirements],
      },
      'pip install of semgrep and bandit',
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  for (const tool of missing) {
    const inVenv = path.join(venv, 'bin', tool);
    const version = await versionOf(exec, inVenv);
    if (version !== PINNED[tool].version) {
      throw new Error(
        `${tool} in ${venv} reports version ${version ?? 'none'}, expected ${PINNED[tool].version}`,
      );
    }
    outcomes.push({ tool, action: 'installed', version, location: inVenv, seconds });
  }
  return outcomes;
}

function finish(outcomes: InstallOutcome[], started: number): InstallOutcome[] {
  const seconds = (performance.now() - started) / 1000;
  return outcomes.map((o) => ({ ...o, seconds }));
}
