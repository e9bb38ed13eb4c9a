import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await listFiles(dir, child)));
    else found.push(child);
  }
  return found;
}

/**
 * The `h1:` hash go.sum records for a module, computed over its extracted tree the way Go's dirhash
 * does (sha256 of the sorted "sha256  module@version/path" lines), so the tree a build actually uses
 * is compared with the pin, not only the hash Go remembered when it downloaded the zip.
 */
export async function moduleTreeHash(dir: string, module: string, version: string): Promise<string> {
  const prefix = `${module}@${version}/`;
  const names = (await listFiles(dir)).map((rel) => ({ rel, name: `${prefix}${rel}` }));
  // Go sorts file names by bytes; JavaScript's default order is by UTF-16 code units.
  names.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  const bad = names.find(({ name }) => name.includes('\n'));
  if (bad) throw new Error(`${dir}: a file name contains a newline: ${JSON.stringify(bad.rel)}`);
  // Module files are small and many (KICS: 17,000 query files); reading several at once is what
  // keeps this to seconds, one stream per file took twenty.
  const limit = pLimit(16);
  const digests = await Promise.all(
    names.map(({ rel }) =>
      limit(async () =>
        createHash('sha256')
          .update(await readFile(path.join(dir, rel)))
          .digest('hex'),
      ),
    ),
  );
  const summary = createHash('sha256');
  names.forEach(({ name }, index) => {
    summary.update(`${digests[index]}  ${name}\n`);
  });
  return `h1:${summary.digest('base64')}`;
}
