/** Ledger accounts and their reconciliation cases: money, never merged. */
import type { z } from 'zod';
import { AppError, notFound, unprocessable } from '../../app/errors';
import type { CaseRecord, CaseRef } from '../../app/ports';
import { DATA_TYPE_NAMES, type DataType } from '../../domain/catalog';
import { MERGE_REGISTRY, type VersionedDataType } from '../../domain/merge-registry';
import {
  applyLedgerEntry,
  openLedgerAccount,
  RECENT_LEDGER_ENTRIES,
  type LedgerAccount,
  type LedgerEntry,
} from '../../domain/objects/ledger';
import type { ReconciliationCase } from '../../domain/reconciliation';
import { json } from '../http';
import { caseResolution, ledgerEntry } from '../request-schemas';
import {
  accountRead,
  casePage,
  caseResolved,
  entryAppended,
  type ledgerAccount,
  type reconciliationCase,
} from '../responses';
import { CASE_REF, checkId, CURSOR, onlyQuery, queryInteger, RequestError } from '../validation';
import {
  bodyOf,
  noBody,
  objectKey,
  objectRead,
  readResponse,
  servedHeaders,
  writeResponse,
  route,
  type RouteHandlers,
} from './route';

/** Opaque reference of a case in URLs: base64url of `[tenant, type, objectId, caseId]`. */
export function encodeCaseRef(ref: CaseRef): string {
  return Buffer.from(JSON.stringify([ref.tenantId, ref.type, ref.objectId, ref.caseId])).toString(
    'base64url',
  );
}

/** The tenant a case reference names, if it is one `encodeCaseRef` produced. */
export function tenantOfCaseRef(text: string): string | undefined {
  try {
    return decodeCaseRef(text).tenantId;
  } catch {
    return undefined;
  }
}

/** Reads a case reference from a URL, accepting only what `encodeCaseRef` produces. */
function decodeCaseRef(text: string | undefined): CaseRef & { type: VersionedDataType } {
  const invalid = () =>
    new RequestError(
      400,
      'invalid_id',
      `case reference ${JSON.stringify((text ?? '').slice(0, 60))} is not one this API returned; take it from GET /v1/reconciliation`,
    );
  if (text === undefined || !CASE_REF.test(text)) throw invalid();
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(parts) ||
    parts.length !== 4 ||
    parts.some((part) => typeof part !== 'string')
  ) {
    throw invalid();
  }
  const [tenantId, type, objectId, caseId] = parts as [string, string, string, string];
  if (
    !(DATA_TYPE_NAMES as readonly string[]).includes(type) ||
    MERGE_REGISTRY.kindOf(type as DataType) !== 'reconcile' ||
    !/^case-[0-9a-f]{20}$/.test(caseId)
  ) {
    throw invalid();
  }
  try {
    checkId(tenantId, 'tenant id', true);
    checkId(objectId, 'object id');
  } catch {
    throw invalid();
  }
  return { tenantId, type: type as VersionedDataType, objectId, caseId };
}

function caseView(record: CaseRecord): z.output<typeof reconciliationCase> {
  return {
    caseRef: encodeCaseRef(record),
    caseId: record.caseId,
    tenant: record.tenantId,
    type: record.type,
    objectId: record.objectId,
    status: record.status,
    openedAt: new Date(record.openedAtMs).toISOString(),
    openedBy: record.openedBy,
    versions: record.reconciliation.siblings.map((sibling) => ({
      region: sibling.region,
      dot: sibling.dot,
      hlc: sibling.hlc,
      value: sibling.value,
    })),
  };
}

function accountView(account: LedgerAccount): z.output<typeof ledgerAccount> {
  return {
    currency: account.currency,
    balance: account.balance,
    entryCount: account.entryCount,
    recentEntries: account.recentEntries.map((entry) => ({
      entryId: entry.entryId,
      amount: entry.amount,
    })),
  };
}

export const ledgerHandlers: RouteHandlers<
  'readAccount' | 'appendLedgerEntry' | 'listReconciliationCases' | 'resolveReconciliationCase'
> = {
  readAccount: objectRead(
    'ledger-account',
    'id',
    'account id',
    async ({ service, options }, key) => {
      const accountKey = key;
      const result = await service.readVersioned<LedgerAccount>(accountKey, options);
      if (result.value.kind === 'missing') {
        throw notFound(`account ${accountKey.objectId} does not exist`, servedHeaders(result));
      }
      const openCases = (await service.casesOf(accountKey)).map(caseView);
      if (result.value.kind === 'conflict') {
        return readResponse(accountRead, result, {
          balance: null,
          conflicted: true,
          versions: result.value.reconciliation.siblings.map((sibling) => ({
            region: sibling.hlc.region,
            dot: sibling.dot,
            ...accountView(sibling.value),
          })),
          openCases,
        });
      }
      return readResponse(accountRead, result, {
        ...accountView(result.value.value),
        conflicted: false,
        openCases,
      });
    },
  ),
  appendLedgerEntry: route({
    validate: ({ event, params }) => ({
      key: objectKey(params, 'ledger-account', 'id', 'account id'),
      body: bodyOf(event, ledgerEntry),
    }),
    // The entry id deduplicates for as long as idempotency keys are kept, not only among the
    // account's recent entries.
    implicitIdempotencyKey: ({ key, body }) => {
      return `entry#${key.objectId}#${body.entryId}`;
    },
    handle: async ({ service, options, metric }, { key, body }) => {
      const entry: LedgerEntry = { entryId: body.entryId, amount: body.amount };
      const result = await service.writeVersioned<LedgerAccount>(
        key,
        'ledger.entry',
        (current) => {
          const account = current ?? openLedgerAccount(body.currency);
          if (account.currency !== body.currency) {
            throw unprocessable(
              'currency_mismatch',
              `account ${key.objectId} is in ${account.currency}; an entry in ${body.currency} cannot be applied`,
            );
          }
          if (!Number.isSafeInteger(account.balance + entry.amount)) {
            throw unprocessable(
              'balance_out_of_range',
              `account ${key.objectId} balance would exceed ${Number.MAX_SAFE_INTEGER} minor units`,
            );
          }
          return applyLedgerEntry(account, entry);
        },
        options,
      );
      return writeResponse(metric, entryAppended, result, accountView(result.value), 201);
    },
  }),
  listReconciliationCases: route({
    validate: ({ event }) => {
      noBody(event);
      onlyQuery(event, ['limit', 'cursor']);
      const cursor = event.queryStringParameters?.cursor;
      if (cursor !== undefined && !CURSOR.test(cursor)) {
        throw new RequestError(
          400,
          'invalid_query',
          'cursor is not one this API returned; omit it to start from the first page',
        );
      }
      return { limit: queryInteger(event, 'limit', 25, 1, 100), cursor };
    },
    handle: async ({ service }, { limit, cursor }) => {
      const page = await service.listOpenCases(limit, cursor);
      const body: z.output<typeof casePage> = {
        cases: page.cases.map(caseView),
        nextCursor: page.cursor ?? null,
      };
      return json(200, body, { 'x-served-region': service.region, 'x-consistency': 'local' });
    },
  }),
  resolveReconciliationCase: route({
    validate: ({ event, params }) => ({
      ref: decodeCaseRef(params.case),
      body: bodyOf(event, caseResolution),
    }),
    handle: async ({ service, options, metric }, { ref, body }) => {
      const result = await service.resolveCase<LedgerAccount>(
        ref,
        'ledger.entry',
        (open: ReconciliationCase<LedgerAccount>) => chooseResolution(open, body),
        options,
      );
      metric('ConflictResolutionMs', result.resolutionMs, 'Milliseconds');
      return writeResponse(metric, caseResolved, result, {
        caseId: ref.caseId,
        status: 'resolved',
        account: accountView(result.value),
      });
    },
  }),
};

/** The value a person chose for a ledger case: one version as is, or a merged balance. */
function chooseResolution(
  open: ReconciliationCase<LedgerAccount>,
  body: z.infer<typeof caseResolution>,
): LedgerAccount {
  if ('choose' in body) {
    const sibling = open.siblings.find(
      (candidate) =>
        candidate.hlc.region === body.choose.region && candidate.dot === body.choose.dot,
    );
    if (sibling === undefined) {
      throw unprocessable(
        'unknown_version',
        `case ${open.caseId} has no version ${body.choose.region}:${body.choose.dot}; choose one of ${open.siblings.map((candidate) => `${candidate.hlc.region}:${candidate.dot}`).join(', ')}`,
      );
    }
    return sibling.value;
  }
  const first = open.siblings[0]?.value;
  if (first === undefined) {
    throw new AppError(409, 'case_stale', `case ${open.caseId} has no versions; reload it`);
  }
  if (open.siblings.some((sibling) => sibling.value.currency !== first.currency)) {
    throw unprocessable(
      'currency_mismatch',
      `case ${open.caseId} mixes currencies; choose one version instead`,
    );
  }
  const entries = new Map<string, LedgerEntry>();
  for (const sibling of open.siblings) {
    for (const entry of sibling.value.recentEntries) entries.set(entry.entryId, entry);
  }
  return {
    currency: first.currency,
    balance: body.balance,
    entryCount: Math.max(...open.siblings.map((sibling) => sibling.value.entryCount)),
    recentEntries: [...entries.values()].slice(-RECENT_LEDGER_ENTRIES),
  };
}
