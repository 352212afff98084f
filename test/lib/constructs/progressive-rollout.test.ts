import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  ProgressiveRollout,
  type ProgressiveRolloutProps,
} from '../../../lib/constructs/progressive-rollout';
import { buildTestApp, testApp, TEST_ACCOUNT, testConfig } from '../../helpers/app';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

function rolloutIn(props: Partial<ProgressiveRolloutProps> = {}) {
  const app = testApp();
  const stack = new Stack(app, 'Test', { env: { account: TEST_ACCOUNT, region: 'us-east-1' } });
  const rollout = new ProgressiveRollout(stack, 'Rollout', {
    phase: 'read-local',
    regions: REGIONS,
    primaryRegion: 'us-east-1',
    appName: 'active-active',
    tableName: 'active-active-data',
    ...props,
  });
  return { stack, rollout };
}

describe('ProgressiveRollout in the data stack', () => {
  // GIVEN the default config (active-passive) WHEN the app is synthesized
  let template: Template;
  let guardId: string;
  beforeAll(() => {
    const { stacks } = buildTestApp(testConfig());
    template = Template.fromStack(stacks.data);
    guardId = Object.keys(template.findResources('Custom::RolloutGuard'))[0] ?? '';
  });

  test('one Custom::RolloutGuard carrying the deployed phases, regions and force flag', () => {
    template.resourceCountIs('Custom::RolloutGuard', 1);
    template.hasResource('Custom::RolloutGuard', {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RolloutGuardFunction'), 'Arn'] },
        ServiceTimeout: '300',
        Phase: 'active-passive',
        Domains: {
          counters: 'active-passive',
          sets: 'active-passive',
          profiles: 'active-passive',
          carts: 'active-passive',
          ledger: 'active-passive',
        },
        Regions: REGIONS,
        LimitedWriteClasses: [],
        AllowMultiStep: 'false',
      },
      UpdateReplacePolicy: 'Delete',
      DeletionPolicy: 'Delete',
    });
  });

  test('the global table and the session key wait for the guard, so a refused step changes neither', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DependsOn: Match.arrayWith([guardId]),
    });
    template.hasResource('AWS::SecretsManager::Secret', {
      DependsOn: Match.arrayWith([guardId]),
    });
  });

  test('the guard function: Node.js 24 on arm64, its own role and log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 30,
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RolloutGuardRole'), 'Arn'] },
      LoggingConfig: Match.objectLike({
        LogGroup: { Ref: Match.stringLikeRegexp('^RolloutGuardLogs') },
      }),
    });
  });

  test('the guard may read the status of its own stack and nothing else', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^RolloutGuardRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'ReadOwnStackStatus',
            Effect: 'Allow',
            Action: 'cloudformation:DescribeStacks',
            Resource: { Ref: 'AWS::StackId' },
          },
        ]),
      },
    });
  });

  test('the deployed state is an output aactl reads (RolloutState)', () => {
    const outputs = template.findOutputs('RolloutState');
    const value = outputs.RolloutState?.Value as string;
    expect(JSON.parse(value)).toEqual({
      Phase: 'active-passive',
      Domains: {
        counters: 'active-passive',
        sets: 'active-passive',
        profiles: 'active-passive',
        carts: 'active-passive',
        ledger: 'active-passive',
      },
      Regions: REGIONS,
      LimitedWriteClasses: [],
      AllowMultiStep: 'false',
    });
  });
});

describe('ProgressiveRollout props', () => {
  test('overrides and the force flag reach the guard', () => {
    // GIVEN read-local with overrides, forced
    const { stack } = rolloutIn({
      domains: { counters: 'active-active', ledger: 'active-passive' },
      limitedWriteClasses: ['cart.update'],
      allowMultiStep: true,
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('Custom::RolloutGuard', {
      Phase: 'read-local',
      Domains: {
        counters: 'active-active',
        sets: 'read-local',
        profiles: 'read-local',
        carts: 'read-local',
        ledger: 'active-passive',
      },
      LimitedWriteClasses: ['cart.update'],
      AllowMultiStep: 'true',
    });
  });

  test('the regions are recorded primary first', () => {
    const { rollout } = rolloutIn({
      regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
      primaryRegion: 'us-east-1',
    });
    expect(rollout.state.regions).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
  });

  test('front door per phase', () => {
    expect(rolloutIn({ phase: 'active-passive' }).rollout.frontDoor).toBe('failover');
    expect(rolloutIn({ phase: 'limited-write' }).rollout.frontDoor).toBe('latency');
  });
});

describe('ProgressiveRollout warnings', () => {
  test('soft problems are warnings: idle limited-write domains, unused classes, the force flag', () => {
    // GIVEN carts in limited-write without its class, a class whose domain is read-local, forced
    const { stack } = rolloutIn({
      domains: { carts: 'limited-write' },
      limitedWriteClasses: ['counter.increment'],
      allowMultiStep: true,
    });
    // THEN
    const warnings = Annotations.fromStack(stack)
      .findWarning('*', Match.anyValue())
      .map((entry) => String(entry.entry.data));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^domain carts is in limited-write but rollout\.limitedWriteClasses lists none of its write classes \(cart\.update\), so it writes as in read-local/,
      ),
      expect.stringMatching(
        /^rollout\.limitedWriteClasses lists counter\.increment, which has no effect until domain counters is in limited-write \(it is read-local\)/,
      ),
      expect.stringMatching(/^rollout\.allowMultiStep is true: this deploy may move a phase/),
    ]);
  });

  test('no warning for a plain config', () => {
    const { stack } = rolloutIn();
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('ProgressiveRollout warnings for limited-write', () => {
  test('a domain without globally mergeable classes (the ledger) needs no listed class', () => {
    const { stack } = rolloutIn({
      phase: 'limited-write',
      limitedWriteClasses: ['counter.increment', 'set.add', 'profile.patch', 'cart.update'],
    });
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('only globally mergeable classes are suggested', () => {
    const { stack } = rolloutIn({ phase: 'limited-write', limitedWriteClasses: ['set.add'] });
    const [warning] = Annotations.fromStack(stack).findWarning('*', Match.anyValue());
    expect(String(warning?.entry.data)).toBe(
      'domains counters, profiles, carts are in limited-write but rollout.limitedWriteClasses lists none of their write classes (counter.increment, profile.patch, cart.update), so they write as in read-local; list the classes that may write locally [ack: activeActive:rollout:domains-counters-profiles-carts]',
    );
  });
});
