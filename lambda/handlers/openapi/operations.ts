/**
 * What each route of the API function reads and answers, by route id: the request schemas the
 * handlers validate with (../request-schemas.ts) and the response schemas they answer with
 * (./../responses.ts). The compiler checks every route of the table has an entry here.
 */
import type * as z from 'zod';
import type { DataRouteId } from '../../contract/routes';
import * as request from '../request-schemas';
import * as answer from '../responses';

/** How one route of the API function is described. */
export interface OperationSpec {
  /** The JSON body a write takes. @default - none (a read) */
  readonly body?: z.ZodType;
  /** Query parameters. @default - none */
  readonly query?: readonly (keyof typeof request.requestParameters.query)[];
  /** The success status. */
  readonly status: 200 | 201;
  /** The success answer. */
  readonly answer: z.ZodType;
  /** The answer's headers: a read's, a write's, or a listing's (no home region). */
  readonly headers: 'read' | 'write' | 'list';
  /** Whether the route answers 404 for something it looked for. @default false */
  readonly notFound?: boolean;
  /** What to know beyond the summary. @default - none */
  readonly description?: string;
}

const read = (response: z.ZodType, extra: Partial<OperationSpec> = {}): OperationSpec => ({
  status: 200,
  answer: response,
  headers: 'read',
  ...extra,
});

const write = (body: z.ZodType, response: z.ZodType, extra: Partial<OperationSpec> = {}) =>
  ({ body, status: 200, answer: response, headers: 'write', ...extra }) satisfies OperationSpec;

/** Every data route of the API function (the public ones are described in ./document.ts). */
export const OPERATIONS: { readonly [Id in DataRouteId]: OperationSpec } = {
  readCounter: read(answer.counterRead, { description: 'A PN-counter: every region counts.' }),
  incrementCounter: write(request.counterWrite, answer.counterWritten),
  readSet: read(answer.setRead, { description: 'An add-wins OR-set.' }),
  changeSet: write(request.setWrite, answer.setWritten),
  readProfile: read(answer.profileRead, { notFound: true }),
  replaceProfile: write(request.profilePut, answer.profileWritten, {
    description: "Owner-only: runs in the tenant's home.",
  }),
  patchProfile: write(request.profilePatch, answer.profileWritten),
  readCart: read(answer.cartRead, { description: 'A cart never written is empty.' }),
  changeCart: write(request.cartWrite, answer.cartWritten),
  readAccount: read(answer.accountRead, { notFound: true }),
  appendLedgerEntry: write(request.ledgerEntry, answer.entryAppended, {
    status: 201,
    description:
      "Owner-only, never merged. The entryId is the entry's idempotency key for 24 h, with or without Idempotency-Key.",
  }),
  listReconciliationCases: read(answer.casePage, {
    query: ['limit', 'cursor'],
    headers: 'list',
    description: 'Open cases, oldest first.',
  }),
  resolveReconciliationCase: write(request.caseResolution, answer.caseResolved, {
    notFound: true,
    description: "Runs in the case's tenant's home, which claims its Idempotency-Key.",
  }),
  readHome: read(answer.homeRead),
  transferHome: write(request.homeWrite, answer.homeMoved, {
    description: 'Runs at the current home and bumps the epoch.',
  }),
};
