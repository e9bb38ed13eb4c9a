import type { Exec } from '../exec/exec.ts';
import { runChecked } from './run-checked.ts';

/**
 * How every locked install calls pip: only the files whose sha256 the lock lists (`--require-hashes`),
 * nothing the lock does not name (`--no-deps`: the lock is the whole closure), and wheels only, since
 * building an sdist would fetch build tools that no hash covers.
 */
export const PIP_LOCKED_ARGS = [
  'install',
  '--disable-pip-version-check',
  '--no-input',
  '--quiet',
  '--require-hashes',
  '--no-deps',
  '--only-binary=:all:',
] as const;

export interface LockedInstall {
  /** The venv's interpreter; pip runs as `python -m pip` inside it. */
  python: string;
  /** The requirements lock handed to pip. */
  lockFile: string;
  /** How errors name the lock (its path in the repository). */
  lockLabel: string;
  /** Where files come from when not the configured index (tests point at a local folder). */
  sourceArgs?: readonly string[];
}

/**
 * pip's hash failure is a wall of text that starts with an upper-case heading; this names what it
 * means and keeps pip's lines (package, expected, got) for the reader.
 */
function explainHashFailure(message: string, lockLabel: string): string | undefined {
  const at = message.indexOf('THESE PACKAGES DO NOT MATCH THE HASHES');
  if (at < 0) return undefined;
  const details = message
    .slice(at)
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('['))
    .join('\n    ');
  return (
    `pip refused a download whose sha256 is not in ${lockLabel}; nothing was installed from it. ` +
    'Either the file was tampered with or re-uploaded, or the lock is out of date ' +
    `(re-run \`node scripts/lock-python.ts\` only after checking why):\n    ${details}`
  );
}

/** Installs exactly the lock's pins into a venv and checks that together they are complete. */
export async function pipInstallLocked(exec: Exec, install: LockedInstall): Promise<void> {
  const request = {
    file: install.python,
    // Isolated (-I): `-m` would otherwise import a `pip/` folder of the working directory first.
    args: ['-I', '-m', 'pip', ...PIP_LOCKED_ARGS, ...(install.sourceArgs ?? []), '-r', install.lockFile],
    timeoutMs: 30 * 60_000,
  };
  const result = await exec(request);
  if (result.exitCode !== 0) {
    // The whole kept stderr, not a tail mixed with stdout: pip puts the heading before the details.
    const explained = explainHashFailure(result.stderrTail, install.lockLabel);
    if (explained) throw new Error(explained);
    // Any other failure reads like every other install step's.
    await runChecked(async () => result, request, `pip install from ${install.lockLabel}`);
  }
  // --no-deps trusts the lock to be the whole closure; pip check says so or names what is missing.
  await runChecked(
    exec,
    { file: install.python, args: ['-I', '-m', 'pip', 'check', '--disable-pip-version-check'] },
    `pip check after installing ${install.lockLabel} (the lock is not a complete, consistent set)`,
  );
}
