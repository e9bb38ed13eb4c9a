/**
 * `node scripts/install-browser.ts`: makes sure Debian's Chromium is at /usr/bin/chromium for the HTML
 * report's browser test. Playwright's own browser downloads are not used: CI only reaches package
 * registries, and Debian's package is one of them.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { formatSeconds } from '../src/install/log.ts';

const CHROMIUM = '/usr/bin/chromium';
const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

/** Runs a command without a shell; `inherit` streams its output to ours. */
function run(file: string, args: string[], inherit = false): SpawnSyncReturns<string> {
  return spawnSync(file, args, {
    env: APT_ENV,
    encoding: 'utf8',
    stdio: inherit ? 'inherit' : 'pipe',
    maxBuffer: 16 * 1024 * 1024,
  });
}

function chromiumVersion(): string {
  const result = run(CHROMIUM, ['--version']);
  return (result.stdout ?? '').trim() || `unknown (exit ${result.status}: ${(result.stderr ?? '').trim()})`;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

if (existsSync(CHROMIUM)) {
  console.log(`${CHROMIUM} is present: ${chromiumVersion()}`);
  process.exit(0);
}

if (process.getuid?.() !== 0) {
  fail(
    `${CHROMIUM} is missing and this is not root, so it cannot be installed here.\n` +
      'Install it as root: apt-get update && apt-get install -y --no-install-recommends chromium',
  );
}

const started = performance.now();
console.log('Chromium is missing: running apt-get update');
const update = run('apt-get', ['update'], true);
if (update.status !== 0) fail(`apt-get update failed (exit ${update.status ?? update.signal})`);

const policy = run('apt-cache', ['policy', 'chromium']);
const candidate = /Candidate:\s*(\S+)/.exec(policy.stdout ?? '')?.[1];
if (policy.status !== 0 || !candidate || candidate === '(none)') {
  fail(`apt-cache policy chromium offers no candidate:\n${(policy.stdout ?? '').trim() || policy.stderr}`);
}

console.log(`installing chromium ${candidate} from Debian`);
const install = run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], true);
if (install.status !== 0) fail(`apt-get install chromium failed (exit ${install.status ?? install.signal})`);
if (!existsSync(CHROMIUM)) fail(`apt-get install chromium succeeded but ${CHROMIUM} is still missing`);

const seconds = (performance.now() - started) / 1000;
console.log(
  `installed ${chromiumVersion()} at ${CHROMIUM} (apt-get update + install) in ${formatSeconds(seconds)}`,
);
