import {
  checkRolloutStep,
  describeVerdict,
  type RolloutState,
} from '../../../lambda/contract/rollout-step';
import {
  DATA_DOMAINS,
  phaseIndex,
  ROLLOUT_PHASES,
  type DataDomain,
  type RolloutPhase,
} from '../../../lambda/domain/catalog';
import { resolveDomainPhases } from '../../../lambda/domain/write-policy';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

function state(
  phase: RolloutPhase,
  domains: Partial<Record<DataDomain, RolloutPhase>> = {},
  regions: string[] = REGIONS,
): RolloutState {
  return { phase, domains: resolveDomainPhases(phase, domains), regions };
}

const PAIRS = ROLLOUT_PHASES.flatMap((from) =>
  ROLLOUT_PHASES.map((to) => [from, to] as [RolloutPhase, RolloutPhase]),
);

describe('checkRolloutStep: the global phase, every pair of phases', () => {
  test.each(PAIRS)('%s -> %s', (from, to) => {
    const distance = Math.abs(phaseIndex(to) - phaseIndex(from));
    // WHEN checked without and with force
    const plain = checkRolloutStep(state(from), state(to), { allowMultiStep: false });
    const forced = checkRolloutStep(state(from), state(to), { allowMultiStep: true });
    // THEN at most one step passes; more needs force, and force always passes
    expect(plain.allowed).toBe(distance <= 1);
    expect(forced.allowed).toBe(true);
    expect(forced.forced.length > 0).toBe(distance > 1);
    // every domain follows the global phase, so each moves as far
    expect(plain.moves).toHaveLength(distance === 0 ? 0 : 1 + DATA_DOMAINS.length);
  });
});

describe('checkRolloutStep: each domain on its own, every pair of phases', () => {
  test.each(
    DATA_DOMAINS.flatMap((domain) => PAIRS.map(([from, to]) => [domain, from, to] as const)),
  )('%s %s -> %s (global phase stays read-local)', (domain, from, to) => {
    const verdict = checkRolloutStep(
      state('read-local', { [domain]: from }),
      state('read-local', { [domain]: to }),
      { allowMultiStep: false },
    );
    expect(verdict.allowed).toBe(Math.abs(phaseIndex(to) - phaseIndex(from)) <= 1);
    expect(verdict.moves.map((move) => move.key)).toEqual(
      from === to ? [] : [`rollout.domains.${domain}`],
    );
  });
});

describe('checkRolloutStep messages', () => {
  test('a two-step promotion is refused naming the phases, the next step and the force flag', () => {
    // GIVEN active-passive deployed WHEN limited-write is requested
    const verdict = checkRolloutStep(state('active-passive'), state('limited-write'), {
      allowMultiStep: false,
    });
    // THEN
    expect(verdict.allowed).toBe(false);
    expect(verdict.refusals[0]).toBe(
      'rollout.phase would move from active-passive to limited-write (2 steps); a deploy moves at most one step: deploy read-local first, or force it with -c activeActive.rollout.allowMultiStep=true',
    );
    expect(describeVerdict(verdict)).toMatch(
      /^rollout step refused: rollout\.phase would move from active-passive to limited-write \(2 steps\); .*; rollout\.domains\.counters would move/,
    );
  });

  test('a three-step demotion names the phase one step down', () => {
    const verdict = checkRolloutStep(
      state('read-local', { ledger: 'active-active' }),
      state('read-local', { ledger: 'active-passive' }),
      { allowMultiStep: false },
    );
    expect(verdict.refusals).toEqual([
      'rollout.domains.ledger would move from active-active to active-passive (3 steps); a deploy moves at most one step: deploy limited-write first, or force it with -c activeActive.rollout.allowMultiStep=true',
    ]);
  });

  test('one step is allowed and summarized', () => {
    const verdict = checkRolloutStep(
      state('read-local'),
      state('read-local', { counters: 'limited-write' }),
      { allowMultiStep: false },
    );
    expect(describeVerdict(verdict)).toBe(
      'rollout step allowed: rollout.domains.counters read-local -> limited-write',
    );
  });

  test('a forced jump is allowed and says so', () => {
    const verdict = checkRolloutStep(state('active-passive'), state('active-active'), {
      allowMultiStep: true,
    });
    expect(describeVerdict(verdict)).toMatch(
      /^rollout step allowed \(forced\): rollout\.phase active-passive -> active-active, .*; rollout\.phase would move from active-passive to active-active \(3 steps\), forced by rollout\.allowMultiStep/,
    );
  });

  test('no change says so', () => {
    const verdict = checkRolloutStep(state('read-local'), state('read-local'), {
      allowMultiStep: false,
    });
    expect(describeVerdict(verdict)).toBe('rollout step allowed: no rollout change');
  });
});

describe('checkRolloutStep: replica regions', () => {
  test.each([
    ['one region added', [...REGIONS, 'eu-central-1'], true],
    ['one serving (protected) region removed', ['us-east-1', 'eu-west-1'], false],
    ['the same regions reordered', ['us-east-1', 'ap-southeast-2', 'eu-west-1'], true],
    ['two regions added', [...REGIONS, 'eu-central-1', 'us-west-2'], false],
    ['one added and one removed', ['us-east-1', 'eu-west-1', 'eu-central-1'], false],
  ])('%s', (_name, regions, allowed) => {
    const verdict = checkRolloutStep(state('read-local'), state('read-local', {}, regions), {
      allowMultiStep: false,
    });
    expect(verdict.allowed).toBe(allowed);
  });

  test('force does not lift the one-replica-per-deploy limit, and the message says so', () => {
    const verdict = checkRolloutStep(
      state('read-local'),
      state('read-local', {}, ['us-east-1', 'eu-west-1', 'eu-central-1']),
      { allowMultiStep: true },
    );
    expect(verdict.allowed).toBe(false);
    expect(verdict.refusals).toEqual([
      'this deploy adds eu-central-1 and removes ap-southeast-2, but a global table adds or removes only one replica region per deploy (allowMultiStep does not lift this DynamoDB limit): change one region per deploy',
      'replica ap-southeast-2 still has deletion protection, so removing it would fail and roll back; take it out in order, one deploy each: retiringRegion {region: ap-southeast-2, step: out-of-dns}, destroy its region stack, step unprotected, then remove it from regions (README, Removing a region)',
    ]);
  });

  test('a region change and a phase step together are one step each, and allowed', () => {
    const verdict = checkRolloutStep(
      state('active-passive'),
      state('read-local', {}, [...REGIONS, 'eu-central-1']),
      { allowMultiStep: false },
    );
    expect(verdict.allowed).toBe(true);
    expect(verdict.regionsAdded).toEqual(['eu-central-1']);
  });
});

describe('checkRolloutStep: taking a region out, one step per deploy, in the order that works', () => {
  const AP = 'ap-southeast-2';
  const serving = state('read-local');
  const outOfDns: RolloutState = { ...serving, retiring: { region: AP, step: 'out-of-dns' } };
  const unprotected: RolloutState = { ...serving, retiring: { region: AP, step: 'unprotected' } };
  const removed = state('read-local', {}, ['us-east-1', 'eu-west-1']);
  const STAGES = { serving, outOfDns, unprotected, removed } as const;
  type Stage = keyof typeof STAGES;
  const ORDER: Stage[] = ['serving', 'outOfDns', 'unprotected', 'removed'];

  test.each(ORDER.flatMap((from) => ORDER.map((to) => [from, to] as [Stage, Stage])))(
    '%s -> %s',
    (from, to) => {
      const verdict = checkRolloutStep(STAGES[from], STAGES[to], { allowMultiStep: true });
      // THEN only neighbours in the order are allowed, even when forced; a removed region may
      // come back only as a new, serving replica
      const neighbours = Math.abs(ORDER.indexOf(to) - ORDER.indexOf(from)) <= 1;
      expect(verdict.allowed).toBe(
        from === 'removed' ? to === 'removed' || to === 'serving' : neighbours,
      );
      // AND the replica loses its protection only once its stack must be gone
      expect(verdict.regionStacksMustBeGone).toEqual(
        from === 'outOfDns' && to === 'unprotected' ? [AP] : [],
      );
    },
  );

  test('skipping DNS names the next step', () => {
    const verdict = checkRolloutStep(serving, unprotected, { allowMultiStep: false });
    expect(verdict.refusals).toEqual([
      'ap-southeast-2 would move from serving to unprotected; a region moves one step per deploy: deploy step out-of-dns first (README, Removing a region)',
    ]);
  });

  test('a protected replica is never removed', () => {
    const verdict = checkRolloutStep(outOfDns, removed, { allowMultiStep: false });
    expect(verdict.refusals[0]).toMatch(/^replica ap-southeast-2 still has deletion protection/);
  });

  test('each allowed step is summarized', () => {
    expect(describeVerdict(checkRolloutStep(serving, outOfDns, { allowMultiStep: false }))).toBe(
      'rollout step allowed: ap-southeast-2 serving -> out-of-dns',
    );
    expect(describeVerdict(checkRolloutStep(unprotected, removed, { allowMultiStep: false }))).toBe(
      'rollout step allowed: replica ap-southeast-2 removed',
    );
  });

  test('retiring one region while adding another is two region changes: refused', () => {
    const verdict = checkRolloutStep(
      serving,
      { ...state('read-local', {}, [...REGIONS, 'eu-central-1']), retiring: outOfDns.retiring },
      { allowMultiStep: true },
    );
    expect(verdict.allowed).toBe(false);
  });
});

describe('checkRolloutStep: changing the primary', () => {
  test('is allowed and reported: a change of records and write policy, no replica change', () => {
    const verdict = checkRolloutStep(
      state('active-passive'),
      state('active-passive', {}, ['eu-west-1', 'us-east-1', 'ap-southeast-2']),
      { allowMultiStep: false },
    );
    expect(verdict.allowed).toBe(true);
    expect(verdict.primaryChange).toEqual({ from: 'us-east-1', to: 'eu-west-1' });
    expect(describeVerdict(verdict)).toBe('rollout step allowed: primary us-east-1 -> eu-west-1');
  });
});
