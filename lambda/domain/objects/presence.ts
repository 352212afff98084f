/**
 * Presence: a user's last-seen status. Every heartbeat rewrites it, so losing one of two concurrent
 * updates is harmless; it is the one type here that declares it tolerates last-writer-wins.
 */
import { describeValue, expectNonEmptyString, expectObject, type JsonObject } from '../json';
import type { ValueCodec } from '../value-codec';

/** Statuses a client can report. */
const PRESENCE_STATUSES = ['online', 'away', 'offline'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

/** A user's presence. */
export interface Presence {
  /** Reported status. */
  readonly status: PresenceStatus;
  /** Client that reported it. */
  readonly device: string;
}

/** Serialized presence: `{ status, device }`. */
export const PRESENCE_CODEC: ValueCodec<Presence> = {
  name: 'presence',
  serialize: (presence): JsonObject => ({ status: presence.status, device: presence.device }),
  deserialize: (json) => {
    const object = expectObject(json, 'presence');
    const status = object.status;
    if (!(PRESENCE_STATUSES as readonly unknown[]).includes(status)) {
      throw new Error(
        `presence status must be one of ${PRESENCE_STATUSES.join(' | ')}, got ${describeValue(status)}`,
      );
    }
    return {
      status: status as PresenceStatus,
      device: expectNonEmptyString(object.device, 'presence device'),
    };
  },
};
