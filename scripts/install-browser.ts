/**
 * `node scripts/install-browser.ts`: makes sure Debian's Chromium is at /usr/bin/chromium for the HTML
 * report's browser test, and poppler's pdftotext for reading back the report it prints to PDF.
 * Playwright's own browser downloads are not used: CI only reaches package registries, and Debian's
 * packages are one of them.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { formatSeconds } from '../src/install/log.ts';

const CHROMIUM = '/usr/bin/chromium';
const PDFTOTEXT = '/usr/bin/pdftotext';
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

/** Debian packages the browser tests need, by the file each provides. */
const PACKAGES: Record<string, string> = { chromium: CHROMIUM, 'poppler-utils': PDFTOTEXT };
const missing = Object.keys(PACKAGES).filter((p) => !existsSync(PACKAGES[p] ?? ''));

if (missing.length === 0) {
  console.log(`${CHROMIUM} is present: ${chromiumVersion()}; ${PDFTOTEXT} is present`);
  process.exit(0);
}

if (process.getuid?.() !== 0) {
  fail(
    `${missing.map((p) => PACKAGES[p]).join(' and ')} missing and this is not root, so it cannot be installed here.\n` +
      `Install as root: apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`,
  );
}

const started = performance.now();
console.log(`${missing.join(' and ')} missing: running apt-get update`);
const update = run('apt-get', ['update'], true);
if (update.status !== 0) fail(`apt-get update failed (exit ${update.status ?? update.signal})`);

for (const pkg of missing) {
  const policy = run('apt-cache', ['policy', pkg]);
  const candidate = /Candidate:\s*(\S+)/.exec(policy.stdout ?? '')?.[1];
  if (policy.status !== 0 || !candidate || candidate === '(none)') {
    fail(`apt-cache policy ${pkg} offers no candidate:\n${(policy.stdout ?? '').trim() || policy.stderr}`);
  }
  console.log(`installing ${pkg} ${candidate} from Debian`);
  const install = run('apt-get', ['install', '-y', '--no-install-recommends', pkg], true);
  if (install.status !== 0) fail(`apt-get install ${pkg} failed (exit ${install.status ?? install.signal})`);
  const file = PACKAGES[pkg] ?? '';
  if (!existsSync(file)) fail(`apt-get install ${pkg} succeeded but ${file} is still missing`);
}

const seconds = (performance.now() - started) / 1000;
console.log(
  `installed ${missing.join(', ')} (${chromiumVersion()} at ${CHROMIUM}) with apt-get update + install in ${formatSeconds(seconds)}`,
);
