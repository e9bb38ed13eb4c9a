import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILTIN_SCANNERS } from '../../scanners/index.ts';
import { scannerOptions } from '../config/scanner-options.ts';
import type { Exec } from '../exec.ts';
import { toPosix } from '../paths.ts';
import type { ScanOutcome } from '../pipeline/scan.ts';
import { githubContext } from '../platforms/github/context.ts';
import { gitlabContext } from '../platforms/gitlab/context.ts';
import { CONTROLGATE_VERSION } from '../version.ts';
import type { RunFacts } from './run-facts.ts';

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
      .ruleFiles(scannerOptions(outcome.config, id, outcome.root), outcome.root)
      .map((file) => ({ path: toPosix(path.relative(file.base, file.path)), sha256: sha256File(file.path) }));
  });
}

async function git(exec: Exec, root: string, args: string[]): Promise<string | null> {
  const result = await exec({ file: 'git', args: ['-C', root, ...args], timeoutMs: 10_000 });
  const out = result.stdout.trim();
  return result.exitCode === 0 && out !== '' ? out : null;
}

/** "owner/name" from a git remote URL (https or ssh form), without credentials. */
function repositoryFromRemote(url: string | null): string | null {
  // Only hosted remotes (https://host/owner/name, git@host:owner/name); a local path names no repository.
  if (!url || !/^(?:[a-z+]+:\/\/|[\w.-]+@[\w.-]+:)/i.test(url)) return null;
  const match = /[:/]([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(url);
  return match?.[1] ?? null;
}

function changeNumber(env: NodeJS.ProcessEnv): number | null {
  const fromRef = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '')?.[1];
  const raw = fromRef ?? env.CI_MERGE_REQUEST_IID;
  return raw && /^\d+$/.test(raw) ? Number(raw) : null;
}

/** Gathers run.json: CI variables first (GitHub, GitLab), then git, then the outcome itself. */
export async function collectRunFacts(
  outcome: ScanOutcome,
  exec: Exec,
  env: NodeJS.ProcessEnv,
): Promise<RunFacts> {
  const root = outcome.root;
  const githubRun =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : null;
  const relativeArgs = (args: string[]) =>
    args.map((a) => a.replaceAll(root, '<root>').replaceAll(outcome.outDir, '<out>'));
  const configFile = outcome.configFile;
  const waiversFile = outcome.data.waiversFile;
  return {
    controlgateVersion: CONTROLGATE_VERSION,
    repository:
      env.GITHUB_REPOSITORY ??
      env.CI_PROJECT_PATH ??
      repositoryFromRemote(await git(exec, root, ['config', '--get', 'remote.origin.url'])),
    commit: env.GITHUB_SHA ?? env.CI_COMMIT_SHA ?? (await git(exec, root, ['rev-parse', 'HEAD'])),
    branch:
      env.GITHUB_HEAD_REF ||
      env.GITHUB_REF_NAME ||
      env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME ||
      env.CI_COMMIT_REF_NAME ||
      (await git(exec, root, ['rev-parse', '--abbrev-ref', 'HEAD'])),
    changeNumber: changeNumber(env),
    isFork:
      env.GITHUB_ACTIONS === 'true'
        ? githubContext(env).isFork
        : env.GITLAB_CI === 'true'
          ? gitlabContext(env).isFork
          : false,
    actor: env.GITHUB_ACTOR ?? env.GITLAB_USER_LOGIN ?? null,
    runUrl: githubRun ?? env.CI_PIPELINE_URL ?? null,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    host: { os: os.type(), release: os.release(), arch: os.arch(), node: process.version },
    scanners: outcome.scanners.map((s) => ({
      id: s.id,
      name: s.displayName,
      version: s.version ?? null,
      status: s.status,
      command: s.command ? [path.basename(s.command.file), ...relativeArgs(s.command.args)] : null,
      exitCode: s.exitCode ?? null,
      durationMs: s.durationMs,
      error: s.error ?? null,
    })),
    hashes: {
      config: configFile
        ? { file: toPosix(path.relative(root, configFile)), sha256: sha256File(configFile) }
        : null,
      catalog: { version: outcome.data.catalog.version, sha256: outcome.data.catalog.sha256 },
      mapping: { version: outcome.data.mapping.version, sha256: outcome.data.mapping.sha256 },
      waivers: waiversFile
        ? { file: toPosix(path.relative(root, waiversFile)), sha256: sha256File(waiversFile) }
        : null,
      rulePacks: rulePackHashes(outcome),
    },
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
  };
}
