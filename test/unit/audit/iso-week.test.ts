import { describe, expect, it } from 'vitest';
import { isoWeek } from '../../../src/audit/iso-week.ts';

describe('isoWeek', () => {
  it.each([
    ['2026-01-01T00:00:00Z', '2026-W01'],
    ['2025-12-29T00:00:00Z', '2026-W01'],
    ['2027-01-01T12:00:00Z', '2026-W53'],
    ['2026-03-08T23:59:59Z', '2026-W10'],
    ['2026-03-09T00:00:00Z', '2026-W11'],
  ])('%s is in %s (Monday to Sunday, UTC)', (date, week) => {
    expect(isoWeek(new Date(date))).toBe(week);
  });
});
