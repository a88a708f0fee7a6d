import { describe, expect, it } from 'vitest';
import { isoWeek } from '../../src/labelers/drift.js';

/** ISO 8601 weeks, against Python's `datetime.date.isocalendar()` (printed once, copied here). */
describe('isoWeek', () => {
  it.each([
    ['2021-01-03', '2020-W53'],
    ['2021-01-04', '2021-W01'],
    ['2024-12-30', '2025-W01'],
    ['2026-01-01', '2026-W01'],
    ['2026-01-05', '2026-W02'],
    ['2027-01-01', '2026-W53'],
    ['2025-12-31', '2026-W01'],
    ['2020-12-31', '2020-W53'],
  ])('%s is %s', (day, week) => {
    expect(isoWeek(Date.parse(`${day}T00:00:00Z`))).toBe(week);
    expect(isoWeek(Date.parse(`${day}T23:59:59.999Z`))).toBe(week);
  });
});
