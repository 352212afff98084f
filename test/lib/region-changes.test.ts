import { fullDiff } from '@aws-cdk/cloudformation-diff';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { parseWritePolicy } from '../../lambda/domain/write-policy';
import type { ActiveActiveStacks } from '../../lib/app';
import { ConfigError } from '../../lib/config';
import { buildTestApp, testConfig } from '../helpers/app';

const AP = 'ap-southeast-2';

type Templates = { data: Template; global: Template; regions: Map<string, Template> };

function synth(overrides: Parameters<typeof testConfig>[0]): {
  stacks: ActiveActiveStacks;
  t: Templates;
} {
  const { stacks } = buildTestApp(testConfig(overrides));
  return {
    stacks,
    t: {
      data: Template.fromStack(stacks.data),
      global: Template.fromStack(stacks.global),
      regions: new Map(stacks.regions.map((stack) => [stack.region, Template.fromStack(stack)])),
    },
  };
}

function replicasOf(data: Template): Array<Record<string, unknown>> {
  const [table] = Object.values(data.findResources('AWS::DynamoDB::GlobalTable'));
  return table?.Properties.Replicas as Array<Record<string, unknown>>;
}

/**
 * Taking a region out, one deploy per step, in the order that works (the rollout guard refuses
 * any other; see test/lambda/rollout-guard): out of DNS, its stack destroyed and its replica
 * unprotected, then the replica removed.
 */
describe('removing a region', () => {
  let outOfDns: Templates;
  let outOfDnsStacks: ActiveActiveStacks;
  let unprotected: ReturnType<typeof synth>;
  let removed: ReturnType<typeof synth>;
  beforeAll(() => {
    ({ t: outOfDns, stacks: outOfDnsStacks } = synth({
      retiringRegion: { region: AP, step: 'out-of-dns' },
    }));
    unprotected = synth({ retiringRegion: { region: AP, step: 'unprotected' } });
    removed = synth({ regions: ['us-east-1', 'eu-west-1'] });
  });

  test('step out-of-dns: the region keeps its stack but leaves the latency and standby sets', () => {
    expect(outOfDnsStacks.regions.map((stack) => stack.region)).toContain(AP);
    const leaving = outOfDns.regions.get(AP)!;
    leaving.resourceCountIs('AWS::Route53::HealthCheck', 1);
    for (const name of ['latency.api.example.com.', 'standby.api.example.com.']) {
      leaving.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Name: name }, 0);
    }
    // the global stack no longer needs its health check: no alarm, no lookup, not in discovery
    outOfDns.global.hasResourceProperties('Custom::HealthCheckIds', {
      Regions: ['us-east-1', 'eu-west-1'],
    });
    outOfDns.global.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    outOfDns.global.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: '_aa.api.example.com.',
      ResourceRecords: Match.arrayWith(['"regions=us-east-1,eu-west-1"']),
    });
    // the staying regions stop expecting its heartbeats and stop forwarding to it
    const staying = outOfDns.regions.get('us-east-1')!;
    const alarmNames = Object.values(staying.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties.AlarmName,
    );
    expect(alarmNames).not.toContain(`active-active-us-east-1-replication-lag-from-${AP}`);
    expect(JSON.stringify(staying.toJSON())).not.toContain(`dynamodb:${AP}`);
    // its replica stays protected, and the guard records the step
    expect(replicasOf(outOfDns.data).find((replica) => replica.Region === AP)).toMatchObject({
      DeletionProtectionEnabled: true,
    });
    outOfDns.data.hasResourceProperties('Custom::RolloutGuard', {
      Retiring: { Region: AP, Step: 'out-of-dns' },
      App: 'active-active',
      TableName: 'active-active-data',
    });
  });

  test('step unprotected: no region stack; the replica loses its deletion protection', () => {
    expect(unprotected.stacks.regions.map((stack) => stack.region)).toEqual([
      'us-east-1',
      'eu-west-1',
    ]);
    expect(replicasOf(unprotected.t.data).find((replica) => replica.Region === AP)).toMatchObject({
      DeletionProtectionEnabled: false,
    });
    expect(
      replicasOf(unprotected.t.data)
        .filter((replica) => replica.Region !== AP)
        .every((replica) => replica.DeletionProtectionEnabled === true),
    ).toBe(true);
  });

  test('last step: the replica and the secret replicas are gone', () => {
    expect(replicasOf(removed.t.data).map((replica) => replica.Region)).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
    for (const secret of Object.values(
      removed.t.data.findResources('AWS::SecretsManager::Secret'),
    )) {
      expect(secret.Properties.ReplicaRegions).toEqual([{ Region: 'eu-west-1' }]);
    }
  });

  test('config refuses to retire the primary or the data region, naming the fix', () => {
    expect(() =>
      testConfig({ retiringRegion: { region: 'us-east-1', step: 'out-of-dns' } }),
    ).toThrow(
      new ConfigError(
        'activeActive.retiringRegion.region is the primary region; make another region primary first (README, Changing the primary region), got "us-east-1"',
      ),
    );
    expect(() =>
      testConfig({
        primaryRegion: 'eu-west-1',
        dataRegion: 'us-east-1',
        retiringRegion: { region: 'us-east-1', step: 'out-of-dns' },
      }),
    ).toThrow("is the data stack's region, which never moves; it cannot be retired");
  });
});

/**
 * Changing the primary: the data stack stays where it is (`dataRegion`), and only records and
 * write policies change. Owner-only writes still move through the fenced handoff of [J].
 */
describe('changing the primary region', () => {
  let before: ReturnType<typeof synth>;
  let after: ReturnType<typeof synth>;
  beforeAll(() => {
    before = synth({ dataRegion: 'us-east-1' });
    after = synth({ dataRegion: 'us-east-1', primaryRegion: 'eu-west-1' });
  });

  test('the data stack keeps its region and name, and changes nothing but the rollout record', () => {
    expect([after.stacks.data.region, after.stacks.data.stackName]).toEqual([
      'us-east-1',
      'active-active-data',
    ]);
    const diff = fullDiff(before.t.data.toJSON(), after.t.data.toJSON());
    const changed: string[] = [];
    diff.resources.forEachDifference((id, change) => {
      changed.push(`${change.newResourceType ?? change.oldResourceType} ${id}`);
      expect(change.isAddition || change.isRemoval).toBe(false);
    });
    expect(changed).toEqual([expect.stringMatching(/^Custom::RolloutGuard RolloutGuard/)]);
  });

  test('the failover PRIMARY aliases the new primary, with its health check', () => {
    const lookup = Object.keys(after.t.global.findResources('Custom::HealthCheckIds'))[0]!;
    after.t.global.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'failover.api.example.com.',
      Failover: 'PRIMARY',
      SetIdentifier: 'primary',
      HealthCheckId: { 'Fn::GetAtt': [lookup, 'eu-west-1'] },
      AliasTarget: Match.objectLike({ DNSName: 'eu-west-1.origin.api.example.com' }),
    });
    // one record changes in place: same logical id, same set identifier
    const diff = fullDiff(before.t.global.toJSON(), after.t.global.toJSON());
    diff.resources.forEachDifference((_, change) => {
      expect(change.isAddition || change.isRemoval).toBe(false);
    });
  });

  test('the old primary joins the standby set, the new one leaves it', () => {
    const standby = (region: string) =>
      Object.keys(
        after.t.regions.get(region)!.findResources('AWS::Route53::RecordSet', {
          Properties: { Name: 'standby.api.example.com.' },
        }),
      ).length;
    expect([standby('us-east-1'), standby('eu-west-1')]).toEqual([1, 0]);
  });

  test('every write policy names the new primary; the open-case alarm moves with it', () => {
    for (const [region, template] of after.t.regions) {
      const output = template.findOutputs('WritePolicy').WritePolicy?.Value as string;
      expect({ region, primary: parseWritePolicy(output).primaryRegion }).toEqual({
        region,
        primary: 'eu-west-1',
      });
    }
    after.t.regions.get('eu-west-1')!.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'active-active-eu-west-1-open-case-age',
    });
  });
});
