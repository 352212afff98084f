import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  ROLLOUT_PHASES,
  WRITE_CLASS_NAMES,
  WRITE_CLASS_SCOPES,
  type RolloutPhase,
  type WriteClass,
} from '../../../lambda/domain/catalog';
import { decideWrite, type WriteDecision } from '../../../lambda/domain/write-decision';
import {
  parseWritePolicy,
  writeContextOf,
  type WritePolicy,
} from '../../../lambda/domain/write-policy';
import { buildTestApp, testConfig } from '../../helpers/app';

/**
 * The phase x region matrix: the app is synthesized once per phase (beforeAll), then every region
 * stack, the data stack and the global stack are asserted per phase, and every pair of adjacent
 * phases is diffed as CloudFormation would see the deploy.
 */

const PRIMARY = 'us-east-1';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const LIMITED: WriteClass[] = ['counter.increment', 'cart.update'];

type StackKey = 'data' | 'global' | `region:${string}`;
interface PhaseApp {
  readonly templates: Record<StackKey, Record<string, unknown>>;
  /** The template JSON of one stack. */
  readonly json: (key: StackKey) => Record<string, unknown>;
  readonly template: (key: StackKey) => Template;
}

/** One synthesized app per phase; limited-write classes are listed from limited-write on. */
const apps = new Map<RolloutPhase, PhaseApp>();
beforeAll(() => {
  for (const phase of ROLLOUT_PHASES) {
    const limited = phase === 'limited-write' || phase === 'active-active';
    const { stacks } = buildTestApp(
      testConfig({ rollout: { phase, limitedWriteClasses: limited ? LIMITED : [] } }),
    );
    const parsed = new Map<StackKey, Template>([
      ['data', Template.fromStack(stacks.data)],
      ['global', Template.fromStack(stacks.global)],
      ...stacks.regions.map(
        (stack) => [`region:${stack.region}` as StackKey, Template.fromStack(stack)] as const,
      ),
    ]);
    apps.set(phase, {
      templates: Object.fromEntries(
        [...parsed].map(([key, template]) => [key, template.toJSON()]),
      ) as PhaseApp['templates'],
      template: (key) => parsed.get(key) as Template,
      json: (key) => (parsed.get(key) as Template).toJSON(),
    });
  }
});

function appOf(phase: RolloutPhase): PhaseApp {
  const app = apps.get(phase);
  if (app === undefined) throw new Error(`no app for ${phase}`);
  return app;
}

function writePolicyIn(phase: RolloutPhase, region: string): WritePolicy {
  const functions = appOf(phase)
    .template(`region:${region}`)
    .findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { WRITE_POLICY: Match.anyValue() } } },
    });
  const [fn] = Object.values(functions);
  return parseWritePolicy(fn?.Properties.Environment.Variables.WRITE_POLICY as string);
}

describe.each(ROLLOUT_PHASES.map((phase) => [phase]))('phase %s', (phase) => {
  describe.each(REGIONS.map((region) => [region]))('region %s', (region) => {
    test('the API function gets the region write policy, and the stack outputs it', () => {
      const policy = writePolicyIn(phase, region);
      expect(policy).toEqual({
        version: 1,
        region,
        primaryRegion: PRIMARY,
        // unassigned tenants stay with the default home, which the policy carries ([J])
        defaultHome: PRIMARY,
        globalPhase: phase,
        domains: { counters: phase, sets: phase, profiles: phase, carts: phase, ledger: phase },
        limitedWriteClasses: phase === 'limited-write' || phase === 'active-active' ? LIMITED : [],
      });
      const output = appOf(phase).template(`region:${region}`).findOutputs('WritePolicy');
      expect(parseWritePolicy(output.WritePolicy?.Value as string)).toEqual(policy);
    });

    test('DNS: the latency member, the origin name, and a standby member for a secondary, with the health check', () => {
      const template = appOf(phase).template(`region:${region}`);
      const healthCheck = { Ref: Match.stringLikeRegexp('^TrafficHealthCheck') };
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'latency.api.example.com.',
        Region: region,
        SetIdentifier: region,
        HealthCheckId: healthCheck,
      });
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: `${region}.origin.api.example.com.`,
        SetIdentifier: Match.absent(),
      });
      // the failover PRIMARY belongs to the global stack (it aliases the primary's origin)
      template.resourcePropertiesCountIs(
        'AWS::Route53::RecordSet',
        { Failover: Match.anyValue() },
        0,
      );
      if (region === PRIMARY) {
        template.resourcePropertiesCountIs(
          'AWS::Route53::RecordSet',
          { Name: 'standby.api.example.com.' },
          0,
        );
      } else {
        template.hasResourceProperties('AWS::Route53::RecordSet', {
          Name: 'standby.api.example.com.',
          Region: region,
          SetIdentifier: region,
          HealthCheckId: healthCheck,
        });
      }
      template.resourceCountIs('AWS::Route53::HealthCheck', 1);
    });
  });

  test('global: the public name aliases the failover pair in active-passive, else the latency set', () => {
    const template = appOf(phase).template('global');
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'api.example.com.',
      SetIdentifier: Match.absent(),
      AliasTarget: Match.objectLike({
        DNSName:
          phase === 'active-passive' ? 'failover.api.example.com' : 'latency.api.example.com',
      }),
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: '_aa.api.example.com.',
      ResourceRecords: Match.arrayWith([`"phase=${phase}"`]),
    });
  });

  test('data: the guard records the phase', () => {
    appOf(phase)
      .template('data')
      .hasResourceProperties('Custom::RolloutGuard', {
        Phase: phase,
        Domains: { counters: phase, ledger: phase },
      });
  });
});

/** The phase semantics of DESIGN.md, "Rollout phases", for one write. */
function expectedDecision(
  phase: RolloutPhase,
  region: string,
  home: string,
  operation: WriteClass,
): WriteDecision {
  const global = WRITE_CLASS_SCOPES[operation] === 'global';
  // owner-only classes follow the tenant's home in every phase ([J]: one owner at a time)
  if (phase === 'active-passive' && global) {
    return region === PRIMARY ? { kind: 'local' } : { kind: 'forward-to-owner', owner: PRIMARY };
  }
  const anywhere =
    (phase === 'active-active' && global) ||
    (phase === 'limited-write' && global && LIMITED.includes(operation));
  if (anywhere || region === home) return { kind: 'local' };
  return { kind: 'forward-to-owner', owner: home };
}

describe('the deployed write policy drives decideWrite: phase x region x write class x home', () => {
  const cases = ROLLOUT_PHASES.flatMap((phase) =>
    REGIONS.flatMap((region) =>
      REGIONS.map((home) => [phase, region, home] as [RolloutPhase, string, string]),
    ),
  );
  test.each(cases)('phase %s, write arrives in %s, tenant home %s', (phase, region, home) => {
    // GIVEN the policy as deployed to the region
    const policy = writePolicyIn(phase, region);
    for (const operation of WRITE_CLASS_NAMES) {
      // WHEN the handler decides
      const decision = decideWrite({ ...writeContextOf(policy, operation), home, operation });
      // THEN it does what the phase says
      expect({ operation, decision }).toEqual({
        operation,
        decision: expectedDecision(phase, region, home, operation),
      });
    }
  });

  test('a passive region in active-passive writes no global class locally, not even for its own tenants', () => {
    const policy = writePolicyIn('active-passive', 'eu-west-1');
    for (const operation of WRITE_CLASS_NAMES.filter(
      (name) => WRITE_CLASS_SCOPES[name] === 'global',
    )) {
      const context = { ...writeContextOf(policy, operation), home: 'eu-west-1', operation };
      expect(decideWrite(context)).toEqual({ kind: 'forward-to-owner', owner: PRIMARY });
      expect(decideWrite({ ...context, whenNotOwner: 'reject' })).toEqual({
        kind: 'reject',
        owner: PRIMARY,
      });
    }
  });
});

/** Properties that define how Route 53 routes a record; none may ever change between phases. */
const ROUTING_PROPERTIES = [
  'Name',
  'Type',
  'SetIdentifier',
  'Region',
  'Failover',
  'Weight',
  'GeoLocation',
  'CidrRoutingConfig',
  'MultiValueAnswer',
  'HealthCheckId',
  'HostedZoneId',
];

type RecordProperties = Record<string, unknown>;

function recordsOf(app: PhaseApp): Array<{ stack: StackKey; id: string; props: RecordProperties }> {
  return (Object.keys(app.templates) as StackKey[]).flatMap((stack) =>
    Object.entries(app.template(stack).findResources('AWS::Route53::RecordSet')).map(
      ([id, resource]) => ({ stack, id, props: resource.Properties as RecordProperties }),
    ),
  );
}

function policyOf(props: RecordProperties): string {
  if (props.Failover !== undefined) return 'failover';
  if (props.Region !== undefined) return 'latency';
  if (props.Weight !== undefined) return 'weighted';
  if (props.GeoLocation !== undefined) return 'geolocation';
  return 'simple';
}

const ADJACENT = ROLLOUT_PHASES.slice(1).flatMap((to, index) => {
  const from = ROLLOUT_PHASES[index] as RolloutPhase;
  return [
    [from, to],
    [to, from],
  ] as [RolloutPhase, RolloutPhase][];
});

describe('adjacent phases, diffed as CloudFormation sees the deploy', () => {
  describe.each(ADJACENT)('%s -> %s', (from, to) => {
    const stackKeys = (): StackKey[] => Object.keys(appOf(from).templates) as StackKey[];

    test('no Route 53 record or health check is added, removed or replaced', () => {
      for (const stack of stackKeys()) {
        const diff = fullDiff(appOf(from).json(stack), appOf(to).json(stack));
        diff.resources.forEachDifference((id, change) => {
          const type = change.newResourceType ?? change.oldResourceType ?? '';
          if (!type.startsWith('AWS::Route53::')) return;
          expect({ stack, id, addition: change.isAddition, removal: change.isRemoval }).toEqual({
            stack,
            id,
            addition: false,
            removal: false,
          });
          expect({ stack, id, impact: change.changeImpact }).toEqual({
            stack,
            id,
            impact: change.isDifferent ? ResourceImpact.WILL_UPDATE : ResourceImpact.NO_CHANGE,
          });
        });
      }
    });

    test('no routing property of any record changes (only alias targets, TXT values, comments)', () => {
      for (const stack of stackKeys()) {
        const diff = fullDiff(appOf(from).json(stack), appOf(to).json(stack));
        diff.resources.forEachDifference((id, change) => {
          if (change.newResourceType !== 'AWS::Route53::RecordSet') return;
          const changed = Object.keys(change.propertyUpdates);
          expect({ stack, id, changed }).toEqual({
            stack,
            id,
            changed: changed.filter((key) =>
              ['AliasTarget', 'ResourceRecords', 'Comment'].includes(key),
            ),
          });
          for (const key of ROUTING_PROPERTIES) expect(changed).not.toContain(key);
        });
      }
    });

    test('the step changes exactly: the guard, each API function environment, the public alias and TXT', () => {
      const changed = Object.fromEntries(
        stackKeys().map((stack) => {
          const diff = fullDiff(appOf(from).json(stack), appOf(to).json(stack));
          const types: string[] = [];
          diff.resources.forEachDifference((_id, change) => {
            if (change.isDifferent) types.push(change.newResourceType ?? '');
          });
          return [stack, types.sort()];
        }),
      );
      const dnsMoves = from === 'active-passive' || to === 'active-passive';
      expect(changed).toEqual({
        data: ['Custom::RolloutGuard'],
        global: ['AWS::Route53::RecordSet', 'AWS::Route53::RecordSet'],
        ...Object.fromEntries(
          REGIONS.map((region) => [`region:${region}`, ['AWS::Lambda::Function']]),
        ),
      });
      // the public alias moves only between active-passive and read-local
      const publicRecord = (phase: RolloutPhase) =>
        recordsOf(appOf(phase)).find((record) => record.props.Name === 'api.example.com.')?.props
          .AliasTarget;
      expect(JSON.stringify(publicRecord(from)) !== JSON.stringify(publicRecord(to))).toBe(
        dnsMoves,
      );
    });
  });

  test('no name ever holds records of two routing policies, in any phase or across phases', () => {
    const policyByName = new Map<string, string>();
    for (const phase of ROLLOUT_PHASES) {
      const byName = new Map<string, Set<string>>();
      for (const { props } of recordsOf(appOf(phase))) {
        const key = `${String(props.Name)} ${String(props.Type)}`;
        byName.set(key, (byName.get(key) ?? new Set()).add(policyOf(props)));
      }
      for (const [name, policies] of byName) {
        expect({ phase, name, policies: [...policies] }).toEqual({
          phase,
          name,
          policies: [[...policies][0]],
        });
        const seen = policyByName.get(name);
        const policy = [...policies][0] as string;
        if (seen !== undefined) expect({ name, policy }).toEqual({ name, policy: seen });
        policyByName.set(name, policy);
      }
    }
    // the names the rollout relies on, each with its one policy
    expect(Object.fromEntries([...policyByName].filter(([name]) => name.endsWith(' A')))).toEqual(
      expect.objectContaining({
        'api.example.com. A': 'simple',
        'latency.api.example.com. A': 'latency',
        'standby.api.example.com. A': 'latency',
        'failover.api.example.com. A': 'failover',
      }),
    );
  });
});

describe('per-domain phases reach every region', () => {
  // GIVEN read-local with counters ahead (active-active) and the ledger behind (active-passive)
  let policies: Map<string, WritePolicy>;
  beforeAll(() => {
    const { stacks } = buildTestApp(
      testConfig({
        rollout: {
          phase: 'read-local',
          domains: { counters: 'active-active', ledger: 'active-passive' },
        },
      }),
    );
    policies = new Map(
      stacks.regions.map((stack) => {
        const [fn] = Object.values(
          Template.fromStack(stack).findResources('AWS::Lambda::Function', {
            Properties: { Environment: { Variables: { WRITE_POLICY: Match.anyValue() } } },
          }),
        );
        return [
          stack.region,
          parseWritePolicy(fn?.Properties.Environment.Variables.WRITE_POLICY as string),
        ];
      }),
    );
  });

  test.each(REGIONS.map((region) => [region]))('%s', (region) => {
    const policy = policies.get(region) as WritePolicy;
    expect(policy.domains).toEqual({
      counters: 'active-active',
      sets: 'read-local',
      profiles: 'read-local',
      carts: 'read-local',
      ledger: 'active-passive',
    });
    const decide = (operation: WriteClass, home: string) =>
      decideWrite({ ...writeContextOf(policy, operation), home, operation });
    // counters: local anywhere, even for tenants homed elsewhere
    expect(decide('counter.increment', 'somewhere-else-1')).toEqual({ kind: 'local' });
    // sets: read-local, so the home region writes
    expect(decide('set.add', region)).toEqual({ kind: 'local' });
    expect(decide('set.add', 'somewhere-else-1')).toEqual({
      kind: 'forward-to-owner',
      owner: 'somewhere-else-1',
    });
    // ledger entries are owner-only: the tenant's home writes them whatever the phase ([J])
    expect(decide('ledger.entry', region)).toEqual({ kind: 'local' });
    expect(decide('ledger.entry', 'somewhere-else-1')).toEqual({
      kind: 'forward-to-owner',
      owner: 'somewhere-else-1',
    });
  });
});
