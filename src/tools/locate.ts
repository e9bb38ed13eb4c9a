import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ToolChangedError, ToolMissingError } from '../errors.ts';
import type { Exec } from '../exec/exec.ts';
import { installRecordProblem } from './install-record.ts';
import { OFFLINE_ENV, PYTHON_NO_WRITE_ENV } from './offline-env.ts';
import { parseVersion } from './versions.ts';
import { findOnPath, isExecutable } from './which.ts';

/** A scanner binary found on this machine. */
export interface LocatedTool {
  /** Absolute path (or bare name resolved through PATH) of the executable. */
  command: string;
  version: string;
  /** Working directory the tool must run in (KICS reads assets relative to it). */
  cwd?: string;
  /** Where it was found: the project's tools folder, PATH, or a configured command. */
  source: 'tools-dir' | 'path' | 'configured';
}

/** What a plugin needs to know to find its tool. */
export interface LocateContext {
  exec: Exec;
  toolsDir: string;
  env: NodeJS.ProcessEnv;
}

export interface ToolSpec {
  id: string;
  /** Executable name looked up on PATH. */
  binary: string;
  /** Path inside the tools folder where the installer puts it. */
  installedAt: (toolsDir: string) => string;
  /**
   * The folder of the tools folder whose install record (controlgate-install.json) lists every file
   * the tool runs from there: the venv, `kics/`. Checked before a tool found there is run.
   */
  recordedIn: (toolsDir: string) => string;
  versionArgs: string[];
  /** The tool must run from its own folder (KICS reads assets relative to its working directory). */
  runInOwnDir?: boolean;
}

/**
 * The variable naming a scanner's binary: `CONTROLGATE_<ID>_BIN`, a `-` in the id written `_`
 * (`CONTROLGATE_OSV_SCANNER_BIN`), since shells cannot set a name with a hyphen.
 */
export function binVariable(id: string): string {
  return `CONTROLGATE_${id.toUpperCase().replaceAll('-', '_')}_BIN`;
}

/**
 * Finds a scanner: an explicit CONTROLGATE_<ID>_BIN wins, then the project's tools folder, then PATH.
 * One from the tools folder must still be exactly what its install recorded, or it is refused with a
 * ToolChangedError (fail closed); one from PATH or CONTROLGATE_<ID>_BIN is the user's choice and is
 * not checked. Asks the tool for its version so the report says exactly what ran.
 */
export async function locateTool(spec: ToolSpec, context: LocateContext): Promise<LocatedTool> {
  const variable = binVariable(spec.id);
  const override = context.env[variable];
  const installed = spec.installedAt(context.toolsDir);
  let command: string | undefined;
  let source: LocatedTool['source'];
  if (override) {
    command = override;
    source = 'configured';
  } else if (isExecutable(installed)) {
    command = installed;
    source = 'tools-dir';
  } else {
    command = findOnPath(spec.binary, context.env);
    source = 'path';
  }
  if (!command || (source !== 'path' && !isExecutable(command))) {
    throw new ToolMissingError(
      `${spec.binary} not found (looked in ${override ? `${variable}=${override}, ` : ''}${installed} and PATH); run \`npm run scanners:install\``,
    );
  }
  if (source === 'tools-dir') {
    const problem = await recordProblem(spec.recordedIn(context.toolsDir), context.exec);
    if (problem !== undefined) {
      throw new ToolChangedError(
        `${spec.id} in the tools folder is not what was installed, so it is not run: ${problem}; ` +
          `run \`controlgate scanners install ${spec.id}\` to reinstall it`,
      );
    }
  }
  const cwd = spec.runInOwnDir ? path.dirname(realpathSync(command)) : undefined;
  const version = await versionOf(command, spec.versionArgs, cwd, context.exec);
  return { command, version, cwd, source };
}

/**
 * Install-record checks by folder, made once per run (per Exec, as the versions below): hashing the
 * venv or KICS takes about half a second each, and a pull request scan locates each tool twice (head
 * and base), Semgrep and Bandit in the same venv.
 */
const records = new WeakMap<Exec, Map<string, Promise<string | undefined>>>();

function recordProblem(dir: string, exec: Exec): Promise<string | undefined> {
  let known = records.get(exec);
  if (!known) {
    known = new Map();
    records.set(exec, known);
  }
  let checking = known.get(dir);
  if (!checking) {
    checking = installRecordProblem(dir);
    known.set(dir, checking);
  }
  return checking;
}

/**
 * `--version` answers by binary, asked once per process: a pull request scan locates each tool
 * twice (head and base) at the same moment, and Semgrep takes about a second to answer. Keyed by
 * the binary's modification time too, so a reinstall is noticed; failures are not remembered.
 */
const versions = new WeakMap<Exec, Map<string, Promise<string>>>();

function versionOf(
  command: string,
  args: readonly string[],
  cwd: string | undefined,
  exec: Exec,
): Promise<string> {
  let known = versions.get(exec);
  if (!known) {
    known = new Map();
    versions.set(exec, known);
  }
  const key = [command, statSync(command, { throwIfNoEntry: false })?.mtimeMs ?? 0, ...args].join('\u0000');
  const cached = known.get(key);
  if (cached) return cached;
  const asking = (async () => {
    const result = await exec({
      file: command,
      args,
      cwd,
      env: { ...OFFLINE_ENV, ...PYTHON_NO_WRITE_ENV },
      timeoutMs: 60_000,
    });
    const version = parseVersion(`${result.stdout}\n${result.stderrTail}`);
    if (result.startError || result.exitCode !== 0 || !version) {
      throw new ToolMissingError(
        `${command} does not run (${result.startError ?? `exit ${result.exitCode ?? result.signal}`}): ${result.stderrTail.trim().slice(-300)}`,
      );
    }
    return version;
  })();
  known.set(key, asking);
  asking.catch(() => known.delete(key));
  return asking;
}
