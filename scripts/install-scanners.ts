/**
 * `npm run scanners:install [-- id …]`: installs the built-in scanners (all, or the ids named) into
 * the project's tools folder, each download checked against its pinned hashes (docs/supply-chain.md);
 * an existing install is reused only while its install record still matches.
 */

import { installScanners } from '../scanners/install.ts';
import { realExec } from '../src/exec/exec.ts';
import { describeOutcome, formatSeconds } from '../src/install/log.ts';
import { toolsDir } from '../src/paths.ts';

const started = performance.now();
const dir = toolsDir();
const ids = process.argv.slice(2);
const outcomes = await installScanners(
  realExec,
  dir,
  (line) => console.log(line),
  ids.length > 0 ? ids : undefined,
);
for (const outcome of outcomes) console.log(describeOutcome(outcome));
console.log(`scanners ready in ${dir} after ${formatSeconds((performance.now() - started) / 1000)}`);
if (outcomes.some((o) => o.action === 'failed')) process.exitCode = 1;
