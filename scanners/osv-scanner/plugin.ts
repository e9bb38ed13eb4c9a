import { writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { goBinaryPaths } from '../../src/install/go-binary.ts';
import { locateTool } from '../../src/tools/locate.ts';
import type { Scanner } from '../types.ts';
import { type OsvScannerOptions, osvScannerConfig } from './config.ts';
import { cacheDirectory, describeDatabase, LOCAL_DB_VARIABLE } from './database.ts';
import { osvScannerInstall } from './install.ts';
import { lockfileArg, selectLockfiles } from './lockfiles.ts';
import { type OsvReport, osvReportToSarif } from './to-sarif.ts';

const REPORT = 'osv-scanner.json';
const SARIF = 'osv-scanner.sarif';

/** OSV-Scanner's log line when an ecosystem's offline database could not be read. */
const DB_NOT_LOADED = /could not load db for (\S+) ecosystem: (.*)$/m;

/**
 * Why a run that exited as clean or with findings still did not judge everything: an ecosystem
 * whose advisories were not loaded (OSV-Scanner 2.5.0 exits 127 then, but a package it skipped
 * must never read as a package without advisories), or a report it did not write.
 */
export async function osvRunProblem(outDir: string, stderrTail: string): Promise<string | undefined> {
  const notLoaded = DB_NOT_LOADED.exec(stderrTail);
  if (notLoaded) {
    return `OSV-Scanner could not load the advisories of the ${notLoaded[1]} ecosystem (${notLoaded[2]?.trim()}), so its packages were not checked`;
  }
  try {
    JSON.parse(await readFile(path.join(outDir, REPORT), 'utf8'));
  } catch (error) {
    return `OSV-Scanner wrote no readable ${path.join(outDir, REPORT)}: ${String(error)}`;
  }
  return undefined;
}

export const osvScanner = {
  id: 'osv-scanner',
  displayName: 'OSV-Scanner',
  // enabled, timeout, args and database (the offline advisory folder; config.ts).
  config: osvScannerConfig,
  // Built from its pinned Go module (scanners/osv-scanner/pin.json) into <tools>/osv-scanner.
  install: osvScannerInstall,
  // A lockfile's findings depend on the whole file and on the advisory data, not on what a change
  // touched: every lockfile is scanned on both sides, and findings are paired by package and advisory.
  scope: 'tree',
  startupSeconds: 1,
  selectFiles: (files) => selectLockfiles(files),
  locate: (context) =>
    locateTool(
      {
        id: 'osv-scanner',
        binary: 'osv-scanner',
        installedAt: (dir) => goBinaryPaths(dir, 'osv-scanner').binary,
        recordedIn: (dir) => goBinaryPaths(dir, 'osv-scanner').dir,
        // Prints "osv-scanner version: 2.5.0" (and osv-scalibr's version after it).
        versionArgs: ['--version'],
      },
      context,
    ),
  plan({ root, files, outDir, tool, options }) {
    // An explicit, empty configuration: without --config, OSV-Scanner reads an osv-scanner.toml
    // beside each lockfile, which a change can add to ignore advisories or whole packages; it then
    // leaves them out of its report, so they could not even be shown as suppressed. Accepting a
    // vulnerability is the gate's waivers' job, read from the base. The base's `args` come after
    // and may still name a configuration of their own.
    const configFile = path.join(outDir, 'osv-scanner.toml');
    writeFileSync(configFile, '');
    const env: Record<string, string> = {};
    if (options.database !== undefined) {
      env[LOCAL_DB_VARIABLE] = cacheDirectory(options.database, outDir);
    }
    return {
      file: tool.command,
      args: [
        'scan',
        'source',
        '--format',
        'json',
        '--output-file',
        path.join(outDir, REPORT),
        '--config',
        configFile,
        // Offline: the configured database, and nothing leaves the machine.
        ...(options.database !== undefined ? ['--offline'] : []),
        // The lockfiles as written: resolving manifests' transitive dependencies asks deps.dev and
        // the registries, so the base and the head could be judged against different answers.
        '--no-resolve',
        // Reachability analysis needs a Go toolchain and the module's build, and hides the advisories
        // it calls unreached; whether a finding shows must not depend on the runner's setup.
        '--no-call-analysis',
        'all',
        '--all-vulns',
        // A lockfile with no pinned packages (a requirements.txt of comments) is clean, not a failure.
        '--allow-no-lockfiles',
        // Which files are scanned is the gate's walk's to say, not .gitignore's.
        '--no-ignore',
        ...options.extraArgs,
        // Each file named with its parser, never a folder walked: it reads exactly what the gate lists.
        ...[...files].sort().flatMap((file) => ['-L', lockfileArg(file)]),
      ],
      cwd: root,
      env,
      sarifPath: path.join(outDir, SARIF),
    };
  },
  async writeSarif(outDir, cwd) {
    const file = path.join(outDir, REPORT);
    let report: OsvReport;
    try {
      report = JSON.parse(await readFile(file, 'utf8')) as OsvReport;
    } catch (error) {
      throw new Error(`OSV-Scanner wrote no readable report at ${file}: ${String(error)}`);
    }
    const log = await osvReportToSarif(report, cwd);
    await writeFile(path.join(outDir, SARIF), `${JSON.stringify(log, null, 1)}\n`);
  },
  databaseOf: (options) => describeDatabase(options.database),
  // 0 clean, 1 vulnerabilities found; 127 an error it logged (a lockfile it could not parse, a
  // database it could not load), 128 no packages (not with --allow-no-lockfiles), 129 the API
  // failed, 130 an invalid configuration file.
  interpretExit: (code) => (code === 0 ? 'clean' : code === 1 ? 'findings' : 'error'),
  // A named lockfile it cannot parse, or cannot find a parser for, fails the whole run (exit 127),
  // so no file it was given is skipped silently and there is no unjudgedFiles.
  checkRun: ({ outDir, stderrTail }) => osvRunProblem(outDir, stderrTail),
} satisfies Scanner<OsvScannerOptions>;
