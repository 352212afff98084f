/**
 * Two of the sandbox scenarios (test/sandbox/scenarios.integration.test.ts), as functions of the
 * sandbox they run against: the stale-cache check and the clock check. Each asserts its numbers and
 * returns its figures for the suite's report.
 */
import { expect, test } from '@jest/globals';
import {
  callRegion,
  type ApiAnswer,
  type ApiRequestOptions,
} from '../../../lib/ops/sandbox/client';
import { waitFor } from '../../../lib/ops/sandbox/measure';
import type { Sandbox } from '../../../lib/ops/sandbox/sandbox';
import { assertConforms, type HttpExchange } from '../../helpers/openapi-conformance';
import { runSandboxDrill } from './drill';

/** What a scenario needs besides the sandbox. */
export interface ScenarioContext {
  readonly sandbox: Sandbox;
  readonly scale: number;
  /** A tenant id no other test uses. */
  readonly tenant: (name: string) => string;
  readonly call: (
    region: string,
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ) => Promise<ApiAnswer>;
}

/** Stale cache: no read-your-writes read is older than its token while a replica lags. */
export async function staleCacheScenario({ sandbox, scale, tenant, call }: ScenarioContext) {
  const shop = tenant('ryw');
  sandbox.replication.setLag(3_000);
  let stale = 0;
  let answered = 0;
  let refused = 0;
  let token: string | undefined;
  try {
    for (let index = 1; index <= 8; index += 1) {
      const write = await call('us-east-1', 'POST', `/v1/tenants/${shop}/counters/cart`, {
        body: { delta: 1 },
        ...(token === undefined ? {} : { headers: { 'x-session-token': token } }),
      });
      expect(write.status).toBe(200);
      token = String(write.body.sessionToken);
      for (const region of ['eu-west-1', 'ap-southeast-2']) {
        const read = await call(region, 'GET', `/v1/tenants/${shop}/counters/cart`, {
          headers: { consistency: 'read-your-writes', 'x-session-token': token },
        });
        if (read.status === 200) {
          answered += 1;
          if (Number(read.body.value) < index) stale += 1;
        } else refused += 1;
      }
    }
  } finally {
    sandbox.replication.setLag(Math.round(1000 * scale));
  }
  const figures = { reads: answered + refused, answered, refused, stale };
  expect(stale).toBe(0);
  expect(answered).toBeGreaterThan(0);
  return figures;
}

/**
 * Clock: moving a region's clock moves what its handlers stamp, and past the skew bound that
 * region alone refuses writes until it is set back.
 */
export async function clockScenario({ sandbox, tenant, call }: ScenarioContext) {
  let figures: { stampAheadMs: number; refusedWith: number | undefined } | undefined;
  const shop = tenant('clock');
  const skewed = 'ap-southeast-2';
  const path = `/v1/tenants/${shop}/counters/ticks`;
  const stampOffsetMs = async (region: string) => {
    const write = await call(region, 'POST', path, { body: { delta: 1 } });
    expect(write.status).toBe(200);
    return Date.parse(String(write.body.version).slice(0, 24)) - Date.now();
  };
  try {
    sandbox.controls.clock(skewed, 20_000, false);
    const ahead = await stampOffsetMs(skewed);
    expect(ahead).toBeGreaterThan(15_000);
    expect(Math.abs(await stampOffsetMs('eu-west-1'))).toBeLessThan(5_000);
    // 2 minutes ahead: past the 60 s bound, measured from DynamoDB's Date header
    sandbox.controls.clock(skewed, 120_000, false);
    let refusal: ApiAnswer | undefined;
    await waitFor(
      async () => {
        const write = await call(skewed, 'POST', path, { body: { delta: 1 } });
        if (write.status !== 200) refusal = write;
        return refusal !== undefined;
      },
      30_000,
      `${skewed} refusing writes with its clock 2 minutes ahead`,
    );
    expect(refusal?.status).toBe(503);
    expect(refusal?.body).toMatchObject({ error: { code: 'clock_skew' } });
    expect((await call('eu-west-1', 'POST', path, { body: { delta: 1 } })).status).toBe(200);
    figures = { stampAheadMs: ahead, refusedWith: refusal?.status };
  } finally {
    sandbox.controls.clock(skewed, 0, false);
  }
  // The region measures its clock on DynamoDB's answers; a refused write still reads the
  // tenant's ownership first, so writes alone give it the samples it needs to take writes again
  await waitFor(
    async () => (await call(skewed, 'POST', path, { body: { delta: 1 } })).status === 200,
    30_000,
    `${skewed} writing again with its clock set back`,
  );
  return figures;
}

/**
 * A drill with aactl: `drill fail --method drain` measures detection and DNS convergence from the
 * sandbox and restores; `slackSeconds` allows for a busy machine.
 */
export async function drillScenario({ sandbox }: ScenarioContext, slackSeconds: number) {
  const { intervalSecondsScaled, report, code } = await runSandboxDrill(sandbox, 'eu-west-1');
  const figures = { outcome: report.outcome, timings: report.timings };
  expect(code).toBe(0);
  expect(report.outcome).toBe('passed');
  expect(report.restore).toMatchObject({
    configRestored: true,
    healthyAgain: 'yes',
    dnsRestored: 'yes',
    lockRemoved: true,
  });
  const bound = intervalSecondsScaled * 2 + intervalSecondsScaled + slackSeconds;
  expect(report.timings.detectionSeconds).toBeLessThanOrEqual(bound);
  expect(report.timings.dnsConvergenceSeconds).toBeLessThanOrEqual(bound + 1);
  expect(sandbox.regionHealthy('eu-west-1')).toBe(true);
  return figures;
}

/** Tests whose failure keeps the sandbox directory (its logs) for whoever looks into it. */
export function keepLogsOnFailure() {
  let failed = false;
  return {
    scenario(name: string, body: () => Promise<void>, timeoutMs?: number): void {
      test(
        name,
        async () => {
          try {
            await body();
          } catch (error) {
            failed = true;
            throw error;
          }
        },
        timeoutMs,
      );
    },
    failed: () => failed,
  };
}

/**
 * Headers the API does not set: HTTP's own (Node's server and fetch) and API Gateway's request id
 * (`apigw-requestid`, which an HTTP API adds to every answer, as the sandbox's adapter does).
 */
const TRANSPORT_HEADERS = new Set([
  'apigw-requestid',
  'connection',
  'content-length',
  'date',
  'keep-alive',
  'transfer-encoding',
]);

/** A sandbox call as the OpenAPI conformance checker reads it. */
export function httpExchangeOf(
  method: string,
  pathAndQuery: string,
  options: ApiRequestOptions,
  answer: ApiAnswer,
): HttpExchange {
  const url = new URL(pathAndQuery, 'http://sandbox');
  const query = Object.fromEntries(url.searchParams);
  return {
    method,
    path: url.pathname,
    ...(Object.keys(query).length > 0 ? { query } : {}),
    requestHeaders: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { requestBody: JSON.stringify(options.body) }),
    status: answer.status,
    responseHeaders: Object.fromEntries(
      Object.entries(answer.headers).filter(([name]) => !TRANSPORT_HEADERS.has(name.toLowerCase())),
    ),
    responseBody: JSON.stringify(answer.body),
  };
}

/** One region's API over HTTP, every answer checked against the OpenAPI document ([O]). */
export function checkedCaller(sandboxOf: () => Sandbox) {
  return async (
    region: string,
    method: string,
    path: string,
    options: ApiRequestOptions = {},
  ): Promise<ApiAnswer> => {
    const answer = await callRegion(sandboxOf().endpoints, region, method, path, options);
    assertConforms(httpExchangeOf(method, path, options, answer));
    return answer;
  };
}
