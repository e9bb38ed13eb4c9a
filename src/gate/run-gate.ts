import { rm } from 'node:fs/promises';
import path from 'node:path';
import { isBuiltinId } from '../../scanners/index.ts';
import { installScanners } from '../../scanners/install.ts';
import type { ChangeContext } from '../change-context.ts';
import type { Clock } from '../clock.ts';
import { writeEvidence } from '../evidence/bundle.ts';
import { collectRunFacts } from '../evidence/collect-facts.ts';
import { type EvidenceSigner, unsignedSigner } from '../evidence/sign/signer.ts';
import type { Exec } from '../exec/exec.ts';
import { describeOutcome } from '../install/log.ts';
import { releaseMemory } from '../memory.ts';
import type { BaseRequest } from '../pipeline/compare.ts';
import type { PolicyRevision } from '../pipeline/policy.ts';
import { isLargeOutcome, type ScanOutcome, scan } from '../pipeline/scan.ts';
import { ciBaseSha } from '../platforms/detect.ts';
import { withGitFacts } from '../platforms/git-facts.ts';
import { noOidcTokenReason } from '../platforms/oidc.ts';
import { inGroup, type Log, type Platform } from '../platforms/types.ts';
import { jsonReport } from '../report/json-report.ts';
import { scannerLine, scannerStartLine } from '../report/terminal.ts';
import type { ToolsCache } from '../tools/tools-cache.ts';
import { resolveFailMode } from './fail-mode.ts';
import { decide, type Produced, publish } from './publish.ts';
import { readEvidenceResults } from './report-from.ts';
import type { BaseSetting, GateSettings } from './settings.ts';
import { logSigning } from './signing.ts';
import { writeOutputs, writeScannerSarif } from './write-outputs.ts';

/** Every effect a run has, passed in: tests replace any of them. */
export interface GateDeps {
  exec: Exec;
  /** The environment scanners run with (credentials are dropped by exec) and find their tools by. */
  env: NodeJS.ProcessEnv;
  toolsDir: string;
  /** A CI cache for the installed scanners (the Action's); none: install without one. */
  toolsCache?: ToolsCache;
  clock: Clock;
  /** What the run is about, as `platforms/detect.ts` read it. */
  context: ChangeContext;
  /** The platform that publishes for a context (the second half learns its PR number late). */
  platformFor(context: ChangeContext): Platform;
  log: Log;
  /** Signs the evidence bundle (`evidenceSigner` in ./signing.ts); none: the bundle is unsigned. */
  signer?: EvidenceSigner;
  /** Standard output: the report the user asked to see. */
  out(text: string): void;
}

/**
 * The commit whose policy judges the run: the ref the user named, or in CI the change's base, even
 * when comparing is off (`base: none` changes what is judged, not who judges it). None on pushes,
 * schedules and local runs without --base: their checkout is the reviewed side.
 */
export function policyRevision(setting: BaseSetting, context: ChangeContext): PolicyRevision | undefined {
  if (setting.kind === 'ref') return { ref: setting.ref, source: 'cli' };
  const sha = ciBaseSha(context);
  return sha ? { ref: sha, source: 'ci' } : undefined;
}

/** The base to compare with: the setting's ref, or in CI the change's own base. */
export function chooseBase(setting: BaseSetting, context: ChangeContext): BaseRequest | undefined {
  if (setting.kind === 'none') return undefined;
  if (setting.kind === 'ref') return { ref: setting.ref, source: 'cli' };
  const sha = ciBaseSha(context);
  return sha ? { ref: sha, source: 'ci' } : undefined;
}

async function scanChange(settings: GateSettings, deps: GateDeps): Promise<ScanOutcome> {
  const { log } = deps;
  // Only the scanners this run uses and that have files to read (custom ones have nothing to install).
  const install = async (ids: readonly string[]) => {
    // It runs inside the scan (once the files are listed), whose log group it closes and reopens:
    // a CI log has no nested groups.
    log.endGroup?.();
    await inGroup(log, 'controlgate: install the scanners', async () => {
      const outcomes = await installScanners(
        deps.exec,
        deps.toolsDir,
        (line) => log.info(line),
        ids.filter(isBuiltinId),
        deps.toolsCache ? { cache: deps.toolsCache } : {},
      );
      for (const o of outcomes) log.info(describeOutcome(o));
    });
    log.startGroup?.('controlgate: scan');
  };
  const base = chooseBase(settings.base, deps.context);
  const policyFrom = policyRevision(settings.base, deps.context);
  // The scanners' progress folds away; the decision, warnings and errors stay in the open.
  log.startGroup?.('controlgate: scan');
  if (base?.source === 'ci') log.info(`comparing with the base commit ${base.ref.slice(0, 12)}`);
  return scan({
    target: settings.target,
    ...(settings.scannerIds ? { scannerIds: settings.scannerIds } : {}),
    ...(settings.sarifInputs.length > 0 ? { sarifInputs: settings.sarifInputs } : {}),
    ...(settings.configFile ? { configFile: settings.configFile } : {}),
    ...(settings.waiversFile ? { waiversFile: settings.waiversFile } : {}),
    ...(settings.concurrency ? { concurrency: settings.concurrency } : {}),
    ...(settings.outDir ? { outDir: path.join(settings.outDir, 'raw') } : {}),
    ...(base ? { base } : {}),
    ...(policyFrom ? { policyFrom } : {}),
    ...(settings.policyFromHead ? { policyFromHead: true } : {}),
    ...(settings.baseline ? { baselineBundle: settings.baseline } : {}),
    // The repository CI names; a local run's is only read from git later, so local runs are not checked.
    ...(settings.baseline && deps.context.repository ? { expectedRepository: deps.context.repository } : {}),
    ownPaths: ownPaths(settings, deps.toolsDir),
    ...(settings.installScanners ? { prepare: install } : {}),
    exec: deps.exec,
    toolsDir: deps.toolsDir,
    env: deps.env,
    cwd: settings.cwd,
    clock: deps.clock,
    onProgress: settings.progress
      ? (event) => {
          const side = event.phase === 'base' ? ' (base)' : '';
          if (event.type === 'start') log.info(`${scannerStartLine(event.displayName, event.files)}${side}`);
          else log.info(`${scannerLine(event.run).trim()}${side}`);
        }
      : undefined,
  }).finally(() => log.endGroup?.());
}

/**
 * What this run writes, and the tools folder it runs scanners from: inside the scanned tree (the
 * GitLab template keeps its tools in the project folder, a local run writes its evidence there) they
 * are not the project's files, and a second run must not judge the first one's output.
 */
function ownPaths(settings: GateSettings, toolsDir: string): { path: string; what: string }[] {
  const at = (p: string | undefined) => (p === undefined ? undefined : path.resolve(settings.cwd, p));
  const paths: { path: string | undefined; what: string }[] = [
    { path: at(settings.evidence.dir), what: 'evidence bundle' },
    { path: at(settings.evidence.zip), what: 'evidence zip' },
    { path: at(settings.outDir), what: 'output folder (--out-dir)' },
    { path: at(settings.outputFile), what: 'report file (--output)' },
    { path: at(settings.scannerSarifDir), what: 'SARIF for code scanning' },
    {
      path: path.join(path.resolve(settings.cwd, settings.reportsDir), 'gl-sast-report.json'),
      what: 'GitLab SAST report',
    },
    {
      path: path.join(path.resolve(settings.cwd, settings.reportsDir), 'gl-code-quality-report.json'),
      what: 'GitLab Code Quality report',
    },
    { path: toolsDir, what: 'tools folder (the scanners it installed)' },
  ];
  return paths.flatMap((p) => (p.path === undefined ? [] : [{ path: p.path, what: p.what }]));
}

/**
 * One gate run, whoever started it: install → scan (and the base) → evaluate → outputs and
 * evidence → publish through the platform → the exit code, returned (the entry point sets it).
 */
export async function runGate(settings: GateSettings, deps: GateDeps): Promise<number> {
  const { log } = deps;
  if (settings.reportFrom) {
    const { produced, context } = await readEvidenceResults(
      settings.reportFrom,
      deps.context,
      deps.platformFor,
      log,
    );
    await publish(produced, deps.platformFor(context), settings, log);
    return decide(produced.report, settings, log, produced.unverified);
  }

  const outcome = await scanChange(settings, deps);
  // The report printed on stdout (the Action's log) and the evidence lines, folded.
  log.startGroup?.('controlgate: report and evidence');
  // Large results: the scan's own garbage goes before the reports allocate theirs (src/memory.ts).
  const large = isLargeOutcome(outcome);
  if (large) releaseMemory();
  const written = await writeOutputs(outcome, settings, deps.out);

  const failMode = resolveFailMode(settings.failMode, deps.context, settings.base);
  const { dir, zip } = settings.evidence;
  let evidenceDigest: Produced['evidence'];
  // The evidence names the commit and repository even where CI did not say them: git does.
  const context = dir || zip ? await withGitFacts(deps.context, deps.exec, outcome.root) : deps.context;
  if (dir || zip) {
    if (large) releaseMemory();
    const signer = deps.signer ?? unsignedSigner(noOidcTokenReason(context.platform));
    const facts = {
      ...collectRunFacts(outcome, context, {
        setting: settings.failMode,
        applied: failMode.mode,
        because: failMode.because ?? null,
      }),
      signing: signer.intent,
    };
    const evidence = await writeEvidence(
      outcome,
      facts,
      { ...(dir ? { dir } : {}), ...(zip ? { zip } : {}) },
      signer,
    );
    written.push(...[dir, zip].flatMap((w) => w ?? []));
    log.info(
      `evidence: ${evidence.manifest.files.length + 1} files, bundle digest sha256:${evidence.manifest.digest}`,
    );
    logSigning(evidence.signing, log);
    evidenceDigest = { digest: evidence.manifest.digest, signed: evidence.signing.signed };
    if (dir && settings.evidence.upload) {
      const artifact = await deps
        .platformFor(context)
        .uploadEvidence?.(settings.evidence.name, dir, evidence.paths, settings.evidence.retentionDays);
      // Where the bundle is kept, as the platform names it: the summary and the outputs say it.
      if (artifact) evidenceDigest = { ...evidenceDigest, artifact };
    }
  }
  log.endGroup?.();
  const produced: Produced = {
    report: jsonReport(outcome),
    ...(dir ? { evidencePath: dir } : {}),
    ...(evidenceDigest ? { evidence: evidenceDigest } : {}),
    sarifPaths: settings.scannerSarifDir ? await writeScannerSarif(outcome, settings.scannerSarifDir) : {},
  };
  await inGroup(log, 'controlgate: publish', () =>
    publish(produced, deps.platformFor(context), settings, log),
  );
  if (settings.print && written.length > 0)
    log.info(`wrote ${written.map((w) => path.relative(settings.cwd, w) || w).join(', ')}`);
  if (outcome.outDirIsTemporary) await rm(outcome.outDir, { recursive: true, force: true });
  return decide(produced.report, settings, log, undefined, failMode);
}
