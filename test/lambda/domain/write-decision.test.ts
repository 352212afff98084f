import {
  OWNERSHIP_OPERATIONS,
  ROLLOUT_PHASES,
  WRITE_CLASS_NAMES,
  type Operation,
  type RolloutPhase,
  type WriteClass,
} from '../../../lambda/domain/catalog';
import {
  assertLimitedWriteClasses,
  decideWrite,
  explainWriteDecision,
  limitedWriteClassProblems,
  type WriteContext,
  type WriteDecision,
} from '../../../lambda/domain/write-decision';

const PRIMARY = 'us-east-1';
const HOME_ELSEWHERE = 'eu-west-1';
const OTHER = 'ap-southeast-2';

/** Where the deciding region stands. */
const LOCATIONS = {
  'primary & home': { region: PRIMARY, home: PRIMARY },
  'primary only': { region: PRIMARY, home: HOME_ELSEWHERE },
  'home only': { region: HOME_ELSEWHERE, home: HOME_ELSEWHERE },
  neither: { region: OTHER, home: HOME_ELSEWHERE },
} as const;
type Location = keyof typeof LOCATIONS;
const LOCATION_ORDER = Object.keys(LOCATIONS) as Location[];

const LIMITED: WriteClass[] = ['counter.increment', 'set.add', 'cart.update'];

/** Every operation, by the row of the table it falls in. */
const CATEGORIES = {
  'global, listed for limited-write': LIMITED,
  'global, not listed': ['set.remove', 'profile.patch'],
  'owner-only write class': ['profile.put', 'ledger.entry'],
  'ownership transfer': ['ownership.transfer'],
} as const satisfies Record<string, readonly Operation[]>;
type Category = keyof typeof CATEGORIES;

type Outcome = 'local' | 'to primary' | 'to home';

/**
 * The decision table with `whenNotOwner: 'forward'` on a first hop. Columns, in order: this region
 * is the primary and the home; the primary only; the home only; neither.
 * "to X" means forward-to-owner X (or reject naming X when rejecting or already forwarded).
 */
const TABLE: readonly [RolloutPhase, Category, readonly [Outcome, Outcome, Outcome, Outcome]][] = [
  [
    'active-passive',
    'global, listed for limited-write',
    ['local', 'local', 'to primary', 'to primary'],
  ],
  ['active-passive', 'global, not listed', ['local', 'local', 'to primary', 'to primary']],
  // owner-only classes follow the ownership record in every phase ([J]: one owner at a time)
  ['active-passive', 'owner-only write class', ['local', 'to home', 'local', 'to home']],
  ['active-passive', 'ownership transfer', ['local', 'to home', 'local', 'to home']],
  ['read-local', 'global, listed for limited-write', ['local', 'to home', 'local', 'to home']],
  ['read-local', 'global, not listed', ['local', 'to home', 'local', 'to home']],
  ['read-local', 'owner-only write class', ['local', 'to home', 'local', 'to home']],
  ['read-local', 'ownership transfer', ['local', 'to home', 'local', 'to home']],
  ['limited-write', 'global, listed for limited-write', ['local', 'local', 'local', 'local']],
  ['limited-write', 'global, not listed', ['local', 'to home', 'local', 'to home']],
  ['limited-write', 'owner-only write class', ['local', 'to home', 'local', 'to home']],
  ['limited-write', 'ownership transfer', ['local', 'to home', 'local', 'to home']],
  ['active-active', 'global, listed for limited-write', ['local', 'local', 'local', 'local']],
  ['active-active', 'global, not listed', ['local', 'local', 'local', 'local']],
  ['active-active', 'owner-only write class', ['local', 'to home', 'local', 'to home']],
  ['active-active', 'ownership transfer', ['local', 'to home', 'local', 'to home']],
];

function expected(outcome: Outcome, home: string, mustReject: boolean): WriteDecision {
  if (outcome === 'local') {
    return { kind: 'local' };
  }
  const owner = outcome === 'to primary' ? PRIMARY : home;
  return mustReject ? { kind: 'reject', owner } : { kind: 'forward-to-owner', owner };
}

const cases = TABLE.flatMap(([phase, category, outcomes]) =>
  CATEGORIES[category].flatMap((operation) =>
    LOCATION_ORDER.flatMap((location, column) =>
      (['forward', 'reject'] as const).flatMap((whenNotOwner) =>
        [false, true].map((forwarded) => {
          const { region, home } = LOCATIONS[location];
          const context: WriteContext = {
            phase,
            region,
            primaryRegion: PRIMARY,
            home,
            operation,
            limitedWriteClasses: LIMITED,
            whenNotOwner,
            forwarded,
          };
          const outcome = outcomes[column] as Outcome;
          return {
            name: `${phase} | ${operation} | ${location} | ${whenNotOwner}${forwarded ? ' | forwarded' : ''}`,
            context,
            decision: expected(outcome, home, whenNotOwner === 'reject' || forwarded),
          };
        }),
      ),
    ),
  ),
);

describe('decideWrite: the exhaustive table', () => {
  it('covers every phase, every operation and every combination', () => {
    const operations = Object.values(CATEGORIES).flat();
    expect([...operations].sort()).toEqual([...WRITE_CLASS_NAMES, ...OWNERSHIP_OPERATIONS].sort());
    expect(new Set(TABLE.map(([phase]) => phase))).toEqual(new Set(ROLLOUT_PHASES));
    expect(cases).toHaveLength(
      ROLLOUT_PHASES.length * operations.length * LOCATION_ORDER.length * 2 * 2,
    );
  });

  it.each(cases)('$name', ({ context, decision }) => {
    expect(decideWrite(context)).toEqual(decision);
  });
});

describe('decideWrite: properties of the table', () => {
  it('never lets a later phase write less locally than an earlier one, from read-local on', () => {
    const promoted = ROLLOUT_PHASES.slice(1);
    for (const { context } of cases) {
      const local = promoted.map((phase) => decideWrite({ ...context, phase }).kind === 'local');
      local.forEach((isLocal, index) => {
        if (index > 0 && local[index - 1]) {
          expect(isLocal).toBe(true);
        }
      });
    }
  });

  it('uses forward as the default for a first hop', () => {
    expect(
      decideWrite({
        phase: 'read-local',
        region: OTHER,
        primaryRegion: PRIMARY,
        home: HOME_ELSEWHERE,
        operation: 'counter.increment',
        limitedWriteClasses: [],
      }),
    ).toEqual({ kind: 'forward-to-owner', owner: HOME_ELSEWHERE });
  });

  it('explains non-local decisions in one line', () => {
    const context: WriteContext = {
      phase: 'active-active',
      region: OTHER,
      primaryRegion: PRIMARY,
      home: HOME_ELSEWHERE,
      operation: 'ledger.entry',
      limitedWriteClasses: [],
      whenNotOwner: 'reject',
    };
    expect(explainWriteDecision(decideWrite(context), context)).toBe(
      "ledger.entry is owner-only and the tenant's home region is eu-west-1; send the write to eu-west-1",
    );
    const passive = {
      ...context,
      operation: 'counter.increment' as const,
      phase: 'active-passive' as const,
      whenNotOwner: 'forward' as const,
    };
    expect(explainWriteDecision(decideWrite(passive), passive)).toBe(
      'in phase active-passive only the primary region us-east-1 writes; forwarded from ap-southeast-2',
    );
  });
});

describe('limited write classes (startup check)', () => {
  it('accepts globally writable classes', () => {
    expect(limitedWriteClassProblems(LIMITED)).toEqual([]);
    expect(() => assertLimitedWriteClasses(LIMITED)).not.toThrow();
  });

  it('rejects owner-only and unknown classes, naming the fix', () => {
    expect(() => assertLimitedWriteClasses(['ledger.entry', 'cart.delete'])).toThrow(
      "limited write class 'ledger.entry' is owner-only and always runs in the tenant's home region; remove it (globally writable classes: counter.increment, set.add, set.remove, profile.patch, cart.update); limited write class \"cart.delete\" is unknown; use one of counter.increment, set.add, set.remove, profile.put, profile.patch, cart.update, ledger.entry",
    );
  });
});
