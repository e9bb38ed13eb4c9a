import { statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import type {
  ChangeHistory,
  PlannedCommand,
  Scanner,
  ScannerOptions,
  UnjudgedFile,
} from '../../scanners/types.ts';
import type { Clock } from '../clock.ts';
import { errorMessage, SarifError } from '../errors.ts';
import { type Exec, STDOUT_LIMIT_BYTES } from '../exec/exec.ts';
import { byLocation } from '../findings/order.ts';
import { redactKnownSecrets } from '../findings/redact.ts';
import type { ScannerRun } from '../findings/scanner-run.ts';
import { keepRawSarif } from '../sarif/keep-raw.ts';
import type { SarifLogInput } from '../sarif/model.ts';
import { normalizeRun } from '../sarif/normalize.ts';
import { DEFAULT_MAX_SARIF_BYTES, parseSarifText, readSarifFile } from '../sarif/read.ts';
import { SourceReader } from '../sarif/source-reader.ts';
import { stripControlChars } from '../text.ts';
import type { LocatedTool } from '../tools/locate.ts';
import { planReveal } from './reveal.ts';
import { collectUnjudged } from './unjudged.ts';

export interface PlannedScanner {
  scanner: Scanner;
  options: ScannerOptions;
  /** Candidate files for this scanner alone (a pull request's changed files); default: all of `files`. */
  files?: readonly string[];
  /**
   * Files (absolute) whose suppression comments must be judged, for a scanner that drops what they
   * hide (Scanner.droppedSuppressions): what they hide is revealed and kept as suppressed.
   */
  reveal?: ReadonlySet<string>;
  /** Why the policy forbids this run (its rules are not in the base commit): it fails, never started. */
  refused?: string;
  /** On a change: its commits, for a scanner that also scans them (Scanner.planHistory). */
  history?: ChangeHistory;
}

export type ProgressEvent =
  | { type: 'start'; id: string; displayName: string; files: number; phase: ScanPhase }
  | { type: 'end'; run: ScannerRun; phase: ScanPhase };

/** `head`: the code under review; `base`: the version it is compared with. */
export type ScanPhase = 'head' | 'base';

export interface RunScannersOptions {
  root: string;
  target: string;
  /** Absolute paths of every candidate file under the target, after excludes. */
  files: readonly string[];
  scanners: readonly PlannedScanner[];
  /** Each scanner gets `<outDir>/<id>/` for its output. */
  outDir: string;
  exec: Exec;
  toolsDir: string;
  env: NodeJS.ProcessEnv;
  concurrency: number;
  clock: Clock;
  onProgress?: (event: ProgressEvent) => void;
  /** Which side of a comparison this run scans; default head. */
  phase?: ScanPhase;
}

function clip(text: string, max = 4_000): string {
  const trimmed = redactKnownSecrets(stripControlChars(text).trim());
  return trimmed.length > max ? `…${trimmed.slice(-max)}` : trimmed;
}

async function runOne(planned: PlannedScanner, o: RunScannersOptions): Promise<ScannerRun> {
  const { scanner } = planned;
  const started = o.clock.monotonicMs();
  const base = { id: scanner.id, displayName: scanner.displayName, findings: [], filesScanned: 0 };
  const elapsed = () => Math.round(o.clock.monotonicMs() - started);
  const selected = scanner.selectFiles(planned.files ?? o.files, o.root, planned.options);
  const { files, tooLarge } = withinSizeLimit(
    selected,
    scanner.maxFileBytes?.(planned.options),
    scanner.displayName,
  );
  if (files.length === 0 && tooLarge.length > 0) {
    const { unjudged, judgedNothing } = collectUnjudged(tooLarge, selected, o.root, undefined);
    return {
      ...base,
      status: 'failed',
      error: judgedNothing,
      unjudged,
      filesScanned: 0,
      durationMs: elapsed(),
    };
  }
  // A change's commits can hold what its files no longer do (a secret added, then deleted): a scanner
  // that reads history runs without files too.
  if (files.length === 0 && !(planned.history && scanner.planHistory)) {
    return {
      ...base,
      status: 'skipped',
      error: planned.files
        ? `no changed files for ${scanner.displayName}`
        : `no files for ${scanner.displayName} under the scanned path`,
      durationMs: elapsed(),
    };
  }
  o.onProgress?.({
    type: 'start',
    id: scanner.id,
    displayName: scanner.displayName,
    files: files.length,
    phase: o.phase ?? 'head',
  });

  if (planned.refused !== undefined) {
    return {
      ...base,
      filesScanned: files.length,
      status: 'failed',
      error: planned.refused,
      durationMs: elapsed(),
    };
  }
  let tool: LocatedTool;
  try {
    tool = await scanner.locate({ exec: o.exec, toolsDir: o.toolsDir, env: o.env });
  } catch (error) {
    return {
      ...base,
      filesScanned: files.length,
      status: 'failed',
      error: `not available: ${errorMessage(error)}`,
      durationMs: elapsed(),
    };
  }
  const outDir = path.join(o.outDir, scanner.id);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  // Copies live outside the output folder, which may become evidence, and go when the run ends.
  const revealDir =
    scanner.droppedSuppressions && planned.reveal?.size
      ? await mkdtemp(path.join(os.tmpdir(), 'controlgate-reveal-'))
      : undefined;
  try {
    return await scanWith({ planned, o, files, tooLarge, tool, outDir, revealDir, base, elapsed });
  } finally {
    if (revealDir) await rm(revealDir, { recursive: true, force: true });
  }
}

interface ScanWith {
  planned: PlannedScanner;
  o: RunScannersOptions;
  files: string[];
  /** Files kept from the tool for their size: unjudged. */
  tooLarge: UnjudgedFile[];
  tool: LocatedTool;
  outDir: string;
  revealDir: string | undefined;
  base: Pick<ScannerRun, 'id' | 'displayName' | 'findings' | 'filesScanned'>;
  elapsed: () => number;
}

async function scanWith({
  planned,
  o,
  files,
  tooLarge,
  tool,
  outDir,
  revealDir,
  base,
  elapsed,
}: ScanWith): Promise<ScannerRun> {
  const { scanner, options } = planned;
  const reveal =
    revealDir && scanner.droppedSuppressions
      ? await planReveal(
          scanner.droppedSuppressions,
          files.filter((f) => planned.reveal?.has(f)),
          files,
          o.root,
          revealDir,
          scanner.unitOf,
        )
      : undefined;
  const plan = scanner.plan({
    root: o.root,
    target: o.target,
    files: reveal ? [...files, ...reveal.extraFiles] : files,
    outDir,
    tool,
    options,
    ...(planned.history ? { history: planned.history } : {}),
  });
  const result = await startPlanned(plan, planned, o);
  const facts = {
    ...base,
    filesScanned: files.length,
    version: tool.version,
    exitCode: result.exitCode,
    ...(result.signal ? { signal: result.signal } : {}),
    command: { file: plan.file, args: plan.args, ...(plan.cwd ? { cwd: plan.cwd } : {}) },
    ...(plan.sarifPath ? { sarifPath: plan.sarifPath } : {}),
    ...(result.stderrTail.trim() ? { stderrTail: clip(result.stderrTail) } : {}),
  };
  const failed = (error: string): ScannerRun => ({
    ...facts,
    status: 'failed',
    // Causes can quote the scanner's own output (a JSON parser shows where it choked).
    error: stripControlChars(error),
    durationMs: elapsed(),
  });

  if (result.startError) return failed(`could not start ${plan.file}: ${result.startError}`);
  if (result.timedOut)
    return failed(`timed out after ${options.timeoutSeconds} s; it and its child processes were killed`);
  if (result.exitCode === null) return failed(`killed by ${result.signal ?? 'a signal'}`);
  const meaning = scanner.interpretExit(result.exitCode);

  let findings: ScannerRun['findings'] = [];
  let log: SarifLogInput | undefined;
  let readError: string | undefined;
  let rawSarifPath: string | undefined;
  try {
    if (!plan.sarifPath && result.stdoutTruncated) {
      throw new SarifError(`${scanner.id} standard output`, [
        `over the ${STDOUT_LIMIT_BYTES}-byte limit for SARIF on standard output`,
      ]);
    }
    if (scanner.writeSarif && meaning !== 'error') await scanner.writeSarif(outDir, plan.cwd ?? o.root);
    log = plan.sarifPath
      ? await readSarifFile(plan.sarifPath, DEFAULT_MAX_SARIF_BYTES, 'scanner')
      : parseSarifText(result.stdout, `${scanner.id} standard output`);
    if (meaning !== 'error' && planned.history && scanner.planHistory) {
      await scanHistory(planned, o, { files, outDir, tool, log, cwd: plan.cwd ?? o.root });
    }
    // A plugin's addition from the tool's side files; its failure never costs the findings read.
    await scanner.amendLog?.(log, outDir, plan.cwd ?? o.root).catch(() => undefined);
    reveal?.reconcile(log, plan.cwd ?? o.root);
    const sources = new SourceReader(o.root);
    const extraRuleProperties = await scanner.ruleProperties?.(outDir);
    findings = log.runs.flatMap((run) =>
      normalizeRun(run, {
        scannerId: scanner.id,
        scannerVersion: tool.version,
        root: o.root,
        baseDir: plan.cwd ?? o.root,
        sources,
        inSourceSuppression: scanner.inSourceSuppression,
        extraRuleProperties,
      }),
    );
    // The tool's own file may hold secret values (Bandit quotes them): it is replaced by a redacted copy.
    const kept = await keepRawSarif(log, findings, {
      ...(plan.sarifPath ? { source: plan.sarifPath } : {}),
      dest: plan.sarifPath ?? path.join(outDir, `${scanner.id}.sarif`),
    });
    log = kept.skeleton;
    rawSarifPath = kept.rawSarifPath;
    // The raw file keeps the tool's order; everything made from the findings uses file order.
    findings.sort(byLocation);
  } catch (error) {
    readError = errorMessage(error);
  }
  if (meaning === 'error') {
    // The tool's own error line if it has one (KICS prints its usage after it), else the last line.
    const lines = result.stderrTail.trim().split('\n');
    const tail = lines.findLast((l) => /^\s*(?:Error|ERROR|error)\b|\bERR\b/.test(l)) ?? lines.at(-1) ?? '';
    return {
      ...failed(`exited with ${result.exitCode}${tail ? `: ${clip(tail, 300)}` : ''}`),
      findings,
      ...(log ? { log } : {}),
      ...(rawSarifPath ? { rawSarifPath } : {}),
    };
  }
  if (readError !== undefined) return failed(readError);
  const rejected = await scanner.checkRun?.({
    outDir,
    exitCode: result.exitCode,
    stderrTail: result.stderrTail,
  });
  if (rejected !== undefined) {
    return {
      ...failed(rejected),
      findings,
      ...(log ? { log } : {}),
      ...(rawSarifPath ? { rawSarifPath } : {}),
    };
  }
  const reported =
    log && scanner.unjudgedFiles
      ? await scanner.unjudgedFiles({
          outDir,
          exitCode: result.exitCode,
          stderrTail: result.stderrTail,
          files,
          cwd: plan.cwd ?? o.root,
          log,
          stdout: plan.sarifPath ? result.stdout : '',
        })
      : [];
  const { unjudged, judgedNothing } = collectUnjudged([...tooLarge, ...reported], files, o.root, revealDir);
  const kept = {
    findings,
    ...(unjudged.length > 0 ? { unjudged } : {}),
    ...(log ? { log } : {}),
    ...(rawSarifPath ? { rawSarifPath } : {}),
  };
  if (judgedNothing !== undefined) return { ...failed(judgedNothing), ...kept };
  return { ...facts, status: 'ok', ...kept, durationMs: elapsed() };
}

/** Runs one planned command of a scanner, with its environment and its timeout. */
function startPlanned(plan: PlannedCommand, planned: PlannedScanner, o: RunScannersOptions) {
  return o.exec({
    file: plan.file,
    args: plan.args,
    cwd: plan.cwd,
    env: plan.env,
    // Allow-listed, not deny-listed: a scanner sees only what it declares of the job's environment.
    inherit: { allow: planned.scanner.environment ?? [] },
    timeoutMs: planned.options.timeoutSeconds * 1000,
  });
}

/**
 * Runs the scanner's second command over the change's commits and lets the plugin add what it found
 * to the tree scan's log. Any failure of it throws, so the whole run fails: a change whose history
 * was not read has not been judged.
 */
async function scanHistory(
  planned: PlannedScanner,
  o: RunScannersOptions,
  run: { files: string[]; outDir: string; tool: LocatedTool; log: SarifLogInput; cwd: string },
): Promise<void> {
  const { scanner, options } = planned;
  const history = planned.history;
  if (!history || !scanner.planHistory) return;
  const plan = scanner.planHistory({
    root: o.root,
    target: o.target,
    files: run.files,
    outDir: run.outDir,
    tool: run.tool,
    options,
    history,
  });
  const result = await startPlanned(plan, planned, o);
  const what = `the scan of the change's commits (${history.from.slice(0, 12)}..${history.to.slice(0, 12)})`;
  if (result.startError) throw new Error(`${what} could not start ${plan.file}: ${result.startError}`);
  if (result.timedOut) throw new Error(`${what} timed out after ${options.timeoutSeconds} s`);
  if (result.exitCode === null || scanner.interpretExit(result.exitCode) === 'error') {
    const tail = result.stderrTail.trim().split('\n').at(-1) ?? '';
    throw new Error(
      `${what} exited with ${result.exitCode ?? result.signal}${tail ? `: ${clip(tail, 300)}` : ''}`,
    );
  }
  // A plugin that writes its SARIF from the tool's report does so for this command's report too.
  await scanner.writeSarif?.(run.outDir, plan.cwd ?? o.root);
  const historyLog = plan.sarifPath
    ? await readSarifFile(plan.sarifPath, DEFAULT_MAX_SARIF_BYTES, 'scanner')
    : parseSarifText(result.stdout, `${scanner.id} history scan standard output`);
  await scanner.historyResults?.(historyLog, run.log, {
    history,
    root: o.root,
    cwd: run.cwd,
    outDir: run.outDir,
    exec: o.exec,
  });
}

/** The files within the scanner's size limit, and the others as unjudged with why. */
function withinSizeLimit(
  files: readonly string[],
  limit: number | undefined,
  name: string,
): { files: string[]; tooLarge: UnjudgedFile[] } {
  if (limit === undefined) return { files: [...files], tooLarge: [] };
  const kept: string[] = [];
  const tooLarge: UnjudgedFile[] = [];
  for (const file of files) {
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      // Unreadable here: the tool will say so itself.
    }
    if (size > limit) {
      tooLarge.push({
        path: file,
        reason: `too large: ${(size / 1_000_000).toFixed(1)} MB, over ${name}'s limit of ${limit / 1_000_000} MB, so it was not given to ${name}`,
      });
    } else kept.push(file);
  }
  return { files: kept, tooLarge };
}

/**
 * Runs the scanners in parallel (bounded by `concurrency`). Every scanner yields a ScannerRun: a
 * missing or changed binary, a crash, a timeout, unreadable SARIF or a run its plugin's `checkRun`
 * rejects is a `failed` run with its cause, and never disturbs the others.
 */
export async function runScanners(o: RunScannersOptions): Promise<ScannerRun[]> {
  const limit = pLimit(Math.max(1, o.concurrency));
  const runs: ScannerRun[] = [];
  // When not all fit at once, the ones with the largest fixed cost start first, so that cost overlaps
  // the others' work instead of trailing it. Results keep the configured order.
  const startOrder = o.scanners
    .map((planned, position) => ({ planned, position }))
    .sort((a, b) => (b.planned.scanner.startupSeconds ?? 0) - (a.planned.scanner.startupSeconds ?? 0));
  await Promise.all(
    startOrder.map(({ planned, position }) =>
      limit(async () => {
        let run: ScannerRun;
        try {
          run = await runOne(planned, o);
        } catch (error) {
          // A bug in a plugin must not take the other scanners' results down with it.
          run = {
            id: planned.scanner.id,
            displayName: planned.scanner.displayName,
            status: 'failed',
            error: `internal error: ${errorMessage(error)}`,
            durationMs: 0,
            filesScanned: 0,
            findings: [],
          };
        }
        o.onProgress?.({ type: 'end', run, phase: o.phase ?? 'head' });
        runs[position] = run;
      }),
    ),
  );
  return runs;
}
