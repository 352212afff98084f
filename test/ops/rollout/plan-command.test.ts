import { describeWrites } from '../../../lib/ops/rollout/plan';
import { rawConfig } from '../support/config';
import { FakeRolloutWorld, runRollout } from './support/fake-rollout';

describe('aactl rollout plan', () => {
  test('active-passive -> read-local: the public alias moves, the write policy widens, cost shown', async () => {
    // GIVEN active-passive deployed (the local config says the same)
    const world = new FakeRolloutWorld().deploy('active-passive');

    // WHEN
    const run = await runRollout(
      world,
      ['rollout', 'plan', '--to', 'read-local'],
      rawConfig('active-passive'),
    );

    // THEN
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'Plan: phase active-passive -> phase read-local  (start: the deployed state); nothing is deployed',
    );
    expect(run.stdout).toContain('✔ a deploy may take this step');
    expect(run.stdout).toContain(
      'DNS: 2 records change, 13 unchanged; no record changes routing policy',
    );
    expect(run.stdout).toMatch(
      /api\.example\.com A\s+global\s+failover\.api\.example\.com\s+latency\.api\.example\.com/,
    );
    expect(run.stdout).toMatch(
      /eu-west-1\s+counters\s+active-passive\s+read-local\s+forwarded to the primary us-east-1\s+local for tenants homed here, else forwarded to the tenant's home/,
    );
    // owner-only ledger entries follow the tenant's home in every phase ([J])
    expect(run.stdout).toMatch(
      /eu-west-1\s+ledger\s+active-passive\s+read-local\s+local for tenants homed here, else forwarded to the tenant's home\s+local for tenants homed here/,
    );
    expect(run.stdout).toContain(
      'Deploy: npx cdk deploy --all -c activeActive.rollout.phase=read-local',
    );
    expect(run.stdout).toMatch(/total\s+\$717\.99\s+\$723\.44\s+\+\$5\.46/);
    expect(run.stdout).toContain(
      'writes forwarded to their owner region: now: phase active-passive 0%, after: phase read-local 20%',
    );
    expect(world.calls).toContain('DescribeStacks us-east-1 active-active-data');
  });

  test('a jump of two phases is refused with the guard message (exit 3)', async () => {
    const world = new FakeRolloutWorld().deploy('active-passive');
    const run = await runRollout(
      world,
      ['rollout', 'plan', '--to', 'limited-write'],
      rawConfig('active-passive'),
    );
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(
      '✖ refused: rollout.phase would move from active-passive to limited-write (2 steps); a deploy moves at most one step: deploy read-local first, or force it with -c activeActive.rollout.allowMultiStep=true',
    );
    expect(run.stderr).toMatch(/^aactl: refused: rollout\.phase would move from active-passive/);
  });

  test('--force plans the jump and adds the force flag to the deploy command', async () => {
    const world = new FakeRolloutWorld().deploy('active-passive');
    const run = await runRollout(
      world,
      ['rollout', 'plan', '--to', 'limited-write', '--force'],
      rawConfig('active-passive'),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✔ a deploy may take this step (forced)');
    expect(run.stdout).toContain(
      'Deploy: npx cdk deploy --all -c activeActive.rollout.phase=limited-write -c activeActive.rollout.allowMultiStep=true',
    );
  });

  test('the plan starts from what is deployed, not from cdk.json', async () => {
    // GIVEN read-local deployed, cdk.json already edited to limited-write
    const world = new FakeRolloutWorld().deploy('read-local');
    const run = await runRollout(
      world,
      ['rollout', 'plan', '--to', 'active-active'],
      rawConfig('limited-write'),
    );
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(
      'refused: rollout.phase would move from read-local to active-active (2 steps)',
    );
  });

  test('--domain moves only those domains, as overrides', async () => {
    const world = new FakeRolloutWorld().deploy('read-local');
    const run = await runRollout(
      world,
      ['rollout', 'plan', '--to', 'limited-write', '--domain', 'counters'],
      rawConfig('read-local', {
        rollout: { phase: 'read-local', limitedWriteClasses: ['counter.increment'] },
      }),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('DNS: 0 records change, 15 unchanged');
    expect(run.stdout).toMatch(
      /eu-west-1\s+counters\s+read-local\s+limited-write\s+.*\s+all local/,
    );
    expect(run.stdout).not.toMatch(/\n\S+\s+sets\s+read-local/);
    expect(run.stdout).toContain(
      'Deploy: npx cdk deploy --all -c activeActive.rollout.domains.counters=limited-write',
    );
  });

  test('a domain ahead of active-passive DNS is refused (exit 3)', async () => {
    const world = new FakeRolloutWorld().deploy('active-passive');
    const run = await runRollout(
      world,
      ['rollout', 'plan', '--to', 'read-local', '--domain', 'counters'],
      rawConfig('active-passive'),
    );
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(
      '✖ refused: rollout.domains.counters is read-local but rollout.phase is active-passive',
    );
  });

  test('a limited-write domain without listed classes is a warning', async () => {
    const world = new FakeRolloutWorld().deploy('read-local');
    const run = await runRollout(
      world,
      ['rollout', 'plan', '--to', 'limited-write', '--domain', 'carts'],
      rawConfig('read-local'),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '⚠ domain carts is in limited-write but rollout.limitedWriteClasses lists none of its write classes (cart.update), so it writes as in read-local',
    );
  });

  test('--offline plans from cdk.json and calls no AWS API', async () => {
    const world = new FakeRolloutWorld();
    const run = await runRollout(
      world,
      ['rollout', 'plan', '--to', 'read-local', '--offline'],
      rawConfig('active-passive'),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(start: local config, --offline)');
    expect(world.calls).toEqual([]);
  });

  test('without a deployed data stack: exit 1, suggesting --offline', async () => {
    const run = await runRollout(new FakeRolloutWorld(), ['rollout', 'plan', '--to', 'read-local']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'aactl: stack active-active-data not found in us-east-1; deploy the app first (active-active-data); or plan from cdk.json with --offline\n',
    );
  });

  test('--to is required and checked', async () => {
    const missing = await runRollout(new FakeRolloutWorld(), ['rollout', 'plan']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      "aactl: required option '--to <phase>' not specified; run aactl rollout plan --help\n",
    );
    const bad = await runRollout(new FakeRolloutWorld(), ['rollout', 'plan', '--to', 'everywhere']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /argument 'everywhere' is invalid\. Allowed choices are active-passive, read-local, limited-write, active-active/,
    );
  });

  test('--json prints the plan and the cost as one document', async () => {
    const world = new FakeRolloutWorld().deploy('active-passive');
    const run = await runRollout(
      world,
      ['rollout', 'plan', '--to', 'read-local', '--json', '--writes', '20'],
      rawConfig('active-passive'),
    );
    const document = JSON.parse(run.stdout);
    expect(document.plan).toMatchObject({
      allowed: true,
      overrides: ['-c activeActive.rollout.phase=read-local'],
      dnsChanges: [
        {
          name: 'api.example.com',
          before: 'failover.api.example.com',
          after: 'latency.api.example.com',
        },
        { name: '_aa.api.example.com', type: 'TXT' },
      ],
    });
    expect(document.plan.writePolicyChanges).toHaveLength(15);
    expect(
      document.cost.estimates.map((estimate: { scenario: string }) => estimate.scenario),
    ).toEqual(['active-passive', 'read-local']);
    // 20 writes/s x 2,628,000 s x 3 replicas = 157.68M rWRU
    expect(document.cost.estimates[0].lines[0].quantity).toBe(157_680_000);
  });
});

describe('describeWrites', () => {
  test.each([
    ['active-passive', 'counters', 'us-east-1', [], 'local (primary: the only writer)'],
    ['active-passive', 'counters', 'eu-west-1', [], 'forwarded to the primary us-east-1'],
    [
      'read-local',
      'sets',
      'eu-west-1',
      [],
      "local for tenants homed here, else forwarded to the tenant's home",
    ],
    [
      'limited-write',
      'sets',
      'eu-west-1',
      ['set.add'],
      "local: set.add; set.remove: local for tenants homed here, else forwarded to the tenant's home",
    ],
    ['active-active', 'counters', 'eu-west-1', [], 'all local'],
    [
      'active-active',
      'profiles',
      'eu-west-1',
      [],
      "local: profile.patch; profile.put: local for tenants homed here, else forwarded to the tenant's home",
    ],
    [
      'active-active',
      'ledger',
      'eu-west-1',
      [],
      "local for tenants homed here, else forwarded to the tenant's home",
    ],
  ] as const)('%s %s in %s (limited %j)', (phase, domain, region, limited, text) => {
    expect(describeWrites(phase, domain, region, 'us-east-1', limited)).toBe(text);
  });
});
