import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BaseCopy } from '../../scanners/types.ts';
import { CONFIG_FILE_NAMES, loadConfig, parseConfig } from '../config/load.ts';
import { diffPolicy, type PolicyDifference } from '../config/policy-diff.ts';
import { type Config, configSchema } from '../config/schema.ts';
import { Git, GitError } from '../diff/git.ts';
import { ConfigError, errorMessage, UsageError } from '../errors.ts';
import type { Exec } from '../exec/exec.ts';
import { DEFAULT_WAIVERS_FILE, loadWaivers, parseWaivers, type Waiver } from '../findings/waivers.ts';
import { realPath, toPosix } from '../paths.ts';
import { semgrepRulesFromBase } from './base-rules.ts';
import { scriptsFromBase } from './base-scripts.ts';
import type { Workspace } from './workspace.ts';

/*
 * The trust boundary: on a change (a pull/merge request, --base, a merge queue), the rules that judge
 * it (configuration, waivers, mapping overrides, custom scanner commands) come from the base commit,
 * read from git's objects. The change's own versions are data: parsed, validated and reported as a
 * proposal that applies after merge, never applied to the run that judges the change.
 */

/** The commit whose policy judges a change: the CLI's --base, or the CI change's base commit. */
export interface PolicyRevision {
  ref: string;
  /** cli: a wrong ref is the user's error; ci: an unreadable base stops the run (fail closed). */
  source: 'cli' | 'ci';
}

/** One policy file as it was read. */
export interface PolicyFileFacts {
  /** Repository-relative (or absolute, outside the repository) path. */
  file: string;
  sha256: string;
}

/** Where the rules came from, and what the change proposes: kept in the report and the evidence. */
export interface PolicyFacts {
  /**
   * base: read from `commit`, the change's base; worktree: from the checkout (no change to judge:
   * a push, a schedule, a local run); head: this change's own, on request (local experiments only).
   */
  source: 'base' | 'worktree' | 'head';
  /** The commit the policy was read from, for `base`. */
  commit: string | null;
  config: PolicyFileFacts | null;
  waivers: PolicyFileFacts | null;
  /**
   * Why a change's policy could not be read from its base, so the checkout's was used (the checkout
   * is not a git repository at all); null when it came from where it should.
   */
  unverified: string | null;
  /** The change's policy where it differs from the one that judged it; null when it does not. */
  proposed: { invalid: string | null; changes: PolicyDifference[] } | null;
}

export interface LoadedPolicy {
  config: Config;
  /** Absolute path the configuration stands for in the workspace, when there is one. */
  configFile?: string;
  waivers: Waiver[];
  /** Absolute path the waivers file stands for. */
  waiversFile: string;
  facts: PolicyFacts;
  /** Scanners that must not run, by id, and why (rules the base commit does not have). */
  refused?: Record<string, string>;
  /** On a change, where local rule files were read from: the base's copy of them (evidence names them). */
  rulesCopy?: BaseCopy;
  /** The policy files' text as read: the evidence keeps it, so the decision can be re-derived. */
  texts: PolicyTexts;
  /** The change's own policy files where they differ from the judged ones (a proposal). */
  proposedTexts?: PolicyTexts;
}

/** The text of the configuration and the waiver file, by repository-relative path, when they exist. */
export interface PolicyTexts {
  config?: { file: string; text: string };
  waivers?: { file: string; text: string };
}

function textsOf(
  facts: Pick<PolicyFacts, 'config' | 'waivers'>,
  config?: string,
  waivers?: string,
): PolicyTexts {
  return {
    ...(facts.config && config !== undefined ? { config: { file: facts.config.file, text: config } } : {}),
    ...(facts.waivers && waivers !== undefined
      ? { waivers: { file: facts.waivers.file, text: waivers } }
      : {}),
  };
}

export interface LoadPolicyRequest {
  workspace: Workspace;
  exec: Exec;
  cwd: string;
  now: Date;
  /** --config / the Action's `config`, as given. */
  configFile?: string;
  /** --waivers, as given. */
  waiversFile?: string;
  /** Judge with the base's policy; absent: the checkout's (no change to judge). */
  revision?: PolicyRevision;
  /** Judge with the change's own policy, for local experiments; refused by the gate in CI. */
  fromHead?: boolean;
  /**
   * A scratch folder of this run for the base's copies of the repository files the rules name (a
   * custom scanner's script, Semgrep's local rules), laid out like the repository.
   */
  scratchDir: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The path inside the repository, or undefined when `file` lies outside it (then no change can edit it). */
function inRepo(repoRoot: string, file: string): string | undefined {
  const rel = path.relative(repoRoot, realPath(file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return toPosix(rel);
}

function waiversPathFor(request: LoadPolicyRequest, config: Config, configFile: string | undefined): string {
  if (request.waiversFile) return path.resolve(request.cwd, request.waiversFile);
  const base = configFile ? path.dirname(configFile) : request.workspace.root;
  return path.resolve(base, config.waivers ?? DEFAULT_WAIVERS_FILE);
}

function relativeFacts(root: string, file: string, text: string): PolicyFileFacts {
  const rel = path.relative(root, file);
  return { file: rel.startsWith('..') ? file : toPosix(rel), sha256: sha256(text) };
}

/** The checkout's policy: configuration and waivers from the working tree. */
async function worktreePolicy(request: LoadPolicyRequest): Promise<LoadedPolicy> {
  const { workspace } = request;
  const explicit = request.configFile ? path.resolve(request.cwd, request.configFile) : undefined;
  const { config, file } = await loadConfig({ explicit, target: workspace.targetDir, root: workspace.root });
  const waiversFile = waiversPathFor(request, config, file);
  const waivers = await loadWaivers(waiversFile, request.now);
  const configText = file ? await readFile(file, 'utf8') : undefined;
  const waiversText = existsSync(waiversFile) ? await readFile(waiversFile, 'utf8') : undefined;
  const facts: PolicyFacts = {
    source: 'worktree',
    commit: null,
    unverified: null,
    config: file && configText !== undefined ? relativeFacts(workspace.root, file, configText) : null,
    waivers: waiversText !== undefined ? relativeFacts(workspace.root, waiversFile, waiversText) : null,
    proposed: null,
  };
  return {
    config,
    ...(file ? { configFile: file } : {}),
    waivers,
    waiversFile,
    facts,
    texts: textsOf(facts, configText, waiversText),
  };
}

/** A file's text at the base commit when it is part of the repository, else from disk (outside any change). */
async function readAtBase(
  git: Git,
  repoRoot: string,
  commit: string,
  file: string,
): Promise<string | undefined> {
  const rel = inRepo(repoRoot, file);
  if (rel !== undefined) return git.fileAt(commit, rel);
  return existsSync(file) ? readFile(file, 'utf8') : undefined;
}

/** The base's policy: the same files the checkout would use, as the base commit has them. */
async function basePolicy(request: LoadPolicyRequest, revision: PolicyRevision): Promise<LoadedPolicy> {
  const { workspace } = request;
  const probe = new Git(request.exec, workspace.targetDir);
  let commit: string;
  let repoRoot: string;
  try {
    try {
      repoRoot = realpathSync(await probe.topLevel());
    } catch (error) {
      // CI handed us files that are not a git checkout: there is no base to read, and no change
      // could have written one. The checkout's policy is used, and every report says it is unverified.
      if (revision.source === 'ci' && error instanceof GitError) {
        const checkout = await worktreePolicy(request);
        const why = `${workspace.targetDir} is not a git repository, so the base commit ${revision.ref.slice(0, 12)} could not be read`;
        return { ...checkout, facts: { ...checkout.facts, unverified: why } };
      }
      throw new GitError(
        `a change is judged by its base's policy, which needs a git repository, and ${workspace.targetDir} is not inside one (${errorMessage(error)})`,
      );
    }
    const git = probe.at(repoRoot);
    try {
      commit = await git.commitOf(revision.ref);
    } catch (error) {
      if (revision.source !== 'ci' || !(error instanceof GitError)) throw error;
      await git.fetchForMergeBase(revision.ref);
      commit = await git.commitOf(revision.ref);
    }
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    if (revision.source === 'cli') throw new UsageError(`--base ${revision.ref}: ${error.message}`);
    // Without the base there is no reviewed policy to judge the change by: never the change's own.
    throw new UsageError(
      `cannot read the policy at the change's base commit ${revision.ref.slice(0, 12)} to judge it by (${error.message}). Fetch the base (actions/checkout with fetch-depth: 0, GIT_DEPTH: 0 on GitLab).`,
    );
  }
  const git = probe.at(repoRoot);
  const explicit = request.configFile ? path.resolve(request.cwd, request.configFile) : undefined;
  const candidates = explicit
    ? [explicit]
    : [workspace.targetDir, workspace.root].flatMap((d) => CONFIG_FILE_NAMES.map((n) => path.join(d, n)));
  let configFile: string | undefined;
  let configText: string | undefined;
  for (const candidate of candidates) {
    configText = await readAtBase(git, repoRoot, commit, candidate);
    if (configText !== undefined) {
      configFile = candidate;
      break;
    }
  }
  if (explicit && configText === undefined)
    throw new ConfigError(explicit, [
      `not found at the base commit ${commit.slice(0, 12)}, whose policy judges this change`,
    ]);
  const label = (file: string) => `${file} (at the base commit ${commit.slice(0, 12)})`;
  const config =
    configFile && configText !== undefined
      ? parseConfig(configText, label(configFile))
      : configSchema.parse({});
  const waiversFile = waiversPathFor(request, config, configFile);
  const waiversText = await readAtBase(git, repoRoot, commit, waiversFile);
  const waivers = waiversText === undefined ? [] : parseWaivers(waiversText, label(waiversFile), request.now);
  const facts: PolicyFacts = {
    source: 'base',
    commit,
    unverified: null,
    config:
      configFile && configText !== undefined ? relativeFacts(workspace.root, configFile, configText) : null,
    waivers: waiversText !== undefined ? relativeFacts(workspace.root, waiversFile, waiversText) : null,
    proposed: null,
  };
  return {
    config,
    ...(configFile ? { configFile } : {}),
    waivers,
    waiversFile,
    facts,
    texts: textsOf(facts, configText, waiversText),
  };
}

/** The change's own policy as a proposal: its differences, or why it could not apply. */
async function proposal(
  request: LoadPolicyRequest,
  judged: LoadedPolicy,
): Promise<{ facts: PolicyFacts['proposed']; texts?: PolicyTexts }> {
  try {
    const head = await worktreePolicy(request);
    const changes = diffPolicy(judged, head);
    return changes.length > 0 ? { facts: { invalid: null, changes }, texts: head.texts } : { facts: null };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { facts: { invalid: errorMessage(error), changes: [] } };
  }
}

/** The proposal's texts, kept only when a file's text differs from the judged one. */
function changedTexts(judged: PolicyTexts, proposed: PolicyTexts | undefined): PolicyTexts | undefined {
  if (!proposed) return undefined;
  const differs = (key: keyof PolicyTexts) =>
    proposed[key] !== undefined &&
    (proposed[key]?.text !== judged[key]?.text || proposed[key]?.file !== judged[key]?.file);
  const kept: PolicyTexts = {
    ...(differs('config') && proposed.config ? { config: proposed.config } : {}),
    ...(differs('waivers') && proposed.waivers ? { waivers: proposed.waivers } : {}),
  };
  return kept.config || kept.waivers ? kept : undefined;
}

/**
 * The rules for this run. With a revision, the base's, and the change's own as a proposal; with
 * `fromHead` (local experiments), the change's own, and the base's for comparison; otherwise the
 * checkout's.
 */
export async function loadPolicy(request: LoadPolicyRequest): Promise<LoadedPolicy> {
  if (!request.revision) return worktreePolicy(request);
  const base = await basePolicy(request, request.revision);
  if (request.fromHead) {
    const head = await worktreePolicy(request);
    const changes = diffPolicy(base, head);
    return {
      ...head,
      facts: {
        ...head.facts,
        source: 'head',
        commit: base.facts.commit,
        proposed: { invalid: null, changes },
      },
    };
  }
  const { facts: proposed, texts: headTexts } = await proposal(request, base);
  const proposedTexts = changedTexts(base.texts, headTexts);
  const withProposal = proposedTexts ? { ...base, proposedTexts } : base;
  const pinned = await pinToBase(request, base);
  if (!pinned) return { ...withProposal, facts: { ...base.facts, proposed } };
  // The diff above compared the definitions; edits to the files they run and read are proposals too.
  const changes = [...(proposed?.changes ?? []), ...pinned.changes];
  return {
    ...withProposal,
    config: pinned.config,
    facts: {
      ...base.facts,
      proposed: changes.length > 0 || proposed ? { invalid: proposed?.invalid ?? null, changes } : null,
    },
    ...(pinned.refused ? { refused: pinned.refused } : {}),
    rulesCopy: pinned.rulesCopy,
  };
}

/** The base's policy with the repository files it names read from the base, and the change's edits to them. */
interface PinnedPolicy {
  config: Config;
  changes: PolicyDifference[];
  refused?: Record<string, string>;
  rulesCopy: BaseCopy;
}

/**
 * Custom scanners run the base's version of every repository file their command line names, and
 * Semgrep reads the base's version of its local rules.
 */
async function pinToBase(request: LoadPolicyRequest, base: LoadedPolicy): Promise<PinnedPolicy | undefined> {
  const commit = base.facts.commit;
  if (base.facts.source !== 'base' || !commit) return undefined;
  const git = new Git(request.exec, request.workspace.targetDir);
  const repoRoot = realpathSync(await git.topLevel());
  const ctx = { git: git.at(repoRoot), repoRoot, commit, dir: request.scratchDir };
  const { scanners } = base.config;
  const scripts = await scriptsFromBase(scanners.custom, {
    ...ctx,
    root: request.workspace.root,
    cwd: request.cwd,
  });
  const rules = await semgrepRulesFromBase(scanners.semgrep.configs, {
    ...ctx,
    root: request.workspace.root,
  });
  return {
    config: {
      ...base.config,
      scanners: {
        ...scanners,
        semgrep: { ...scanners.semgrep, configs: rules.configs },
        custom: scripts.custom,
      },
    },
    changes: [...scripts.changes, ...rules.changes],
    ...(rules.refused ? { refused: { semgrep: rules.refused } } : {}),
    rulesCopy: { dir: request.scratchDir, root: rules.root },
  };
}
