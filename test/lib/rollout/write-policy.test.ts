import {
  DATA_DOMAINS,
  ROLLOUT_PHASES,
  WRITE_CLASS_NAMES,
  type RolloutPhase,
} from '../../../lambda/domain/catalog';
import {
  buildWritePolicy,
  domainPhaseProblems,
  parseWritePolicy,
  phaseOfOperation,
  resolveDomainPhases,
  serializeWritePolicy,
  writeContextOf,
  WritePolicyError,
} from '../../../lambda/domain/write-policy';
import { writePolicyOf } from '../../../lib/rollout/model';

const VALID = {
  version: 1,
  region: 'eu-west-1',
  primaryRegion: 'us-east-1',
  globalPhase: 'read-local',
  domains: {
    counters: 'active-active',
    sets: 'read-local',
    profiles: 'read-local',
    carts: 'limited-write',
    ledger: 'active-passive',
  },
  limitedWriteClasses: ['cart.update'],
};

describe('buildWritePolicy', () => {
  test('resolves every domain: its override, else the global phase', () => {
    // GIVEN read-local with two overrides WHEN built
    const policy = buildWritePolicy({
      region: 'eu-west-1',
      primaryRegion: 'us-east-1',
      phase: 'read-local',
      domains: { counters: 'active-active', ledger: 'active-passive' },
      limitedWriteClasses: ['counter.increment'],
    });
    // THEN
    expect(policy).toEqual({
      version: 1,
      region: 'eu-west-1',
      primaryRegion: 'us-east-1',
      defaultHome: 'us-east-1',
      globalPhase: 'read-local',
      domains: {
        counters: 'active-active',
        sets: 'read-local',
        profiles: 'read-local',
        carts: 'read-local',
        ledger: 'active-passive',
      },
      limitedWriteClasses: ['counter.increment'],
    });
  });

  test.each(ROLLOUT_PHASES.map((phase) => [phase]))(
    'serialize then parse gives the same policy (%s)',
    (phase) => {
      const policy = buildWritePolicy({
        region: 'ap-southeast-2',
        primaryRegion: 'us-east-1',
        phase,
      });
      expect(parseWritePolicy(serializeWritePolicy(policy))).toEqual(policy);
    },
  );

  test('serializes with a fixed key order (stable templates)', () => {
    const text = serializeWritePolicy(
      buildWritePolicy({
        region: 'eu-west-1',
        primaryRegion: 'us-east-1',
        phase: 'active-passive',
      }),
    );
    expect(text).toBe(
      '{"version":1,"region":"eu-west-1","primaryRegion":"us-east-1","globalPhase":"active-passive","domains":{"counters":"active-passive","sets":"active-passive","profiles":"active-passive","carts":"active-passive","ledger":"active-passive"},"limitedWriteClasses":[]}',
    );
  });
});

describe('parseWritePolicy', () => {
  test('accepts a valid policy; the default home is the primary unless pinned', () => {
    expect(parseWritePolicy(JSON.stringify(VALID))).toEqual({
      ...VALID,
      defaultHome: 'us-east-1',
    });
    const pinned = { ...VALID, defaultHome: 'eu-west-1' };
    expect(parseWritePolicy(JSON.stringify(pinned))).toEqual(pinned);
    expect(
      parseWritePolicy(serializeWritePolicy(parseWritePolicy(JSON.stringify(pinned)))),
    ).toEqual(pinned);
  });

  test.each([
    ['not JSON', '{nope', /^invalid WRITE_POLICY: is not JSON \(.+\); redeploy the region stack$/],
    ['an array', '[]', /^invalid WRITE_POLICY: must be a JSON object, got \[\]; redeploy/],
    [
      'a wrong version',
      JSON.stringify({ ...VALID, version: 2 }),
      /^invalid WRITE_POLICY: version must be 1, got 2; redeploy the region stack$/,
    ],
    [
      'an unknown phase',
      JSON.stringify({ ...VALID, domains: { ...VALID.domains, carts: 'everywhere' } }),
      /domains\.carts must be one of active-passive \| read-local \| limited-write \| active-active, got "everywhere"/,
    ],
    [
      'a missing domain',
      JSON.stringify({ ...VALID, domains: { ...VALID.domains, ledger: undefined } }),
      /domains\.ledger must be one of .*, got nothing/,
    ],
    [
      'an unknown domain',
      JSON.stringify({ ...VALID, domains: { ...VALID.domains, pets: 'read-local' } }),
      /domains\.pets is not a data domain \(counters, sets, profiles, carts, ledger\)/,
    ],
    [
      'an unknown write class',
      JSON.stringify({ ...VALID, limitedWriteClasses: ['cart.update', 'cart.burn'] }),
      /limitedWriteClasses\[1\] must be a write class \(.*\), got "cart.burn"/,
    ],
    [
      'an unknown field',
      JSON.stringify({ ...VALID, extra: true }),
      /extra is not a write policy field/,
    ],
    [
      'a bad region',
      JSON.stringify({ ...VALID, region: 'EU West' }),
      /region must be a region name such as eu-west-1, got "EU West"/,
    ],
    [
      'a domain ahead of active-passive DNS',
      JSON.stringify({
        ...VALID,
        globalPhase: 'active-passive',
        domains: {
          ...VALID.domains,
          counters: 'limited-write',
          sets: 'active-passive',
          profiles: 'active-passive',
          carts: 'active-passive',
        },
      }),
      /domains\.counters is limited-write but globalPhase is active-passive/,
    ],
  ])('refuses %s with one clear error', (_name, json, message) => {
    expect(() => parseWritePolicy(json)).toThrow(WritePolicyError);
    expect(() => parseWritePolicy(json)).toThrow(message);
  });

  test('names every problem in one error', () => {
    const json = JSON.stringify({ ...VALID, version: 0, region: 7, limitedWriteClasses: 'x' });
    expect(() => parseWritePolicy(json)).toThrow(
      /version must be 1, got 0; region must be .*, got 7; limitedWriteClasses must be a list of write classes, got "x"; redeploy/,
    );
  });
});

describe('domainPhaseProblems', () => {
  test('nothing may be ahead of active-passive DNS', () => {
    expect(domainPhaseProblems('active-passive', { counters: 'read-local' })).toEqual([
      'rollout.domains.counters is read-local but rollout.phase is active-passive: while DNS is active-passive the secondaries are standbys and no domain may write there; promote rollout.phase to read-local first, or set rollout.domains.counters to active-passive',
    ]);
  });

  test.each(
    ROLLOUT_PHASES.filter((phase) => phase !== 'active-passive').flatMap((global) =>
      ROLLOUT_PHASES.map((domain) => [global, domain] as [RolloutPhase, RolloutPhase]),
    ),
  )(
    'from read-local on, a domain may be ahead or behind (global %s, domain %s)',
    (global, domain) => {
      expect(domainPhaseProblems(global, { ledger: domain })).toEqual([]);
    },
  );
});

describe('phaseOfOperation and writeContextOf', () => {
  const policy = parseWritePolicy(JSON.stringify(VALID));

  test('a write class takes the phase of its domain', () => {
    expect(phaseOfOperation(policy, 'counter.increment')).toBe('active-active');
    expect(phaseOfOperation(policy, 'cart.update')).toBe('limited-write');
    expect(phaseOfOperation(policy, 'ledger.entry')).toBe('active-passive');
  });

  test('ownership operations take the global phase', () => {
    expect(phaseOfOperation(policy, 'ownership.transfer')).toBe('read-local');
  });

  test('every write class maps to a domain of the policy', () => {
    for (const operation of WRITE_CLASS_NAMES) {
      expect(ROLLOUT_PHASES).toContain(phaseOfOperation(policy, operation));
    }
  });

  test('writeContextOf carries region, primary and the limited classes', () => {
    expect(writeContextOf(policy, 'set.add')).toEqual({
      phase: 'read-local',
      region: 'eu-west-1',
      primaryRegion: 'us-east-1',
      limitedWriteClasses: ['cart.update'],
    });
  });

  test('resolveDomainPhases covers every domain', () => {
    expect(Object.keys(resolveDomainPhases('read-local'))).toEqual([...DATA_DOMAINS]);
  });
});

describe('writePolicyOf: the default home is the data region ([J])', () => {
  test('a change of the primary region moves no never-assigned tenant', () => {
    const settings = {
      phase: 'read-local' as const,
      domains: {},
      limitedWriteClasses: [],
      allowMultiStep: false,
    };
    const config = {
      rollout: settings,
      primaryRegion: 'eu-west-1',
      dataRegion: 'us-east-1',
      regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
    };
    const policy = writePolicyOf(config, 'ap-southeast-2');
    expect(policy).toMatchObject({ primaryRegion: 'eu-west-1', defaultHome: 'us-east-1' });
    // carried in WRITE_POLICY only when it differs from the primary
    expect(JSON.parse(serializeWritePolicy(policy))).toMatchObject({ defaultHome: 'us-east-1' });
    expect(
      JSON.parse(
        serializeWritePolicy(
          writePolicyOf({ ...config, primaryRegion: 'us-east-1' }, 'ap-southeast-2'),
        ),
      ),
    ).not.toHaveProperty('defaultHome');
  });
});

describe('writePolicyOf', () => {
  test('gives the resolved policy of a region', () => {
    const policy = writePolicyOf(
      {
        rollout: {
          phase: 'read-local',
          domains: { carts: 'limited-write' },
          limitedWriteClasses: [],
          allowMultiStep: false,
        },
        primaryRegion: 'us-east-1',
        regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
      },
      'eu-west-1',
    );
    expect(policy).toEqual({
      version: 1,
      region: 'eu-west-1',
      primaryRegion: 'us-east-1',
      defaultHome: 'us-east-1',
      globalPhase: 'read-local',
      domains: {
        counters: 'read-local',
        sets: 'read-local',
        profiles: 'read-local',
        carts: 'limited-write',
        ledger: 'read-local',
      },
      limitedWriteClasses: [],
    });
  });
});
