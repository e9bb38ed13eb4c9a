/** GitHub Action entry: calls run() and nothing else. */
import { run } from './platforms/github/run.ts';

await run();
