import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { drainFlagKey, TTL_ATTRIBUTE } from '../../../lambda/contract/naming';

/**
 * The data-plane drain flag: while the item `drainFlagKey(region)` holds `drained = true`, that
 * region's `/health` answers 503 and Route 53 takes it out of DNS. The gateway always writes to
 * the replica in the region itself, so draining needs neither Route 53 nor another region.
 */

/** What a drain flag records. */
export interface DrainFlag {
  /** Why the region is drained (shown by `aactl status`). */
  readonly reason: string;
  /** When it was set. */
  readonly setAt: Date;
  /** When DynamoDB TTL deletes it at the latest, so a forgotten drain ends on its own. */
  readonly expiresAt: Date;
  /** Drill that set it, if any. */
  readonly drillId?: string;
}

/** A drain flag as read back. */
export interface DrainFlagState extends DrainFlag {
  readonly drained: boolean;
}

/** The drain flag of each region, in that region's replica. */
export interface DrainGateway {
  /** Set the flag in `region`. */
  setDrain(region: string, flag: DrainFlag): Promise<void>;
  /** Delete the flag in `region`. */
  clearDrain(region: string): Promise<void>;
  /** Read the flag in `region` (strongly consistent); undefined when absent. */
  getDrain(region: string): Promise<DrainFlagState | undefined>;
}

/** Build the gateway from a per-region document client factory. */
export function createDrainGateway(
  clientFor: (region: string) => DynamoDBDocumentClient,
  tableName: string,
): DrainGateway {
  return {
    async setDrain(region, flag) {
      await clientFor(region).send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...drainFlagKey(region),
            drained: true,
            reason: flag.reason,
            setAt: flag.setAt.toISOString(),
            [TTL_ATTRIBUTE]: Math.floor(flag.expiresAt.getTime() / 1000),
            ...(flag.drillId !== undefined ? { drillId: flag.drillId } : {}),
          },
        }),
      );
    },

    async clearDrain(region) {
      await clientFor(region).send(
        new DeleteCommand({ TableName: tableName, Key: drainFlagKey(region) }),
      );
    },

    async getDrain(region) {
      const out = await clientFor(region).send(
        new GetCommand({ TableName: tableName, Key: drainFlagKey(region), ConsistentRead: true }),
      );
      const item = out.Item;
      if (item === undefined) return undefined;
      const expires = Number(item[TTL_ATTRIBUTE]);
      return {
        drained: item.drained === true,
        reason: typeof item.reason === 'string' ? item.reason : '',
        setAt: new Date(typeof item.setAt === 'string' ? item.setAt : 0),
        expiresAt: new Date(Number.isFinite(expires) ? expires * 1000 : 0),
        ...(typeof item.drillId === 'string' ? { drillId: item.drillId } : {}),
      };
    },
  };
}
