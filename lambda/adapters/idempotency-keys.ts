/**
 * Where idempotency claims live: partition `I#<scope>` (the tenant), sort key
 * `<claiming region>#<epoch>#<key>`. Shared by the stores and the CDK app's IAM condition (the API
 * may delete only these items in other regions' replicas).
 */

import { IDEMPOTENCY_PARTITION_PREFIX } from '../contract/naming';

/** The key of a claim item in `region`'s replica. */
export function idempotencyKeyOf(
  region: string,
  scope: string,
  key: string,
): { pk: string; sk: string } {
  return { pk: `${IDEMPOTENCY_PARTITION_PREFIX}${scope}`, sk: `${region}#${key}` };
}
