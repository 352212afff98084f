import type { CostAssumptions } from './assumptions';
import { KB_PER_GB } from './inputs';
import type { PriceKey } from './prices';

/** The lines of an estimate and how each is built from a quantity and a price. */

/** One line of an estimate. */
export interface CostLine {
  /** Stable id, e.g. `dynamodb.writes`. */
  readonly id: string;
  readonly label: string;
  /** Billed quantity per month, in `unit`. */
  readonly quantity: number;
  readonly unit: string;
  /** Price per `unit`. */
  readonly unitPrice: number;
  /** The price(s) used. */
  readonly prices: readonly PriceKey[];
  readonly monthlyUsd: number;
  /** How the quantity was computed. */
  readonly basis: string;
}

/** An estimate. */
export interface CostEstimate {
  /** `single-region` or the global phase. */
  readonly scenario: string;
  readonly regions: number;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  /** Share of writes forwarded to their owner region. */
  readonly forwardedShare: number;
}

/** DynamoDB reads: eventually consistent client reads and each write's consistent read. */
export function readsLine(
  reads: number,
  writes: number,
  readUnits: number,
  assumptions: CostAssumptions,
  price: number,
): CostLine {
  return perMillion(
    'dynamodb.reads',
    'DynamoDB reads',
    reads * readUnits * 0.5 + writes * assumptions.consistentReadsPerWrite * readUnits,
    'RRU',
    price,
    ['dynamodbReadRequestUnitsPerMillion'],
    `${fmt(reads)} reads x ${readUnits} x 0.5 + ${fmt(writes)} writes x ${assumptions.consistentReadsPerWrite} consistent read`,
  );
}

/** CloudWatch Logs ingestion of every invocation. */
export function logsLine(
  invocations: number,
  assumptions: CostAssumptions,
  price: number,
): CostLine {
  return line(
    'cloudwatch.logs',
    'CloudWatch Logs ingestion',
    (invocations * assumptions.logKbPerInvocation) / KB_PER_GB,
    'GB',
    price,
    ['cloudwatchLogsIngestionGb'],
    `${fmt(invocations)} invocations x ${assumptions.logKbPerInvocation} KB`,
  );
}

/** A line priced per million units. */
export function perMillion(
  id: string,
  label: string,
  quantity: number,
  unit: string,
  pricePerMillion: number,
  prices: readonly PriceKey[],
  basis: string,
): CostLine {
  return line(id, label, quantity, unit, pricePerMillion / 1_000_000, prices, basis);
}

/** A line: quantity times unit price. */
export function line(
  id: string,
  label: string,
  quantity: number,
  unit: string,
  unitPrice: number,
  prices: readonly PriceKey[],
  basis: string,
): CostLine {
  return { id, label, quantity, unit, unitPrice, prices, monthlyUsd: quantity * unitPrice, basis };
}

/** The estimate of `lines`, with its total. */
export function finish(
  scenario: string,
  regions: number,
  lines: CostLine[],
  forwardedShare: number,
): CostEstimate {
  return {
    scenario,
    regions,
    lines,
    totalUsd: lines.reduce((sum, entry) => sum + entry.monthlyUsd, 0),
    forwardedShare,
  };
}

/** Millions and thousands, for the basis column. */
export function fmt(value: number): string {
  if (value >= 1_000_000) return `${round(value / 1_000_000)}M`;
  if (value >= 1_000) return `${round(value / 1_000)}k`;
  return `${round(value)}`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
