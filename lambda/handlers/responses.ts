/**
 * What the API answers: the schema of every response body and header the handlers build. The
 * handlers type their answers by these schemas, and the OpenAPI document is generated from them,
 * so the two cannot drift; the conformance tests check every answer of the test suites against it.
 */
// A namespace import lets esbuild drop what is unused (see ./request-schemas.ts).
import * as z from 'zod';
import { CONSISTENCY_LEVELS } from '../domain/consistency';
import { jsonValue } from './request-schemas';

/** An HLC stamp in its string form, e.g. `2024-06-01T12:00:00.000Z-000003-eu-west-1`. */
const hlc = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z-\d{6}-[a-z0-9-]+$/)
  .meta({ id: 'Hlc', description: 'Hybrid logical clock stamp of a version (sorts as a string)' });

const region = z.string().regex(/^[a-z0-9-]{1,63}$/);
const count = z.int().min(0);

/** Every read answers with the version it read. */
const readFields = {
  version: hlc.nullable().meta({ description: 'The newest version read; null when none exists' }),
};

/** Every write answers with its version and the session token that carries it. */
const writeFields = {
  version: hlc,
  sessionToken: z.string().min(1).meta({
    description: 'Your session, updated with this write: send it as X-Session-Token',
  }),
  forwarded: z.boolean().meta({ description: "Whether the write ran in the tenant's home" }),
};

export const counterRead = z.strictObject({ value: z.int(), ...readFields }).meta({
  id: 'CounterRead',
});
export const counterWritten = z.strictObject({ value: z.int(), ...writeFields }).meta({
  id: 'CounterWritten',
});

const elements = z.array(z.string()).meta({ description: 'The elements, sorted' });
export const setRead = z.strictObject({ elements, ...readFields }).meta({ id: 'SetRead' });
export const setWritten = z.strictObject({ elements, ...writeFields }).meta({ id: 'SetWritten' });

const fields = z.record(z.string(), jsonValue);
const siblingsMerged = count.meta({
  description: 'How many concurrent versions the answer merged (0 or 1: none)',
});
export const profileRead = z.strictObject({ fields, siblingsMerged, ...readFields }).meta({
  id: 'ProfileRead',
});
export const profileWritten = z.strictObject({ fields, ...writeFields }).meta({
  id: 'ProfileWritten',
});

const lines = z.record(z.string(), z.int().min(1)).meta({ description: 'Quantity per SKU' });
export const cartRead = z.strictObject({ lines, siblingsMerged, ...readFields }).meta({
  id: 'CartRead',
});
export const cartWritten = z.strictObject({ lines, ...writeFields }).meta({ id: 'CartWritten' });

const accountFields = {
  currency: z.string().regex(/^[A-Z]{3}$/),
  balance: z.int().meta({ description: 'Minor units, e.g. cents' }),
  entryCount: count,
  recentEntries: z
    .array(z.strictObject({ entryId: z.string(), amount: z.int() }))
    .meta({ description: 'The most recent entries, newest last' }),
};
/** A ledger account as the API shows it. */
export const ledgerAccount = z.strictObject(accountFields).meta({ id: 'LedgerAccount' });

/** A reconciliation case as the API shows it. */
export const reconciliationCase = z
  .strictObject({
    caseRef: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,700}$/)
      .meta({ description: 'The case in URLs (POST /v1/reconciliation/{case}/resolve)' }),
    caseId: z.string().regex(/^case-[0-9a-f]{20}$/),
    tenant: z.string(),
    type: z.string().meta({ description: 'The data type, e.g. ledger-account' }),
    objectId: z.string(),
    status: z.enum(['open', 'resolved']),
    openedAt: z.iso.datetime(),
    openedBy: region,
    versions: z.array(
      z.strictObject({
        region,
        dot: z.int().min(1),
        hlc,
        value: jsonValue.meta({
          description: 'The version as stored (a ledger account: {cur, bal, n, recent})',
        }),
      }),
    ),
  })
  .meta({ id: 'ReconciliationCase' });

const openCases = z.array(reconciliationCase).meta({ description: 'Open cases of the account' });
export const accountRead = z
  .union([
    z.strictObject({ ...accountFields, conflicted: z.literal(false), openCases, ...readFields }),
    z.strictObject({
      balance: z.null(),
      conflicted: z.literal(true),
      versions: z.array(z.strictObject({ region, dot: z.int().min(1), ...accountFields })),
      openCases,
      ...readFields,
    }),
  ])
  .meta({
    id: 'AccountRead',
    description: 'The account, or every concurrent version while a person reconciles them',
  });
export const entryAppended = z.strictObject({ ...accountFields, ...writeFields }).meta({
  id: 'EntryAppended',
});

export const casePage = z
  .strictObject({
    cases: z.array(reconciliationCase),
    nextCursor: z.string().nullable().meta({ description: 'Pass as cursor for the next page' }),
  })
  .meta({ id: 'CasePage' });
export const caseResolved = z
  .strictObject({
    caseId: z.string(),
    status: z.literal('resolved'),
    account: ledgerAccount,
    ...writeFields,
  })
  .meta({ id: 'CaseResolved' });

const home = { home: region, epoch: count.meta({ description: 'Fencing token of the home' }) };
export const homeRead = z
  .strictObject({
    ...home,
    explicit: z.boolean().meta({ description: 'false: never assigned, homed in the data region' }),
    ...readFields,
  })
  .meta({ id: 'HomeRead' });
export const homeMoved = z.strictObject({ ...home, ...writeFields }).meta({ id: 'HomeMoved' });

/** `GET /health`: 200 `ok`; 503 while drained or when the local replica does not answer. */
export const health = z
  .strictObject({
    status: z.enum(['ok', 'draining', 'unavailable']),
    region,
    reason: z.string().optional(),
    latencyMs: count,
  })
  .meta({ id: 'Health' });

/** The error body of every 4xx and 5xx the API function answers. */
export const errorBody = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ description: 'Stable, machine-readable' }),
      message: z.string().meta({ description: 'For people: what went wrong and what to do' }),
      requestId: z.string().optional().meta({ description: 'Quote it when reporting a 5xx' }),
      homeRegion: region.optional().meta({ description: "421: the tenant's home region" }),
      url: z.url().optional().meta({ description: "421: the same request at the home's name" }),
      caseId: z.string().optional().meta({ description: 'reconciliation_pending: the case' }),
      queued: z.enum(['created', 'superseded', 'exists']).optional(),
    }),
  })
  .meta({ id: 'Error' });

/** The body of an answer API Gateway gives by itself (authorizer refusals, throttling, timeouts). */
export const gatewayError = z.strictObject({ message: z.string() }).meta({ id: 'GatewayError' });

/** The headers saying who served a request and how fresh the answer is. */
export const servedHeaders = {
  'x-served-region': z.string().meta({
    description: 'The replica that answered; a comma list when more were read',
  }),
  'x-home-region': region.meta({ description: "The tenant's home region" }),
  'x-consistency': z.enum(CONSISTENCY_LEVELS).meta({ description: 'The consistency served' }),
  'x-staleness-ms': z
    .string()
    .regex(/^(\d+|unknown)$/)
    .meta({ description: 'Worst replication lag into the serving region (0 only with proof)' }),
};

/** The headers of {@link servedHeaders}, as a handler sets them. */
export type ServedHeaders = { [K in keyof typeof servedHeaders]: string };
