import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { packageRoot } from '../paths.ts';
import {
  type Catalog,
  catalogSchema,
  type Mapping,
  mappingSchema,
  type PointsOfFocus,
  pointsOfFocusSchema,
} from './model.ts';

/*
 * The catalog and the mapping are data that both config/ (it checks criterion ids in
 * .controlgate.yml against the catalog) and controls/ (it maps and evaluates with them, reading the
 * config) need. Reading them here, below both, is the simplest way to keep config below controls:
 * injecting the ids into the config schema instead would thread the catalog through every loader.
 */

/** A data file as loaded: its content, where it came from and its SHA-256 for the evidence. */
export interface LoadedData<T> {
  data: T;
  file: string;
  sha256: string;
  version: string;
}

export function dataDir(): string {
  return path.join(packageRoot(), 'src', 'catalog', 'data');
}

function load<T extends { version: string }>(file: string, schema: z.ZodType<T>): LoadedData<T> {
  const bytes = readFileSync(file);
  const parsed = schema.safeParse(parse(bytes.toString('utf8')));
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.slice(0, 10).map((i) => `${i.path.map(String).join('.')}: ${i.message}`),
    );
  }
  return {
    data: parsed.data,
    file,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    version: parsed.data.version,
  };
}

/** Loads the SOC 2 catalog shipped with controlgate, validated and hashed. */
export function loadCatalog(file = path.join(dataDir(), 'catalog.yml')): LoadedData<Catalog> {
  return load(file, catalogSchema);
}

/** Loads the finding → criterion mapping shipped with controlgate, validated and hashed. */
export function loadMapping(file = path.join(dataDir(), 'mapping.yml')): LoadedData<Mapping> {
  return load(file, mappingSchema);
}

/** Loads the points of focus per criterion (our own words) that the OSCAL catalog carries. */
export function loadPointsOfFocus(
  file = path.join(dataDir(), 'points-of-focus.yml'),
): LoadedData<PointsOfFocus> {
  return load(file, pointsOfFocusSchema);
}
