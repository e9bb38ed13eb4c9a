import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { locateTool } from '../../src/tools/locate.ts';
import { hasExtension } from '../file-kinds.ts';
import type { DroppedSuppressions, Scanner, UnjudgedFile } from '../types.ts';
import { type KicsOptions, kicsConfig } from './config.ts';
import { kicsInstall, kicsPaths } from './install.ts';
import { kicsQuerySelection, readQueryCatalog } from './query-args.ts';
import { readQueryNeeds } from './query-selection.ts';
import { kicsScanPaths, listFolder, literalExclude } from './scan-paths.ts';
import { kicsUnitOf } from './units.ts';

/** Infrastructure-as-code files KICS understands (Terraform, CloudFormation, Kubernetes, …). */
const IAC = new Set(['.tf', '.tfvars', '.hcl', '.yaml', '.yml', '.json', '.bicep', '.proto', '.dockerfile']);
const NOT_IAC =
  /(^|\/)(package(-lock)?\.json|tsconfig[^/]*\.json|[^/]*-lock\.json|composer\.lock|\.eslintrc\.json)$/i;

function isIac(file: string): boolean {
  const base = path.basename(file);
  if (/^dockerfile/i.test(base) || /^containerfile/i.test(base)) return true;
  return hasExtension(file, IAC) && !NOT_IAC.test(file.split(path.sep).join('/'));
}

/** The part of KICS's JSON report we read. */
interface KicsJsonReport {
  files_scanned?: unknown;
  queries_total?: unknown;
  files_failed_to_scan?: unknown;
  queries_failed_to_execute?: unknown;
  queries?: { query_id?: unknown; severity?: unknown; platform?: string }[];
}

/**
 * Why a KICS run that exited cleanly judged nothing, from its kics.json: it recognized files but
 * loaded no queries (an emptied or missing `assets/queries`), which it reports as a clean scan. Files
 * it does not recognize as infrastructure code (a plain JSON or YAML file) load no queries either, and
 * that run stands. Without the report the number of queries is unknown, so the run fails too.
 */
export async function kicsRunProblem(outDir: string): Promise<string | undefined> {
  const file = path.join(outDir, 'kics.json');
  let report: KicsJsonReport;
  try {
    report = JSON.parse(await readFile(file, 'utf8')) as KicsJsonReport;
  } catch {
    return `KICS wrote no readable ${file}, so the number of queries it ran is unknown`;
  }
  const { files_scanned: files, queries_total: queries } = report;
  if (typeof files !== 'number' || typeof queries !== 'number') {
    return `${file} has no files_scanned or queries_total count, so what KICS checked is unknown`;
  }
  if (files > 0 && queries === 0) {
    return (
      `KICS recognized ${files} file${files === 1 ? '' : 's'} but loaded no queries, so it checked nothing ` +
      '(is its assets/queries folder empty or missing?)'
    );
  }
  const failedQueries = report.queries_failed_to_execute;
  if (typeof failedQueries === 'number' && failedQueries > 0) {
    // Which file a failed query would have flagged is unknown, so no file was fully judged.
    return `${failedQueries} KICS quer${failedQueries === 1 ? 'y' : 'ies'} failed to execute (queries_failed_to_execute in ${file})`;
  }
  return undefined;
}

/** KICS's log line for a file it could not parse: `… ERR failed to parse file content: <path> error="…"`. */
const PARSE_FAILED = /failed to parse file content: (.+?) error="(.*)"\s*$/;

/** KICS's log line for a file over its size limit (`--max-file-size`, 5 MB by default), which it skips. */
const TOO_LARGE = /\bWRN file (.+) exceeds maximum file size of (\d+) ?Mb\s*$/;

/**
 * The files KICS could not parse. It skips them, exits by the others' findings (0 when none) and
 * names them only in its log on standard output; kics.json just counts them (`files_parsed` below
 * `files_scanned`). When it counts files it failed to scan without naming them, none is trusted.
 */
export async function kicsUnjudged(
  outDir: string,
  stdout: string,
  files: readonly string[],
): Promise<UnjudgedFile[]> {
  const given = new Set(files.map((file) => path.resolve(file)));
  const named = stdout.split('\n').flatMap((line) => {
    const match = PARSE_FAILED.exec(line);
    if (match?.[1]) return [{ path: match[1], reason: `KICS could not parse it: ${match[2] ?? ''}`.trim() }];
    // Skipped without a result or a count in kics.json: only this warning says it was never read.
    // KICS warns of every large file in a folder it walks, also one excluded (kept from it for its
    // size by the runner, which already named it): only a file it was given counts.
    const large = TOO_LARGE.exec(line);
    if (large?.[1] && given.has(path.resolve(large[1]))) {
      return [
        {
          path: large[1],
          reason: `too large: over KICS's ${large[2]} MB limit (--max-file-size), so KICS skipped it`,
        },
      ];
    }
    return [];
  });
  let failed: unknown;
  try {
    const report = JSON.parse(await readFile(path.join(outDir, 'kics.json'), 'utf8')) as KicsJsonReport;
    failed = report.files_failed_to_scan;
  } catch {
    failed = undefined; // checkRun already fails a run without a readable kics.json.
  }
  if (typeof failed === 'number' && failed > named.length) {
    const reason = `KICS failed to scan ${failed} file${failed === 1 ? '' : 's'} without naming them (files_failed_to_scan)`;
    return [...named, ...files.map((file) => ({ path: file, reason }))];
  }
  return named;
}

/**
 * KICS's own comments (`# kics-scan ignore`, `ignore-line`, `ignore-block`, `disable=<query ids>`),
 * written after `#`, `//` or `;` as its parsers read them. It drops what they cover before writing
 * SARIF, so they are found here and made inert in a copy when what they hide must be judged.
 */
const KICS_COMMENT = /(?:#|\/\/|;|\/\*)\s*kics-scan\b/i;

const kicsComments: DroppedSuppressions = {
  commentLines: (lines) => lines.flatMap((line, i) => (KICS_COMMENT.test(line) ? [i + 1] : [])),
  // Same length, and no longer the keyword its comment parser looks for.
  neutralize: (line) => line.replace(/kics-scan/gi, 'kics_scan'),
  // Given two Helm charts of one name in one run, KICS reports only one result for both (seen with
  // 2.2.0), so a chart's copy gets a name of its own; results are keyed by file, rule and line, and a
  // longer name moves no line.
  distinguish: (rel, text) =>
    path.posix.basename(rel) === 'Chart.yaml'
      ? text.replace(/^name:([ \t]*)(["']?)([^"'\s#]+)\2/m, 'name:$1$2$3-revealed$2')
      : text,
};

/**
 * KICS's file size limit with these extra arguments: `--max-file-size` MB, 5 by default. Given
 * several files, KICS stops the whole run on one above it ("file size limit exceeded"); given one,
 * it skips it with a warning. Counted in decimal megabytes, the smaller reading: a file between the
 * two is kept from KICS and named as not judged rather than risk the run.
 */
export function kicsMaxFileBytes(extraArgs: readonly string[]): number {
  let mb = 5;
  for (const [i, arg] of extraArgs.entries()) {
    const value = arg.startsWith('--max-file-size=')
      ? arg.slice('--max-file-size='.length)
      : arg === '--max-file-size'
        ? extraArgs[i + 1]
        : undefined;
    const parsed = value === undefined ? Number.NaN : Number(value);
    if (Number.isInteger(parsed) && parsed > 0) mb = parsed;
  }
  return mb * 1_000_000;
}

/** Past this many bytes of exclusions, they go in a KICS configuration file: the command line has a limit. */
const EXCLUDES_BUDGET = 256 * 1024;

/** What KICS is pointed at, and where its exclusions go. */
export interface KicsPathArgs {
  paths: string[];
  /** `--exclude-paths` values, on the command line or (`inConfig`) in the configuration file. */
  excludeValues: string[];
  /** True when the exclusions are too many for a command line: they go in `--config`'s file. */
  inConfig: boolean;
}

/**
 * What KICS is pointed at: folders with what is not ours excluded (scan-paths.ts). Named one by one,
 * KICS would skip its type detection for them (a `.travis.yml` with `services:` read as a Compose
 * file, a plain YAML file given the secret queries), so files are named only when the exclusions fit
 * neither the command line nor a configuration file (the base's `args` name a `--config` of their own).
 */
export function kicsPathArgs(files: readonly string[], extraArgs: readonly string[] = []): KicsPathArgs {
  const { paths, excludes, excludeGlobs } = kicsScanPaths(files, listFolder);
  const excludeValues = [...excludes.map(literalExclude), ...excludeGlobs];
  const bytes = excludeValues.reduce((sum, value) => sum + value.length + 16, 0);
  if (bytes <= EXCLUDES_BUDGET) return { paths, excludeValues, inConfig: false };
  const ownConfig = extraArgs.some((a) => a === '--config' || a.startsWith('--config='));
  return ownConfig
    ? { paths: [...files], excludeValues: [], inConfig: false }
    : { paths, excludeValues, inConfig: true };
}

/**
 * The configuration file KICS reads instead of `/dev/null` when the exclusions are many: only
 * `exclude-paths`, each value CSV-quoted (KICS joins a list from its configuration with commas and
 * splits it again as its flag does).
 */
export function writeKicsExcludesConfig(outDir: string, excludeValues: readonly string[]): string {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'kics-excludes.json');
  writeFileSync(file, `${JSON.stringify({ 'exclude-paths': excludeValues.map(csvField) }, null, 1)}\n`);
  return file;
}

/** KICS splits each --path and --exclude-paths value on commas the CSV way, so a path holding a comma or quote is quoted. */
function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export const kics = {
  id: 'kics',
  displayName: 'KICS',
  // enabled, timeout, args and cloudProviders (whose queries load; query-selection.ts).
  config: kicsConfig,
  // Built from its pinned Go module (scanners/kics/pin.json) into <tools>/kics.
  install: kicsInstall,
  // Its queries judge each manifest or module file as written; a pull request scan gives it the changed ones.
  scope: 'file',
  // It compiles the queries of the platforms it finds first: 20–38 s of wall time on an idle 2-core
  // runner for Terraform's 1,100, a third less CPU with one provider's, 1–3 s for a Dockerfile's
  // (docs/benchmarks.md). Only orders the scanners; its longest start, so KICS starts first.
  startupSeconds: 30,
  droppedSuppressions: kicsComments,
  unitOf: kicsUnitOf,
  maxFileBytes: (options) => kicsMaxFileBytes(options.extraArgs),
  selectFiles: (files) => files.filter(isIac),
  locate: (context) =>
    locateTool(
      {
        id: 'kics',
        binary: 'kics',
        installedAt: (dir) => kicsPaths(dir).binary,
        // The binary and its assets: a changed or removed query is as much a changed KICS as a new binary.
        recordedIn: (dir) => kicsPaths(dir).dir,
        versionArgs: ['version'],
        // KICS reads assets/ (queries, libraries, cwe_csv) relative to its working directory.
        runInOwnDir: true,
      },
      context,
    ),
  plan({ files, outDir, tool, options }) {
    // Folders, so its results equal KICS run on them (scan-paths.ts says why), minus what is not ours.
    const { paths, excludeValues, inConfig } = kicsPathArgs(files, options.extraArgs);
    // Only the cloud providers' queries the files can need: the same results, less to compile.
    const queriesDir = path.join(tool.cwd ?? path.dirname(tool.command), 'assets', 'queries');
    const selection = kicsQuerySelection(options, readQueryNeeds(files), () => readQueryCatalog(queriesDir));
    return {
      file: tool.command,
      args: [
        'scan',
        // One flag per value: a single comma-joined argument would hit the kernel's per-argument
        // size limit (128 KiB) on repositories with many folders or excluded paths.
        ...paths.flatMap((folder) => ['--path', csvField(folder)]),
        ...(inConfig ? [] : excludeValues.flatMap((value) => ['--exclude-paths', csvField(value)])),
        // Which files are scanned is controlgate's walk's to say (its excludes, not .gitignore, which
        // KICS would otherwise read from the first folder): a file it names but the walk kept is scanned, as
        // it was when KICS was given files one by one.
        '--exclude-gitignore',
        '--output-path',
        outDir,
        '--output-name',
        'kics',
        '--report-formats',
        // SARIF for the findings; JSON because only it carries each query's own severity.
        'sarif,json',
        '--ci',
        '--no-progress',
        '--no-color',
        // An explicit, empty configuration: given one --path and no --config, KICS loads a kics.config
        // from that folder, which a pull request can add to exclude paths, queries or
        // severities. The base's `args` come after and may still name a configuration of their own.
        '--config',
        inConfig ? writeKicsExcludesConfig(outDir, excludeValues) : '/dev/null',
        ...selection.args,
        ...options.extraArgs,
      ],
      cwd: tool.cwd,
      sarifPath: path.join(outDir, 'kics.sarif'),
    };
  },
  async ruleProperties(outDir) {
    const properties = new Map<string, Record<string, unknown>>();
    let report: KicsJsonReport;
    try {
      report = JSON.parse(await readFile(path.join(outDir, 'kics.json'), 'utf8')) as KicsJsonReport;
    } catch {
      return properties; // Without it, severity falls back to the SARIF level: still a result.
    }
    for (const query of report.queries ?? []) {
      if (typeof query.query_id === 'string' && typeof query.severity === 'string') {
        properties.set(query.query_id, {
          severity: query.severity,
          ...(query.platform ? { platform: query.platform } : {}),
        });
      }
    }
    return properties;
  },
  // 0 clean, 20–60 by highest severity found, 126 engine error, 130 interrupted.
  interpretExit: (code) =>
    code === 0 ? 'clean' : code >= 20 && code <= 60 && code % 10 === 0 ? 'findings' : 'error',
  // Exit 0 also when it had no queries to run.
  checkRun: ({ outDir }) => kicsRunProblem(outDir),
  unjudgedFiles: ({ outDir, stdout, files }) => kicsUnjudged(outDir, stdout, files),
} satisfies Scanner<KicsOptions>;
