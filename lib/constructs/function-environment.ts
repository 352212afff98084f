import { Stack, type IAspect } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/**
 * Lambda's limit on a function's environment: the keys and values of all variables together.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/** The size of each variable (key plus value, UTF-8) and of the whole environment. */
export function environmentSizeOf(variables: Readonly<Record<string, unknown>>): {
  readonly total: number;
  readonly byName: ReadonlyArray<readonly [string, number]>;
} {
  const byName = Object.entries(variables)
    .map(([name, value]) => {
      // A value CloudFormation resolves at deploy time (Ref, GetAtt, Join) is counted by its
      // template text, an estimate: the app puts no deploy-time value in an environment today.
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      return [name, Buffer.byteLength(name) + Buffer.byteLength(text)] as const;
    })
    .sort((a, b) => b[1] - a[1]);
  return { total: byName.reduce((sum, [, size]) => sum + size, 0), byName };
}

/**
 * Fails synth when a function's environment is over Lambda's 4 KB, naming the function, the
 * size, the largest variables and the fix, instead of letting CloudFormation fail the deploy
 * halfway. Applies to every function of the app, including the CDK's own providers.
 */
export class FunctionEnvironmentLimit implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof lambda.CfnFunction)) return;
    node.node.addValidation({
      validate: () => {
        // the L1 property as set by L2 constructs (`variables`, not the template's `Variables`)
        const resolved = Stack.of(node).resolve(node.environment) as
          { variables?: Record<string, unknown>; Variables?: Record<string, unknown> } | undefined;
        const { total, byName } = environmentSizeOf(
          resolved?.variables ?? resolved?.Variables ?? {},
        );
        if (total <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return [];
        const largest = byName
          .slice(0, 3)
          .map(([name, size]) => `${name} ${size}`)
          .join(', ');
        return [
          `function environment is ${total} bytes, over Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}-byte limit (largest: ${largest}); shorten the config values behind them, or move lists from config into a table item or SSM parameter`,
        ];
      },
    });
  }
}
