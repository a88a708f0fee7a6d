import { describe, expect, it } from 'vitest';
import {
  bytes,
  count,
  DASH,
  f3,
  formatNumber,
  interval,
  pct,
  percent,
  pValue,
  signed,
  signedInterval,
  signedPlain,
} from '../../src/render/numbers.js';

describe('plain numbers', () => {
  it('f3 rounds to three decimals and prints a dash for anything undefined', () => {
    expect(f3(0.91249)).toBe('0.912');
    expect(f3(1)).toBe('1.000');
    for (const x of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) expect(f3(x)).toBe(DASH);
  });

  it('pct and percent', () => {
    expect(pct(0.1234)).toBe('12.3%');
    expect(pct(0.1234, 2)).toBe('12.34%');
    expect(pct(null)).toBe(DASH);
    expect(percent(1, 3)).toBe('33.3%');
    expect(percent(0, 0)).toBe(DASH);
  });

  it('count, bytes and pValue', () => {
    expect(count(1234567)).toBe('1,234,567');
    expect(bytes(1023)).toBe('1023 B');
    expect(bytes(1536)).toBe('1.5 KiB');
    expect(bytes(3 * 1024 * 1024)).toBe('3.00 MiB');
    expect(pValue(0.0123)).toBe('0.012');
    expect(pValue(0.00042)).toBe('4.2e-4');
    expect(pValue(null)).toBe(DASH);
  });

  it('formatNumber is short but exact enough, and keeps tiny values visible', () => {
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(0.95)).toBe('0.95');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(3e-7)).toBe('3.00e-7');
    expect(formatNumber(-0.0001)).toBe('-1.00e-4');
    expect(formatNumber(null)).toBe('undefined');
  });
});

describe('signed deltas and intervals', () => {
  it('signed uses a true minus sign and ± for zero', () => {
    expect(signed(0.0123)).toBe('+0.012');
    expect(signed(-0.0345)).toBe('−0.035');
    expect(signed(0)).toBe('±0.000');
    expect(signed(-0.25, formatNumber)).toBe('−0.25');
    expect(signed(null)).toBe(DASH);
  });

  it('signedPlain is ASCII for terminals and rule messages', () => {
    expect(signedPlain(0.5)).toBe('+0.5');
    expect(signedPlain(-0.25)).toBe('-0.25');
    expect(signedPlain(0)).toBe('+0');
  });

  it('signedInterval needs both ends', () => {
    expect(signedInterval({ low: -0.01, high: 0.02 })).toBe('[−0.010, +0.020]');
    expect(signedInterval({ low: -0.01, high: 0.02 }, formatNumber)).toBe('[−0.01, +0.02]');
    expect(signedInterval({ low: null, high: 0.02 })).toBe(DASH);
  });

  it('interval shows the estimate alone when an end is undefined, and a dash without an estimate', () => {
    expect(interval({ estimate: 0.9124, low: 0.893, high: 0.9301 })).toBe('0.912 [0.893, 0.930]');
    expect(interval({ estimate: 0.9124, low: null, high: 0.93 })).toBe('0.912');
    expect(interval({ estimate: null, low: null, high: null })).toBe(DASH);
    expect(interval(null)).toBe(DASH);
    expect(interval({ estimate: 0.5, low: 0.25, high: 0.75 }, (x) => pct(x, 0))).toBe('50% [25%, 75%]');
  });
});
