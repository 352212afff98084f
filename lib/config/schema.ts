import { z } from 'zod';
import {
  DATA_DOMAINS,
  DATA_TYPE_NAMES,
  type DataType,
  ROLLOUT_PHASES,
  WRITE_CLASS_NAMES,
  type DataDomain,
  type RolloutPhase,
  type WriteClass,
} from '../../lambda/contract/rollout';
import { resolveDomainPhases, RETIRING_STEPS } from '../../lambda/contract/rollout';
import {
  HEALTH_CHECKER_REGIONS,
  KNOWN_REGIONS,
  MRSC_REGION_SETS,
  mrscRegionSetOf,
} from './regions';

/**
 * The app's configuration schema. Every message here states what is allowed; the formatter in
 * `load.ts` prefixes the key and appends the bad value, so each problem is one line:
 * `activeActive.healthCheck.failureThreshold must be an integer 1-10, got 12`.
 */

const DOMAIN_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN_NAME = new RegExp(`^(?=.{1,253}$)${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})+$`);
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const ACCOUNT_ID = /^\d{12}$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const APP_NAME = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;
const SUBDOMAIN = new RegExp(`^${DOMAIN_LABEL}$`);
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const URL_HTTPS = /^https:\/\/[^\s/]+(\/\S*)?$/;

const regionName = z
  .string({ error: 'must be a region name such as eu-west-1' })
  .refine((value) => (KNOWN_REGIONS as readonly string[]).includes(value), {
    error: `must be a known AWS region (${KNOWN_REGIONS.join(', ')})`,
  });

/** Accepts a JSON array or a comma-separated string (handy with `-c key=a,b`). */
function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part.length > 0)
        : value,
    z.array(item, { error: 'must be a list (JSON array or comma-separated string)' }),
  );
}

function integer(min: number, max: number) {
  const message = `must be an integer ${min}-${max}`;
  return z.coerce
    .number({ error: message })
    .int({ error: message })
    .min(min, { error: message })
    .max(max, { error: message });
}

const phase = z.enum(ROLLOUT_PHASES, {
  error: `must be one of ${ROLLOUT_PHASES.join(' | ')}`,
});

const healthCheckSchema = z.strictObject(
  {
    intervalSeconds: z.coerce
      .number()
      .refine((value) => value === 10 || value === 30, {
        error: 'must be 10 or 30 (Route 53 health checks support only these intervals)',
      })
      .default(10),
    failureThreshold: integer(1, 10).default(2),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~\-/]*$/, { error: "must be a URL path starting with '/'" })
      .max(255, { error: 'must be at most 255 characters' })
      .default('/health'),
    checkerRegions: listOf(
      z.enum(HEALTH_CHECKER_REGIONS, {
        error: `must be a Route 53 health-checker region (${HEALTH_CHECKER_REGIONS.join(', ')})`,
      }),
    )
      .refine((regions) => regions.length >= 3, {
        error: 'needs at least 3 health-checker regions',
      })
      .default([...HEALTH_CHECKER_REGIONS]),
    reservedConcurrency: integer(0, 100).default(5),
  },
  { error: 'must be an object' },
);

const rolloutSchema = z.strictObject(
  {
    phase: phase.default('active-passive'),
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
    ).default([]),
    allowMultiStep: z.boolean({ error: 'must be true or false' }).default(false),
  },
  { error: 'must be an object' },
);

const apiSchema = z.strictObject(
  {
    subdomain: z
      .string()
      .regex(SUBDOMAIN, { error: 'must be one DNS label (a-z, 0-9, -), e.g. api' })
      .default('api'),
    throttle: z
      .strictObject({
        rateLimit: integer(1, 100_000).default(1000),
        burstLimit: integer(1, 5000).default(2000),
      })
      .default({ rateLimit: 1000, burstLimit: 2000 }),
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
);

/** CloudWatch Logs retention periods, in days (the only values the service accepts). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

const logsSchema = z.strictObject(
  {
    retentionDays: z.coerce
      .number()
      .refine((value) => (LOG_RETENTION_DAYS as readonly number[]).includes(value), {
        error: `must be a CloudWatch Logs retention in days (${LOG_RETENTION_DAYS.join(', ')})`,
      })
      .default(30),
    customerManagedKey: z.boolean({ error: 'must be true or false' }).default(false),
  },
  { error: 'must be an object' },
);

const retiringRegionSchema = z.strictObject(
  {
    region: regionName,
    step: z.enum(RETIRING_STEPS, { error: `must be one of ${RETIRING_STEPS.join(' | ')}` }),
  },
  { error: 'must be an object with region and step' },
);

const drillsSchema = z.strictObject(
  { minHealthyRegions: integer(1, 50).default(1) },
  { error: 'must be an object' },
);

export const configSchema = z
  .strictObject(
    {
      appName: z
        .string()
        .regex(APP_NAME, {
          error: 'must start with a letter and hold 1-40 letters, digits or hyphens',
        })
        .default('active-active'),
      account: z
        .string()
        .regex(ACCOUNT_ID, { error: 'must be a 12-digit AWS account id' })
        .optional(),
      regions: listOf(regionName)
        .superRefine((regions, ctx) => {
          const seen = new Set<string>();
          regions.forEach((region, index) => {
            if (seen.has(region)) {
              ctx.addIssue({
                code: 'custom',
                path: [index],
                message: 'is a duplicate region; list each region once',
              });
            }
            seen.add(region);
          });
        })
        .refine((regions) => regions.length >= 2, {
          error: 'needs at least 2 regions for multi-region',
        }),
      primaryRegion: regionName,
      dataRegion: regionName.optional(),
      retiringRegion: retiringRegionSchema.optional(),
      deployId: z
        .string()
        .regex(/^[A-Za-z0-9:._-]{1,64}$/, {
          error: 'must be 1-64 of A-Z a-z 0-9 : . _ -',
        })
        .optional(),
      logs: logsSchema.default({ retentionDays: 30, customerManagedKey: false }),
      domainName: z
        .string({ error: 'must be a domain name such as example.com' })
        .regex(DOMAIN_NAME, {
          error:
            'must be a lowercase domain name of labels a-z, 0-9, - separated by dots (e.g. example.com)',
        }),
      hostedZone: z.strictObject(
        {
          id: z
            .string({ error: 'must be a hosted zone id such as Z0123456789ABCDEFGHIJ' })
            .regex(HOSTED_ZONE_ID, {
              error: 'must be a hosted zone id: Z followed by upper-case letters and digits',
            }),
          name: z
            .string({ error: 'must be a domain name such as example.com' })
            .transform((value) => value.replace(/\.$/, ''))
            .pipe(
              z.string().regex(DOMAIN_NAME, {
                error: 'must be a lowercase domain name such as example.com',
              }),
            ),
        },
        { error: 'must be an object with id and name' },
      ),
      tableName: z
        .string({ error: 'must be a DynamoDB table name' })
        .regex(TABLE_NAME, { error: 'must be 3-255 characters of A-Z, a-z, 0-9, _, -, .' }),
      multiRegionStrongConsistency: z.boolean({ error: 'must be true or false' }).default(false),
      healthCheck: healthCheckSchema.default({
        intervalSeconds: 10,
        failureThreshold: 2,
        path: '/health',
        checkerRegions: [...HEALTH_CHECKER_REGIONS],
        reservedConcurrency: 5,
      }),
      recordTtlSeconds: integer(1, 60).default(60),
      rollout: rolloutSchema.default({
        phase: 'active-passive',
        domains: {},
        limitedWriteClasses: [],
        allowMultiStep: false,
      }),
      api: apiSchema.default({
        subdomain: 'api',
        throttle: { rateLimit: 1000, burstLimit: 2000 },
      }),
      drills: drillsSchema.default({ minHealthyRegions: 1 }),
      alarmEmail: z
        .string()
        .regex(EMAIL, { error: 'must be an e-mail address such as oncall@example.com' })
        .optional(),
      observability: z
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
              .default([]),
            divergenceGraceSeconds: integer(30, 3600).default(300),
            maxOpenCaseAgeHours: integer(1, 720).default(24),
          },
          { error: 'must be an object' },
        )
        .default({ criticalEntities: [], divergenceGraceSeconds: 300, maxOpenCaseAgeHours: 24 }),
      /**
       * Price overrides for `aactl cost` and `aactl rollout plan`, by the names in
       * lib/ops/cost/prices.ts (e.g. `{"route53HealthCheckMonth": 0.75}`); unnamed prices stay at
       * the built-in us-east-1 list prices. Unknown names are refused when a cost is estimated.
       */
      pricing: z
        .record(
          z.string(),
          z.coerce
            .number({ error: 'must be a price in USD (a number, 0 or more)' })
            .nonnegative({ error: 'must be a price in USD (a number, 0 or more)' }),
          { error: 'must be an object of price name to USD' },
        )
        .optional(),
    },
    { error: 'must be an object' },
  )
  .superRefine((config, ctx) => {
    if (config.regions.length >= 2 && !config.regions.includes(config.primaryRegion)) {
      ctx.addIssue({
        code: 'custom',
        path: ['primaryRegion'],
        message: `must be one of regions (${config.regions.join(', ')})`,
      });
    }
    if (
      config.dataRegion !== undefined &&
      config.regions.length >= 2 &&
      !config.regions.includes(config.dataRegion)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['dataRegion'],
        message: `must be one of regions (${config.regions.join(', ')}): the data stack never moves, so keep its region listed`,
      });
    }
    const retiring = config.retiringRegion;
    if (retiring !== undefined) {
      const dataRegion = config.dataRegion ?? config.primaryRegion;
      const problem = !config.regions.includes(retiring.region)
        ? `must be one of regions (${config.regions.join(', ')}); a region leaves regions only after its last step`
        : retiring.region === config.primaryRegion
          ? `is the primary region; make another region primary first (README, Changing the primary region)`
          : retiring.region === dataRegion
            ? `is the data stack's region, which never moves; it cannot be retired`
            : config.regions.length - 1 < 2
              ? `would leave ${config.regions.length - 1} region; add a region before retiring one`
              : undefined;
      if (problem !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['retiringRegion', 'region'], message: problem });
      }
    }
    if (
      config.domainName !== config.hostedZone.name &&
      !config.domainName.endsWith(`.${config.hostedZone.name}`)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['domainName'],
        message: `must be hostedZone.name (${config.hostedZone.name}) or a subdomain of it`,
      });
    }
    if (config.multiRegionStrongConsistency) {
      const set = mrscRegionSetOf(config.regions);
      if (config.regions.length !== 3 || set === undefined) {
        const sets = Object.entries(MRSC_REGION_SETS)
          .map(([name, members]) => `${name}: ${members.join(' ')}`)
          .join('; ');
        ctx.addIssue({
          code: 'custom',
          path: ['multiRegionStrongConsistency'],
          message: `needs exactly 3 regions from one region set (${sets}), but regions are ${config.regions.join(', ')}; set it to false or change regions`,
        });
      }
    }
    const serving = config.regions.length - (config.retiringRegion === undefined ? 0 : 1);
    if (config.drills.minHealthyRegions >= serving) {
      ctx.addIssue({
        code: 'custom',
        path: ['drills', 'minHealthyRegions'],
        message: `must be less than the number of serving regions (${serving}), or no drill could ever run`,
      });
    }
  });

/** Config as written by people (before defaults). */
export type AppConfigInput = z.input<typeof configSchema>;

/** Validated config with defaults applied (before derived values). */
export type ParsedConfig = z.output<typeof configSchema>;

/** Fully resolved config: validated, defaulted, with derived names. */
export interface AppConfig extends ParsedConfig {
  /** AWS account id: from config, else CDK_DEFAULT_ACCOUNT, else a placeholder. */
  readonly account: string;
  /** Whether `account` is the offline placeholder. */
  readonly accountIsPlaceholder: boolean;
  /** The public API name, e.g. `api.example.com`. */
  readonly publicName: string;
  /** Regions other than the primary, in config order. */
  readonly secondaryRegions: string[];
  /** Region of the data stack (the global table's and the secrets' home): `dataRegion`, else the primary. */
  readonly dataRegion: string;
  /** Regions in DNS, serving traffic: every region but a retiring one, primary first. */
  readonly servingRegions: string[];
  /** Regions that have a region stack: the serving ones, and a retiring one until it is out of DNS. */
  readonly stackRegions: string[];
  /** Value that changes on every `cdk synth` of bin/app.ts, so deploy-time lookups run again. */
  readonly deployId: string;
}

/** The phase a data domain is in: its override, else the global phase (the write policy's rule). */
export function phaseOfDomain(
  config: Pick<ParsedConfig, 'rollout'>,
  domain: DataDomain,
): RolloutPhase {
  return resolveDomainPhases(config.rollout.phase, config.rollout.domains)[domain];
}

/** The per-region API name, e.g. `eu-west-1.api.example.com`. */
export function regionalNameOf(config: Pick<AppConfig, 'publicName'>, region: string): string {
  return `${region}.${config.publicName}`;
}
