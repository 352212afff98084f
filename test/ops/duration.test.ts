import { formatDuration, parseDuration, toSeconds } from '../../lib/ops/duration';

describe('durations', () => {
  test.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['90', 90_000],
    ['7d', 604_800_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(['', 'abc', '5 minutes', '-5s', '5x', 'm5'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  test('formats', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(3_725_000)).toBe('1h2m5s');
    expect(formatDuration(0)).toBe('0ms');
    expect(toSeconds(12_345)).toBe(12.3);
  });
});
