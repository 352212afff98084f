import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  grantSessionKeyRead,
  SessionKey,
  sessionKeySecretName,
} from '../../../lib/constructs/session-key';
import { testApp, TEST_ACCOUNT } from '../../helpers/app';

function stackIn(region: string): Stack {
  const app = testApp();
  return new Stack(app, 'Test', { env: { account: TEST_ACCOUNT, region } });
}

describe('SessionKey', () => {
  test('the secret name is <appName>/session-key', () => {
    expect(sessionKeySecretName('shop')).toBe('shop/session-key');
  });

  test('defaults: a 64-character alphanumeric key, replicas as given, deleted with the stack', () => {
    // GIVEN a stack in the primary region
    const stack = stackIn('us-east-1');
    // WHEN
    new SessionKey(stack, 'SessionKey', {
      secretName: 'shop/session-key',
      replicaRegions: ['eu-west-1'],
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        Name: 'shop/session-key',
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
        ReplicaRegions: [{ Region: 'eu-west-1' }],
      },
      DeletionPolicy: 'Delete',
    });
    template.hasOutput('*', { Value: 'shop/session-key' });
  });

  test.each([
    [47, 'session key length must be an integer 48-4096, got 47'],
    [64.5, 'session key length must be an integer 48-4096, got 64.5'],
  ])('rejects key length %p', (keyLength, message) => {
    // GIVEN a stack WHEN the key is too short or fractional THEN
    expect(
      () =>
        new SessionKey(stackIn('us-east-1'), 'SessionKey', {
          secretName: 's/session-key',
          replicaRegions: ['eu-west-1'],
          keyLength,
        }),
    ).toThrow(message);
  });

  test('rejects a duplicate replica region', () => {
    expect(
      () =>
        new SessionKey(stackIn('us-east-1'), 'SessionKey', {
          secretName: 's/session-key',
          replicaRegions: ['eu-west-1', 'eu-west-1'],
        }),
    ).toThrow('session key replica region eu-west-1 is listed twice; list each region once');
  });

  test('rejects the stack region as a replica', () => {
    expect(
      () =>
        new SessionKey(stackIn('us-east-1'), 'SessionKey', {
          secretName: 's/session-key',
          replicaRegions: ['us-east-1'],
        }),
    ).toThrow(
      "session key replica region us-east-1 is the stack's own region; list only the other regions",
    );
  });
});

describe('grantSessionKeyRead', () => {
  test('grants GetSecretValue on the name pattern in the scope region only', () => {
    // GIVEN a role in a secondary region
    const stack = stackIn('ap-southeast-2');
    const role = new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    // WHEN
    grantSessionKeyRead(stack, role, 'shop/session-key');
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'ReadSessionKey',
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource:
              'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:shop/session-key-??????',
          },
        ],
      },
    });
  });
});
