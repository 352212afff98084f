import { readHealth, type CheckerObservation } from '../../lib/ops/health';

const obs = (ok: number, failing: number): CheckerObservation[] => [
  ...Array.from({ length: ok }, (_, index) => ({
    checkerRegion: `r${index}`,
    status: 'Success: HTTP Status Code 200, OK',
  })),
  ...Array.from({ length: failing }, (_, index) => ({
    checkerRegion: `f${index}`,
    status: 'Failure: HTTP Status Code 503, Service Unavailable',
  })),
];
const plain = { inverted: false, disabled: false };

describe('readHealth', () => {
  test('healthy when more than 18% of checkers report success', () => {
    expect(readHealth(obs(2, 8), plain)).toEqual({
      state: 'healthy',
      healthyCheckers: 2,
      totalCheckers: 10,
    });
    expect(readHealth(obs(1, 7), plain).state).toBe('unhealthy'); // 12.5%
    expect(readHealth(obs(9, 41), plain).state).toBe('unhealthy'); // exactly 18%
  });

  test('inverted flips the result', () => {
    expect(readHealth(obs(8, 0), { inverted: true, disabled: false }).state).toBe('unhealthy');
    expect(readHealth(obs(0, 8), { inverted: true, disabled: false }).state).toBe('healthy');
  });

  test('disabled is healthy, or unhealthy when also inverted', () => {
    expect(readHealth([], { inverted: false, disabled: true }).state).toBe('healthy');
    expect(readHealth(obs(0, 8), { inverted: true, disabled: true }).state).toBe('unhealthy');
  });

  test('no observations read as unknown', () => {
    expect(readHealth([], plain)).toEqual({
      state: 'unknown',
      healthyCheckers: 0,
      totalCheckers: 0,
    });
  });
});
