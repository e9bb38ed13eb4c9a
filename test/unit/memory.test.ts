import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { releaseMemory } from '../../src/memory.ts';

describe('releaseMemory', () => {
  it('collects garbage now: an unreachable object is gone right after it', async () => {
    let big: number[] | undefined = Array.from({ length: 100_000 }, (_, i) => i);
    const ref = new WeakRef(big);
    big = undefined;
    // A WeakRef keeps its target alive until the current job ends.
    await nextTurn();
    releaseMemory();
    expect(ref.deref()).toBeUndefined();
  });
});
