import { type ProcessRun, spawnProcess } from './spawn-process.ts';

export type NodeRun = ProcessRun;

/**
 * Runs a script with the Node running the tests, asynchronously (so two runs really overlap), in
 * its own process group that is killed whole on timeout.
 */
export function spawnNode(
  script: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs?: number },
): Promise<NodeRun> {
  return spawnProcess(process.execPath, [script, ...args], options);
}
