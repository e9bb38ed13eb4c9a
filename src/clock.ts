/**
 * Time as controlgate sees it. Reports and evidence take timestamps and durations from here, so a
 * fixed clock (tests, or SOURCE_DATE_EPOCH for reproducible bundles) gives byte-identical output.
 */
export interface Clock {
  now(): Date;
  /** A monotonic reading in milliseconds, for durations. */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
};

/** A clock that always says `at`; every duration measured with it is 0. */
export function fixedClock(at: Date): Clock {
  return { now: () => new Date(at.getTime()), monotonicMs: () => 0 };
}

/**
 * The clock for a run: SOURCE_DATE_EPOCH (seconds, the reproducible-builds convention) fixes it;
 * otherwise the system clock.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv): Clock {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch)) return fixedClock(new Date(Number(epoch) * 1000));
  return systemClock;
}
