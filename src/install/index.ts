import type { Exec } from '../exec.ts';
import { installKics } from './install-kics.ts';
import { installPythonScanners } from './install-python.ts';
import { formatSeconds, type InstallLog, type InstallOutcome } from './log.ts';

/**
 * Installs every scanner controlgate runs into the project-local tools folder. Idempotent: what is
 * already there at the pinned version (or on PATH at a fitting one) is reused.
 * KICS and the Python tools install concurrently: one is network and compile bound, the other pip.
 */
export async function installScanners(
  exec: Exec,
  toolsDir: string,
  log: InstallLog,
): Promise<InstallOutcome[]> {
  const [kics, python] = await Promise.allSettled([
    installKics(exec, toolsDir, log),
    installPythonScanners(exec, toolsDir, log),
  ]);
  const outcomes: InstallOutcome[] = [];
  if (python.status === 'fulfilled') outcomes.push(...python.value);
  else outcomes.push(failed('semgrep', python.reason), failed('bandit', python.reason));
  if (kics.status === 'fulfilled') outcomes.push(kics.value);
  else outcomes.push(failed('kics', kics.reason));
  return outcomes;
}

function failed(tool: string, reason: unknown): InstallOutcome {
  return {
    tool,
    action: 'failed',
    seconds: 0,
    detail: reason instanceof Error ? reason.message : String(reason),
  };
}

/** One line per tool: what happened, which version, where, how long. */
export function describeOutcome(outcome: InstallOutcome): string {
  const what = {
    installed: 'installed',
    present: 'already installed',
    path: 'using the one on PATH',
    failed: 'FAILED',
  }[outcome.action];
  const where = outcome.location ? ` at ${outcome.location}` : '';
  const version = outcome.version ? ` ${outcome.version}` : '';
  const detail = outcome.detail ? `\n    ${outcome.detail.replaceAll('\n', '\n    ')}` : '';
  return `${outcome.tool}${version}: ${what}${where} (${formatSeconds(outcome.seconds)})${detail}`;
}
