import type {
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
} from 'aws-lambda';
import {
  guardPropertiesOf,
  parseGuardProperties,
} from '../../../lambda/contract/rollout-guard-properties';
import type { RolloutPhase } from '../../../lambda/domain/catalog';
import { resolveDomainPhases } from '../../../lambda/domain/write-policy';
import { makeHandler, type RolloutGuardDeps } from '../../../lambda/rollout-guard/handler';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/active-active-data/abc';

function props(phase: RolloutPhase, allowMultiStep = false, regions = REGIONS) {
  return {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:guard',
    ...guardPropertiesOf(
      { phase, domains: resolveDomainPhases(phase), regions },
      { allowMultiStep, limitedWriteClasses: [] },
    ),
  };
}

function event(
  type: 'Create' | 'Update' | 'Delete',
  properties: Record<string, unknown>,
  old?: Record<string, unknown>,
): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:guard',
    ResponseURL: 'https://cloudformation-custom-resource-response.s3.amazonaws.com/signed',
    StackId: STACK_ID,
    RequestId: 'req-1',
    LogicalResourceId: 'RolloutGuard',
    ResourceType: 'Custom::RolloutGuard',
    ResourceProperties: properties as never,
  };
  if (type === 'Create') return { ...common, RequestType: 'Create' };
  if (type === 'Delete')
    return { ...common, RequestType: 'Delete', PhysicalResourceId: 'rollout-guard' };
  return {
    ...common,
    RequestType: 'Update',
    PhysicalResourceId: 'rollout-guard',
    OldResourceProperties: (old ?? {}) as never,
  };
}

/** Fakes: remembers responses and logs; the stack status, stacks and tables are settable. */
function fakes(
  status: string | Error = 'UPDATE_IN_PROGRESS',
  world: { stacks?: string[]; tables?: string[] } = {},
) {
  const responses: Array<{ url: string; response: CloudFormationCustomResourceResponse }> = [];
  const logs: Array<{ level: string; message: string }> = [];
  const deps: RolloutGuardDeps = {
    respond: async (url, response) => void responses.push({ url, response }),
    stackStatus: async () => {
      if (status instanceof Error) throw status;
      return status;
    },
    log: (level, message) => void logs.push({ level, message }),
    stackExists: async (region, name) => (world.stacks ?? []).includes(`${region}/${name}`),
    tableExists: async (name) => (world.tables ?? []).includes(name),
  };
  return { deps, responses, logs };
}

describe('RolloutGuard handler', () => {
  test('Create records the state and answers SUCCESS with a constant physical id', async () => {
    // GIVEN a fresh stack WHEN the guard is created at any phase
    const { deps, responses } = fakes('CREATE_IN_PROGRESS');
    await makeHandler(deps)(event('Create', props('active-active')));
    // THEN
    expect(responses).toEqual([
      {
        url: 'https://cloudformation-custom-resource-response.s3.amazonaws.com/signed',
        response: {
          Status: 'SUCCESS',
          Reason:
            'rollout state recorded: phase active-active, regions us-east-1, eu-west-1, ap-southeast-2',
          PhysicalResourceId: 'rollout-guard',
          StackId: STACK_ID,
          RequestId: 'req-1',
          LogicalResourceId: 'RolloutGuard',
          Data: { Phase: 'active-active' },
        },
      },
    ]);
  });

  test('Update by one step answers SUCCESS and keeps the physical id', async () => {
    const { deps, responses } = fakes();
    await makeHandler(deps)(event('Update', props('read-local'), props('active-passive')));
    expect(responses[0]?.response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'rollout-guard',
      Reason: expect.stringMatching(
        /^rollout step allowed: rollout\.phase active-passive -> read-local/,
      ),
    });
  });

  test('a multi-step Update answers FAILED with the reason, naming the fix', async () => {
    // GIVEN active-passive deployed WHEN a deploy asks for active-active
    const { deps, responses, logs } = fakes();
    await makeHandler(deps)(event('Update', props('active-active'), props('active-passive')));
    // THEN
    const response = responses[0]?.response;
    expect(response?.Status).toBe('FAILED');
    expect(response?.PhysicalResourceId).toBe('rollout-guard');
    expect(response?.Reason).toMatch(
      /^rollout step refused: rollout\.phase would move from active-passive to active-active \(3 steps\); a deploy moves at most one step: deploy read-local first, or force it with -c activeActive\.rollout\.allowMultiStep=true/,
    );
    expect(response?.Reason?.length).toBeLessThanOrEqual(2000);
    expect(logs[0]?.level).toBe('warn');
  });

  test('a forced multi-step Update answers SUCCESS', async () => {
    const { deps, responses } = fakes();
    await makeHandler(deps)(event('Update', props('active-active', true), props('active-passive')));
    expect(responses[0]?.response.Status).toBe('SUCCESS');
    expect(responses[0]?.response.Reason).toMatch(/^rollout step allowed \(forced\)/);
  });

  test('two replica regions at once answer FAILED even when forced', async () => {
    const { deps, responses } = fakes();
    await makeHandler(deps)(
      event('Update', props('read-local', true, ['us-east-1']), props('read-local')),
    );
    expect(responses[0]?.response.Status).toBe('FAILED');
    expect(responses[0]?.response.Reason).toMatch(/removes eu-west-1, ap-southeast-2/);
  });

  test('never refuses while the stack rolls back', async () => {
    // GIVEN a rollback after a forced jump (the old props are the jump's target)
    const { deps, responses } = fakes('UPDATE_ROLLBACK_IN_PROGRESS');
    await makeHandler(deps)(event('Update', props('active-passive'), props('active-active', true)));
    // THEN the rollback is let through
    expect(responses[0]?.response).toMatchObject({
      Status: 'SUCCESS',
      Reason: 'stack is rolling back to the deployed rollout state; not checked',
    });
  });

  test('checks anyway when the stack status cannot be read', async () => {
    const { deps, responses, logs } = fakes(new Error('Rate exceeded'));
    await makeHandler(deps)(event('Update', props('active-active'), props('active-passive')));
    expect(responses[0]?.response.Status).toBe('FAILED');
    expect(logs[0]).toEqual({
      level: 'warn',
      message: 'could not read the stack status; checking the step anyway',
    });
  });

  test('unreadable old properties are refused unless forced', async () => {
    const { deps, responses } = fakes();
    await makeHandler(deps)(event('Update', props('read-local'), { Phase: 'sideways' }));
    expect(responses[0]?.response.Status).toBe('FAILED');
    expect(responses[0]?.response.Reason).toMatch(
      /^rollout step refused: the deployed rollout state is unreadable \(OldResourceProperties\.Phase must be a rollout phase, got "sideways"; .*\); check the step by hand and force it with -c activeActive\.rollout\.allowMultiStep=true$/,
    );

    const forced = fakes();
    await makeHandler(forced.deps)(event('Update', props('read-local', true), { Phase: 'x' }));
    expect(forced.responses[0]?.response.Status).toBe('SUCCESS');
  });

  test('bad new properties answer FAILED (never leave CloudFormation waiting)', async () => {
    const { deps, responses } = fakes();
    await makeHandler(deps)(event('Create', { ServiceToken: 'x', Phase: 'read-local' }));
    expect(responses[0]?.response).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'rollout-guard',
      Reason: expect.stringMatching(
        /^rollout guard could not check this deploy: ResourceProperties\.Domains\.counters must be a rollout phase, got nothing/,
      ),
    });
  });

  test('Create refuses a data stack where the table already exists (the data stack moving region)', async () => {
    const { deps, responses } = fakes('CREATE_IN_PROGRESS', { tables: ['shop-data'] });
    await makeHandler(deps)(
      event('Create', { ...props('active-passive'), App: 'shop', TableName: 'shop-data' }),
    );
    expect(responses[0]?.response).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining(
        'table shop-data already exists in this region as a replica of the global table, so this data stack would move it',
      ),
    });
    expect(responses[0]?.response.Reason).toContain('activeActive.dataRegion');
  });

  test('unprotecting a replica is refused while its region stack still exists', async () => {
    const outOfDns = {
      ...props('read-local'),
      App: 'shop',
      TableName: 'shop-data',
      Retiring: { Region: 'ap-southeast-2', Step: 'out-of-dns' },
    };
    const unprotected = {
      ...outOfDns,
      Retiring: { Region: 'ap-southeast-2', Step: 'unprotected' },
    };
    const stackStillThere = fakes('UPDATE_IN_PROGRESS', {
      stacks: ['ap-southeast-2/shop-region-ap-southeast-2'],
    });
    await makeHandler(stackStillThere.deps)(event('Update', unprotected, outOfDns));
    expect(stackStillThere.responses[0]?.response).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining(
        'region stack shop-region-ap-southeast-2 still exists in ap-southeast-2',
      ),
    });
    const stackGone = fakes();
    await makeHandler(stackGone.deps)(event('Update', unprotected, outOfDns));
    expect(stackGone.responses[0]?.response).toMatchObject({
      Status: 'SUCCESS',
      Reason: 'rollout step allowed: ap-southeast-2 out-of-dns -> unprotected',
    });
  });

  test('removing a replica straight from serving answers FAILED naming the procedure', async () => {
    const { deps, responses } = fakes();
    await makeHandler(deps)(
      event('Update', props('read-local', false, ['us-east-1', 'eu-west-1']), props('read-local')),
    );
    expect(responses[0]?.response).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining('replica ap-southeast-2 still has deletion protection'),
    });
  });

  test('Delete always answers SUCCESS with the same physical id', async () => {
    const { deps, responses } = fakes('DELETE_IN_PROGRESS');
    await makeHandler(deps)(event('Delete', { ServiceToken: 'x' }));
    expect(responses[0]?.response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'rollout-guard',
    });
  });
});

describe('guard properties', () => {
  test('round-trip through the CloudFormation string form', () => {
    const state = {
      phase: 'read-local' as const,
      domains: resolveDomainPhases('read-local', { counters: 'limited-write' }),
      regions: REGIONS,
    };
    const properties = guardPropertiesOf(state, {
      allowMultiStep: true,
      limitedWriteClasses: ['counter.increment'],
    });
    expect(properties.AllowMultiStep).toBe('true');
    expect(parseGuardProperties(JSON.parse(JSON.stringify(properties)))).toEqual({
      state,
      allowMultiStep: true,
      limitedWriteClasses: ['counter.increment'],
    });
  });
});
