/**
 * Offline OSV databases as OSV-Scanner reads them (scanners/osv-scanner/database.ts): one
 * `<Ecosystem>/all.zip` per ecosystem holding one OSV record per `<id>.json`, osv.dev's own export
 * layout. `npm run demo` and the test suite make one from the hand-written records in
 * examples/osv-database; the tests also from records of their own (test/support/osv-database.ts).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';

/** The part of an OSV record (https://ossf.github.io/osv-schema/) the writer needs: its id and ecosystem. */
export interface OsvRecordLike {
  id: string;
  affected: readonly { package: { ecosystem: string } }[];
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The demo's records: examples/osv-database/<Ecosystem>/<id>.json. */
export const DEMO_RECORDS = path.join(ROOT, 'examples', 'osv-database');

/**
 * Writes the records as a database folder: `<dir>/<Ecosystem>/all.zip` (osv.dev's export layout),
 * or `<dir>/osv-scalibr/<Ecosystem>/all.zip` (what OSV-Scanner's own download leaves). Returns `dir`.
 */
export function writeOsvDatabase(
  dir: string,
  records: readonly OsvRecordLike[],
  layout: 'export' | 'osv-scalibr' = 'export',
): string {
  const byEcosystem = new Map<string, Record<string, Uint8Array>>();
  for (const record of records) {
    const ecosystem = record.affected[0]?.package.ecosystem ?? 'unknown';
    const files = byEcosystem.get(ecosystem) ?? {};
    files[`${record.id}.json`] = strToU8(JSON.stringify(record, null, 2));
    byEcosystem.set(ecosystem, files);
  }
  const root = layout === 'export' ? dir : path.join(dir, 'osv-scalibr');
  for (const [ecosystem, files] of byEcosystem) {
    mkdirSync(path.join(root, ecosystem), { recursive: true });
    // A fixed date: the same records make the same bytes, so hashes in tests and the demo are stable.
    writeFileSync(
      path.join(root, ecosystem, 'all.zip'),
      zipSync(files, { mtime: new Date('2024-01-01T00:00:00Z') }),
    );
  }
  return dir;
}

/** The records under `folder/<Ecosystem>/*.json`, in name order. */
export function readOsvRecords(folder: string): OsvRecordLike[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .flatMap((ecosystem) =>
      readdirSync(path.join(folder, ecosystem))
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => JSON.parse(readFileSync(path.join(folder, ecosystem, name), 'utf8')) as OsvRecordLike),
    );
}

/** The demo database (examples/osv-database's records) written to `dir`, which must lie outside the repository. */
export function writeDemoOsvDatabase(dir: string): string {
  return writeOsvDatabase(dir, readOsvRecords(DEMO_RECORDS));
}
