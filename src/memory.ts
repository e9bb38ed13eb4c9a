import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/*
 * A scan with hundreds of thousands of findings allocates fast, and V8 lets the heap grow to
 * several times what is alive before it collects: the 200k-result benchmark peaked at 950 MiB of
 * resident memory with about 400 MiB alive. Between two phases (scan → reports → evidence) almost
 * all of the previous phase is garbage, so one full collection there keeps the peak near the live
 * set (730 MiB) for a few tenths of a second. Small scans never call this.
 */

type Collect = () => void;
let collect: Collect | null | undefined;

function collector(): Collect | null {
  if (collect !== undefined) return collect;
  try {
    // --expose-gc only makes `gc` visible to contexts created afterwards, hence the fresh context.
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    collect = typeof gc === 'function' ? (gc as Collect) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** Runs a full garbage collection now, if the runtime allows it; a no-op otherwise. */
export function releaseMemory(): void {
  collector()?.();
}
