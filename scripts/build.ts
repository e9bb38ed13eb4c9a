/**
 * Bundles the Action (dist/index.js) and the CLI (dist/cli.js) with esbuild. Output is deterministic
 * so CI can rebuild and fail on any difference from the committed dist/.
 */
import { chmod } from 'node:fs/promises';
import { build } from 'esbuild';

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
  charset: 'utf8',
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __cgCreateRequire } from 'node:module';\nconst require = __cgCreateRequire(import.meta.url);",
  },
} as const;

await build({ ...shared, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
await build({ ...shared, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js' });
await chmod('dist/cli.js', 0o755);
