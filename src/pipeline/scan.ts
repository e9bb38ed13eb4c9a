import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pickScanners, scannerRegistry } from '../../scanners/index.ts';
import type { ScannerOptions } from '../../scanners/types.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { Exec } from '../exec.ts';
import type { Finding } from '../findings/finding.ts';
import { type PlannedScanner, type ProgressEvent, runScanners } from '../runner/run-scanners.ts';
import type { ScannerRun } from '../runner/scanner-run.ts';
import { listFiles, resolveWorkspace } from './workspace.ts';

export interface ScanRequest {
  target: string;
  /** Scanner ids to run; default: every enabled scanner in the configuration. */
  scannerIds?: readonly string[];
  configFile?: string;
  concurrency?: number;
  /** Where raw scanner output goes; default: a fresh temporary folder. */
  outDir?: string;
  exec: Exec;
  toolsDir: string;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  onProgress?: (event: ProgressEvent) => void;
}

export interface ScanOutcome {
  root: string;
  target: string;
  configFile?: string;
  config: Config;
  outDir: string;
  /** True when outDir is a scratch folder the caller should remove once it has rendered the result. */
  outDirIsTemporary: boolean;
  startedAt: string;
  finishedAt: string;
  scanners: ScannerRun[];
  findings: Finding[];
}

function optionsFor(id: string, config: Config): ScannerOptions {
  const s = config.scanners;
  if (id === 'semgrep')
    return { timeoutSeconds: s.semgrep.timeout, extraArgs: s.semgrep.args, configs: s.semgrep.configs };
  if (id === 'bandit' || id === 'kics') return { timeoutSeconds: s[id].timeout, extraArgs: s[id].args };
  const custom = s.custom.find((c) => c.id === id);
  return { timeoutSeconds: custom?.timeout ?? 900, extraArgs: [] };
}

function enabledIds(config: Config): string[] {
  const s = config.scanners;
  const builtins = (['semgrep', 'bandit', 'kics'] as const).filter((id) => s[id].enabled);
  return [...builtins, ...s.custom.filter((c) => c.enabled).map((c) => c.id)];
}

/** Runs one scan: config, files, scanners in parallel, normalized findings. Pure data out. */
export async function scan(request: ScanRequest): Promise<ScanOutcome> {
  const startedAt = new Date().toISOString();
  const workspace = resolveWorkspace(request.target, request.cwd);
  const { config, file: configFile } = await loadConfig({
    explicit: request.configFile,
    target: workspace.targetDir,
    root: workspace.root,
  });
  const registry = scannerRegistry(
    config.scanners.custom.map((c) => ({
      id: c.id,
      ...(c.name ? { displayName: c.name } : {}),
      command: c.command,
      args: c.args,
      sarif: c.sarif,
      cleanExitCodes: c.cleanExitCodes,
      findingsExitCodes: c.findingsExitCodes,
      ...(c.include ? { include: c.include } : {}),
      ...(c.versionArgs ? { versionArgs: c.versionArgs } : {}),
    })),
  );
  const ids = request.scannerIds ?? enabledIds(config);
  const planned: PlannedScanner[] = pickScanners(registry, ids).map((scanner) => ({
    scanner,
    options: optionsFor(scanner.id, config),
  }));
  const files = await listFiles(workspace, config.exclude);
  const outDir = request.outDir
    ? path.resolve(request.cwd ?? process.cwd(), request.outDir)
    : await mkdtemp(path.join(os.tmpdir(), 'controlgate-'));
  const scanners = await runScanners({
    root: workspace.root,
    target: workspace.target,
    files,
    scanners: planned,
    outDir,
    exec: request.exec,
    toolsDir: request.toolsDir,
    env: request.env,
    concurrency: request.concurrency ?? config.concurrency ?? Math.max(planned.length, 1),
    onProgress: request.onProgress,
  });
  return {
    root: workspace.root,
    target: workspace.target,
    ...(configFile ? { configFile } : {}),
    config,
    outDir,
    outDirIsTemporary: !request.outDir,
    startedAt,
    finishedAt: new Date().toISOString(),
    scanners,
    findings: scanners.flatMap((s) => s.findings),
  };
}

/** Exit status contract: 0 when every requested scanner was evaluated, 2 when one could not be. */
export function scanExitCode(outcome: ScanOutcome): 0 | 2 {
  return outcome.scanners.some((s) => s.status === 'failed') ? 2 : 0;
}
