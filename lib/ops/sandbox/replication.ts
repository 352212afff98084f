/**
 * Global-table replication in the sandbox: the project's replication engine over DynamoDB Local
 * (lambda/replication/dynamo-local.ts) on the wall clock, pumped every few milliseconds
 * (`deliverDue`), with a delay per delivery (`aactl sandbox lag`), TTL expiry, and a hook on every
 * write it applies to a replica (so replication lag can be measured where it lands).
 */
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DynamoLocalReplicator } from '../../../lambda/replication/dynamo-local';
import { WALL_CLOCK } from '../../../lambda/replication/engine';

/** A write the replicator applied to a replica. */
export interface AppliedWrite {
  readonly region: string;
  readonly key: { readonly pk: string; readonly sk: string };
  readonly atMs: number;
}

/** Replication settings. */
export interface ReplicationOptions {
  readonly regions: readonly string[];
  readonly tableName: string;
  readonly dynamoEndpoint: string;
  /** Access key naming the sandbox's databases. */
  readonly namespace: string;
  /** Delay of every delivery (ms). */
  readonly lagMs: number;
  /** How often due deliveries are applied (ms). */
  readonly pumpMs: number;
  /** How often expired items are deleted (ms); 0: never. */
  readonly ttlEveryMs: number;
  readonly ttlAttribute?: string;
  readonly onError: (error: unknown) => void;
}

/** The running replication. */
export class SandboxReplication {
  readonly replicator: DynamoLocalReplicator;
  private readonly clients = new Map<string, DynamoDBClient>();
  private readonly streamClients = new Map<string, DynamoDBStreamsClient>();
  private readonly listeners = new Set<(write: AppliedWrite) => void>();
  private timers: NodeJS.Timeout[] = [];
  private pumping = false;
  private stopped = false;
  private lag: number;

  constructor(private readonly options: ReplicationOptions) {
    this.lag = options.lagMs;
    this.replicator = new DynamoLocalReplicator({
      regions: options.regions,
      tableName: options.tableName,
      client: (region) => this.clientOf(region),
      streams: (region) => this.streamsOf(region),
      clock: WALL_CLOCK,
      delay: () => this.lag,
    });
  }

  /** The delay of every new delivery (ms). */
  get lagMs(): number {
    return this.lag;
  }

  setLag(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new Error(`lag must be 0 ms or more, got ${ms}`);
    this.lag = ms;
    this.replicator.engine.setDelay(() => ms);
  }

  /** Deliveries still queued (blocked ones included). */
  get backlog(): number {
    return this.replicator.engine.backlog;
  }

  /** Called for every write applied to a replica by replication. */
  onApplied(listener: (write: AppliedWrite) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Find the streams and start pumping. */
  async start(): Promise<void> {
    await this.replicator.start();
    const pump = setInterval(() => void this.pump(), this.options.pumpMs);
    pump.unref();
    this.timers.push(pump);
    if (this.options.ttlEveryMs > 0) {
      const ttl = setInterval(() => {
        this.replicator
          .expireTtl(undefined, this.options.ttlAttribute ?? 'expiresAt')
          .catch((error: unknown) => {
            if (!this.stopped) this.options.onError(error);
          });
      }, this.options.ttlEveryMs);
      ttl.unref();
      this.timers.push(ttl);
    }
  }

  /** Apply what is due now (also called by the pump). */
  async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      await this.replicator.deliverDue();
    } catch (error) {
      // a pump still running while the sandbox stops meets a closed database: not an error
      if (!this.stopped) this.options.onError(error);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Resolves once every queued delivery is applied: each round waits for the pump in flight (the
   * engine runs one operation at a time) and applies what is due, until nothing is queued.
   */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.replicator.deliverDue();
      if (this.backlog === 0) return;
      if (Date.now() > deadline) {
        throw new Error(
          `replication did not drain within ${timeoutMs} ms: ${this.backlog} deliveries left`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, this.options.pumpMs)));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    for (const client of this.clients.values()) client.destroy();
    for (const client of this.streamClients.values()) client.destroy();
  }

  /** A client of `region`'s database (the replicator's writes are observed here). */
  clientOf(region: string): DynamoDBClient {
    let client = this.clients.get(region);
    if (client === undefined) {
      client = new DynamoDBClient(this.config(region));
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          const command = context.commandName;
          if (command === PutItemCommand.name || command === DeleteItemCommand.name) {
            const input = args.input as {
              Item?: Record<string, never>;
              Key?: Record<string, never>;
            };
            const raw = input.Item ?? input.Key;
            if (raw !== undefined) {
              const { pk, sk } = unmarshall(raw) as { pk: string; sk: string };
              const write = { region, key: { pk, sk }, atMs: Date.now() };
              for (const listener of this.listeners) listener(write);
            }
          }
          return result;
        },
        { step: 'initialize', name: 'sandboxAppliedWrites' },
      );
      this.clients.set(region, client);
    }
    return client;
  }

  private streamsOf(region: string): DynamoDBStreamsClient {
    let client = this.streamClients.get(region);
    if (client === undefined) {
      client = new DynamoDBStreamsClient(this.config(region));
      this.streamClients.set(region, client);
    }
    return client;
  }

  private config(region: string) {
    return {
      region,
      endpoint: this.options.dynamoEndpoint,
      credentials: { accessKeyId: this.options.namespace, secretAccessKey: 'sandbox' },
      maxAttempts: 3,
    };
  }
}
