/** GitHub Action entry (action.yml runs dist/index.js): calls run() and nothing else. */
import { run } from './action.ts';

await run();
