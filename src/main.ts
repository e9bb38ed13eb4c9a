import { existsSync } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { BUILTIN_SCANNERS } from '../scanners/index.ts';
import { type CliCommand, type OutputFormat, parseCommandLine, type ScanArgs } from './cli/program.ts';
import { clockFromEnv } from './clock.ts';
import { loadConfig } from './config/load.ts';
import { STARTER_CONFIG } from './config/starter.ts';
import { loadCatalog, loadMapping } from './controls/data-files.ts';
import { ConfigError, errorMessage, SarifError, UsageError } from './errors.ts';
import { writeEvidence } from './evidence/bundle.ts';
import { collectRunFacts } from './evidence/collect-facts.ts';
import { renderSummary, summarizeBundles } from './evidence/summarize.ts';
import { verifyBundle } from './evidence/verify.ts';
import { realExec } from './exec.ts';
import { describeOutcome, installScanners } from './install/index.ts';
import { compactJsonChunks, prettyJsonChunks } from './json-stream.ts';
import { releaseMemory } from './memory.ts';
import { toolsDir } from './paths.ts';
import { isLargeOutcome, type ScanOutcome, scan, scanExitCode } from './pipeline/scan.ts';
import { resolveWorkspace } from './pipeline/workspace.ts';
import { chooseBase } from './platforms/change-base.ts';
import { inGitlabCi, publishToGitlab } from './platforms/gitlab/run.ts';
import { explainCriterion, explainFinding } from './report/explain.ts';
import { jsonReport } from './report/json-report.ts';
import { renderMappingMarkdown, renderMappingText } from './report/mapping-view.ts';
import { renderText, scannerLine, scannerStartLine } from './report/terminal.ts';
import { mergedSarif, mergedSarifChunks } from './sarif/merge.ts';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The chosen format, in chunks: JSON is pretty for people, compact and streamed for large results. */
function render(outcome: ScanOutcome, format: OutputFormat): Iterable<string> {
  if (format === 'text') return [renderText(outcome)];
  const large = isLargeOutcome(outcome);
  if (format === 'json')
    return large ? compactJsonChunks(jsonReport(outcome)) : prettyJsonChunks(jsonReport(outcome));
  const options = { waivers: outcome.gate.waivers.applied, fixed: outcome.baseline?.fixed ?? [] };
  return large
    ? mergedSarifChunks(outcome.scanners, outcome.root, options)
    : prettyJsonChunks(mergedSarif(outcome.scanners, outcome.root, options));
}

async function writeTo(file: string, chunks: Iterable<string>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, 'w');
  try {
    for (const chunk of chunks) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

async function runScan(args: ScanArgs, io: Io): Promise<number> {
  const base = chooseBase(args.base, io.env);
  const none = args.scanners?.length === 1 && args.scanners[0] === 'none';
  if (none && !args.sarif?.length)
    throw new UsageError('--scanners none leaves nothing to scan; add --sarif FILE… with the logs to gate');
  const outcome = await scan({
    target: args.path,
    ...(args.scanners ? { scannerIds: none ? [] : args.scanners } : {}),
    ...(args.sarif ? { sarifInputs: args.sarif } : {}),
    ...(args.config ? { configFile: args.config } : {}),
    ...(args.waivers ? { waiversFile: args.waivers } : {}),
    ...(args.concurrency ? { concurrency: args.concurrency } : {}),
    ...(args.outDir ? { outDir: path.join(path.resolve(io.cwd, args.outDir), 'raw') } : {}),
    ...(base ? { base } : {}),
    ...(args.baseline ? { baselineBundle: args.baseline } : {}),
    exec: realExec,
    toolsDir: toolsDir(io.env),
    env: io.env,
    cwd: io.cwd,
    clock: clockFromEnv(io.env),
    onProgress: args.progress
      ? (event) => {
          const side = event.phase === 'base' ? ' (base)' : '';
          if (event.type === 'start') io.err(`${scannerStartLine(event.displayName, event.files)}${side}\n`);
          else io.err(`${scannerLine(event.run).trimStart()}${side}\n`);
        }
      : undefined,
  });
  // Large results: the scan's own garbage goes before the reports allocate theirs (src/memory.ts).
  const large = isLargeOutcome(outcome);
  if (large) releaseMemory();
  const written: string[] = [];
  if (args.outDir) {
    const dir = path.resolve(io.cwd, args.outDir);
    await writeTo(path.join(dir, 'controlgate.json'), render(outcome, 'json'));
    await writeTo(path.join(dir, 'controlgate.sarif'), render(outcome, 'sarif'));
    written.push(
      path.join(dir, 'controlgate.json'),
      path.join(dir, 'controlgate.sarif'),
      path.join(dir, 'raw'),
    );
  }
  if (args.output) {
    const file = path.resolve(io.cwd, args.output);
    await writeTo(file, render(outcome, args.format));
    written.unshift(file);
    io.out(renderText(outcome));
  } else {
    for (const chunk of render(outcome, args.format)) io.out(chunk);
  }
  const evidenceDir =
    args.evidence === false
      ? undefined
      : (args.evidence ?? (inCi(io.env) ? 'controlgate-evidence' : undefined));
  if (evidenceDir || args.evidenceZip) {
    if (large) releaseMemory();
    const facts = await collectRunFacts(outcome, realExec, io.env);
    const dir = evidenceDir ? path.resolve(io.cwd, evidenceDir) : undefined;
    const zip = args.evidenceZip ? path.resolve(io.cwd, args.evidenceZip) : undefined;
    const { manifest } = await writeEvidence(outcome, facts, {
      ...(dir ? { dir } : {}),
      ...(zip ? { zip } : {}),
    });
    written.push(...[dir, zip].flatMap((w) => w ?? []));
    io.err(`evidence: ${manifest.files.length + 1} files, bundle digest sha256:${manifest.digest}\n`);
  }
  if (inGitlabCi(io.env)) {
    await publishToGitlab(jsonReport(outcome), io.env, {
      commentKey: args.commentKey,
      comment: args.comment,
      reportsDir: path.resolve(io.cwd, args.reportsDir ?? '.'),
      log: (line) => io.err(`${line}\n`),
    });
  }
  if (written.length > 0) io.err(`wrote ${written.map((w) => path.relative(io.cwd, w) || w).join(', ')}\n`);
  if (outcome.outDirIsTemporary) await rm(outcome.outDir, { recursive: true, force: true });
  return scanExitCode(outcome);
}

async function init(dir: string, force: boolean, io: Io): Promise<number> {
  const file = path.resolve(io.cwd, dir, '.controlgate.yml');
  if (existsSync(file) && !force)
    throw new UsageError(`${file} already exists; pass --force to overwrite it`);
  await writeTo(file, [STARTER_CONFIG]);
  io.out(`wrote ${path.relative(io.cwd, file) || file}\n`);
  return 0;
}

function controls(markdown: boolean, io: Io): number {
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

async function explain(command: Extract<CliCommand, { kind: 'explain' }>, io: Io): Promise<number> {
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

/** Evidence is written by default where an auditor will look for it: CI artifacts. */
function inCi(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === 'true' || env.GITLAB_CI === 'true';
}

async function verify(location: string, io: Io): Promise<number> {
  if (!existsSync(location)) throw new UsageError(`no evidence bundle at ${location}`);
  const result = await verifyBundle(path.resolve(io.cwd, location));
  if (result.ok) {
    io.out(
      `${location}: intact — ${result.files} files match the manifest, bundle digest sha256:${result.digest}\n`,
    );
    return 0;
  }
  io.out(`${location}: NOT intact\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  return 1;
}

async function listScanners(io: Io): Promise<number> {
  for (const scanner of BUILTIN_SCANNERS.values()) {
    try {
      const tool = await scanner.locate({ exec: realExec, toolsDir: toolsDir(io.env), env: io.env });
      io.out(`${scanner.id}\t${tool.version}\t${tool.command}\n`);
    } catch (error) {
      io.out(`${scanner.id}\tmissing\t${errorMessage(error)}\n`);
    }
  }
  return 0;
}

/**
 * The CLI pipeline with real dependencies. The only place that decides the exit code: users'
 * mistakes (bad arguments, config, SARIF) get a one-line message and exit 2, bugs a stack trace.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const command = parseCommandLine(argv, { out: io.out, err: io.err });
  try {
    switch (command.kind) {
      case 'done':
        return command.exitCode;
      case 'scan':
        return await runScan(command.args, io);
      case 'scanners-list':
        return await listScanners(io);
      case 'init':
        return await init(command.dir, command.force, io);
      case 'controls':
        return controls(command.markdown, io);
      case 'explain':
        return await explain(command, io);
      case 'evidence-verify':
        return await verify(command.location, io);
      case 'evidence-summarize':
        io.out(renderSummary(await summarizeBundles(command.locations.map((l) => path.resolve(io.cwd, l)))));
        return 0;
      case 'scanners-install': {
        const outcomes = await installScanners(
          realExec,
          toolsDir(io.env),
          (line) => io.out(`${line}\n`),
          command.scanners,
        );
        for (const outcome of outcomes) io.out(`${describeOutcome(outcome)}\n`);
        return outcomes.some((o) => o.action === 'failed') ? 2 : 0;
      }
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof SarifError) {
      io.err(`controlgate: ${error.message}\n`);
      return 2;
    }
    if (error instanceof Error && /^unknown scanner /.test(error.message)) {
      io.err(`controlgate: ${error.message}\n`);
      return 2;
    }
    io.err(
      `controlgate: internal error: ${error instanceof Error ? (error.stack ?? error.message) : errorMessage(error)}\n`,
    );
    return 2;
  }
}
