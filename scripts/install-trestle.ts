/**
 * `node scripts/install-trestle.ts`: installs compliance-trestle, the OSCAL validator the OSCAL
 * integration test runs, into `<tools>/trestle-venv`, pinned with its whole dependency tree so every
 * machine validates with the same code. Does nothing when the venv already has the pinned version.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatSeconds } from '../src/install/log.ts';
import { toolsDir } from '../src/paths.ts';

const TRESTLE_VERSION = '5.2.0';

/** compliance-trestle 5.2.0's dependencies as resolved on Python 3.11 (Linux); pip/setuptools left free. */
const CONSTRAINTS = [
  'annotated-types==0.8.0',
  'attrs==26.1.0',
  'bcrypt==5.0.0',
  'certifi==2026.10.18',
  'cffi==2.1.1',
  'charset-normalizer==3.5.2',
  'cmarkgfm==2025.10.22',
  'cryptography==50.0.2',
  'defusedxml==0.7.1',
  'dnspython==2.9.2',
  'email-validator==2.4.0',
  'et-xmlfile==2.0.0',
  'furl==2.1.4',
  'idna==3.20',
  'ilcli==0.3.2',
  'importlib-resources==7.1.0',
  'invoke==3.0.3',
  'jinja2==3.1.6',
  'markupsafe==3.0.4',
  'openpyxl==3.1.5',
  'orderedmultidict==1.0.2',
  'orjson==3.13.0',
  'paramiko==5.0.0',
  'pycparser==3.12',
  'pydantic==2.14.3',
  'pydantic-core==2.50.4',
  'pynacl==1.6.2',
  'python-dotenv==1.2.4',
  'python-frontmatter==1.3.0',
  'pyyaml==6.0.3',
  'requests==2.34.2',
  'rfc8785==0.1.4',
  'ruamel-yaml==0.19.1',
  'securesystemslib==1.6.0',
  'six==1.17.0',
  'typing-extensions==4.16.0',
  'typing-inspection==0.4.5',
  'urllib3==2.8.0',
];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with an argument array (no shell) and returns what it printed. */
function run(file: string, args: readonly string[]): Run {
  const result = spawnSync(file, args, {
    encoding: 'utf8',
    timeout: 30 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const startError = result.error ? `${result.error.message}\n` : '';
  return {
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: `${startError}${result.stderr ?? ''}`,
  };
}

function check(result: Run, what: string): Run {
  if (result.status !== 0) {
    const tail = `${result.stderr}\n${result.stdout}`.trim().slice(-3000);
    throw new Error(`${what} failed (exit ${result.status ?? 'none'}):\n${tail}`);
  }
  return result;
}

/** The version `trestle version` reports ("Trestle version v5.2.0 based on OSCAL version 1.2.1"). */
function installedVersion(trestle: string): string | undefined {
  if (!existsSync(trestle)) return undefined;
  const result = run(trestle, ['version']);
  return result.status === 0 ? /Trestle version v?(\S+)/.exec(result.stdout)?.[1] : undefined;
}

async function main(): Promise<void> {
  const started = performance.now();
  const venv = path.join(toolsDir(), 'trestle-venv');
  const trestle = path.join(venv, 'bin', 'trestle');
  const elapsed = () => formatSeconds((performance.now() - started) / 1000);

  if (installedVersion(trestle) === TRESTLE_VERSION) {
    console.log(`compliance-trestle ${TRESTLE_VERSION} already in ${venv} (checked in ${elapsed()})`);
    return;
  }
  const python = process.env.CONTROLGATE_PYTHON ?? 'python3';
  const pyVersion = check(
    run(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']),
    'python3',
  );
  const [major = 0, minor = 0] = pyVersion.stdout.trim().split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 11)) {
    throw new Error(
      `compliance-trestle ${TRESTLE_VERSION} needs Python 3.11 or later; ${python} is ${pyVersion.stdout.trim()}`,
    );
  }
  console.log(`creating ${venv} with ${python} (Python ${pyVersion.stdout.trim()}) …`);
  check(run(python, ['-m', 'venv', '--clear', venv]), 'creating the venv');
  const constraints = path.join(venv, 'trestle-constraints.txt');
  await mkdir(venv, { recursive: true });
  await writeFile(constraints, `${CONSTRAINTS.join('\n')}\n`);
  console.log(`installing compliance-trestle==${TRESTLE_VERSION} from PyPI (dependencies pinned) …`);
  check(
    run(path.join(venv, 'bin', 'pip'), [
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '--quiet',
      '-c',
      constraints,
      `compliance-trestle==${TRESTLE_VERSION}`,
    ]),
    'pip install of compliance-trestle',
  );
  const version = installedVersion(trestle);
  if (version !== TRESTLE_VERSION) {
    throw new Error(`${trestle} reports version ${version ?? 'none'}, expected ${TRESTLE_VERSION}`);
  }
  console.log(`installed compliance-trestle ${version} in ${venv} in ${elapsed()}`);
}

try {
  await main();
} catch (error) {
  console.error(`install-trestle: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
