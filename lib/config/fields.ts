import { z } from 'zod';
import { ROLLOUT_PHASES } from '../../lambda/contract/rollout';
import { KNOWN_REGIONS } from './regions';

/**
 * The field types the config schema is built of. Every message states what is allowed; the
 * formatter in `load.ts` prefixes the key and appends the bad value, so each problem is one line:
 * `activeActive.healthCheck.failureThreshold must be an integer 1-10, got 12`.
 */

const DOMAIN_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';

/** A lowercase domain name of at least two labels. */
export const DOMAIN_NAME = new RegExp(`^(?=.{1,253}$)${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})+$`);
/** One DNS label. */
export const SUBDOMAIN = new RegExp(`^${DOMAIN_LABEL}$`);
/** A Route 53 hosted zone id. */
export const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
/** A 12-digit AWS account id. */
export const ACCOUNT_ID = /^\d{12}$/;
/** A DynamoDB table name. */
export const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
/** The app name (a prefix of stack, alarm and secret names). */
export const APP_NAME = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;
/** An e-mail address, loosely. */
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** An https URL. */
export const URL_HTTPS = /^https:\/\/[^\s/]+(\/\S*)?$/;
/** A URL path starting with `/` (what API Gateway routes and Route 53 probes). */
export const URL_PATH = /^\/[A-Za-z0-9._~\-/]*$/;

/** A known AWS region. */
export const regionName = z
  .string({ error: 'must be a region name such as eu-west-1' })
  .refine((value) => (KNOWN_REGIONS as readonly string[]).includes(value), {
    error: `must be a known AWS region (${KNOWN_REGIONS.join(', ')})`,
  });

/** Accepts a JSON array or a comma-separated string (handy with `-c key=a,b`). */
export function listOf<T extends z.ZodType>(item: T) {
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

/** An integer in `min`-`max` (a string from `-c` is read as a number). */
export function integer(min: number, max: number) {
  const message = `must be an integer ${min}-${max}`;
  return z.coerce
    .number({ error: message })
    .int({ error: message })
    .min(min, { error: message })
    .max(max, { error: message });
}

/** `true` or `false`. */
export const flag = z.boolean({ error: 'must be true or false' });

/** A rollout phase. */
export const phase = z.enum(ROLLOUT_PHASES, {
  error: `must be one of ${ROLLOUT_PHASES.join(' | ')}`,
});
