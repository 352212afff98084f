import { Template } from 'aws-cdk-lib/assertions';
import { buildTestApp, testConfig } from '../helpers/app';

/**
 * One snapshot per stack type. Asset hashes are scrubbed by test/setup/asset-hash-serializer.ts,
 * so these change only when a template does. Review a diff here like a CloudFormation change set.
 */
describe('stack snapshots', () => {
  let stacks: ReturnType<typeof buildTestApp>['stacks'];
  beforeAll(() => {
    stacks = buildTestApp(testConfig()).stacks;
  });

  test('data stack', () => {
    expect(Template.fromStack(stacks.data).toJSON()).toMatchSnapshot();
  });

  test('region stack (a secondary region)', () => {
    expect(Template.fromStack(stacks.regions[1]!).toJSON()).toMatchSnapshot();
  });

  test('global stack', () => {
    expect(Template.fromStack(stacks.global).toJSON()).toMatchSnapshot();
  });
});
