/**
 * What the entropy rule for snippets masks in ordinary code: every line of the given folders is
 * redacted as the snippet of a finding that is not about a secret, and the lines where the entropy
 * rule masks more than the known shapes do are counted and listed. On the example app and the test
 * fixtures only lines holding planted secrets may appear (test/unit/findings/high-entropy.test.ts
 * asserts it); any other folder (a dependency tree, another repository) shows its false positives.
 *   node bench/snippet-redaction.ts [folder …]     (default: examples test/fixtures)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { redactKnownSecrets, redactSnippet } from '../src/findings/redact.ts';

/** Lines longer than this are minified code or embedded data, not what a snippet shows. */
const MAX_LINE = 400;

function textFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && statSync(path.join(e.parentPath, e.name)).size < 2_000_000)
    .map((e) => path.join(e.parentPath, e.name));
}

const folders = process.argv.slice(2);
let files = 0;
let lines = 0;
let longLines = 0;
const masked: string[] = [];
for (const folder of folders.length > 0 ? folders : ['examples', path.join('test', 'fixtures')])
  for (const file of textFiles(folder)) {
    const text = readFileSync(file, 'utf8');
    // Binary files (images, archives, compiled code) are no snippet a scanner shows.
    if (text.includes('\0')) continue;
    files += 1;
    for (const [i, line] of text.split('\n').entries()) {
      if (line.length > MAX_LINE) {
        longLines += 1;
        continue;
      }
      lines += 1;
      if (redactSnippet(line) !== redactKnownSecrets(line))
        masked.push(`${file}:${i + 1}: ${line.trim().slice(0, 160)}`);
    }
  }
console.log(masked.join('\n'));
console.log(
  `${files} files, ${lines} lines (${longLines} longer than ${MAX_LINE} skipped): ` +
    `${masked.length} lines masked by the entropy rule beyond the known shapes`,
);
