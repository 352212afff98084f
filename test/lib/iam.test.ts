import { Template } from 'aws-cdk-lib/assertions';
import { buildTestApp, testConfig } from '../helpers/app';

/** One statement as a reviewer reads it. */
interface StatementSummary {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: unknown;
}

/** Logical ids end in an 8-character hash; drop it so the inventory reads like the construct tree. */
function nameOf(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '');
}

/** Intrinsics as short text: `Ref X`, `X.Arn`, or the joined parts. */
function show(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, unknown>;
  if ('Ref' in object) return `Ref ${nameOf(String(object.Ref))}`;
  if ('Fn::GetAtt' in object) {
    const [id, attribute] = object['Fn::GetAtt'] as [string, string];
    return `${nameOf(id)}.${attribute}`;
  }
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map(show).join(separator);
  }
  return JSON.stringify(value);
}

/**
 * Every role of a template with every statement that applies to it (inline policies and
 * AWS::IAM::Policy resources attached to it), as `{ role: [statements] }`.
 */
function roleInventory(template: Template): Record<string, StatementSummary[]> {
  const json = template.toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const inventory: Record<string, StatementSummary[]> = {};
  const add = (roleId: string, document: unknown) => {
    const statements = (document as { Statement: Array<Record<string, unknown>> }).Statement;
    (inventory[nameOf(roleId)] ??= []).push(
      ...statements.map((statement) => ({
        effect: String(statement.Effect),
        actions: [statement.Action].flat().map(String),
        resources: [statement.Resource].flat().map(show),
        ...(statement.Condition === undefined ? {} : { conditions: statement.Condition }),
      })),
    );
  };
  for (const [id, resource] of Object.entries(json.Resources)) {
    if (resource.Type === 'AWS::IAM::Role') {
      inventory[nameOf(id)] ??= [];
      for (const policy of (resource.Properties.Policies ?? []) as Array<{
        PolicyDocument: unknown;
      }>) {
        add(id, policy.PolicyDocument);
      }
    }
    if (resource.Type === 'AWS::IAM::Policy') {
      for (const role of resource.Properties.Roles as Array<{ Ref: string }>) {
        add(role.Ref, resource.Properties.PolicyDocument);
      }
    }
  }
  return inventory;
}

describe('IAM inventory: every role, its actions and resources', () => {
  let inventories: Record<string, Record<string, StatementSummary[]>>;
  beforeAll(() => {
    const { stacks } = buildTestApp(testConfig());
    inventories = Object.fromEntries(
      [stacks.data, stacks.regions[1]!, stacks.global].map((stack) => [
        stack.stackName,
        roleInventory(Template.fromStack(stack)),
      ]),
    );
  });

  test('the roles of each stack type (review a diff here like a change to a policy)', () => {
    expect(inventories).toMatchSnapshot();
  });

  test('no role but the heartbeat and conflict feed may write the control partition', () => {
    const region = inventories['active-active-region-eu-west-1']!;
    for (const [role, statements] of Object.entries(region)) {
      const writesTable = statements.some(
        (statement) =>
          statement.effect === 'Allow' &&
          statement.actions.some((action) =>
            /dynamodb:(Put|Update|Delete|BatchWrite)/.test(action),
          ) &&
          statement.resources.some((resource) => resource.includes(':table/')),
      );
      if (!writesTable || /^(Heartbeat|ConflictFeed)/.test(role)) continue;
      // every other writer is denied the control partition explicitly
      expect({
        role,
        deny:
          statements.find(
            (statement) =>
              statement.effect === 'Deny' &&
              JSON.stringify(statement.conditions).includes('__control__'),
          ) !== undefined,
      }).toEqual({ role, deny: true });
    }
  });

  test('only the local replica may be deleted from, and elsewhere only idempotency claims ([K])', () => {
    const region = inventories['active-active-region-eu-west-1']!;
    for (const statements of Object.values(region)) {
      for (const statement of statements) {
        if (statement.effect !== 'Allow' || !statement.actions.includes('dynamodb:DeleteItem')) {
          continue;
        }
        if (statement.resources.every((resource) => resource.includes(':eu-west-1:'))) continue;
        // a claim in the tenant's home is released there: only partition keys starting with I#
        expect(statement.actions).toEqual(['dynamodb:DeleteItem']);
        expect(statement.conditions).toEqual({
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['I#*'] },
        });
      }
    }
  });
});
