/**
 * Writes the files generated from code and data: schema/controlgate.schema.json (from the zod
 * config schema), docs/soc2-mapping.md (from the catalog and mapping data), docs/oscal/catalog.json
 * and docs/oscal/profile.json (the OSCAL SOC 2 catalog and profile every evidence bundle carries,
 * from the catalog and points-of-focus data), docs/kics-queries.md (every query of the pinned KICS
 * and how the mapping judges it: needs `npm run scanners:install` first, for KICS's assets) and the
 * Action's inputs and outputs in README.md (from action.yml). CI checks them all fresh.
 *   npm run generate
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadCatalog, loadMapping, loadPointsOfFocus } from '../src/catalog/data-files.ts';
import { configJsonSchema } from '../src/config/json-schema.ts';
import { oscalCatalog } from '../src/evidence/oscal/catalog.ts';
import { oscalProfile } from '../src/evidence/oscal/profile.ts';
import { withActionReference } from '../src/gate/action-reference.ts';
import { packageRoot } from '../src/paths.ts';
import { renderMappingMarkdown } from '../src/report/mapping-view.ts';
import { readKicsQueries, renderKicsQueriesMarkdown } from './kics-queries.ts';

const root = packageRoot();
const catalog = loadCatalog();
const mapping = loadMapping();
const points = loadPointsOfFocus();
// Without KICS's assets the other files are still written, then the run fails saying what to run.
let kicsQueries: ReturnType<typeof readKicsQueries> | undefined;
let kicsProblem: string | undefined;
try {
  kicsQueries = readKicsQueries();
} catch (error) {
  kicsProblem = error instanceof Error ? error.message : String(error);
}
const oscal = { catalog: oscalCatalog(catalog, points), profile: oscalProfile(catalog, points) };
const outputs: [string, string][] = [
  ['schema/controlgate.schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`],
  [
    'docs/soc2-mapping.md',
    renderMappingMarkdown(catalog.data, mapping.data, { catalog: catalog.sha256, mapping: mapping.sha256 }),
  ],
  ...(kicsQueries
    ? ([
        [
          'docs/kics-queries.md',
          renderKicsQueriesMarkdown(kicsQueries, mapping.data, { mapping: mapping.sha256 }),
        ],
      ] as [string, string][])
    : []),
  // The same bytes as oscal/catalog.json and oscal/profile.json in a bundle (pretty-printed JSON).
  ['docs/oscal/catalog.json', `${JSON.stringify(oscal.catalog, null, 2)}\n`],
  ['docs/oscal/profile.json', `${JSON.stringify(oscal.profile, null, 2)}\n`],
  // The Action's inputs and outputs, between their markers in the README.
  [
    'README.md',
    withActionReference(
      readFileSync(path.join(root, 'README.md'), 'utf8'),
      readFileSync(path.join(root, 'action.yml'), 'utf8'),
    ),
  ],
];
for (const [file, text] of outputs) {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), text);
  console.log(`wrote ${file}`);
}
if (kicsProblem) {
  console.error(`not written: ${kicsProblem}`);
  process.exitCode = 1;
}
