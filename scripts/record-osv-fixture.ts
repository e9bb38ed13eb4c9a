/**
 * Records OSV-Scanner's real JSON report for the unit tests: runs it exactly as its plugin does, offline,
 * on test/fixtures/osv-scanner/project against the test database (test/support/osv-database.ts),
 * and keeps the report with the checkout path replaced by `<root>` (tests put their own back).
 *   npm run fixtures:record-osv
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { osvScanner } from '../scanners/osv-scanner/plugin.ts';
import { configSchema } from '../src/config/schema.ts';
import { realExec } from '../src/exec/exec.ts';
import { packageRoot, toolsDir } from '../src/paths.ts';
import { listFiles, resolveWorkspace } from '../src/pipeline/workspace.ts';
import { writeOsvDatabase } from '../test/support/osv-database.ts';

const fixtures = path.join(packageRoot(), 'test', 'fixtures', 'osv-scanner');
const workspace = resolveWorkspace(path.join(fixtures, 'project'));
const scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-record-osv-'));
try {
  const database = writeOsvDatabase(path.join(scratch, 'db'));
  const files = osvScanner.selectFiles(await listFiles(workspace, configSchema.parse({})));
  const tool = await osvScanner.locate({ exec: realExec, toolsDir: toolsDir(), env: process.env });
  const outDir = path.join(scratch, 'out');
  const options = osvScanner.config.options(osvScanner.config.schema.parse({ database }), workspace.root);
  await mkdir(outDir, { recursive: true });
  const plan = osvScanner.plan({
    root: workspace.root,
    target: workspace.target,
    files,
    outDir,
    tool,
    options,
  });
  const result = await realExec({
    file: plan.file,
    args: plan.args,
    cwd: plan.cwd,
    env: plan.env,
    timeoutMs: 300_000,
  });
  if (osvScanner.interpretExit(result.exitCode ?? -1) === 'error') {
    throw new Error(`osv-scanner failed (exit ${result.exitCode}): ${result.stderrTail}`);
  }
  const report = await readFile(path.join(outDir, 'osv-scanner.json'), 'utf8');
  await writeFile(path.join(fixtures, 'report.json'), report.replaceAll(workspace.root, '<root>'));
  const recording = {
    tool: osvScanner.id,
    version: tool.version,
    recordedAt: new Date().toISOString().slice(0, 10),
    exitCode: result.exitCode,
    database: 'test/support/osv-database.ts (ALL_TEST_ADVISORIES)',
    args: plan.args.map((a) =>
      a.replaceAll(workspace.root, '<root>').replaceAll(outDir, '<out>').replaceAll(scratch, '<scratch>'),
    ),
  };
  await writeFile(path.join(fixtures, 'recording.json'), `${JSON.stringify(recording, null, 2)}\n`);
  console.log(`osv-scanner ${tool.version}: recorded (exit ${result.exitCode})`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
