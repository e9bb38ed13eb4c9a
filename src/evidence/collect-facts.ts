import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILTIN_SCANNERS } from '../../scanners/index.ts';
import type { ChangeContext } from '../change-context.ts';
import { scannerOptions } from '../config/scanner-options.ts';
import { toPosix } from '../paths.ts';
import type { ScanOutcome } from '../pipeline/scan.ts';
import type { RunFacts } from '../report/run-facts.ts';
import { CONTROLGATE_VERSION } from '../version.ts';

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The local rule files the run's scanners rested on, as their plugins name them, hashed. */
function rulePackHashes(outcome: ScanOutcome): RunFacts['hashes']['rulePacks'] {
  const ran = new Set(outcome.scanners.filter((s) => s.status !== 'skipped').map((s) => s.id));
  return [...ran].flatMap((id) => {
    const scanner = BUILTIN_SCANNERS.get(id);
    if (!scanner?.ruleFiles) return [];
    return scanner
      .ruleFiles(scannerOptions(outcome.config, id, outcome.root), outcome.root, outcome.rulesCopy)
      .map((file) => ({ path: toPosix(path.relative(file.base, file.path)), sha256: sha256File(file.path) }));
  });
}

/**
 * A command line as run, with the machine's folders written as placeholders. The longer folder
 * goes first and only whole path segments match, so an output folder beside the root
 * (`/work/app-out` next to `/work/app`) is `<out>`, not `<root>-out`.
 */
export function portableArgs(args: readonly string[], folders: Readonly<Record<string, string>>): string[] {
  const ordered = Object.entries(folders)
    .filter(([, dir]) => dir !== '')
    .sort(([, a], [, b]) => b.length - a.length);
  return args.map((arg) => {
    let text = arg;
    for (const [name, dir] of ordered) {
      const escaped = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      text = text.replace(new RegExp(`${escaped}(?=$|[/\\\\,"'=:;\\s])`, 'g'), name);
    }
    return text;
  });
}

/** Gathers run.json from the change context (CI's, completed from git) and the outcome itself. */
export function collectRunFacts(
  outcome: ScanOutcome,
  context: ChangeContext,
  failMode?: NonNullable<RunFacts['failMode']>,
): RunFacts {
  const root = outcome.root;
  const folders = { '<root>': root, '<out>': outcome.outDir };
  return {
    controlgateVersion: CONTROLGATE_VERSION,
    repository: context.repository,
    platform: context.platform,
    event: context.eventName,
    commit: context.headSha,
    baseCommit: context.baseSha,
    mergeCommit: context.mergeSha,
    branch: context.headRef,
    changeNumber: context.changeNumber,
    isFork: context.isFork,
    actor: context.actor,
    runUrl: context.runUrl,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    host: { os: os.type(), release: os.release(), arch: os.arch(), node: process.version },
    scanners: outcome.scanners.map((s) => ({
      id: s.id,
      name: s.displayName,
      version: s.version ?? null,
      status: s.status,
      command: s.command ? [path.basename(s.command.file), ...portableArgs(s.command.args, folders)] : null,
      exitCode: s.exitCode ?? null,
      durationMs: s.durationMs,
      error: s.error ?? null,
    })),
    hashes: {
      // The bytes the decision rested on: the base's files on a change, not the checkout's.
      config: outcome.policy.config,
      catalog: { version: outcome.data.catalog.version, sha256: outcome.data.catalog.sha256 },
      mapping: { version: outcome.data.mapping.version, sha256: outcome.data.mapping.sha256 },
      waivers: outcome.policy.waivers,
      rulePacks: rulePackHashes(outcome),
    },
    policy: { source: outcome.policy.source, commit: outcome.policy.commit },
    comparedWith: outcome.baseline
      ? {
          status: outcome.baseline.status,
          judged: outcome.baseline.judged,
          source: outcome.baseline.source,
          baseRef: outcome.baseline.changeSet?.baseRef ?? null,
          mergeBase: outcome.baseline.changeSet?.mergeBase ?? null,
          bundleDigest: outcome.baseline.bundle?.digest ?? null,
          changedFiles: outcome.baseline.changeSet?.changes.length ?? 0,
        }
      : null,
    decision: outcome.gate.decision,
    exitCode: outcome.gate.exitCode,
    ...(failMode ? { failMode } : {}),
  };
}
