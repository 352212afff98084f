import type { History, Operation } from '../history';
import { finalBody, objectPath, subsetSums, type FinalState } from './state';

/** An account as the API answers it (the fields the properties read). */
export interface AccountView {
  balance: number | null;
  conflicted: boolean;
  entryCount?: number;
  recentEntries?: Array<{ entryId: string; amount: number }>;
  versions?: Array<{ recentEntries?: Array<{ entryId: string }> }>;
  openCases?: Array<{
    caseRef: string;
    versions: Array<{ value: { n?: number; recent?: Array<{ id: string }> } }>;
  }>;
}

/**
 * (c) Ledger: every acknowledged entry is in the account's final balance, in an open
 * reconciliation case of the account, or in a case a person resolved (the person decided); a
 * conflicted account has an open case; an account that is not conflicted has none.
 */
export function checkLedger(history: History, final: FinalState): string[] {
  const violations: string[] = [];
  const accounts = new Map<string, Operation[]>();
  for (const operation of history.operations) {
    if (operation.op.kind !== 'ledger.entry') continue;
    const path = objectPath(operation.op.tenant, 'accounts', operation.op.account);
    accounts.set(path, [...(accounts.get(path) ?? []), operation]);
  }
  const decided = decidedEntries(history);
  for (const [path, operations] of accounts) {
    const account = finalBody(final, path) as AccountView | undefined;
    const inBalance = new Set((account?.recentEntries ?? []).map((entry) => entry.entryId));
    const inOpenCase = new Set(
      (account?.openCases ?? []).flatMap((open) =>
        open.versions.flatMap((version) => (version.value.recent ?? []).map((entry) => entry.id)),
      ),
    );
    // An account keeps its 20 most recent entries: older ones are judged by the balance, which
    // must be the acknowledged amounts plus some of the unknown ones.
    const amountOf = (o: Operation) => (o.op as { amount: number }).amount;
    const olderInBalance =
      account?.conflicted === false &&
      (account.entryCount ?? 0) > (account.recentEntries ?? []).length &&
      subsetSums(operations.filter((o) => o.outcome === 'unknown').map(amountOf)).has(
        (account.balance ?? 0) -
          operations.filter((o) => o.outcome === 'ok').reduce((sum, o) => sum + amountOf(o), 0),
      );
    const olderInCase = (account?.openCases ?? []).some((open) =>
      open.versions.some((version) => (version.value.n ?? 0) > (version.value.recent ?? []).length),
    );
    for (const entry of operations.filter((o) => o.outcome === 'ok')) {
      const id = (entry.op as { entryId: string }).entryId;
      const older = olderInBalance || olderInCase;
      if (!inBalance.has(id) && !inOpenCase.has(id) && !decided.has(id) && !older) {
        violations.push(
          `(c) ${path} lost entry ${id} (acknowledged by #${entry.id}): not in the balance, in no open case, in no resolved case`,
        );
      }
    }
    if (account?.conflicted === true && (account.openCases ?? []).length === 0) {
      violations.push(`(c) ${path} is conflicted but has no open reconciliation case`);
    }
    if (
      account !== undefined &&
      account.conflicted === false &&
      (account.openCases ?? []).length > 0
    ) {
      violations.push(
        `(c) ${path} is not conflicted but case(s) ${(account.openCases ?? []).map((open) => open.caseRef).join(', ')} stay open`,
      );
    }
    if (
      account?.conflicted === false &&
      (account.entryCount ?? 0) <= 20 &&
      account.balance !==
        (account.recentEntries ?? []).reduce((sum, entry) => sum + entry.amount, 0)
    ) {
      violations.push(`(c) ${path} balance ${account.balance} is not the sum of its entries`);
    }
  }
  return violations;
}

/** Entries in any version of a case that a person resolved (acknowledged resolutions). */
function decidedEntries(history: History): Set<string> {
  const decided = new Set<string>();
  for (const resolution of history.operations) {
    if (resolution.outcome !== 'ok' || !resolution.path.startsWith('/v1/reconciliation/')) continue;
    const caseRef = resolution.path.split('/')[3];
    const listing = [...history.operations]
      .reverse()
      .find(
        (o) =>
          o.client === resolution.client && o.id < resolution.id && o.path === '/v1/reconciliation',
      );
    const cases = (listing?.response.cases ?? []) as Array<{
      caseRef: string;
      versions: Array<{ value: { recent?: Array<{ id: string }> } }>;
    }>;
    for (const version of cases.find((entry) => entry.caseRef === caseRef)?.versions ?? []) {
      for (const entry of version.value.recent ?? []) decided.add(entry.id);
    }
  }
  return decided;
}
