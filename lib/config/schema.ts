import { z } from 'zod';
import {
  resolveDomainPhases,
  type DataDomain,
  type RolloutPhase,
} from '../../lambda/contract/rollout';
import { DEFAULT_APP_NAME, DEFAULT_RECORD_TTL_SECONDS } from './defaults';
import {
  ACCOUNT_ID,
  APP_NAME,
  DOMAIN_NAME,
  EMAIL,
  flag,
  HOSTED_ZONE_ID,
  integer,
  listOf,
  regionName,
  TABLE_NAME,
} from './fields';
import { crossKeyProblems } from './rules';
import {
  apiSchema,
  drillsSchema,
  healthCheckSchema,
  logsSchema,
  observabilitySchema,
  pricingSchema,
  retiringRegionSchema,
  rolloutSchema,
} from './sections';

/**
 * The app's configuration schema: the keys under `activeActive` (sections in sections.ts, field
 * types in fields.ts, defaults in defaults.ts), then the rules that span keys (rules.ts).
 */

/** Regions, each listed once, at least two. */
const regionList = listOf(regionName)
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
  });

const hostedZoneSchema = z.strictObject(
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
);

export const configSchema = z
  .strictObject(
    {
      appName: z
        .string()
        .regex(APP_NAME, {
          error: 'must start with a letter and hold 1-40 letters, digits or hyphens',
        })
        .default(DEFAULT_APP_NAME),
      account: z
        .string()
        .regex(ACCOUNT_ID, { error: 'must be a 12-digit AWS account id' })
        .optional(),
      regions: regionList,
      primaryRegion: regionName,
      dataRegion: regionName.optional(),
      retiringRegion: retiringRegionSchema.optional(),
      deployId: z
        .string()
        .regex(/^[A-Za-z0-9:._-]{1,64}$/, {
          error: 'must be 1-64 of A-Z a-z 0-9 : . _ -',
        })
        .optional(),
      logs: logsSchema,
      domainName: z
        .string({ error: 'must be a domain name such as example.com' })
        .regex(DOMAIN_NAME, {
          error:
            'must be a lowercase domain name of labels a-z, 0-9, - separated by dots (e.g. example.com)',
        }),
      hostedZone: hostedZoneSchema,
      tableName: z
        .string({ error: 'must be a DynamoDB table name' })
        .regex(TABLE_NAME, { error: 'must be 3-255 characters of A-Z, a-z, 0-9, _, -, .' }),
      multiRegionStrongConsistency: flag.default(false),
      healthCheck: healthCheckSchema,
      recordTtlSeconds: integer(1, 60).default(DEFAULT_RECORD_TTL_SECONDS),
      rollout: rolloutSchema,
      api: apiSchema,
      drills: drillsSchema,
      alarmEmail: z
        .string()
        .regex(EMAIL, { error: 'must be an e-mail address such as oncall@example.com' })
        .optional(),
      observability: observabilitySchema,
      pricing: pricingSchema,
    },
    { error: 'must be an object' },
  )
  .superRefine((config, ctx) => {
    for (const problem of crossKeyProblems(config)) {
      ctx.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
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
