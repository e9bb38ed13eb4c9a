/**
 * `node scripts/install-trestle.ts`: installs compliance-trestle, the OSCAL validator the OSCAL
 * integration test runs, into `<tools>/trestle-venv`: a fresh venv, then exactly the files hashed in
 * scanners/python-trestle.lock (the tool and its whole dependency tree, pinned in
 * scanners/versions.json), so every machine validates with the same, checked code. Does nothing when
 * the venv already has the pinned version installed from the current lock.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { realExec } from '../src/exec/exec.ts';
import { stampProblem, writeStamp } from '../src/install/install-stamp.ts';
import { formatSeconds } from '../src/install/log.ts';
import { pipInstallLocked } from '../src/install/pip-locked.ts';
import { loadLock, lockPath, PYTHON_LOCKS, pinsDigest } from '../src/install/python-lock.ts';
import { runChecked } from '../src/install/run-checked.ts';
import { toolsDir } from '../src/paths.ts';
import { TRESTLE } from '../src/tools/versions.ts';
import { isExecutable } from '../src/tools/which.ts';

/** The version `trestle version` reports ("Trestle version v5.2.0 based on OSCAL version 1.2.1"). */
async function installedVersion(trestle: string): Promise<string | undefined> {
  if (!isExecutable(trestle)) return undefined;
  const result = await realExec({ file: trestle, args: ['version'], timeoutMs: 120_000 });
  return result.exitCode === 0 ? /Trestle version v?(\S+)/.exec(result.stdout)?.[1] : undefined;
}

async function main(): Promise<void> {
  const started = performance.now();
  const venv = path.join(toolsDir(), 'trestle-venv');
  const trestle = path.join(venv, 'bin', 'trestle');
  const elapsed = () => formatSeconds((performance.now() - started) / 1000);
  const pins = pinsDigest('trestle', await loadLock('trestle', TRESTLE.requirements));

  const problem = await stampProblem(venv, pins);
  if (!problem && (await installedVersion(trestle)) === TRESTLE.version) {
    console.log(`compliance-trestle ${TRESTLE.version} already in ${venv} (checked in ${elapsed()})`);
    return;
  }
  const python = process.env.CONTROLGATE_PYTHON ?? 'python3';
  const pyVersion = await runChecked(
    realExec,
    { file: python, args: ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'] },
    python,
  );
  const [major = 0, minor = 0] = pyVersion.stdout.trim().split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 11)) {
    throw new Error(
      `compliance-trestle ${TRESTLE.version} needs Python 3.11 or later; ${python} is ${pyVersion.stdout.trim()}`,
    );
  }
  if (existsSync(venv)) console.log(`replacing ${venv}: ${problem ?? 'wrong version'}`);
  console.log(`creating ${venv} with ${python} (Python ${pyVersion.stdout.trim()}) …`);
  await runChecked(realExec, { file: python, args: ['-m', 'venv', '--clear', venv] }, 'creating the venv');
  console.log(
    `installing compliance-trestle==${TRESTLE.version} from PyPI (hash-checked against ${PYTHON_LOCKS.trestle}) …`,
  );
  await pipInstallLocked(realExec, {
    python: path.join(venv, 'bin', 'python'),
    lockFile: lockPath('trestle'),
    lockLabel: PYTHON_LOCKS.trestle,
  });
  const version = await installedVersion(trestle);
  if (version !== TRESTLE.version) {
    throw new Error(`${trestle} reports version ${version ?? 'none'}, expected ${TRESTLE.version}`);
  }
  await writeStamp(venv, pins);
  console.log(`installed compliance-trestle ${version} in ${venv} in ${elapsed()}`);
}

try {
  await main();
} catch (error) {
  console.error(`install-trestle: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
