import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { writeDemoOsvDatabase } from '../scripts/osv-database.ts';
import { CLI, REPO_ROOT, runCli } from './support/cli.ts';

export interface ExampleScan {
  outDir: string;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    exampleScan: ExampleScan;
  }
}

/**
 * The real scanners on the example app are slow (KICS alone takes ~20 s), so the suite scans it
 * once here and every integration test reads the result.
 */
export default async function setup(project: TestProject): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  // CONTROLGATE_TEST_OUT lets two suites run side by side on one checkout without sharing a folder.
  const outDir = path.join(REPO_ROOT, 'out', process.env.CONTROLGATE_TEST_OUT ?? 'test', 'example-scan');
  await rm(outDir, { recursive: true, force: true });
  // No test reaches osv.dev: every run of OSV-Scanner the suite starts (the test processes inherit
  // this environment) matches offline, by default against the demo's records (examples/osv-database),
  // in a folder outside the repository.
  const database = path.join(
    os.tmpdir(),
    `controlgate-test-osv-database-${process.env.CONTROLGATE_TEST_OUT ?? 'test'}`,
  );
  await rm(database, { recursive: true, force: true });
  process.env.CONTROLGATE_OSV_DATABASE = writeDemoOsvDatabase(database);
  const run = runCli([
    'scan',
    'examples/vulnerable-app',
    '--out-dir',
    outDir,
    '--evidence',
    path.join(outDir, 'evidence'),
    '--evidence-zip',
    path.join(outDir, 'evidence.zip'),
    '--no-progress',
  ]);
  project.provide('exampleScan', { outDir, ...run });
}
