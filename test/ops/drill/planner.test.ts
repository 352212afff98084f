import fc from 'fast-check';
import { ROLLOUT_PHASES } from '../../../lambda/domain/catalog';
import {
  planDrill,
  servingRegions,
  type PlanInput,
  type RegionHealthInput,
} from '../../../lib/ops/drill/planner';
import type { HealthState } from '../../../lib/ops/health';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

function row(
  region: string,
  state: HealthState,
  extra: Partial<RegionHealthInput> = {},
): RegionHealthInput {
  return {
    region,
    healthCheckId: `hc-${region}`,
    reading: { state, healthyCheckers: state === 'healthy' ? 8 : 0, totalCheckers: 8 },
    inverted: false,
    disabled: false,
    ...extra,
  };
}

function input(states: HealthState[], overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    regions: REGIONS.map((region, index) => row(region, states[index] ?? 'healthy')),
    target: 'eu-west-1',
    method: 'invert',
    minHealthyRegions: 1,
    phase: 'active-active',
    primaryRegion: 'us-east-1',
    ...overrides,
  };
}

describe('planDrill', () => {
  test('GIVEN three healthy regions WHEN failing one THEN it is allowed and the matrix shows it out', () => {
    const plan = planDrill(input(['healthy', 'healthy', 'healthy']));

    expect(plan.allowed).toBe(true);
    expect(plan.healthyNow).toBe(3);
    expect(plan.healthyAfter).toBe(2);
    expect(plan.matrix).toEqual([
      {
        region: 'us-east-1',
        healthCheckId: 'hc-us-east-1',
        target: false,
        now: 'healthy',
        after: 'healthy',
        servesNow: true,
        servesAfter: true,
      },
      {
        region: 'eu-west-1',
        healthCheckId: 'hc-eu-west-1',
        target: true,
        now: 'healthy',
        after: 'unhealthy',
        servesNow: true,
        servesAfter: false,
      },
      {
        region: 'ap-southeast-2',
        healthCheckId: 'hc-ap-southeast-2',
        target: false,
        now: 'healthy',
        after: 'healthy',
        servesNow: true,
        servesAfter: true,
      },
    ]);
  });

  test('GIVEN the target is the last healthy region THEN it refuses, naming the minimum and fail-open', () => {
    const plan = planDrill(input(['unhealthy', 'healthy', 'unknown']));

    expect(plan.allowed).toBe(false);
    expect(plan.failsOpenAfter).toBe(true);
    expect(plan.refusals).toEqual([
      {
        code: 'min-healthy',
        message:
          'taking eu-west-1 out would leave 0 healthy regions (none), fewer than drills.minHealthyRegions=1, and Route 53 fails open; restore the unhealthy regions first',
      },
    ]);
    // Fail open: with nothing healthy, latency routing answers with every region.
    expect(plan.matrix.every((entry) => entry.servesAfter)).toBe(true);
  });

  test('GIVEN minHealthyRegions=2 and one other healthy region THEN it refuses', () => {
    const plan = planDrill(input(['healthy', 'healthy', 'unhealthy'], { minHealthyRegions: 2 }));

    expect(plan.refusals.map((refusal) => refusal.code)).toEqual(['min-healthy']);
    expect(plan.refusals[0]?.message).toContain('would leave 1 healthy region (us-east-1)');
  });

  test('GIVEN the target is already unhealthy THEN it refuses (inverting it would bring it back)', () => {
    const plan = planDrill(input(['healthy', 'unhealthy', 'healthy']));

    expect(plan.refusals.map((refusal) => refusal.code)).toEqual(['target-not-healthy']);
  });

  test('GIVEN no health check for the target THEN it refuses with the fix', () => {
    const base = input(['healthy', 'healthy', 'healthy']);
    const plan = planDrill({
      ...base,
      regions: base.regions.map((entry) =>
        entry.region === 'eu-west-1' ? { ...entry, healthCheckId: undefined } : entry,
      ),
    });

    expect(plan.refusals).toEqual([
      {
        code: 'no-health-check',
        message:
          'no health check found for eu-west-1; deploy its region stack, then run aactl status',
      },
    ]);
  });

  test('GIVEN an unknown target region THEN it refuses', () => {
    const plan = planDrill(input(['healthy', 'healthy', 'healthy'], { target: 'sa-east-1' }));

    expect(plan.refusals[0]?.code).toBe('unknown-region');
  });

  test('GIVEN drain on a disabled health check THEN it refuses and suggests invert', () => {
    const base = input(['healthy', 'healthy', 'healthy'], { method: 'drain' });
    const plan = planDrill({
      ...base,
      regions: base.regions.map((entry) => ({ ...entry, disabled: entry.region === 'eu-west-1' })),
    });

    expect(plan.refusals.map((refusal) => refusal.code)).toEqual(['drain-disabled-check']);
    expect(plan.refusals[0]?.message).toContain('use --method invert');
  });

  test('GIVEN active-passive and a standby target THEN it warns that DNS will not change', () => {
    const plan = planDrill(input(['healthy', 'healthy', 'healthy'], { phase: 'active-passive' }));

    expect(plan.allowed).toBe(true);
    expect(plan.warnings).toEqual([
      'in phase active-passive eu-west-1 is a standby: DNS answers with us-east-1 before and after, so DNS convergence will be immediate',
    ]);
    expect(plan.matrix.map((entry) => [entry.region, entry.servesNow, entry.servesAfter])).toEqual([
      ['us-east-1', true, true],
      ['eu-west-1', false, false],
      ['ap-southeast-2', false, false],
    ]);
  });

  test('GIVEN an inverted target and unknown regions THEN it warns', () => {
    const base = input(['unknown', 'healthy', 'healthy']);
    const plan = planDrill({
      ...base,
      regions: base.regions.map((entry) => ({ ...entry, inverted: entry.region === 'eu-west-1' })),
    });

    expect(plan.allowed).toBe(true);
    expect(plan.warnings).toEqual([
      'us-east-1 has no health-checker reports yet; it counts as unhealthy',
      'the health check of eu-west-1 is inverted already (left over from an earlier drill?); the drill flips it and restores it to inverted',
    ]);
  });
});

describe('servingRegions', () => {
  const states = (entries: [string, HealthState][]) => new Map(entries);

  test('active-passive: primary while healthy, then healthy standbys, then the primary', () => {
    expect(
      servingRegions(
        states([
          ['a', 'healthy'],
          ['b', 'healthy'],
        ]),
        ['a', 'b'],
        'active-passive',
        'a',
      ),
    ).toEqual(['a']);
    expect(
      servingRegions(
        states([
          ['a', 'unhealthy'],
          ['b', 'healthy'],
        ]),
        ['a', 'b'],
        'active-passive',
        'a',
      ),
    ).toEqual(['b']);
    expect(
      servingRegions(
        states([
          ['a', 'unhealthy'],
          ['b', 'unhealthy'],
        ]),
        ['a', 'b'],
        'active-passive',
        'a',
      ),
    ).toEqual(['a']);
  });

  test('latency phases: healthy regions, or all of them when none is healthy (fail open)', () => {
    expect(
      servingRegions(
        states([
          ['a', 'healthy'],
          ['b', 'unknown'],
        ]),
        ['a', 'b'],
        'read-local',
        'a',
      ),
    ).toEqual(['a']);
    expect(
      servingRegions(
        states([
          ['a', 'unhealthy'],
          ['b', 'unhealthy'],
        ]),
        ['a', 'b'],
        'active-active',
        'a',
      ),
    ).toEqual(['a', 'b']);
  });
});

interface Sample {
  states: HealthState[];
  targetIndex: number;
  minHealthy: number;
  method: 'invert' | 'drain';
  phase: (typeof ROLLOUT_PHASES)[number];
}

describe('planDrill properties', () => {
  const stateArb = fc.constantFrom<HealthState>('healthy', 'unhealthy', 'unknown');
  const matrixArb = fc.array(stateArb, { minLength: 2, maxLength: 8 }).chain((states) =>
    fc.record({
      states: fc.constant(states),
      targetIndex: fc.nat({ max: states.length - 1 }),
      minHealthy: fc.integer({ min: 1, max: states.length - 1 }),
      method: fc.constantFrom('invert' as const, 'drain' as const),
      phase: fc.constantFrom(...ROLLOUT_PHASES),
    }),
  );

  function build(sample: Sample, targetHealthy: boolean): PlanInput {
    const regions = sample.states.map((state, index) =>
      row(`r${index}`, index === sample.targetIndex && targetHealthy ? 'healthy' : state),
    );
    return {
      regions,
      target: `r${sample.targetIndex}`,
      method: sample.method,
      minHealthyRegions: sample.minHealthy,
      phase: sample.phase,
      primaryRegion: 'r0',
    };
  }

  const othersHealthy = (plan: PlanInput) =>
    plan.regions.filter(
      (entry) => entry.region !== plan.target && entry.reading.state === 'healthy',
    ).length;

  test('a drill on a healthy region is refused exactly when fewer than the minimum would stay healthy', () => {
    fc.assert(
      fc.property(matrixArb, (sample) => {
        const planInput = build(sample, true);
        const plan = planDrill(planInput);
        expect(plan.allowed).toBe(othersHealthy(planInput) >= sample.minHealthy);
        expect(plan.healthyAfter).toBe(othersHealthy(planInput));
      }),
      { numRuns: 500, seed: 20250301, verbose: true },
    );
  });

  test('over any matrix, the min-healthy refusal appears exactly when fewer than the minimum stay healthy', () => {
    fc.assert(
      fc.property(matrixArb, (sample) => {
        const planInput = build(sample, false);
        const plan = planDrill(planInput);
        const tooFew = othersHealthy(planInput) < sample.minHealthy;
        expect(plan.refusals.some((refusal) => refusal.code === 'min-healthy')).toBe(tooFew);
        const targetHealthy = sample.states[sample.targetIndex] === 'healthy';
        expect(plan.allowed).toBe(!tooFew && targetHealthy);
        // The action never makes another region unhealthy.
        for (const entry of plan.matrix) {
          if (!entry.target) expect(entry.after).toBe(entry.now);
          else expect(entry.after).toBe('unhealthy');
        }
      }),
      { numRuns: 500, seed: 20250302, verbose: true },
    );
  });
});
