import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_LIMITS, type BundleLimits, entryNameProblem } from '../../../src/bundle/limits.ts';
import { MANIFEST_FILE, manifestOf, sha256 } from '../../../src/bundle/manifest.ts';
import { readBundle, verifyBundle } from '../../../src/bundle/verify.ts';
import { BundleError, isUserError } from '../../../src/errors.ts';
import { zipDir } from '../../../src/evidence/write-files.ts';
import {
  deflatedEntry,
  deflatedZeros,
  type RawZipEntry,
  rawZip,
  storedEntry,
} from '../../support/raw-zip.ts';

/*
 * Reading a bundle back within limits. The limits are lowered here (a few MiB) so that bombs stay
 * small; test/integration/baseline-bundle.test.ts runs the CLI with the real ones.
 */

const MiB = 1024 * 1024;
const SMALL: BundleLimits = {
  entries: 20,
  entryBytes: 2 * MiB,
  totalBytes: 3 * MiB,
  ratio: 50,
  ratioFromBytes: 256 * 1024,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-bundle-verify-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
/** A fresh path in the scratch folder. */
function scratch(name: string): string {
  counter += 1;
  return path.join(dir, `${counter}-${name}`);
}

/** A small bundle's files, the manifest included, as the evidence writer would list them. */
function bundleFiles(): Record<string, Uint8Array> {
  const encoder = new TextEncoder();
  const files: Record<string, Uint8Array> = {
    'run.json': encoder.encode('{"repository":"acme/app"}\n'),
    'controlgate.json': encoder.encode('{"findings":[]}\n'),
    'sarif/raw/semgrep.sarif': encoder.encode('{"version":"2.1.0","runs":[]}\n'),
  };
  const manifest = manifestOf(
    Object.entries(files).map(([p, bytes]) => ({ path: p, size: bytes.length, sha256: sha256(bytes) })),
    'test',
  );
  files[MANIFEST_FILE] = encoder.encode(JSON.stringify(manifest));
  return files;
}

async function writeZip(name: string, bytes: Uint8Array): Promise<string> {
  const file = scratch(name);
  await writeFile(file, bytes);
  return file;
}

async function writeFolder(name: string, files: Record<string, Uint8Array | string>): Promise<string> {
  const root = scratch(name);
  for (const [p, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, p)), { recursive: true });
    await writeFile(path.join(root, p), content);
  }
  return root;
}

/** The BundleError a read ends in (the test fails when it succeeds or fails otherwise). */
async function refusal(location: string, limits: BundleLimits = SMALL): Promise<BundleError> {
  const error = await readBundle(location, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BundleError);
  const refused = error as BundleError;
  expect(refused.file).toBe(location);
  expect(isUserError(refused)).toBe(true);
  return refused;
}

describe('a good bundle still reads and verifies', () => {
  it('as the evidence writer zips it (streamed, sizes after the data)', async () => {
    const files = bundleFiles();
    const folder = await writeFolder('bundle', files);
    const zip = scratch('bundle.zip');
    await zipDir(folder, Object.keys(files), zip);
    for (const location of [folder, zip]) {
      const read = await readBundle(location, SMALL);
      expect([...read.keys()].sort()).toEqual(Object.keys(files).sort());
      for (const [p, bytes] of Object.entries(files)) expect(read.get(p)).toEqual(bytes);
      expect(await verifyBundle(location, SMALL)).toMatchObject({ ok: true, problems: [], files: 3 });
    }
  });

  it('as other tools zip it: sizes in the local headers, stored entries, folder entries', async () => {
    const files = bundleFiles();
    const fromFflate = await writeZip('fflate.zip', zipSync(files, { level: 6 }));
    const entries: RawZipEntry[] = [storedEntry('sarif/', ''), storedEntry('sarif/raw/', '')];
    for (const [p, bytes] of Object.entries(files))
      entries.push(p.endsWith('.json') ? deflatedEntry(p, bytes) : storedEntry(p, bytes));
    const raw = await writeZip('raw.zip', rawZip(entries));
    for (const location of [fromFflate, raw])
      expect(await verifyBundle(location, SMALL)).toMatchObject({ ok: true, files: 3 });
  });

  it('the default limits are the documented ones', () => {
    expect(BUNDLE_LIMITS).toEqual({
      entries: 1000,
      entryBytes: 512 * MiB,
      totalBytes: 1024 * MiB,
      ratio: 200,
      ratioFromBytes: MiB,
    });
  });
});

describe('zip bombs are refused, by what the archive declares and by what it inflates to', () => {
  it('fflate zipSync of zeros at level 9: over the limit for one file, refused before inflating', async () => {
    const bomb = await writeZip('zeros.zip', zipSync({ 'zeros.bin': new Uint8Array(8 * MiB) }, { level: 9 }));
    const refused = await refusal(bomb);
    expect(refused.message).toBe(
      `${bomb}: evidence bundle refused: "zeros.bin" is 8.0 MiB, over the limit of 2.0 MiB for one file`,
    );
  });

  it('files each within the limit that add up past the total', async () => {
    const zeros = deflatedZeros(MiB);
    const entries = ['a', 'b', 'c', 'd'].map((name) => ({
      name,
      data: zeros,
      method: 8 as const,
      size: MiB,
    }));
    const refused = await refusal(await writeZip('total.zip', rawZip(entries)), { ...SMALL, ratio: 2000 });
    expect(refused.problem).toBe('its files add up to more than 3.0 MiB (the limit) at "d"');
  });

  it('a compression ratio over the limit', async () => {
    const zeros = deflatedZeros(MiB);
    const refused = await refusal(
      await writeZip('ratio.zip', rawZip([{ name: 'dense.json', data: zeros, method: 8, size: MiB }])),
    );
    expect(refused.problem).toMatch(
      /^"dense\.json" declares 1\.0 MiB from [\d,]+ bytes compressed, a ratio of \d+, over the limit of 50$/,
    );
  });

  it('a small entry is not held to the ratio', async () => {
    const entry = deflatedEntry('small.json', ' '.repeat(100_000));
    expect(entry.size / entry.data.length).toBeGreaterThan(50);
    expect(
      (await readBundle(await writeZip('small.zip', rawZip([entry])), SMALL)).get('small.json'),
    ).toHaveLength(100_000);
  });

  it('an entry that declares 1 KiB and inflates to 64 MiB: inflating stops just past 1 KiB', async () => {
    const lie: RawZipEntry = { name: 'report.html', data: deflatedZeros(64 * MiB), method: 8, size: 1024 };
    const refused = await refusal(await writeZip('lying.zip', rawZip([lie])));
    const stopped =
      /^"report\.html" inflates past the 1,024 bytes the archive declares for it \(stopped at ([\d,]+) bytes\)$/.exec(
        refused.problem,
      );
    expect(stopped, refused.problem).not.toBeNull();
    // One chunk of the inflater (64 KiB) past what it declared, not 64 MiB.
    expect(Number(stopped?.[1]?.replaceAll(',', ''))).toBeLessThanOrEqual(1024 + 64 * 1024);
  });

  it('an entry that inflates to less than it declares', async () => {
    const short: RawZipEntry = { ...deflatedEntry('run.json', '{}'), size: 100 };
    const refused = await refusal(await writeZip('short.zip', rawZip([short])));
    expect(refused.problem).toBe(
      'a damaged archive ("run.json" inflates to 2 bytes, not the 100 bytes it declares)',
    );
  });

  it('entries that share their data (a non-recursive bomb) are refused as overlapping', async () => {
    const bytes = rawZip([deflatedEntry('a.json', '{"a":1}'), deflatedEntry('b.json', '{"a":1}')]);
    // Point the second directory record at the first entry's data.
    const view = Buffer.from(bytes);
    const directory = view.readUInt32LE(view.length - 22 + 16);
    const second = directory + 46 + 'a.json'.length;
    view.writeUInt32LE(0, second + 42);
    const refused = await refusal(await writeZip('overlap.zip', view));
    expect(refused.problem).toMatch(
      /^a damaged archive \(entry "[ab]\.json" overlaps another or the directory\)$/,
    );
  });

  it('a zip file larger than everything it may hold', async () => {
    const big = await writeZip('big.zip', new Uint8Array(4 * MiB));
    expect((await refusal(big)).problem).toBe('the zip is 4.0 MiB, over the limit of 3.0 MiB');
  });

  it('what is not a zip, or a cut one', async () => {
    expect((await refusal(await writeZip('text.zip', new TextEncoder().encode('not a zip')))).problem).toBe(
      'not a zip archive (no end of central directory record)',
    );
    const whole = zipSync(bundleFiles());
    const cut = new Uint8Array(whole.length - 30);
    cut.set(whole.subarray(0, 10));
    cut.set(whole.subarray(40), 10);
    expect((await refusal(await writeZip('cut.zip', cut))).problem).toMatch(/^a damaged archive/);
  });
});

describe('entries are counted and their names checked', () => {
  it('more entries than the limit, from the archive’s own count', async () => {
    const entries = Array.from({ length: 21 }, (_, i) => storedEntry(`f${i}.txt`, ''));
    expect((await refusal(await writeZip('many.zip', rawZip(entries)))).problem).toBe(
      'it has 21 entries, over the limit of 20',
    );
  });

  it.each([
    ['../outside.txt', 'entry "../outside.txt" escapes the bundle (a ".." segment)'],
    ['sarif/../../outside.txt', 'entry "sarif/../../outside.txt" escapes the bundle (a ".." segment)'],
    ['/etc/cron.d/job', 'entry "/etc/cron.d/job" is an absolute path'],
    ['C:/Windows/x.dll', 'entry "C:/Windows/x.dll" is an absolute path'],
    ['sarif\\..\\..\\x', 'entry "sarif\\\\..\\\\..\\\\x" has a backslash in its name (not a POSIX path)'],
    ['run.json\0.txt', 'entry "run.json\\u0000.txt" has a NUL character in its name'],
    ['sarif//raw.sarif', 'entry "sarif//raw.sarif" has an empty or "." segment'],
  ])('%j is refused', async (name, problem) => {
    expect((await refusal(await writeZip('name.zip', rawZip([storedEntry(name, 'x')])))).problem).toBe(
      problem,
    );
  });

  it('a name with two dots that is not a segment is fine', () => {
    expect(entryNameProblem('report..html')).toBeUndefined();
    expect(entryNameProblem('sarif/raw/')).toBeUndefined();
  });

  it('the same name twice (two tools would extract different files)', async () => {
    const zip = await writeZip(
      'twice.zip',
      rawZip([storedEntry('run.json', '{}'), storedEntry('run.json', '[]')]),
    );
    expect((await refusal(zip)).problem).toBe('entry "run.json" appears twice');
  });

  it('a symbolic link entry', async () => {
    const link: RawZipEntry = { ...storedEntry('run.json', '/etc/passwd'), unixMode: 0o120777 };
    expect((await refusal(await writeZip('link.zip', rawZip([link])))).problem).toBe(
      'entry "run.json" is a symbolic link; a bundle holds regular files only',
    );
  });
});

describe('bundle folders are bounded the same way and never left', () => {
  it('more entries than the limit', async () => {
    const files = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}.txt`, '']));
    expect((await refusal(await writeFolder('many', files))).problem).toBe(
      'it has more than 20 entries (the limit)',
    );
  });

  it('a file over the limit, and files adding up past the total', async () => {
    const big = await writeFolder('big', { 'sarif/merged.sarif': new Uint8Array(2 * MiB + 1) });
    expect((await refusal(big)).problem).toBe(
      '"sarif/merged.sarif" is 2.0 MiB, over the limit of 2.0 MiB for one file',
    );
    const parts = await writeFolder('parts', { a: new Uint8Array(2 * MiB), b: new Uint8Array(2 * MiB) });
    expect((await refusal(parts)).problem).toBe('its files add up to more than 3.0 MiB (the limit) at "b"');
  });

  it('a symbolic link to a file outside, or to a folder, is refused rather than followed', async () => {
    const outside = scratch('secret.txt');
    await writeFile(outside, 'not part of any bundle');
    const files = await writeFolder('linked-file', bundleFiles());
    await symlink(outside, path.join(files, 'extra.txt'));
    expect((await refusal(files)).problem).toBe(
      '"extra.txt" is a symbolic link; a bundle holds regular files only',
    );
    const folders = await writeFolder('linked-folder', bundleFiles());
    await symlink(os.tmpdir(), path.join(folders, 'sarif', 'tmp'));
    expect((await refusal(folders)).problem).toBe(
      '"sarif/tmp" is a symbolic link; a bundle holds regular files only',
    );
  });

  it('a folder named by a link is read (the user named it)', async () => {
    const real = await writeFolder('real', bundleFiles());
    const link = scratch('link');
    await symlink(real, link);
    expect(await verifyBundle(link, SMALL)).toMatchObject({ ok: true, files: 3 });
  });
});
