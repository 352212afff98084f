import * as path from 'node:path';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { functionDefaults, LAMBDA_ROOT } from './lambda-bundling';

/** Properties of {@link appFunction}. */
export interface AppFunctionProps {
  /** Entry file under lambda/handlers, e.g. `api.ts`. */
  readonly entry: string;
  /** Function description. */
  readonly description: string;
  /** Role description: what the role may do. */
  readonly roleDescription: string;
  /** Environment variables. */
  readonly environment: Record<string, string>;
  /** Log retention. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Function options that differ from the shared defaults (memory, timeout).
   * @default - the defaults of functionDefaults()
   */
  readonly overrides?: Pick<nodejs.NodejsFunctionProps, 'memorySize' | 'timeout'>;
}

/**
 * A function of the app with its own log group and its own role (no managed policies: the role
 * may write only to that log group until the caller grants more). Children are `FunctionLogs`,
 * `FunctionRole` and `Function` in `scope`.
 */
export function appFunction(
  scope: Construct,
  props: AppFunctionProps,
): { readonly function: nodejs.NodejsFunction; readonly role: iam.Role } {
  const logGroup = new logs.LogGroup(scope, 'FunctionLogs', {
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, 'FunctionRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.roleDescription,
  });
  logGroup.grantWrite(role);
  const fn = new nodejs.NodejsFunction(scope, 'Function', {
    ...functionDefaults(),
    ...props.overrides,
    role,
    entry: path.join(LAMBDA_ROOT, 'handlers', props.entry),
    description: props.description,
    logGroup,
    environment: props.environment,
  });
  return { function: fn, role };
}

/** ARNs of the app table's replica in `region` and of its indexes, built from the table name. */
export function replicaArns(
  scope: Construct,
  region: string,
  tableName: string,
): { readonly table: string; readonly indexes: string } {
  const table = Stack.of(scope).formatArn({
    service: 'dynamodb',
    region,
    resource: 'table',
    resourceName: tableName,
  });
  return { table, indexes: `${table}/index/*` };
}
