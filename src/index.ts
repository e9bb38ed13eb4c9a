/** GitHub Action entry: calls run() and nothing else; the Action itself arrives with the GitHub issue. */
import { run } from './action/run.ts';

await run();
