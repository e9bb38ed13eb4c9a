/**
 * The local Actions cache service (test/support/fake-actions-cache.ts) in a process of its own, for
 * bench/install.ts: the benchmark times its runs synchronously, which would stall a server in its own
 * event loop. Prints one JSON line (the variables a `uses:` step gets) and serves until SIGTERM.
 *   node bench/actions-cache-server.ts <folder for the archives>
 */
import { startFakeActionsCache } from '../test/support/fake-actions-cache.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node bench/actions-cache-server.ts <folder for the archives>');
const cache = await startFakeActionsCache(dir);
process.stdout.write(`${JSON.stringify(cache.env())}\n`);
process.on('SIGTERM', () => {
  cache.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
