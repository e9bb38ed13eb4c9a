import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { BUILTIN_SCANNERS } from '../../scanners/index.ts';
import { installScanners } from '../../scanners/install.ts';
import { ATTESTATION_FILE } from '../bundle/manifest.ts';
import { readBundle, verifyFiles } from '../bundle/verify.ts';
import { loadCatalog, loadMapping } from '../catalog/data-files.ts';
import { loadConfig } from '../config/load.ts';
import { STARTER_CONFIG } from '../config/starter.ts';
import { errorMessage, ToolChangedError, UsageError } from '../errors.ts';
import {
  bundleConsistency,
  ReevaluateError,
  reevaluateBundle,
  renderReevaluation,
} from '../evidence/reevaluate.ts';
import { type EvidenceStatement, MERGE_RECORD_FILE } from '../evidence/sign/statement.ts';
import { loadTrustedRoot } from '../evidence/sign/trusted-root.ts';
import { verifyAttestation } from '../evidence/sign/verify-attestation.ts';
import { renderSummary, summarizeBundles } from '../evidence/summarize.ts';
import { realExec } from '../exec/exec.ts';
import { writeChunks } from '../gate/write-outputs.ts';
import { describeOutcome } from '../install/log.ts';
import { toolsDir } from '../paths.ts';
import { scan } from '../pipeline/scan.ts';
import { resolveWorkspace } from '../pipeline/workspace.ts';
import { explainCriterion, explainFinding } from '../report/explain.ts';
import { renderMappingMarkdown, renderMappingText } from '../report/mapping-view.ts';
import type { Io } from './io.ts';
import type { CliCommand, SignatureCheck } from './program.ts';

/** `controlgate init`: a commented starter configuration. */
export async function init(dir: string, force: boolean, io: Io): Promise<number> {
  const file = path.resolve(io.cwd, dir, '.controlgate.yml');
  if (existsSync(file) && !force)
    throw new UsageError(`${file} already exists; pass --force to overwrite it`);
  await writeChunks(file, [STARTER_CONFIG]);
  io.out(`wrote ${path.relative(io.cwd, file) || file}\n`);
  return 0;
}

/** `controlgate controls`: the criteria with the mapping rows and scanners that feed each. */
export function controls(markdown: boolean, io: Io): number {
  const catalog = loadCatalog();
  const mapping = loadMapping();
  io.out(
    markdown
      ? renderMappingMarkdown(catalog.data, mapping.data, {
          catalog: catalog.sha256,
          mapping: mapping.sha256,
        })
      : renderMappingText(catalog.data, mapping.data),
  );
  return 0;
}

/** `controlgate explain`: why a criterion, a rule or a finding is what it is. */
export async function explain(command: Extract<CliCommand, { kind: 'explain' }>, io: Io): Promise<number> {
  const catalog = loadCatalog().data;
  const mapping = loadMapping().data;
  if (/^(CC|A|C|PI|P)\d+\.\d+$/.test(command.subject)) {
    const workspace = resolveWorkspace(command.path, io.cwd);
    const { config } = await loadConfig({
      explicit: command.config,
      target: workspace.targetDir,
      root: workspace.root,
    });
    const text = explainCriterion(command.subject, catalog, mapping, config);
    if (!text)
      throw new UsageError(
        `unknown criterion "${command.subject}"; run \`controlgate controls\` for the list`,
      );
    io.out(text);
    return 0;
  }
  const outcome = await scan({
    target: command.path,
    ...(command.scanners ? { scannerIds: command.scanners } : {}),
    ...(command.config ? { configFile: command.config } : {}),
    exec: realExec,
    toolsDir: toolsDir(io.env),
    env: io.env,
    cwd: io.cwd,
  });
  if (outcome.outDirIsTemporary) await rm(outcome.outDir, { recursive: true, force: true });
  const [scanner, ...rest] = command.subject.split(':');
  const ruleId = rest.join(':');
  const matches = outcome.gate.findings.filter((g) =>
    ruleId
      ? g.finding.scanner === scanner && g.finding.ruleId === ruleId
      : g.finding.fingerprint === command.subject,
  );
  if (matches.length === 0) {
    io.err(
      `controlgate: no finding in this scan matches "${command.subject}" (expected scanner:ruleId or a fingerprint)\n`,
    );
    return 2;
  }
  io.out(matches.map((g) => explainFinding(g, outcome.config, outcome.gate, catalog)).join('\n'));
  return 0;
}

/** Exit code of `evidence verify` for a bundle intact but unsigned when a signature was required. */
export const EXIT_UNSIGNED = 3;

/** What run.json says about signing, for the "not signed" line: why the run did not sign, or that it tried. */
function signingNote(files: ReadonlyMap<string, Uint8Array>): string {
  try {
    const facts = JSON.parse(new TextDecoder().decode(files.get('run.json'))) as {
      signing?: { attempted?: boolean; via?: string | null; reason?: string | null };
    };
    if (facts.signing?.attempted)
      return ` (the run tried to sign with ${facts.signing.via ?? 'an OIDC token'}: signing failed, see its log, or ${ATTESTATION_FILE} was removed)`;
    if (facts.signing?.reason) return ` (the run says: ${facts.signing.reason})`;
  } catch {
    // run.json is covered by the manifest; a bundle without it was already reported.
  }
  return '';
}

/** What a verified attestation vouches for, in words: a gate bundle's decision, or a merge record's change. */
function covered(statement: EvidenceStatement, files: ReadonlyMap<string, Uint8Array>): string {
  if (!files.has(MERGE_RECORD_FILE)) return `its decision "${statement.predicate.decision}"`;
  const said = statement.predicate as unknown as { repository?: string; changeNumber?: number };
  return `the merge record of ${said.repository ?? '?'}#${said.changeNumber ?? '?'}`;
}

/**
 * `controlgate evidence verify`: every hash of a bundle, no file missing or extra, the files agreeing
 * with each other, and with `signature`, the attestation: signed by that identity, over this manifest.
 */
export async function verify(location: string, io: Io, signature?: SignatureCheck): Promise<number> {
  if (!existsSync(path.resolve(io.cwd, location))) throw new UsageError(`no evidence bundle at ${location}`);
  const files = await readBundle(path.resolve(io.cwd, location));
  const result = verifyFiles(files);
  if (!result.ok) {
    io.out(`${location}: NOT intact\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  }
  const disagree = await bundleConsistency(path.resolve(io.cwd, location));
  // With a signature asked for, it is checked even when the files disagree: both stories are told.
  const attestation = signature
    ? verifyAttestation(files, signature.policy, await loadTrustedRoot(signature.root))
    : undefined;
  const lines = (problems: readonly string[]) => problems.map((p) => `  - ${p}\n`).join('');
  if (disagree.length > 0 || attestation?.status === 'invalid') {
    if (disagree.length > 0)
      // Every hash matches, yet the files tell two stories: edited, and the manifest written again.
      io.out(
        `${location}: NOT consistent — the files match the manifest but disagree with each other\n${lines(disagree)}`,
      );
    if (attestation?.status === 'invalid')
      io.out(
        `${location}: signature NOT valid (the files match the manifest)\n${lines(attestation.problems)}`,
      );
    return 1;
  }
  const intact = `${location}: intact — ${result.files} files match the manifest, bundle digest sha256:${result.digest}`;
  if (!attestation) {
    io.out(
      files.has(ATTESTATION_FILE)
        ? `${intact}\n  signature: ${ATTESTATION_FILE} present, not checked (pass --identity and --issuer to check who signed)\n`
        : `${intact}\n  not signed${signingNote(files)}\n`,
    );
    return 0;
  }
  if (attestation.status === 'unsigned') {
    io.out(`${intact}\n  NOT signed: no ${ATTESTATION_FILE}${signingNote(files)}\n`);
    return EXIT_UNSIGNED;
  }
  const where = [attestation.repository, attestation.ref].filter(Boolean).join(' ');
  io.out(
    `${intact}\n  signed by ${attestation.identity} (issuer ${attestation.issuer})${where ? `, source ${where}` : ''}; the attestation covers this manifest and ${covered(attestation.statement, files)}\n`,
  );
  return 0;
}

/** `controlgate evidence reevaluate`: the decision recomputed from the bundle alone, and every difference. */
export async function reevaluate(location: string, io: Io): Promise<number> {
  if (!existsSync(path.resolve(io.cwd, location))) throw new UsageError(`no evidence bundle at ${location}`);
  try {
    const result = await reevaluateBundle(path.resolve(io.cwd, location));
    io.out(renderReevaluation({ ...result, location }));
    return result.differences.length === 0 ? 0 : 1;
  } catch (error) {
    if (!(error instanceof ReevaluateError)) throw error;
    io.err(`controlgate: ${location}: cannot re-derive the decision: ${error.message}\n`);
    return 2;
  }
}

/** `controlgate evidence summarize`: per criterion, how many changes passed, were blocked or waived. */
export async function summarize(locations: readonly string[], io: Io): Promise<number> {
  io.out(renderSummary(await summarizeBundles(locations.map((l) => path.resolve(io.cwd, l)))));
  return 0;
}

/**
 * `controlgate scanners list`: each built-in scanner, its version and where it was found; `changed`
 * for one in the tools folder that is no longer what was installed (a scan would not run it).
 */
export async function listScanners(io: Io): Promise<number> {
  for (const scanner of BUILTIN_SCANNERS.values()) {
    try {
      const tool = await scanner.locate({ exec: realExec, toolsDir: toolsDir(io.env), env: io.env });
      io.out(`${scanner.id}\t${tool.version}\t${tool.command}\n`);
    } catch (error) {
      const state = error instanceof ToolChangedError ? 'changed' : 'missing';
      io.out(`${scanner.id}\t${state}\t${errorMessage(error)}\n`);
    }
  }
  return 0;
}

/** `controlgate scanners install [ids]`: the pinned scanners (all, or those named), hash-checked, into the tools folder. */
export async function install(ids: readonly string[] | undefined, io: Io): Promise<number> {
  const outcomes = await installScanners(realExec, toolsDir(io.env), (line) => io.out(`${line}\n`), ids);
  for (const outcome of outcomes) io.out(`${describeOutcome(outcome)}\n`);
  return outcomes.some((o) => o.action === 'failed') ? 2 : 0;
}
