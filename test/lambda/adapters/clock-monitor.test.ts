import { ClockMonitor } from '../../../lambda/adapters/clock-monitor';

const SERVER = Date.UTC(2026, 10, 27, 12, 0, 0);

describe('ClockMonitor: this region against AWS time ([K])', () => {
  test('nothing measured yet: unknown, so nothing is refused', () => {
    expect(new ClockMonitor().offsetMs()).toBeUndefined();
  });

  test('a clock within the header resolution reads 0', () => {
    let local = SERVER + 300;
    const monitor = new ClockMonitor(() => local);
    monitor.observe(new Date(SERVER).toUTCString());
    local = SERVER + 999;
    monitor.observe(new Date(SERVER).toUTCString());
    expect(monitor.offsetMs()).toBe(0);
  });

  test('a clock 5 minutes fast is measured within a second, from the median of the samples', () => {
    const monitor = new ClockMonitor(() => SERVER + 300_000);
    for (let index = 0; index < 5; index += 1) monitor.observe(new Date(SERVER).toUTCString());
    // one answer from a slow proxy does not move the median
    monitor.observe(new Date(SERVER + 200_000).toUTCString());
    const offset = monitor.offsetMs() as number;
    expect(offset).toBeGreaterThan(298_000);
    expect(offset).toBeLessThanOrEqual(300_000);
  });

  test('an unreadable header is ignored', () => {
    const monitor = new ClockMonitor(() => SERVER);
    monitor.observe('not a date');
    monitor.observe(undefined);
    expect(monitor.offsetMs()).toBeUndefined();
  });
});
