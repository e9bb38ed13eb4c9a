import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pickScanners, scannerRegistry } from '../../scanners/index.ts';
import { databaseProblem } from '../../scanners/osv-scanner/config.ts';
import { NO_SEMGREP_IGNORE } from '../../scanners/semgrep/ignore.ts';
import type { BaseCopy } from '../../scanners/types.ts';
import { loadCatalog, loadMapping } from '../catalog/data-files.ts';
import { type Clock, systemClock } from '../clock.ts';
import { enabledScannerIds, scannerOptions } from '../config/scanner-options.ts';
import type { Config } from '../config/schema.ts';
import { criteriaFor, evaluateGate, type GateResult } from '../controls/evaluate.ts';
import { Mapper } from '../controls/map.ts';
import type { CoverageLedger } from '../coverage/ledger.ts';
import { changedHeadPaths } from '../diff/change-set.ts';
import { ConfigError } from '../errors.ts';
import type { Exec } from '../exec/exec.ts';
import { type Finding, severityRank } from '../findings/finding.ts';
import { groupProblems } from '../findings/problems.ts';
import type { ScannerRun } from '../findings/scanner-run.ts';
import { LARGE_DOCUMENT_ITEMS } from '../json-stream.ts';
import { importSarifFiles } from '../runner/import-sarif.ts';
import type { PlannedScanner, ProgressEvent } from '../runner/run-scanners.ts';
import { type BaselineOutcome, type BaseRequest, scanAndCompare } from './compare.ts';
import { coverageOf } from './coverage.ts';
import { loadPolicy, type PolicyFacts, type PolicyRevision, type PolicyTexts } from './policy.ts';
import { semgrepIgnoreFromBase, semgrepIgnoreFromCheckout } from './semgrep-ignore.ts';
import { listTree, resolveWorkspace } from './workspace.ts';

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
  /** Waivers file; default: the config's `waivers`, else .controlgate-waivers.yml beside the config. */
  waiversFile?: string;
  /** Timestamps, durations and waiver expiry come from it; default: the system clock. */
  clock?: Clock;
  onProgress?: (event: ProgressEvent) => void;
  /** Compare with this base (CLI --base, or the pull/merge request's base in CI). */
  base?: BaseRequest;
  /** Compare with an earlier run's evidence bundle (folder or zip) instead of scanning the base. */
  baselineBundle?: string;
  /** "owner/name" the baseline bundle must come from, when known (src/diff/baseline-bundle.ts). */
  expectedRepository?: string;
  /** SARIF logs produced earlier (CodeQL, ESLint, …), added as inputs like the scanners' own. */
  sarifInputs?: readonly string[];
  /** On a change: the commit whose policy (config, waivers, custom scanners) judges it. */
  policyFrom?: PolicyRevision;
  /** Judge with the change's own policy instead (local experiments only). */
  policyFromHead?: boolean;
  /** What controlgate writes or runs from inside the tree (evidence, reports, tools): never scanned. */
  ownPaths?: readonly { path: string; what: string }[];
  /**
   * Called once the files are listed, before any scanner starts, with the ids of the scanners that
   * have files to read (a lockfile for OSV-Scanner): the gate installs only those.
   */
  prepare?: (ids: readonly string[]) => Promise<void>;
}

/** Past this many findings (fixed included), JSON outputs are written compact and streamed. */
export function isLargeOutcome(outcome: Pick<ScanOutcome, 'findings' | 'baseline'>): boolean {
  return outcome.findings.length + (outcome.baseline?.fixed.length ?? 0) > LARGE_DOCUMENT_ITEMS;
}

/** A data file the decision rested on, identified for the evidence. */
export interface DataFileFacts {
  file: string;
  sha256: string;
  version: string;
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
  gate: GateResult;
  /** Per file in scope: which scanners judged it, and why any that applies did not. */
  coverage: CoverageLedger;
  /** Set when the scan was compared with a base; absent when everything is judged on its own. */
  baseline?: BaselineOutcome & {
    fixedCriteria: Map<Finding, string[]>;
    /** The fixed findings as problems, merged across tools like the head's (each group's first is its main finding). */
    fixedProblems: Finding[][];
  };
  data: { catalog: DataFileFacts; mapping: DataFileFacts; waiversFile?: string };
  /** Where the rules came from, and what the change proposes to change in them. */
  policy: PolicyFacts;
  /** On a change, where local rule files were read from: the base's copy of them. */
  rulesCopy?: BaseCopy;
  /** The policy files' text: the judged ones, and the change's own where they differ (evidence inputs/). */
  policyTexts?: { judged: PolicyTexts; proposed?: PolicyTexts };
}

/**
 * The job's own settings where the policy leaves them open: `CONTROLGATE_OSV_DATABASE` names
 * OSV-Scanner's offline database folder (a cache the CI job fills, wherever the runner keeps it)
 * unless the policy names one. Where the database is, not what it holds, is the job's to say; the
 * folder must still lie outside the workspace, and an error names the variable.
 */
function withJobDefaults(config: Config, env: NodeJS.ProcessEnv, cwd: string, root: string): Config {
  const value = env.CONTROLGATE_OSV_DATABASE;
  const osv = config.scanners['osv-scanner'];
  if (!value || osv.database !== undefined || !osv.enabled) return config;
  const database = path.resolve(cwd, value);
  const problem = databaseProblem(database, root);
  if (problem) {
    throw new ConfigError("CONTROLGATE_OSV_DATABASE (the job's environment)", [
      `${JSON.stringify(value)} ${problem}`,
    ]);
  }
  return { ...config, scanners: { ...config.scanners, 'osv-scanner': { ...osv, database } } };
}

/** Runs one scan: config, files, scanners in parallel, normalized findings. Pure data out. */
export async function scan(request: ScanRequest): Promise<ScanOutcome> {
  const clock = request.clock ?? systemClock;
  const startedAt = clock.now().toISOString();
  const workspace = resolveWorkspace(request.target, request.cwd);
  const now = clock.now();
  const outDir = request.outDir
    ? path.resolve(request.cwd ?? process.cwd(), request.outDir)
    : await mkdtemp(path.join(os.tmpdir(), 'controlgate-'));
  // Everything that can be wrong with the inputs is checked before any scanner starts.
  const loading = loadPolicy({
    scratchDir: path.join(outDir, '@base-files'),
    workspace,
    exec: request.exec,
    cwd: request.cwd ?? process.cwd(),
    now,
    ...(request.configFile ? { configFile: request.configFile } : {}),
    ...(request.waiversFile ? { waiversFile: request.waiversFile } : {}),
    ...(request.policyFrom ? { revision: request.policyFrom } : {}),
    ...(request.policyFromHead ? { fromHead: true } : {}),
  });
  // A scratch folder made for this run goes with it when the inputs are refused.
  const policy = await loading
    .then((loaded) => ({
      ...loaded,
      config: withJobDefaults(loaded.config, request.env, request.cwd ?? process.cwd(), workspace.root),
    }))
    .catch(async (error: unknown) => {
      if (!request.outDir) await rm(outDir, { recursive: true, force: true });
      throw error;
    });
  const { config, configFile, waivers, waiversFile } = policy;
  const registry = scannerRegistry(
    config.scanners.custom.map((c) => ({
      id: c.id,
      ...(c.name ? { displayName: c.name } : {}),
      // A path is relative to the run's folder, as base-scripts.ts resolved it when pinning it to
      // the base, not to whatever folder the process happens to be in (the Action's working-directory).
      command:
        c.command.includes('/') && !c.command.includes('{')
          ? path.resolve(request.cwd ?? process.cwd(), c.command)
          : c.command,
      args: c.args,
      sarif: c.sarif,
      cleanExitCodes: c.cleanExitCodes,
      findingsExitCodes: c.findingsExitCodes,
      ...(c.include ? { include: c.include } : {}),
      ...(c.versionArgs ? { versionArgs: c.versionArgs } : {}),
      scope: c.scope,
      environment: c.env,
    })),
    configFile,
  );
  const ids = request.scannerIds ?? enabledScannerIds(config);
  const planned: PlannedScanner[] = pickScanners(registry, ids).map((scanner) => {
    const refused = policy.refused?.[scanner.id];
    return {
      scanner,
      options: scannerOptions(config, scanner.id, workspace.root),
      ...(refused !== undefined ? { refused } : {}),
    };
  });
  const catalog = loadCatalog();
  const mapping = loadMapping();
  const listing = await listTree(workspace, {
    ...config,
    ...(configFile ? { configFile } : {}),
    ...(request.ownPaths ? { ownPaths: request.ownPaths } : {}),
  });
  // What Semgrep run on the folder leaves out: the base's .semgrepignore files on a change. A file
  // named as the target is judged whatever they say, as Semgrep judges a file named on its command line.
  const semgrepIgnore =
    workspace.target !== workspace.targetDir
      ? { ignore: NO_SEMGREP_IGNORE, changes: [] }
      : policy.facts.source === 'base' && policy.facts.commit
        ? await semgrepIgnoreFromBase(request.exec, workspace, policy.facts.commit, listing.files)
        : {
            ignore: await semgrepIgnoreFromCheckout(request.exec, workspace.root, listing.files),
            changes: [],
          };
  for (const p of planned) {
    if (p.scanner.id === 'semgrep')
      p.options = { ...p.options, ignore: semgrepIgnore.ignore } as typeof p.options;
  }
  const policyFacts: PolicyFacts =
    semgrepIgnore.changes.length > 0
      ? {
          ...policy.facts,
          proposed: {
            invalid: policy.facts.proposed?.invalid ?? null,
            changes: [...(policy.facts.proposed?.changes ?? []), ...semgrepIgnore.changes],
          },
        }
      : policy.facts;
  if (request.prepare) {
    const withFiles = planned.filter(
      (p) => p.scanner.selectFiles(listing.files, workspace.root, p.options).length > 0,
    );
    await request.prepare(withFiles.map((p) => p.scanner.id));
  }
  const imported = await importSarifFiles(
    (request.sarifInputs ?? []).map((f) => path.resolve(request.cwd ?? process.cwd(), f)),
    {
      root: workspace.root,
      clock,
      takenIds: planned.map((p) => p.scanner.id),
      outDir: path.join(outDir, '@imported'),
    },
  );
  const compared = await scanAndCompare({
    imported,
    ...(request.base ? { base: request.base } : {}),
    ...(request.baselineBundle
      ? { baselineBundle: path.resolve(request.cwd ?? process.cwd(), request.baselineBundle) }
      : {}),
    ...(request.expectedRepository ? { expectedRepository: request.expectedRepository } : {}),
    workspace,
    config,
    planned,
    files: listing.files,
    exec: request.exec,
    outDir,
    run: {
      exec: request.exec,
      toolsDir: request.toolsDir,
      env: request.env,
      // All at once: on 2 cores that measured fastest (docs/benchmarks.md, orchestration), since
      // Semgrep and KICS each spread over every core while Bandit uses one; a bound is a setting.
      concurrency: request.concurrency ?? config.concurrency ?? Math.max(planned.length, 1),
      clock,
      onProgress: request.onProgress,
    },
  });
  const { baseline } = compared;
  // On a change judged by what it introduces, the ledger's scope is the change's files.
  const changeSet =
    baseline?.status === 'compared' && baseline.judged === 'new' ? baseline.changeSet : undefined;
  const coverage = coverageOf({
    workspace,
    listing,
    planned,
    runs: compared.scanners,
    ...(changeSet ? { changed: changedHeadPaths(changeSet) } : {}),
  });
  const scanners = coverage.runs;
  const findings = scanners.flatMap((s) => s.findings);
  const mapper = new Mapper(mapping.data);
  const gate = evaluateGate({
    findings,
    scanners,
    catalog: catalog.data,
    mapper,
    config,
    waivers,
    now,
    judge: baseline?.judged ?? 'all',
  });
  const facts = (d: typeof catalog | typeof mapping): DataFileFacts => ({
    file: d.file,
    sha256: d.sha256,
    version: d.version,
  });
  return {
    root: workspace.root,
    target: workspace.target,
    ...(configFile ? { configFile } : {}),
    config,
    outDir,
    outDirIsTemporary: !request.outDir,
    startedAt,
    finishedAt: clock.now().toISOString(),
    scanners,
    findings,
    gate,
    coverage: coverage.ledger,
    ...(baseline
      ? {
          baseline: {
            ...baseline,
            fixedCriteria: new Map(baseline.fixed.map((f) => [f, criteriaFor(f, mapper, config)])),
            fixedProblems: (config.merge.enabled
              ? groupProblems(baseline.fixed, (a, b) => mapper.sameProblem(a, b))
              : baseline.fixed.map((f) => [f])
            ).map((group) => [...group].sort((a, b) => severityRank(b.severity) - severityRank(a.severity))),
          },
        }
      : {}),
    data: {
      catalog: facts(catalog),
      mapping: facts(mapping),
      ...(policy.facts.waivers ? { waiversFile } : {}),
    },
    policy: policyFacts,
    ...(policy.rulesCopy ? { rulesCopy: policy.rulesCopy } : {}),
    policyTexts: {
      judged: policy.texts,
      ...(policy.proposedTexts ? { proposed: policy.proposedTexts } : {}),
    },
  };
}

/**
 * Exit status contract, in this precedence: 2 when a scanner failure leaves a blocking criterion
 * not evaluated, 1 when controls block, 0 when the change passes.
 */
export function scanExitCode(outcome: ScanOutcome): 0 | 1 | 2 {
  return outcome.gate.exitCode;
}
