import { assessLock, formatLock, parseLock, type DrillLock } from '../../../lib/ops/drill/lock-tag';

const LOCK: DrillLock = {
  drillId: '20250301T120000Z-eu-west-1-4242',
  pid: 4242,
  host: 'oncall-laptop.local',
  startedAt: new Date('2025-03-01T12:00:00.123Z'),
  until: new Date('2025-03-01T12:25:00Z'),
  method: 'invert',
  region: 'eu-west-1',
  originalInverted: false,
};

describe('drill lock', () => {
  test('formats as a compact key=value string that Route 53 tag values accept', () => {
    const value = formatLock(LOCK);

    expect(value).toBe(
      'v1 id=20250301T120000Z-eu-west-1-4242 region=eu-west-1 method=invert inverted=false pid=4242 host=oncall-laptop.local at=2025-03-01T12:00:00Z until=2025-03-01T12:25:00Z',
    );
    expect(value).toMatch(/^[A-Za-z0-9 _.:/=+\-@]{1,256}$/);
  });

  test('round-trips (to the second)', () => {
    expect(parseLock(formatLock(LOCK))).toEqual({
      ok: true,
      lock: { ...LOCK, startedAt: new Date('2025-03-01T12:00:00Z') },
    });
  });

  test('replaces characters tags do not allow in the host name', () => {
    const value = formatLock({ ...LOCK, host: 'my host (wifi)' });

    expect(value).toContain('host=my_host__wifi_');
  });

  test.each([
    ['', 'unknown lock format ""'],
    ['{"json":true}', 'unknown lock format "{\\"json\\":true}"'],
    ['v1 id=x', 'lock lacks region, method, inverted, pid, host, at, until'],
    [formatLock(LOCK).replace('method=invert', 'method=dns'), 'lock has unknown method dns'],
    [
      formatLock(LOCK).replace('inverted=false', 'inverted=maybe'),
      'lock has inverted=maybe, expected true or false',
    ],
    [formatLock(LOCK).replace('pid=4242', 'pid=-1'), 'lock has a bad pid'],
    [
      formatLock(LOCK).replace('at=2025-03-01T12:00:00Z', 'at=yesterday'),
      'lock has a bad timestamp',
    ],
  ])('rejects %j', (value, error) => {
    expect(parseLock(value)).toEqual({ ok: false, error });
  });

  describe('assessLock', () => {
    const before = new Date('2025-03-01T12:10:00Z');
    const after = new Date('2025-03-01T12:30:00Z');

    test('past its deadline it is stale, wherever it was taken', () => {
      expect(assessLock(LOCK, { now: after, hostname: 'other', pidAlive: () => true })).toEqual({
        liveness: 'stale',
        reason: 'past its deadline 2025-03-01T12:25:00Z',
      });
    });

    test('on this host, stale when its process is gone', () => {
      expect(
        assessLock(LOCK, { now: before, hostname: 'oncall-laptop.local', pidAlive: () => false }),
      ).toEqual({ liveness: 'stale', reason: 'pid 4242 is gone from oncall-laptop.local' });
      expect(
        assessLock(LOCK, { now: before, hostname: 'oncall-laptop.local', pidAlive: () => true })
          .liveness,
      ).toBe('running');
    });

    test('on another host before its deadline, assumed running', () => {
      expect(
        assessLock(LOCK, { now: before, hostname: 'ci-runner', pidAlive: () => false }),
      ).toEqual({
        liveness: 'running',
        reason: 'held by pid 4242 on oncall-laptop.local until 2025-03-01T12:25:00Z',
      });
    });
  });
});
