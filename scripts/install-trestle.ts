/**
 * `node scripts/install-trestle.ts`: installs compliance-trestle, the OSCAL validator the OSCAL
 * integration test runs, into `<tools>/trestle-venv` from scanners/python-trestle.lock (hash-checked;
 * see scripts/locked-test-venv.ts).
 */
import { TRESTLE } from '../src/tools/versions.ts';
import { installLockedTestTool } from './locked-test-venv.ts';

try {
  await installLockedTestTool({
    lock: 'trestle',
    project: 'compliance-trestle',
    version: TRESTLE.version,
    requirements: TRESTLE.requirements,
    venvName: 'trestle-venv',
    binary: 'trestle',
    // "Trestle version v5.2.0 based on OSCAL version 1.2.1"
    versionArgs: ['version'],
    versionPattern: /Trestle version v?(\S+)/,
    minPython: [3, 11],
  });
} catch (error) {
  console.error(`install-trestle: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
