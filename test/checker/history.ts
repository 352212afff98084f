/**
 * What the checker records: every request a client sent and what came back, with the instants it
 * started and ended (true time, and the world's step, a total order of everything that happened),
 * plus the faults the driver injected. The properties judge only this record and the final state.
 */
import type { Instant } from './world';

/** The client operations the driver generates. */
export type ClientOp =
  | {
      readonly kind: 'counter.add';
      readonly tenant: string;
      readonly counter: string;
      readonly delta: number;
    }
  | {
      /** A keyed increment sent to `region`, then retried with the same key to `retryIn`. */
      readonly kind: 'counter.add-keyed';
      readonly tenant: string;
      readonly key: string;
      readonly delta: number;
      readonly retryIn: string;
    }
  | {
      readonly kind: 'set.add' | 'set.remove';
      readonly tenant: string;
      readonly set: string;
      readonly element: string;
    }
  | {
      readonly kind: 'profile.patch';
      readonly tenant: string;
      readonly profile: string;
      readonly field: string;
      readonly value: string;
    }
  | {
      readonly kind: 'ledger.entry';
      readonly tenant: string;
      readonly account: string;
      readonly entryId: string;
      readonly amount: number;
    }
  | { readonly kind: 'home.transfer'; readonly tenant: string; readonly to: string }
  | { readonly kind: 'case.resolve'; readonly tenant: string; readonly account: string }
  | {
      readonly kind: 'read';
      readonly tenant: string;
      readonly type: 'counter' | 'set' | 'profile' | 'account';
      readonly id: string;
      readonly consistency: Consistency;
    };

export type Consistency = 'local' | 'read-your-writes' | 'strong' | 'quorum';

/** How an answer is judged: it took effect, it certainly did not, or nobody can tell. */
export type Outcome = 'ok' | 'refused' | 'unknown';

/** One request and its answer. */
export interface Operation {
  readonly id: number;
  /** The client (session) that sent it. */
  readonly client: number;
  /** The region it was sent to. */
  readonly region: string;
  readonly op: ClientOp;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /** The session token it carried (its session's writes acknowledged so far). */
  readonly token?: string;
  readonly start: Instant;
  end: Instant;
  status: number;
  responseHeaders: Readonly<Record<string, string>>;
  response: Record<string, unknown>;
  outcome: Outcome;
  /** For retries: the operation this one repeats (same idempotency key). */
  readonly retryOf?: number;
  /** Ids of the session's writes acknowledged before it was sent. */
  readonly sessionWrites: readonly number[];
}

/** A fault the driver injected, when. */
export interface FaultRecord {
  readonly at: Instant;
  readonly description: string;
}

/** A handoff an operator forced (a takeover): it ends the old home's authority by decree. */
export interface ForcedHandoff {
  readonly at: Instant;
  readonly tenant: string;
  readonly from: string;
  readonly to: string;
  readonly epoch: number;
}

/** Everything recorded in one run. */
export interface History {
  readonly operations: Operation[];
  readonly faults: FaultRecord[];
  readonly handoffs: ForcedHandoff[];
}

/** The judgement of an HTTP status. */
export function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 400 && status < 500) return 'refused';
  return 'unknown';
}

/** A short, readable line per operation (failure reports print the history). */
export function describeOperation(operation: Operation): string {
  const code =
    typeof operation.response.error === 'object' && operation.response.error !== null
      ? ` ${String((operation.response.error as { code?: unknown }).code)}`
      : '';
  const served = operation.responseHeaders['x-served-region'];
  return `#${operation.id} c${operation.client} ${operation.region} ${operation.method} ${operation.path}${
    operation.body === undefined ? '' : ` ${JSON.stringify(operation.body)}`
  }${operation.headers.consistency ? ` [${operation.headers.consistency}]` : ''}${
    operation.headers['idempotency-key'] ? ` key=${operation.headers['idempotency-key']}` : ''
  } @${operation.start.step}-${operation.end.step} -> ${operation.status}${code}${
    served ? ` served=${served}` : ''
  }${operation.responseHeaders['x-staleness-ms'] ? ` staleness=${operation.responseHeaders['x-staleness-ms']}` : ''}`;
}

/** The whole history, one line each (faults interleaved by step). */
export function describeHistory(history: History): string {
  const lines: Array<[number, string]> = [
    ...history.operations.map((operation): [number, string] => [
      operation.start.step,
      describeOperation(operation),
    ]),
    ...history.faults.map((fault): [number, string] => [
      fault.at.step,
      `!! @${fault.at.step} ${fault.description}`,
    ]),
  ];
  return lines
    .sort((a, b) => a[0] - b[0])
    .map(([, line]) => line)
    .join('\n');
}
