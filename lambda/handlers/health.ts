import type { z } from 'zod';
import { json, type HttpResult } from './http';
// type only: the health function's bundle stays free of zod
import type { health } from './responses';

/** The health route's answer (its schema is in ./responses.ts). */
type HealthBody = z.output<typeof health>;

/** What the health route needs to know about the local replica. */
export interface HealthProbe {
  /**
   * Read the region's drain flag from the local replica. Resolves with whether the region is
   * drained; rejects when the replica cannot be read in time.
   */
  readDrainFlag(): Promise<{ drained: boolean; reason?: string }>;
}

export interface HealthDeps {
  readonly region: string;
  readonly probe: HealthProbe;
  /** Milliseconds since the epoch; injected so tests control time. */
  readonly now: () => number;
}

/**
 * `GET /health`: a real read against the local replica. 200 when the read succeeds and the region
 * is not drained; 503 when the read fails or times out, or while the drain flag is set (so Route 53
 * moves traffic away without needing its control plane). Draining answers also carry
 * `connection: close`, so keep-alive clients reconnect and follow DNS.
 */
export async function checkHealth(deps: HealthDeps): Promise<HttpResult> {
  const started = deps.now();
  try {
    const flag = await deps.probe.readDrainFlag();
    const latencyMs = deps.now() - started;
    if (flag.drained) {
      const draining: HealthBody = {
        status: 'draining',
        region: deps.region,
        reason: flag.reason ?? 'drained by operator',
        latencyMs,
      };
      return json(503, draining, { connection: 'close' });
    }
    const ok: HealthBody = { status: 'ok', region: deps.region, latencyMs };
    return json(200, ok);
  } catch (error) {
    const unavailable: HealthBody = {
      status: 'unavailable',
      region: deps.region,
      reason: `local replica read failed (${errorName(error)})`,
      latencyMs: deps.now() - started,
    };
    return json(503, unavailable);
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}
