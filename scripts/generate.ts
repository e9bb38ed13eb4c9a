/**
 * Writes the files generated from code and data: schema/controlgate.schema.json (from the zod
 * config schema) and docs/soc2-mapping.md (from the catalog and mapping data). CI checks both fresh.
 *   npm run generate
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadCatalog, loadMapping } from '../src/catalog/data-files.ts';
import { configJsonSchema } from '../src/config/json-schema.ts';
import { packageRoot } from '../src/paths.ts';
import { renderMappingMarkdown } from '../src/report/mapping-view.ts';

const root = packageRoot();
const catalog = loadCatalog();
const mapping = loadMapping();
const outputs: [string, string][] = [
  ['schema/controlgate.schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`],
  [
    'docs/soc2-mapping.md',
    renderMappingMarkdown(catalog.data, mapping.data, { catalog: catalog.sha256, mapping: mapping.sha256 }),
  ],
];
for (const [file, text] of outputs) {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), text);
  console.log(`wrote ${file}`);
}
