import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleLimits } from '../../../src/bundle/limits.ts';
import { MANIFEST_FILE, manifestOf, sha256 } from '../../../src/bundle/manifest.ts';
import { readBaselineBundle } from '../../../src/diff/baseline-bundle.ts';
import { BundleError, isUserError, UsageError } from '../../../src/errors.ts';
import { deflatedZeros, rawZip, storedEntry } from '../../support/raw-zip.ts';

/*
 * An earlier run's bundle as the baseline: it must read within the limits, verify, and come from
 * the repository being scanned.
 */

const MiB = 1024 * 1024;
const SMALL: BundleLimits = {
  entries: 20,
  entryBytes: MiB,
  totalBytes: 2 * MiB,
  ratio: 50,
  ratioFromBytes: 64 * 1024,
};

const FINDING = {
  scanner: 'semgrep',
  ruleId: 'python.lang.security.audit.subprocess-shell-true',
  scannerSeverity: 'high',
  path: 'app/run.py',
  line: 5,
  endLine: 5,
  fingerprint: 'f'.repeat(64),
  message: 'subprocess call with shell=True',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-baseline-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A full scan's bundle zip with this run.json (an object, or text as it is), with a manifest that verifies. */
async function bundleZip(name: string, run: Record<string, unknown> | string) {
  const encoder = new TextEncoder();
  const files: Record<string, Uint8Array> = {
    'run.json': encoder.encode(typeof run === 'string' ? run : JSON.stringify(run)),
    'controlgate.json': encoder.encode(
      JSON.stringify({ scanners: [{ id: 'semgrep', status: 'ok' }], findings: [FINDING], baseline: null }),
    ),
  };
  const manifest = manifestOf(
    Object.entries(files).map(([p, bytes]) => ({ path: p, size: bytes.length, sha256: sha256(bytes) })),
    'test',
  );
  files[MANIFEST_FILE] = encoder.encode(JSON.stringify(manifest));
  const file = path.join(dir, name);
  await writeFile(file, zipSync(files));
  return file;
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isUserError(error)).toBe(true);
  return error as Error;
}

describe('readBaselineBundle', () => {
  it('a good bundle of this repository is used, whatever the case of its name', async () => {
    const zip = await bundleZip('good.zip', { repository: 'acme/app' });
    for (const expectedRepository of ['acme/app', 'Acme/App', undefined]) {
      const bundle = await readBaselineBundle(zip, { expectedRepository, limits: SMALL });
      expect(bundle.scanners.get('semgrep')).toBe('ok');
      expect(bundle.findings.map((f) => [f.path, f.fingerprint])).toEqual([
        [FINDING.path, FINDING.fingerprint],
      ]);
    }
  });

  it('a bundle of another repository is refused, naming both', async () => {
    const zip = await bundleZip('other.zip', { repository: 'acme/other' });
    const error = await refusal(readBaselineBundle(zip, { expectedRepository: 'acme/app', limits: SMALL }));
    expect(error).toBeInstanceOf(BundleError);
    expect(error.message).toBe(
      `--baseline ${zip}: evidence bundle refused: it was written by a run of "acme/other" (its run.json), not of "acme/app", the repository this run scans; use a bundle from this repository's own runs`,
    );
  });

  it('when the bundle or the run names no repository, there is nothing to compare', async () => {
    for (const run of [{ repository: null }, {}]) {
      const zip = await bundleZip(`unnamed-${JSON.stringify(run).length}.zip`, run);
      const bundle = await readBaselineBundle(zip, { expectedRepository: 'acme/app', limits: SMALL });
      expect(bundle.findings).toHaveLength(1);
    }
    const other = await bundleZip('other-unchecked.zip', { repository: 'acme/other' });
    expect((await readBaselineBundle(other, { limits: SMALL })).findings).toHaveLength(1);
  });

  it('a zip bomb is refused before it is inflated, the message saying it came from --baseline', async () => {
    const bomb = path.join(dir, 'bomb.zip');
    await writeFile(
      bomb,
      rawZip([{ name: 'controlgate.json', data: deflatedZeros(64 * MiB), method: 8, size: 64 * MiB }]),
    );
    const error = await refusal(readBaselineBundle(bomb, { expectedRepository: 'acme/app', limits: SMALL }));
    expect(error).toBeInstanceOf(BundleError);
    expect(error.message).toBe(
      `--baseline ${bomb}: evidence bundle refused: "controlgate.json" is 64.0 MiB, over the limit of 1.0 MiB for one file`,
    );
  });

  it('an entry escaping the bundle is refused', async () => {
    const escaping = path.join(dir, 'escaping.zip');
    await writeFile(escaping, rawZip([storedEntry('../../controlgate.json', '{}')]));
    const error = await refusal(readBaselineBundle(escaping, { limits: SMALL }));
    expect(error.message).toBe(
      `--baseline ${escaping}: evidence bundle refused: entry "../../controlgate.json" escapes the bundle (a ".." segment)`,
    );
  });

  it('a bundle that does not verify is still refused', async () => {
    const zip = await bundleZip('unlisted.zip', { repository: 'acme/app' });
    // A file added after the manifest was written.
    const tampered = path.join(dir, 'tampered.zip');
    const added = { 'extra.txt': new TextEncoder().encode('added later') };
    await writeFile(tampered, zipSync({ ...unzipSync(await readFile(zip)), ...added }));
    const error = await refusal(
      readBaselineBundle(tampered, { expectedRepository: 'acme/app', limits: SMALL }),
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/does not verify \(extra\.txt: not in the manifest/);
  });

  it('a run.json that is not JSON is refused', async () => {
    const zip = await bundleZip('broken-run.zip', '{ not json');
    const error = await refusal(readBaselineBundle(zip, { expectedRepository: 'acme/app', limits: SMALL }));
    expect(error.message).toBe(`--baseline ${zip}: evidence bundle refused: run.json is not valid JSON`);
  });
});
