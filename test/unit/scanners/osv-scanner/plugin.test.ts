import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, describe, expect, it } from 'vitest';
import { osvRunProblem, osvScanner } from '../../../../scanners/osv-scanner/plugin.ts';
import { parseVersion } from '../../../../src/tools/versions.ts';
import { REPO_ROOT } from '../../../support/cli.ts';
import { execResult } from '../../../support/exec-result.ts';
import { writeOsvDatabase } from '../../../support/osv-database.ts';

const scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-osv-plugin-')));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const tool = { command: '/tools/osv-scanner/osv-scanner', version: '2.5.0', source: 'tools-dir' as const };

function planWith(database: string | undefined, files: string[], extraArgs: string[] = []) {
  const outDir = mkdtempSync(path.join(scratch, 'out-'));
  const plan = osvScanner.plan({
    root: '/repo',
    target: '/repo',
    files,
    outDir,
    tool,
    options: { timeoutSeconds: 900, extraArgs, ...(database ? { database } : {}) },
  });
  return { plan, outDir };
}

describe('osvScanner.plan', () => {
  it('names each lockfile with its parser, online, with an empty configuration of its own', () => {
    const { plan, outDir } = planWith(undefined, [
      '/repo/web/package-lock.json',
      '/repo/api/requirements-dev.txt',
    ]);
    expect(plan.file).toBe(tool.command);
    expect(plan.cwd).toBe('/repo');
    expect(plan.args).toEqual([
      'scan',
      'source',
      '--format',
      'json',
      '--output-file',
      path.join(outDir, 'osv-scanner.json'),
      '--config',
      path.join(outDir, 'osv-scanner.toml'),
      '--no-resolve',
      '--no-call-analysis',
      'all',
      '--all-vulns',
      '--allow-no-lockfiles',
      '--no-ignore',
      '-L',
      'requirements.txt:/repo/api/requirements-dev.txt',
      '-L',
      'package-lock.json:/repo/web/package-lock.json',
    ]);
    // Empty: an osv-scanner.toml a change adds beside a lockfile is not read.
    expect(readFileSync(path.join(outDir, 'osv-scanner.toml'), 'utf8')).toBe('');
    expect(plan.env).toEqual({});
    expect(plan.sarifPath).toBe(path.join(outDir, 'osv-scanner.sarif'));
  });

  it('runs offline against the configured database, the base args after its own', () => {
    const db = writeOsvDatabase(path.join(scratch, 'db'));
    const { plan, outDir } = planWith(db, ['/repo/go.mod'], ['--verbosity', 'warn']);
    expect(plan.args).toContain('--offline');
    expect(plan.args.slice(-4)).toEqual(['--verbosity', 'warn', '-L', 'go.mod:/repo/go.mod']);
    expect(plan.env).toEqual({ OSV_SCALIBR_LOCAL_DB_CACHE_DIRECTORY: path.join(outDir, 'osv-db') });
    expect(existsSync(path.join(outDir, 'osv-db', 'osv-scalibr', 'Go', 'all.zip'))).toBe(true);
  });
});

describe('osvScanner.writeSarif', () => {
  it('writes the SARIF from the report in the output folder', async () => {
    const outDir = mkdtempSync(path.join(scratch, 'write-'));
    const report = readFileSync(
      path.join(REPO_ROOT, 'test', 'fixtures', 'osv-scanner', 'report.json'),
      'utf8',
    );
    writeFileSync(path.join(outDir, 'osv-scanner.json'), report.replaceAll('<root>', REPO_ROOT));
    await osvScanner.writeSarif(outDir, REPO_ROOT);
    const log = JSON.parse(readFileSync(path.join(outDir, 'osv-scanner.sarif'), 'utf8')) as Sarif.Log;
    expect(log.runs[0]?.results).toHaveLength(7);
  });

  it('fails the run when the report is missing', async () => {
    const outDir = mkdtempSync(path.join(scratch, 'missing-'));
    await expect(osvScanner.writeSarif(outDir, REPO_ROOT)).rejects.toThrow(
      /OSV-Scanner wrote no readable report/,
    );
  });
});

describe('osvScanner exit codes and run checks', () => {
  it.each([
    [0, 'clean'],
    [1, 'findings'],
    [127, 'error'],
    [128, 'error'],
    [129, 'error'],
    [130, 'error'],
  ])('exit %i is %s', (code, meaning) => {
    expect(osvScanner.interpretExit(code)).toBe(meaning);
  });

  it('reads its version line', () => {
    expect(parseVersion('osv-scanner version: 2.5.0\nosv-scalibr version: 0.4.5\ncommit: n/a\n')).toBe(
      '2.5.0',
    );
  });

  it('is found through CONTROLGATE_OSV_SCANNER_BIN (the id with _ for -, a name shells can set)', async () => {
    const binary = path.join(scratch, 'my-osv-scanner');
    writeFileSync(binary, '#!/bin/sh\n');
    chmodSync(binary, 0o755);
    const located = await osvScanner.locate({
      // OSV-Scanner 2.5.0's own answer to --version.
      exec: async () =>
        execResult({
          stdout: 'osv-scanner version: 2.5.0\nosv-scalibr version: 0.4.5\ncommit: n/a\nbuilt at: n/a\n',
        }),
      toolsDir: path.join(scratch, 'no-tools'),
      env: { CONTROLGATE_OSV_SCANNER_BIN: binary },
    });
    expect(located).toMatchObject({ command: binary, version: '2.5.0', source: 'configured' });
  });

  it('fails a run that could not load an ecosystem, naming it', async () => {
    const outDir = mkdtempSync(path.join(scratch, 'check-'));
    writeFileSync(path.join(outDir, 'osv-scanner.json'), '{"results":[]}');
    // OSV-Scanner 2.5.0's own log line for a missing offline database.
    const stderr =
      'Scanned /r/requirements.txt file and found 2 packages\n' +
      'could not load db for PyPI ecosystem: unable to fetch OSV database: no offline version of the OSV database is available\n';
    expect(await osvRunProblem(outDir, stderr)).toContain('the PyPI ecosystem');
    expect(
      await osvRunProblem(outDir, 'Loaded npm local db from /db/osv-scalibr/npm/all.zip\n'),
    ).toBeUndefined();
  });

  it('fails a run that left no report: what it found is unknown', async () => {
    const empty = mkdtempSync(path.join(scratch, 'no-report-'));
    expect(await osvRunProblem(empty, '')).toMatch(/wrote no readable .*osv-scanner\.json/);
  });
});
