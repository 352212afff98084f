/**
 * The operator's entry into the runtime (aactl runs it with the operator's credentials, as a
 * Lambda runs its handler): a forced takeover through the app's own DynamoDB adapter, and the
 * tenants whose home moved, read from the sparse index their ownership items are in.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoReplica } from '../adapters/dynamo-replica';
import { MOVED_TENANTS_PARTITION, ownershipSlotOf } from '../app/items';
import type { OwnershipSlot } from '../app/ports';
import { planTakeover, takeOverTenant, type TakeoverResult } from '../app/takeover';
import { HybridLogicalClock } from '../domain/hlc';

export { MOVED_TENANTS_PARTITION, ownershipSlotOf, type OwnershipSlot, type TakeoverResult };

/** The takeover `to` would write now, from its replica's ownership slots (nothing written). */
export async function previewTakeover(options: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly tenant: string;
  readonly to: string;
  readonly defaultHome: string;
  readonly now: () => number;
}): Promise<TakeoverResult> {
  const replica = new DynamoReplica({
    client: options.client,
    tableName: options.tableName,
    region: options.to,
  });
  const slots = await replica.readOwnership(options.tenant, { consistent: true });
  return planTakeover(
    options.tenant,
    options.to,
    slots,
    options.defaultHome,
    new HybridLogicalClock({ region: options.to, wallClock: options.now }),
  );
}

/** Takes `tenant` over into `to` (its own ownership slot, next epoch). */
export function takeOver(options: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly tenant: string;
  readonly to: string;
  readonly regions: readonly string[];
  readonly defaultHome: string;
  readonly now: () => number;
}): Promise<TakeoverResult> {
  return takeOverTenant({
    tenantId: options.tenant,
    replica: new DynamoReplica({
      client: options.client,
      tableName: options.tableName,
      region: options.to,
    }),
    regions: options.regions,
    defaultHome: options.defaultHome,
    clock: new HybridLogicalClock({ region: options.to, wallClock: options.now }),
  });
}
