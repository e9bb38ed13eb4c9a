/**
 * The shared shape of the test tools' installers (scripts/install-trestle.ts,
 * scripts/install-check-jsonschema.ts): a fresh venv in the tools folder, then exactly the files hashed
 * in the tool's lock (the tool and its whole dependency tree, pinned in scanners/versions.json), so
 * every machine checks with the same, reviewed code. Nothing is done when the venv already holds the
 * pinned version, installed from the current lock and unchanged since.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { realExec } from '../src/exec/exec.ts';
import { stampProblem, writeStamp } from '../src/install/install-stamp.ts';
import { formatSeconds } from '../src/install/log.ts';
import { pipInstallLocked } from '../src/install/pip-locked.ts';
import {
  loadLock,
  lockPath,
  PYTHON_LOCKS,
  type PythonLockId,
  pinsDigest,
} from '../src/install/python-lock.ts';
import { runChecked } from '../src/install/run-checked.ts';
import { toolsDir } from '../src/paths.ts';
import { isExecutable } from '../src/tools/which.ts';

export interface LockedTestTool {
  /** The lock (scanners/python-<lock>.lock) and its pins. */
  lock: PythonLockId;
  /** PyPI project name, for the log. */
  project: string;
  version: string;
  requirements: readonly string[];
  /** Folder under the tools folder. */
  venvName: string;
  /** The console script in the venv's bin/ that reports the version. */
  binary: string;
  /** Arguments that make it print its version. */
  versionArgs: readonly string[];
  /** Pulls the version out of that output. */
  versionPattern: RegExp;
  /** The oldest Python the pinned closure supports. */
  minPython: readonly [number, number];
}

async function installedVersion(tool: LockedTestTool, binary: string): Promise<string | undefined> {
  if (!isExecutable(binary)) return undefined;
  const result = await realExec({ file: binary, args: [...tool.versionArgs], timeoutMs: 120_000 });
  return result.exitCode === 0 ? tool.versionPattern.exec(result.stdout)?.[1] : undefined;
}

/** Installs (or confirms) one test tool; returns the path of its binary. */
export async function installLockedTestTool(tool: LockedTestTool): Promise<string> {
  const started = performance.now();
  const venv = path.join(toolsDir(), tool.venvName);
  const binary = path.join(venv, 'bin', tool.binary);
  const elapsed = () => formatSeconds((performance.now() - started) / 1000);
  const pins = pinsDigest(tool.lock, await loadLock(tool.lock, tool.requirements));

  const problem = await stampProblem(venv, pins);
  if (!problem && (await installedVersion(tool, binary)) === tool.version) {
    console.log(`${tool.project} ${tool.version} already in ${venv} (checked in ${elapsed()})`);
    return binary;
  }
  const python = process.env.CONTROLGATE_PYTHON ?? 'python3';
  const pyVersion = await runChecked(
    realExec,
    { file: python, args: ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'] },
    python,
  );
  const [major = 0, minor = 0] = pyVersion.stdout.trim().split('.').map(Number);
  const [needMajor, needMinor] = tool.minPython;
  if (major < needMajor || (major === needMajor && minor < needMinor)) {
    throw new Error(
      `${tool.project} ${tool.version} needs Python ${needMajor}.${needMinor} or later; ${python} is ${pyVersion.stdout.trim()}`,
    );
  }
  if (existsSync(venv)) console.log(`replacing ${venv}: ${problem ?? 'wrong version'}`);
  console.log(`creating ${venv} with ${python} (Python ${pyVersion.stdout.trim()}) …`);
  await runChecked(realExec, { file: python, args: ['-m', 'venv', '--clear', venv] }, 'creating the venv');
  console.log(
    `installing ${tool.project}==${tool.version} from PyPI (hash-checked against ${PYTHON_LOCKS[tool.lock]}) …`,
  );
  await pipInstallLocked(realExec, {
    python: path.join(venv, 'bin', 'python'),
    lockFile: lockPath(tool.lock),
    lockLabel: PYTHON_LOCKS[tool.lock],
  });
  const version = await installedVersion(tool, binary);
  if (version !== tool.version) {
    throw new Error(`${binary} reports version ${version ?? 'none'}, expected ${tool.version}`);
  }
  await writeStamp(venv, pins);
  console.log(`installed ${tool.project} ${version} in ${venv} in ${elapsed()}`);
  return binary;
}
