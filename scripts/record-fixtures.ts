/**
 * Records real scanner output for the unit tests: runs Semgrep, Bandit and KICS exactly as the
 * plugins do on examples/vulnerable-app and keeps their SARIF untouched, with a recording.json that
 * says how and where it was made (tests relocate the recorded checkout path to their own).
 *   npm run fixtures:record
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BUILTIN_SCANNERS } from '../scanners/index.ts';
import { configSchema } from '../src/config/schema.ts';
import { realExec } from '../src/exec/exec.ts';
import { packageRoot, toolsDir } from '../src/paths.ts';
import { listFiles, resolveWorkspace } from '../src/pipeline/workspace.ts';

const root = packageRoot();
const workspace = resolveWorkspace(path.join(root, 'examples', 'vulnerable-app'));
const files = await listFiles(workspace, configSchema.parse({}));
const scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-record-'));
try {
  for (const scanner of BUILTIN_SCANNERS.values()) {
    const tool = await scanner.locate({ exec: realExec, toolsDir: toolsDir(), env: process.env });
    const outDir = path.join(scratch, scanner.id);
    await mkdir(outDir, { recursive: true });
    const selected = scanner.selectFiles(files, workspace.root);
    // OSV-Scanner: the example app has no lockfile (its fixture: scripts/record-osv-fixture.ts).
    if (selected.length === 0) {
      console.log(`${scanner.id}: no files of its kind in the example app, not recorded`);
      continue;
    }
    const plan = scanner.plan({
      root: workspace.root,
      target: workspace.target,
      files: selected,
      outDir,
      tool,
      // The defaults, as a configuration without the scanner's section gives them.
      options: scanner.config.options(scanner.config.schema.parse({}), workspace.root),
    });
    const result = await realExec({
      file: plan.file,
      args: plan.args,
      cwd: plan.cwd,
      env: plan.env,
      timeoutMs: 900_000,
    });
    if (!plan.sarifPath || scanner.interpretExit(result.exitCode ?? -1) === 'error') {
      throw new Error(`${scanner.id} failed (exit ${result.exitCode}): ${result.stderrTail}`);
    }
    const dest = path.join(root, 'test', 'fixtures', 'sarif', scanner.id);
    await mkdir(dest, { recursive: true });
    await copyFile(plan.sarifPath, path.join(dest, 'example-app.sarif'));
    // Side reports some plugins read (KICS's JSON carries query severities).
    for (const extra of await readdir(outDir)) {
      if (path.join(outDir, extra) !== plan.sarifPath)
        await copyFile(path.join(outDir, extra), path.join(dest, extra));
    }
    const recording = {
      tool: scanner.id,
      version: tool.version,
      recordedAt: new Date().toISOString().slice(0, 10),
      recordedRoot: workspace.root,
      toolCwd: plan.cwd ?? workspace.root,
      exitCode: result.exitCode,
      args: plan.args.map((a) => a.replaceAll(workspace.root, '<root>').replaceAll(outDir, '<out>')),
    };
    await writeFile(path.join(dest, 'recording.json'), `${JSON.stringify(recording, null, 2)}\n`);
    console.log(`${scanner.id} ${tool.version}: recorded (exit ${result.exitCode})`);
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
