/**
 * `node scripts/install-check-jsonschema.ts`: installs check-jsonschema, which the CI-schema test
 * (test/integration/ci-schemas.test.ts) runs on the example workflows, action.yml and the GitLab
 * template, into `<tools>/check-jsonschema-venv` from scanners/python-check-jsonschema.lock
 * (hash-checked; see scripts/locked-test-venv.ts). Its `vendor.*` schemas ship inside the package, so
 * the test needs no network.
 */
import { CHECK_JSONSCHEMA } from '../src/tools/versions.ts';
import { installLockedTestTool } from './locked-test-venv.ts';

try {
  await installLockedTestTool({
    lock: 'check-jsonschema',
    project: 'check-jsonschema',
    version: CHECK_JSONSCHEMA.version,
    requirements: CHECK_JSONSCHEMA.requirements,
    venvName: 'check-jsonschema-venv',
    binary: 'check-jsonschema',
    // "check-jsonschema, version 0.39.0"
    versionArgs: ['--version'],
    versionPattern: /version (\S+)/,
    // The pinned closure (rpds-py, regress wheels) was resolved on 3.11; 3.10 is the package's floor.
    minPython: [3, 10],
  });
} catch (error) {
  console.error(`install-check-jsonschema: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
