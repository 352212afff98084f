/** What the API handler depends on (tests pass fakes; ./wiring.ts builds the production ones). */
import type { IdempotencyStore, Log, MetricSink } from '../app/ports';
import type { ActiveActiveService } from '../app/service';
import type { ApiDescriptionSettings } from '../contract/api-description';
import type { ApiEnvironment } from '../contract/environment';
import type { SessionKeyring } from '../domain/session-token';

export type { Log, MetricSink } from '../app/ports';

/** Everything the API handler depends on; tests pass fakes. */
export interface ApiDeps {
  readonly config: Pick<ApiEnvironment, 'region'>;
  /** The service; created by the first request that needs it (it waits for the session key). */
  readonly service: () => Promise<ActiveActiveService>;
  readonly keyring: () => Promise<SessionKeyring>;
  /** Idempotency claims in this region's replica. */
  readonly idempotency: IdempotencyStore;
  /** Idempotency claims in another region's replica (the tenant's home). @default - this region's */
  readonly idempotencyIn?: (region: string) => IdempotencyStore;
  readonly now: () => number;
  readonly log: Log;
  readonly metric: MetricSink;
  /** This region's clock offset from AWS time, when measured (reported as `ClockSkewMs`). */
  readonly clockOffsetMs?: () => number | undefined;
  /** Sends buffered metrics at the end of a request (no-op in tests). */
  readonly flushMetrics?: () => void;
  /**
   * The deployment's names, for the OpenAPI document `GET /openapi.json` serves.
   * @default - placeholders: app `active-active`, public name `api.example.com`, this region only
   */
  readonly apiDescription?: ApiDescriptionSettings;
}
