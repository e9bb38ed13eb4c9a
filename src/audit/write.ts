import { createReadStream } from 'node:fs';
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST_FILE, type Manifest, manifestOf } from '../bundle/manifest.ts';
import { type FileContent, writeFiles, zipDir } from '../evidence/write-files.ts';
import { prettyJsonChunks } from '../json-stream.ts';
import { CONTROLGATE_VERSION } from '../version.ts';
import { populationCsv } from './csv.ts';
import type { AuditDocument } from './document.ts';
import { renderAuditHtml } from './html.ts';
import type { BundlePlace } from './load.ts';

/*
 * The audit's outputs in one folder: population.csv, population.json and report.html for the
 * auditor, and archive/ for retention: the period's bundles and records as they were found, the
 * same three files, and a manifest over all of it (the bundle format: `evidence verify` checks it).
 */

export const AUDIT_FILES = {
  csv: 'population.csv',
  json: 'population.json',
  html: 'report.html',
  archive: 'archive',
  archiveZip: 'archive.zip',
  /** In the archive: each bundle's original location and where the archive holds it. */
  locations: 'locations.json',
} as const;

const encoder = new TextEncoder();

/** A bundle to keep in the archive, and the name it gets there. */
export interface ArchivedBundle {
  location: string;
  place: BundlePlace;
  /** Folder in the archive ("bundles/…", "records/…", "rejected/…"). */
  folder: string;
}

export interface WrittenAudit {
  csv: string;
  json: string;
  html: string;
  archive: string;
  archiveManifest: Manifest;
  archiveZip: string | null;
}

/** Every regular file under `dir`, as POSIX paths relative to it, sorted. */
async function filesOf(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const full = path.join(dir, name);
    const stats = await lstat(full);
    if (stats.isDirectory()) out.push(...(await filesOf(full, `${prefix}${name}/`)));
    else if (stats.isFile()) out.push(`${prefix}${name}`);
  }
  return out;
}

/** The archive's files for one bundle: a folder's files, or the zip it came in, whole. */
async function bundleFiles(bundle: ArchivedBundle): Promise<[string, () => FileContent][]> {
  const { place } = bundle;
  if (place.kind === 'zip')
    return [[`${bundle.folder}/${path.basename(place.file)}`, () => createReadStream(place.file)]];
  return (await filesOf(place.file)).map((name) => [
    `${bundle.folder}/${name}`,
    () => createReadStream(path.join(place.file, ...name.split('/'))),
  ]);
}

/**
 * Writes the audit's outputs into `out`: the three files, then archive/ with the bundles, the three
 * files again and its manifest; with `zip`, archive.zip beside it (reproducible: sorted names, fixed
 * dates).
 */
export async function writeAudit(
  out: string,
  doc: AuditDocument,
  bundles: readonly ArchivedBundle[],
  options: { zip?: boolean } = {},
): Promise<WrittenAudit> {
  await mkdir(out, { recursive: true });
  const csv = encoder.encode(populationCsv(doc.rows));
  const json = encoder.encode([...prettyJsonChunks(doc)].join(''));
  const html = encoder.encode(renderAuditHtml(doc));
  const outputs: [string, () => FileContent][] = [
    [AUDIT_FILES.csv, () => csv],
    [AUDIT_FILES.json, () => json],
    [AUDIT_FILES.html, () => html],
  ];
  await writeFiles(out, outputs);
  const archive = path.join(out, AUDIT_FILES.archive);
  // An archive from an earlier run of the same folder would mix two periods' bundles.
  await rm(archive, { recursive: true, force: true });
  const locations = bundles.map((b) => ({ location: b.location, archived: b.folder }));
  const files: [string, () => FileContent][] = [
    ...outputs,
    [AUDIT_FILES.locations, () => encoder.encode([...prettyJsonChunks(locations)].join(''))],
  ];
  for (const bundle of bundles) files.push(...(await bundleFiles(bundle)));
  const entries = await writeFiles(archive, files);
  const manifest = manifestOf(entries, `controlgate ${CONTROLGATE_VERSION} audit`);
  await writeFiles(archive, [
    [MANIFEST_FILE, () => encoder.encode([...prettyJsonChunks(manifest)].join(''))],
  ]);
  let archiveZip: string | null = null;
  if (options.zip) {
    archiveZip = path.join(out, AUDIT_FILES.archiveZip);
    await zipDir(archive, [...entries.map((e) => e.path), MANIFEST_FILE], archiveZip);
  }
  return {
    csv: path.join(out, AUDIT_FILES.csv),
    json: path.join(out, AUDIT_FILES.json),
    html: path.join(out, AUDIT_FILES.html),
    archive,
    archiveManifest: manifest,
    archiveZip,
  };
}
