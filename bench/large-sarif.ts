/**
 * Reading and normalizing a large SARIF log: generates N results (default 200,000) over 3 runs,
 * then times JSON parse + zod validation and normalization, and reports peak memory.
 *   npm run bench:large-sarif [-- N]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { normalizeRun } from '../src/sarif/normalize.ts';
import { readSarifFile } from '../src/sarif/read.ts';
import { SourceReader } from '../src/sarif/source-reader.ts';

const total = Number(process.argv[2] ?? 200_000);
const perRun = Math.ceil(total / 3);

function makeRun(tool: string, count: number, offset: number) {
  const rules = Array.from({ length: 50 }, (_, i) => ({
    id: `${tool}-R${i}`,
    name: `rule ${i}`,
    defaultConfiguration: { level: (['error', 'warning', 'note'] as const)[i % 3] },
    properties: {
      tags: ['security', `external/cwe/cwe-${79 + i}`],
      'security-severity': String((i % 10) + 0.5),
    },
  }));
  const results = Array.from({ length: count }, (_, k) => ({
    ruleId: `${tool}-R${k % 50}`,
    ruleIndex: k % 50,
    message: { text: `Finding ${offset + k}: something unsafe happens here with value ${k % 997}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: `src/module${k % 500}/file${k % 37}.py` },
          region: {
            startLine: (k % 400) + 1,
            startColumn: 5,
            endLine: (k % 400) + 2,
            snippet: { text: `x = call(${k})` },
          },
        },
      },
    ],
    partialFingerprints: { primaryLocationLineHash: `${k.toString(16)}:1` },
  }));
  return { tool: { driver: { name: tool, version: '1.0.0', rules } }, results };
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-bench-'));
try {
  const file = path.join(dir, 'large.sarif');
  const log = {
    version: '2.1.0',
    runs: ['alpha', 'beta', 'gamma'].map((t, i) => makeRun(t, perRun, i * perRun)),
  };
  await writeFile(file, JSON.stringify(log));
  const size = (await import('node:fs')).statSync(file).size;
  const t0 = performance.now();
  const parsed = await readSarifFile(file);
  const t1 = performance.now();
  const sources = new SourceReader(dir); // files do not exist: snippets come from the SARIF
  let findings = 0;
  for (const run of parsed.runs) {
    findings += normalizeRun(run, {
      scannerId: run.tool.driver.name,
      scannerVersion: '1.0.0',
      root: dir,
      baseDir: dir,
      sources,
    }).length;
  }
  const t2 = performance.now();
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(`${findings} results, ${(size / 2 ** 20).toFixed(1)} MiB`);
  console.log(
    `read + validate: ${((t1 - t0) / 1000).toFixed(2)} s; normalize: ${((t2 - t1) / 1000).toFixed(2)} s; peak RSS ${peak.toFixed(0)} MiB`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
