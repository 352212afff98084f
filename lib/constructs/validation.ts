import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Construct-level checks, modelled on aws-cdk's `aws-route53/lib/record-set.ts`: each names the
 * construct path and the bad value and says the fix, and skips values that are Tokens (known only
 * at deploy time). Constructs check only what config validation cannot: the stack they are in,
 * and props no config key feeds. A value the config schema validates (lib/config) is not checked
 * again here; the schema's message names the cdk.json key instead.
 */

/**
 * A construct's props failed its checks. aws-cdk's own `ValidationError` cannot be built outside
 * aws-cdk-lib (its constructor is internal), so this mirrors it: `constructPath`, and the message
 * rendered as the CDK renders validation errors, `[Path/To/Construct] what is wrong, got x; fix`.
 */
export class ConstructValidationError extends Error {
  /** The path of the construct whose props failed. */
  readonly constructPath: string;

  constructor(scope: IConstruct, message: string) {
    super(`[${scope.node.path}] ${message}`);
    this.name = 'ValidationError';
    this.constructPath = scope.node.path;
  }
}

/** The region of the stack `scope` is in, which must be explicit (`what` names the construct). */
export function explicitRegionOf(scope: IConstruct, what: string): string {
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region)) {
    throw new ConstructValidationError(
      scope,
      `${what} needs a stack with an explicit region; set env.region on the stack`,
    );
  }
  return region;
}

/** The explicit region of `scope`'s stack, which must be one of `regions`. */
export function regionAmong(scope: IConstruct, what: string, regions: readonly string[]): string {
  const region = explicitRegionOf(scope, what);
  if (!regions.includes(region)) {
    throw new ConstructValidationError(
      scope,
      `${what} region ${region} is not one of regions (${regions.join(', ')}); add it to regions`,
    );
  }
  return region;
}
