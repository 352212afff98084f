/**
 * Tenant ownership for on-call: a forced takeover (the operator-only path: the operator's AWS
 * credentials write the new home's ownership slot; the public API has no route for it) and the
 * tenants whose home moved, from the sparse index their ownership items are in.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { heartbeatKey } from '../../../lambda/contract/naming';
import {
  MOVED_TENANTS_PARTITION,
  ownershipSlotOf,
  previewTakeover,
  takeOver,
  type OwnershipSlot,
  type TakeoverResult,
} from '../../../lambda/operator/tenants';

/** A tenant whose home moved (one ownership slot of it, as a replica holds it). */
export interface MovedTenant {
  readonly tenant: string;
  readonly home: string;
  readonly epoch: number;
  /** When the move was stamped (epoch ms). */
  readonly movedAtMs: number;
  /** Set when the move was an operator's takeover of a lost home. */
  readonly lost?: string;
}

/** What a takeover would do, and what it puts at risk. */
export interface TakeoverPreview {
  readonly plan: TakeoverResult;
  /** How old the lost home's last heartbeat is in the new home's replica: the likely loss window. */
  readonly homeHeartbeatAgeMs?: number;
}

export interface TenantsGateway {
  /** Reads what a takeover of `tenant` into `to` would do, writing nothing. */
  previewTakeover(tenant: string, to: string, defaultHome: string): Promise<TakeoverPreview>;
  /** Takes `tenant` over into `to` (writes `to`'s ownership slot with the next epoch). */
  takeOver(tenant: string, to: string, defaultHome: string): Promise<TakeoverResult>;
  /** Tenants moved since `sinceMs`, as `region`'s replica holds them. */
  listMoved(region: string, sinceMs: number): Promise<MovedTenant[]>;
}

export function createTenantsGateway(options: {
  readonly client: (region: string) => DynamoDBClient;
  readonly documents: (region: string) => DynamoDBDocumentClient;
  readonly tableName: string;
  readonly regions: readonly string[];
  readonly now?: () => number;
}): TenantsGateway {
  const now = options.now ?? Date.now;
  return {
    async previewTakeover(tenant, to, defaultHome) {
      const plan = await previewTakeover({
        client: options.client(to),
        tableName: options.tableName,
        tenant,
        to,
        defaultHome,
        now,
      });
      const home = plan.kind === 'taken-over' ? plan.previous.home : undefined;
      if (home === undefined) return { plan };
      const heartbeat = await options.documents(to).send(
        new QueryCommand({
          TableName: options.tableName,
          KeyConditionExpression: 'pk = :pk AND sk = :sk',
          ExpressionAttributeValues: {
            ':pk': heartbeatKey(home).pk,
            ':sk': heartbeatKey(home).sk,
          },
          ConsistentRead: true,
        }),
      );
      const sentAtMs = heartbeat.Items?.[0]?.sentAtMs;
      return {
        plan,
        ...(typeof sentAtMs === 'number'
          ? { homeHeartbeatAgeMs: Math.max(0, now() - sentAtMs) }
          : {}),
      };
    },
    takeOver(tenant, to, defaultHome) {
      return takeOver({
        client: options.client(to),
        tableName: options.tableName,
        tenant,
        to,
        regions: options.regions,
        defaultHome,
        now,
      });
    },
    async listMoved(region, sinceMs) {
      const output = await options.documents(region).send(
        new QueryCommand({
          TableName: options.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :moved AND gsi1sk >= :since',
          ExpressionAttributeValues: {
            ':moved': MOVED_TENANTS_PARTITION,
            ':since': String(Math.max(0, sinceMs)).padStart(15, '0'),
          },
        }),
      );
      const latest = new Map<string, OwnershipSlot['ownership'] & { movedAtMs: number }>();
      for (const item of output.Items ?? []) {
        const { ownership } = ownershipSlotOf(item);
        const current = latest.get(ownership.tenantId);
        if (current === undefined || ownership.epoch > current.epoch) {
          latest.set(ownership.tenantId, { ...ownership, movedAtMs: ownership.hlc.wallMs });
        }
      }
      return [...latest.values()].map((ownership) => ({
        tenant: ownership.tenantId,
        home: ownership.home,
        epoch: ownership.epoch,
        movedAtMs: ownership.movedAtMs,
        ...(ownership.lost === undefined ? {} : { lost: ownership.lost }),
      }));
    },
  };
}
