import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { Config } from '../config/schema.ts';
import { ChangedLines } from '../diff/added-lines.ts';
import { readBaselineBundle } from '../diff/baseline-bundle.ts';
import {
  type ChangeSet,
  changedBasePaths,
  changedHeadPaths,
  renamesOf,
  resolveChangeSet,
} from '../diff/change-set.ts';
import { classifyFindings } from '../diff/classify.ts';
import { Git, GitError } from '../diff/git.ts';
import { lineMapsForRepeats } from '../diff/repeat-line-maps.ts';
import { filesAt, withWorktree } from '../diff/worktree.ts';
import { UsageError } from '../errors.ts';
import type { Exec } from '../exec/exec.ts';
import type { Finding } from '../findings/finding.ts';
import type { ScannerRun } from '../findings/scanner-run.ts';
import { toPosix } from '../paths.ts';
import { type PlannedScanner, type RunScannersOptions, runScanners } from '../runner/run-scanners.ts';
import { markNewSuppressions } from './new-suppressions.ts';
import { listFiles, type Workspace } from './workspace.ts';

/** What the change is compared with: a git ref (the CLI's --base, or the CI event's base commit). */
export interface BaseRequest {
  ref: string;
  /** cli: a wrong ref is the user's error; ci: a missing base falls back to judging everything. */
  source: 'cli' | 'ci';
}

/** The comparison with the base, as it went. */
export interface BaselineOutcome {
  /** compared: findings carry new/unchanged; unavailable: the base could not be had, all judged. */
  status: 'compared' | 'unavailable';
  /** Why the comparison was unavailable. */
  reason?: string;
  mode: Config['changes']['mode'];
  /** Which findings could fail a criterion. */
  judged: 'new' | 'all';
  source: 'worktree' | 'bundle';
  changeSet?: ChangeSet;
  bundle?: { location: string; digest: string };
  /** Scanner runs over the base version (worktree source only). */
  scanners: ScannerRun[];
  /** Findings at the base that the change removed. */
  fixed: Finding[];
  /** Scanners whose base could not be scanned: every finding of theirs counts as new. */
  notCompared: { id: string; reason: string }[];
  /** Per scanner: whether it scanned only the changed files or everything. */
  scope: Record<string, 'changed-files' | 'all-files'>;
}

export interface ComparedScan {
  scanners: ScannerRun[];
  baseline?: BaselineOutcome;
}

export interface CompareRequest {
  base?: BaseRequest;
  /** An earlier run's evidence bundle (folder or zip) standing for the base. */
  baselineBundle?: string;
  /** "owner/name" the baseline bundle must come from, when known. */
  expectedRepository?: string;
  workspace: Workspace;
  config: Config;
  planned: readonly PlannedScanner[];
  /** Every candidate file in the scanned tree (absolute). */
  files: readonly string[];
  exec: Exec;
  /** Runner options shared by the head and base runs; `root`, `files`, `scanners`, `outDir` are set here. */
  run: Omit<RunScannersOptions, 'root' | 'target' | 'files' | 'scanners' | 'outDir'>;
  outDir: string;
  /** Runs read from SARIF given with --sarif: compared like the rest, never scanned at the base. */
  imported?: readonly ScannerRun[];
}

/** Workspace-relative path of an absolute file. */
function relative(root: string, file: string): string {
  return toPosix(path.relative(root, file));
}

/** The change set in workspace-relative paths (the workspace root is normally the repository top). */
function toWorkspacePaths(set: ChangeSet, workspaceRoot: string): { set: ChangeSet; prefix: string } {
  const prefix = toPosix(path.relative(set.repoRoot, realpathSync(workspaceRoot)));
  if (prefix === '') return { set, prefix };
  const strip = (p: string) => (p.startsWith(`${prefix}/`) ? p.slice(prefix.length + 1) : undefined);
  const changes = set.changes.flatMap((c) => {
    const p = strip(c.path);
    if (p === undefined) return [];
    const old = c.oldPath !== undefined ? strip(c.oldPath) : undefined;
    return [{ ...c, path: p, ...(old !== undefined ? { oldPath: old } : {}) }];
  });
  return { set: { ...set, changes }, prefix };
}

async function changeSetFor(
  request: CompareRequest,
  base: BaseRequest,
): Promise<ChangeSet | { unavailable: string }> {
  try {
    return await resolveChangeSet({
      exec: request.exec,
      dir: request.workspace.targetDir,
      baseRef: base.ref,
      fetchIfMissing: base.source === 'ci',
      committedOnly: base.source === 'ci',
    });
  } catch (error) {
    if (base.source === 'ci' && error instanceof GitError) return { unavailable: error.message };
    if (error instanceof GitError) throw new UsageError(`--base ${base.ref}: ${error.message}`);
    throw error;
  }
}

/**
 * Scans the change and, when there is a base, compares: scopes file-local scanners to the changed
 * files (diff mode), scans the base version of those files in a temporary worktree (or reads an
 * earlier bundle), and marks every finding new or unchanged, and what disappeared as fixed.
 */
export async function scanAndCompare(request: CompareRequest): Promise<ComparedScan> {
  const { workspace, config, planned } = request;
  const refuseAll = config.policy.inSourceSuppressions === 'refuse';
  // Suppressions a scanner drops are revealed where they are judged: every file when the policy
  // refuses in-source suppressions, else the files the change touched (see reveal.ts).
  const runHead = async (scanners: readonly PlannedScanner[], touched?: ReadonlySet<string>) => [
    ...(await runScanners({
      ...request.run,
      root: workspace.root,
      target: workspace.target,
      files: request.files,
      scanners: scanners.map((p) =>
        withReveal(p, request.files, workspace.root, (rel) => refuseAll || touched?.has(rel) === true),
      ),
      outDir: request.outDir,
    })),
    ...(request.imported ?? []),
  ];
  if (!request.base && !request.baselineBundle) return { scanners: await runHead(planned) };

  const mode = config.changes.mode;
  let changeSet: ChangeSet | undefined;
  let prefix = '';
  if (request.base) {
    const resolved = await changeSetFor(request, request.base);
    if ('unavailable' in resolved) {
      return {
        scanners: await runHead(planned),
        baseline: {
          status: 'unavailable',
          reason: resolved.unavailable,
          mode,
          judged: 'all',
          source: request.baselineBundle ? 'bundle' : 'worktree',
          scanners: [],
          fixed: [],
          notCompared: [],
          scope: Object.fromEntries(planned.map((p) => [p.scanner.id, 'all-files' as const])),
        },
      };
    }
    ({ set: changeSet, prefix } = toWorkspacePaths(resolved, workspace.root));
  }

  const always = config.changes.alwaysScan.length
    ? picomatch(config.changes.alwaysScan, { dot: true })
    : () => false;
  const headChanged = changeSet ? changedHeadPaths(changeSet) : undefined;
  const baseChanged = changeSet ? changedBasePaths(changeSet) : undefined;
  // Only file-local scanners can be narrowed; narrowing is what diff mode is for.
  const narrowed = (p: PlannedScanner) =>
    headChanged !== undefined && mode === 'diff' && p.scanner.scope === 'file';
  // A scanner that reads files as units (KICS) gets every file of each unit the change touched.
  const headRel = new Set(request.files.map((f) => relative(workspace.root, f)));
  const headExists = (rel: string) => headRel.has(rel);
  const touched = [...(headChanged ?? []), ...(baseChanged ?? [])];
  const units = new Map(
    planned.map((p) => [p.scanner.id, narrowed(p) ? unitTest(p, touched, headExists) : undefined]),
  );
  const inUnit = (p: PlannedScanner, rel: string, exists: (rel: string) => boolean) =>
    units.get(p.scanner.id)?.(rel, exists) === true;
  // A scanner that also reads history (Gitleaks) scans the commits the change adds.
  const history = changeSet
    ? { repoRoot: changeSet.repoRoot, from: changeSet.mergeBase, to: changeSet.headSha }
    : undefined;
  const headPlan = planned.map((p): PlannedScanner => {
    const withHistory = history && p.scanner.planHistory ? { ...p, history } : p;
    if (!narrowed(p) || !headChanged) return withHistory;
    return {
      ...withHistory,
      files: request.files.filter((f) => {
        const rel = relative(workspace.root, f);
        return headChanged.has(rel) || always(rel) || inUnit(p, rel, headExists);
      }),
    };
  });
  const scope = Object.fromEntries(
    planned.map((p) => [p.scanner.id, narrowed(p) ? ('changed-files' as const) : ('all-files' as const)]),
  );

  const bundle = request.baselineBundle
    ? await readBaselineBundle(request.baselineBundle, { expectedRepository: request.expectedRepository })
    : undefined;
  let headRuns: ScannerRun[];
  let baseRuns: ScannerRun[] = [];
  if (bundle || !changeSet) {
    headRuns = await runHead(headPlan, headChanged);
  } else {
    [headRuns, baseRuns] = await Promise.all([
      runHead(headPlan, headChanged),
      scanBase(request, changeSet, prefix, { always, narrowed, inUnit }),
    ]);
  }

  const renames = changeSet ? renamesOf(changeSet) : new Map<string, string>();
  const changedLines = changeSet
    ? new ChangedLines(
        new Git(request.exec, changeSet.repoRoot),
        changeSet.mergeBase,
        changeSet.changes,
        prefix,
      )
    : undefined;
  // Where one problem repeats in a file, the diff tells the copy that was there from the one added.
  const lineMaps = await lineMapsForRepeats(
    headRuns,
    [...baseRuns, ...(bundle ? [bundle] : [])],
    renames,
    changedLines,
  );
  const notCompared: BaselineOutcome['notCompared'] = [];
  const fixed: Finding[] = [];
  const scanners = headRuns.map((run): ScannerRun => {
    const plannedScanner = planned.find((p) => p.scanner.id === run.id);
    const fileScoped = plannedScanner?.scanner.scope === 'file';
    const isNarrowed = plannedScanner !== undefined && narrowed(plannedScanner);
    let baseFindings: readonly Finding[];
    if (bundle) {
      const status = bundle.scanners.get(run.id);
      if (status !== 'ok' && status !== 'skipped') {
        notCompared.push({
          id: run.id,
          reason: `the baseline bundle has no completed ${run.displayName} run`,
        });
        return { ...run, findings: run.findings.map((f) => ({ ...f, baselineState: 'new' })) };
      }
      baseFindings = bundle.findings.filter(
        (f) =>
          f.scanner === run.id &&
          // The head scan saw only the changed files: compare with the same files at the base.
          (!isNarrowed ||
            baseChanged === undefined ||
            baseChanged.has(f.path) ||
            always(f.path) ||
            (plannedScanner !== undefined && inUnit(plannedScanner, f.path, headExists))),
      );
    } else {
      const baseRun = baseRuns.find((b) => b.id === run.id);
      if (!baseRun || baseRun.status === 'failed') {
        notCompared.push({
          id: run.id,
          reason: run.imported
            ? 'imported SARIF has no base version to compare with (give --baseline to compare)'
            : baseRun?.error
              ? `base scan failed: ${baseRun.error}`
              : 'the base was not scanned',
        });
        return { ...run, findings: run.findings.map((f) => ({ ...f, baselineState: 'new' })) };
      }
      baseFindings = baseRun.findings;
    }
    const classified = classifyFindings({
      head: run.findings,
      base: baseFindings,
      renames,
      lineMaps,
      // Judging everything: files the change did not touch were scanned too, and their findings predate it.
      ...(!bundle && headChanged && fileScoped && mode === 'full'
        ? { knownUnchanged: (f: Finding) => !headChanged.has(f.path) }
        : {}),
    });
    // A loop, not push(...): a large fixed list would overflow the call stack as arguments.
    for (const f of classified.fixed) fixed.push(f);
    return { ...run, findings: classified.head };
  });

  return {
    scanners: await markNewSuppressions(scanners, changedLines),
    baseline: {
      status: 'compared',
      mode,
      judged: mode === 'diff' ? 'new' : 'all',
      source: bundle ? 'bundle' : 'worktree',
      ...(changeSet ? { changeSet } : {}),
      ...(bundle ? { bundle: { location: bundle.location, digest: bundle.digest } } : {}),
      scanners: baseRuns,
      fixed,
      notCompared,
      scope,
    },
  };
}

/** The scanner with the files whose dropped suppressions must be revealed, when it drops any. */
function withReveal(
  p: PlannedScanner,
  files: readonly string[],
  root: string,
  judged: (rel: string) => boolean,
): PlannedScanner {
  if (!p.scanner.droppedSuppressions) return p;
  const reveal = new Set((p.files ?? files).filter((f) => judged(relative(root, f))));
  return reveal.size > 0 ? { ...p, reveal } : p;
}

/** Whether a path (in a tree where `exists` holds) lies in a unit one of `touched` belongs to. */
function unitTest(
  p: PlannedScanner,
  touched: readonly string[],
  exists: (rel: string) => boolean,
): ((rel: string, existsHere: (rel: string) => boolean) => boolean) | undefined {
  const unitOf = p.scanner.unitOf;
  if (!unitOf) return undefined;
  const units = new Set(touched.flatMap((rel) => unitOf(rel, exists) ?? []));
  if (units.size === 0) return undefined;
  return (rel, existsHere) => {
    const unit = unitOf(rel, existsHere);
    return unit !== undefined && units.has(unit);
  };
}

interface BaseScope {
  always: (rel: string) => boolean;
  narrowed: (p: PlannedScanner) => boolean;
  /** Whether the path lies in a unit the change touched, for scanners that read files as units. */
  inUnit: (p: PlannedScanner, rel: string, exists: (rel: string) => boolean) => boolean;
}

/** Scans the merge-base version of the changed files in a temporary worktree. */
async function scanBase(
  request: CompareRequest,
  set: ChangeSet,
  prefix: string,
  scope: BaseScope,
): Promise<ScannerRun[]> {
  const { workspace, config, planned } = request;
  const git = new Git(request.exec, set.repoRoot);
  const baseChanged = changedBasePaths(set);
  const fileScoped = planned.filter((p) => p.scanner.scope === 'file');
  const needsWholeTree = planned.some((p) => p.scanner.scope === 'tree');
  const inRepo = (rel: string) => (prefix ? `${prefix}/${rel}` : rel);
  // The base's files (workspace-relative), for the units and always-scanned globs to pick from.
  const baseRel = new Set<string>();
  const narrowedAny = planned.some((p) => scope.narrowed(p));
  if (narrowedAny && (config.changes.alwaysScan.length > 0 || planned.some((p) => p.scanner.unitOf))) {
    for (const file of await filesAt(git, set.mergeBase)) {
      const rel = prefix ? (file.startsWith(`${prefix}/`) ? file.slice(prefix.length + 1) : undefined) : file;
      if (rel !== undefined) baseRel.add(rel);
    }
  }
  const baseExists = (rel: string) => baseRel.has(rel);
  let checkout: string[] | 'all' = 'all';
  if (!needsWholeTree) {
    const wanted = new Set([...baseChanged].map(inRepo));
    for (const rel of baseRel) {
      const wantedBy = (p: PlannedScanner) =>
        scope.narrowed(p) && (scope.always(rel) || scope.inUnit(p, rel, baseExists));
      if (planned.some(wantedBy)) wanted.add(inRepo(rel));
    }
    checkout = [...wanted].sort();
  }
  // Nothing at the base to compare with (only added files): every finding is new, no base scan needed.
  if (checkout !== 'all' && checkout.length === 0 && fileScoped.length === planned.length) {
    return planned.map((p) => ({
      id: p.scanner.id,
      displayName: p.scanner.displayName,
      status: 'skipped',
      error: 'no changed file existed at the base',
      durationMs: 0,
      filesScanned: 0,
      findings: [],
    }));
  }
  return withWorktree(git, set.mergeBase, checkout, async (tree) => {
    const root = prefix ? path.join(tree, prefix) : tree;
    const target = path.join(root, path.relative(workspace.root, workspace.target));
    const targetDir = path.join(root, path.relative(workspace.root, workspace.targetDir));
    // The scanned path may not exist at the base: then there is nothing there to compare with.
    const files = existsSync(target) ? await listFiles({ root, target, targetDir }, config) : [];
    const basePlan = planned.map((p): PlannedScanner => {
      if (p.scanner.scope !== 'file') return p;
      const changedOnly = files.filter((f) => {
        const rel = relative(root, f);
        return (
          baseChanged.has(rel) ||
          (scope.narrowed(p) && (scope.always(rel) || scope.inUnit(p, rel, baseExists)))
        );
      });
      return { ...p, files: changedOnly };
    });
    return runScanners({
      ...request.run,
      root,
      target,
      files,
      scanners: basePlan,
      outDir: path.join(request.outDir, '@base'),
      phase: 'base',
    });
  });
}
