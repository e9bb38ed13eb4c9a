/**
 * `npm run demo`: scans the deliberately vulnerable example app with the real scanners and writes the
 * report and the evidence bundle. The gate blocks the app (exit 1), which is the point of the demo, so
 * only exit 2 (could not evaluate) fails the script.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { writeDemoOsvDatabase } from './osv-database.ts';

const out = 'out/demo';
const args = [
  'dist/cli.js',
  'scan',
  'examples/vulnerable-app',
  '--out-dir',
  out,
  '--evidence',
  `${out}/evidence`,
  '--evidence-zip',
  `${out}/evidence.zip`,
];
// OSV-Scanner matches the app's lockfiles offline, against the demo's advisory records
// (examples/osv-database), zipped into a folder outside the repository as the scanner requires.
const database = writeDemoOsvDatabase(path.join(os.tmpdir(), 'controlgate-demo-osv-database'));
const run = spawnSync(process.execPath, args, {
  stdio: 'inherit',
  env: { ...process.env, CONTROLGATE_OSV_DATABASE: process.env.CONTROLGATE_OSV_DATABASE ?? database },
});
const code = run.status ?? 2;
console.log(
  code === 1
    ? `\ncontrolgate exited 1: the example app is blocked, as intended. Open ${out}/evidence/report.html to see why.`
    : `\ncontrolgate exited ${code}.`,
);
process.exitCode = code === 1 ? 0 : code;
