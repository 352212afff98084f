import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { functionDefaults, LAMBDA_ROOT } from './lambda-bundling';
import { appLogGroup, type LogSettings } from './log-settings';

/** Properties of {@link appFunction}. */
export interface AppFunctionProps {
  /** Entry file under `lambda/`, e.g. `handlers/api.ts`. */
  readonly entry: string;
  /** Function description. */
  readonly description: string;
  /** Role description: what the role may do. */
  readonly roleDescription: string;
  /** Environment variables. */
  readonly environment: Record<string, string>;
  /**
   * Retention and encryption of the function's log group.
   * @default - one month, CloudWatch Logs' own encryption
   */
  readonly logs?: LogSettings;
  /**
   * Function options that differ from the shared defaults (memory, timeout, concurrency).
   * @default - the defaults of functionDefaults()
   */
  readonly overrides?: Pick<
    nodejs.NodejsFunctionProps,
    'memorySize' | 'timeout' | 'reservedConcurrentExecutions'
  >;
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
  const logGroup = appLogGroup(scope, 'FunctionLogs', props.logs);
  const role = new iam.Role(scope, 'FunctionRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.roleDescription,
  });
  logGroup.grantWrite(role);
  const fn = new nodejs.NodejsFunction(scope, 'Function', {
    ...functionDefaults(),
    ...props.overrides,
    role,
    entry: path.join(LAMBDA_ROOT, props.entry),
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
