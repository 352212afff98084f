import { z } from 'zod';
import {
  DATA_DOMAINS,
  DATA_TYPE_NAMES,
  RETIRING_STEPS,
  WRITE_CLASS_NAMES,
  type DataDomain,
  type DataType,
  type WriteClass,
} from '../../lambda/contract/rollout';
import {
  API_DEFAULTS,
  DRILL_DEFAULTS,
  HEALTH_CHECK_DEFAULTS,
  LOG_DEFAULTS,
  OBSERVABILITY_DEFAULTS,
  ROLLOUT_DEFAULTS,
} from './defaults';
import { flag, integer, listOf, phase, regionName, SUBDOMAIN, URL_HTTPS, URL_PATH } from './fields';
import { HEALTH_CHECKER_REGIONS } from './regions';

/**
 * The config's sections (the objects under `activeActive`), each with its defaults from
 * defaults.ts. A missing section is parsed from `{}` (`prefault`), so its defaults are written
 * once, on its fields.
 */

/** `healthCheck`: the Route 53 health checks and the health route. */
export const healthCheckSchema = z
  .strictObject(
    {
      intervalSeconds: z.coerce
        .number()
        .refine((value) => value === 10 || value === 30, {
          error: 'must be 10 or 30 (Route 53 health checks support only these intervals)',
        })
        .default(HEALTH_CHECK_DEFAULTS.intervalSeconds),
      failureThreshold: integer(1, 10).default(HEALTH_CHECK_DEFAULTS.failureThreshold),
      path: z
        .string()
        .regex(URL_PATH, { error: "must be a URL path starting with '/'" })
        .max(255, { error: 'must be at most 255 characters' })
        .default(HEALTH_CHECK_DEFAULTS.path),
      checkerRegions: listOf(
        z.enum(HEALTH_CHECKER_REGIONS, {
          error: `must be a Route 53 health-checker region (${HEALTH_CHECKER_REGIONS.join(', ')})`,
        }),
      )
        .refine((regions) => regions.length >= 3, {
          error: 'needs at least 3 health-checker regions',
        })
        .default([...HEALTH_CHECK_DEFAULTS.checkerRegions]),
      reservedConcurrency: integer(0, 100).default(HEALTH_CHECK_DEFAULTS.reservedConcurrency),
    },
    { error: 'must be an object' },
  )
  .prefault({});

/** `rollout`: the global phase, per-domain phases, and what limited-write lets write locally. */
export const rolloutSchema = z
  .strictObject(
    {
      phase: phase.default(ROLLOUT_DEFAULTS.phase),
      domains: z
        .strictObject(
          Object.fromEntries(DATA_DOMAINS.map((domain) => [domain, phase.optional()])) as Record<
            DataDomain,
            z.ZodOptional<typeof phase>
          >,
          { error: `must map data domains (${DATA_DOMAINS.join(', ')}) to phases` },
        )
        .default({}),
      limitedWriteClasses: listOf(
        z.enum(WRITE_CLASS_NAMES as [WriteClass, ...WriteClass[]], {
          error: `must be a write class (${WRITE_CLASS_NAMES.join(', ')})`,
        }),
      ).default([...ROLLOUT_DEFAULTS.limitedWriteClasses]),
      allowMultiStep: flag.default(ROLLOUT_DEFAULTS.allowMultiStep),
    },
    { error: 'must be an object' },
  )
  .prefault({});

/** `retiringRegion`: a region on its way out, one step per deploy. */
export const retiringRegionSchema = z.strictObject(
  {
    region: regionName,
    step: z.enum(RETIRING_STEPS, { error: `must be one of ${RETIRING_STEPS.join(' | ')}` }),
  },
  { error: 'must be an object with region and step' },
);

/** `api`: the public name's subdomain, stage throttling and the authorizer. */
export const apiSchema = z
  .strictObject(
    {
      subdomain: z
        .string()
        .regex(SUBDOMAIN, { error: 'must be one DNS label (a-z, 0-9, -), e.g. api' })
        .default(API_DEFAULTS.subdomain),
      throttle: z
        .strictObject({
          rateLimit: integer(1, 100_000).default(API_DEFAULTS.throttle.rateLimit),
          burstLimit: integer(1, 5000).default(API_DEFAULTS.throttle.burstLimit),
        })
        .prefault({}),
      jwt: z
        .strictObject({
          issuer: z.string().regex(URL_HTTPS, { error: 'must be an https:// issuer URL' }),
          audience: listOf(z.string().min(1)).refine((list) => list.length > 0, {
            error: 'needs at least one audience',
          }),
        })
        .optional(),
    },
    { error: 'must be an object' },
  )
  .prefault({});

/** CloudWatch Logs retention periods, in days (the only values the service accepts). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** `logs`: retention and encryption of every log group. */
export const logsSchema = z
  .strictObject(
    {
      retentionDays: z.coerce
        .number()
        .refine((value) => (LOG_RETENTION_DAYS as readonly number[]).includes(value), {
          error: `must be a CloudWatch Logs retention in days (${LOG_RETENTION_DAYS.join(', ')})`,
        })
        .default(LOG_DEFAULTS.retentionDays),
      customerManagedKey: flag.default(LOG_DEFAULTS.customerManagedKey),
    },
    { error: 'must be an object' },
  )
  .prefault({});

/** `drills`: what every failover drill must leave standing. */
export const drillsSchema = z
  .strictObject(
    { minHealthyRegions: integer(1, 50).default(DRILL_DEFAULTS.minHealthyRegions) },
    { error: 'must be an object' },
  )
  .prefault({});

/** `observability`: the divergence probe's entities and grace, the open-case alarm's age. */
export const observabilitySchema = z
  .strictObject(
    {
      criticalEntities: z
        .array(
          z.strictObject({
            tenant: z.string().regex(/^(?!__)[A-Za-z0-9_.:-]{1,128}$/, {
              error: 'must be a tenant id (1-128 of A-Z a-z 0-9 _ - . :)',
            }),
            type: z.enum(DATA_TYPE_NAMES as [DataType, ...DataType[]], {
              error: `must be a data type (${DATA_TYPE_NAMES.join(', ')})`,
            }),
            id: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, {
              error: 'must be an object id (1-128 of A-Z a-z 0-9 _ - . :)',
            }),
          }),
        )
        .max(50, {
          error: 'must list at most 50 entities (the probe reads each every minute)',
        })
        .default([...OBSERVABILITY_DEFAULTS.criticalEntities]),
      divergenceGraceSeconds: integer(30, 3600).default(
        OBSERVABILITY_DEFAULTS.divergenceGraceSeconds,
      ),
      maxOpenCaseAgeHours: integer(1, 720).default(OBSERVABILITY_DEFAULTS.maxOpenCaseAgeHours),
    },
    { error: 'must be an object' },
  )
  .prefault({});

/**
 * `pricing`: price overrides for `aactl cost` and `aactl rollout plan`, by the names in
 * lib/ops/cost/prices.ts (e.g. `{"route53HealthCheckMonth": 0.75}`); unnamed prices stay at the
 * built-in us-east-1 list prices. Unknown names are refused when a cost is estimated.
 */
export const pricingSchema = z
  .record(
    z.string(),
    z.coerce
      .number({ error: 'must be a price in USD (a number, 0 or more)' })
      .nonnegative({ error: 'must be a price in USD (a number, 0 or more)' }),
    { error: 'must be an object of price name to USD' },
  )
  .optional();
