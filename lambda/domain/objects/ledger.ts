/**
 * Ledger account: a balance in minor units (cents) and the entries that made it. Money is never
 * merged automatically: its merge policy is `reconcile`, so two versions written concurrently
 * become a reconciliation case for a person, holding both versions untouched.
 */
import {
  describeValue,
  expectArray,
  expectCount,
  expectNonEmptyString,
  expectObject,
  type JsonObject,
} from '../json';
import type { ValueCodec } from '../value-codec';

/** One applied ledger entry. */
export interface LedgerEntry {
  /** Caller-chosen id, unique per account (makes retries idempotent). */
  readonly entryId: string;
  /** Signed amount in minor units (e.g. cents). */
  readonly amount: number;
}

/** An account's state. */
export interface LedgerAccount {
  /** ISO 4217 currency code, e.g. EUR. */
  readonly currency: string;
  /** Balance in minor units. */
  readonly balance: number;
  /** Number of entries applied since the account was opened. */
  readonly entryCount: number;
  /**
   * The most recent entries, newest last (at most `RECENT_LEDGER_ENTRIES`): enough for retries to
   * be idempotent and for a person to tell reconciliation siblings apart, in one bounded item.
   */
  readonly recentEntries: readonly LedgerEntry[];
}

/** How many recent entries an account keeps. */
export const RECENT_LEDGER_ENTRIES = 20;

const CURRENCY = /^[A-Z]{3}$/;
const ENTRY_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** A new account with a zero balance. */
export function openLedgerAccount(currency: string): LedgerAccount {
  if (!CURRENCY.test(currency)) {
    throw new Error(
      `ledger currency must be an ISO 4217 code such as EUR, got ${describeValue(currency)}`,
    );
  }
  return { currency, balance: 0, entryCount: 0, recentEntries: [] };
}

/** Applies one entry; an entry id seen among the recent entries is a retry and changes nothing. */
export function applyLedgerEntry(account: LedgerAccount, entry: LedgerEntry): LedgerAccount {
  if (!ENTRY_ID.test(entry.entryId)) {
    throw new Error(
      `ledger entry id must be 1-128 letters, digits, _, -, . or :, got ${describeValue(entry.entryId)}`,
    );
  }
  if (!Number.isSafeInteger(entry.amount) || entry.amount === 0) {
    throw new Error(
      `ledger entry amount must be a non-zero integer in minor units (cents), got ${describeValue(entry.amount)}`,
    );
  }
  if (account.recentEntries.some((recent) => recent.entryId === entry.entryId)) {
    return account;
  }
  const balance = account.balance + entry.amount;
  if (!Number.isSafeInteger(balance)) {
    throw new Error(`ledger balance would exceed ${Number.MAX_SAFE_INTEGER} minor units`);
  }
  return {
    currency: account.currency,
    balance,
    entryCount: account.entryCount + 1,
    recentEntries: [...account.recentEntries, entry].slice(-RECENT_LEDGER_ENTRIES),
  };
}

/** Serialized account: `{ cur, bal, n, recent: [{ id, amt }] }`. */
export const LEDGER_ACCOUNT_CODEC: ValueCodec<LedgerAccount> = {
  name: 'ledger-account',
  serialize: (account): JsonObject => ({
    cur: account.currency,
    bal: account.balance,
    n: account.entryCount,
    recent: account.recentEntries.map((entry) => ({ id: entry.entryId, amt: entry.amount })),
  }),
  deserialize: (json) => {
    const object = expectObject(json, 'ledger account');
    const balance = object.bal;
    if (typeof balance !== 'number' || !Number.isSafeInteger(balance)) {
      throw new Error(`ledger account balance must be an integer, got ${describeValue(balance)}`);
    }
    const account = openLedgerAccount(expectNonEmptyString(object.cur, 'ledger account currency'));
    return {
      currency: account.currency,
      balance,
      entryCount: expectCount(object.n, 'ledger account entry count'),
      recentEntries: expectArray(object.recent ?? [], 'ledger account recent entries').map(
        (raw, index) => {
          const entry = expectObject(raw, `ledger account recent entry ${index}`);
          const amount = entry.amt;
          if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
            throw new Error(`ledger entry amount must be an integer, got ${describeValue(amount)}`);
          }
          return { entryId: expectNonEmptyString(entry.id, 'ledger entry id'), amount };
        },
      ),
    };
  },
};
