import { Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ConstructValidationError } from './validation';

/**
 * Acknowledge cdk-nag's IAM5 finding for exactly these wildcard resources (one acknowledgment
 * per resource, never the rule as a whole), so a new wildcard elsewhere under `scope` still fails.
 * Resources must be literal strings: the finding id quotes the resource as rendered.
 */
export function acknowledgeWildcardResources(
  scope: IConstruct,
  resources: readonly string[],
  reason: string,
): void {
  for (const resource of resources) {
    if (Token.isUnresolved(resource)) {
      throw new ConstructValidationError(
        scope,
        `cannot acknowledge a wildcard on an unresolved resource (${resource}); build the ARN from literal values`,
      );
    }
    Validations.of(scope).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`,
      reason,
    });
  }
}
