import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  CONTROL_PARTITION,
  DRILL_RECORD_PREFIX,
  drillRecordKey,
} from '../../../lambda/contract/naming';

/**
 * The shared drill history: one control item per executed drill in the global table
 * (`pk=__control__`, `sk=drill#<drill id>`), so the whole team sees every drill, who ran it and
 * its full report, from any region's replica.
 */

/** Who ran a drill. */
export interface DrillOperator {
  /** The OS user (USER / USERNAME), or `unknown`. */
  readonly user: string;
  readonly host: string;
  readonly pid: number;
  /** AWS profile or role name in use, when known. */
  readonly awsProfile?: string;
}

/** What `aactl drill list` shows of a drill. */
export interface DrillSummary {
  readonly drillId: string;
  readonly region: string;
  readonly method: string;
  readonly outcome: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly ranBy: DrillOperator;
  /** DNS convergence, when it was observed. */
  readonly failoverSeconds?: number;
}

/** A drill's record: the summary and its full report (the JSON `drill fail` prints). */
export interface DrillRecord extends DrillSummary {
  readonly report: unknown;
}

/** The history in one region's replica. */
export interface DrillHistoryGateway {
  putRecord(region: string, record: DrillRecord): Promise<void>;
  /** The newest `limit` drills, newest first. */
  listRecords(region: string, limit: number): Promise<DrillSummary[]>;
  getRecord(region: string, drillId: string): Promise<DrillRecord | undefined>;
}

const SUMMARY_FIELDS = [
  'drillId',
  'region',
  'method',
  'outcome',
  'startedAt',
  'endedAt',
  'ranBy',
  'failoverSeconds',
] as const;

/** Build the gateway from a per-region document client factory. */
export function createDrillHistoryGateway(
  clientFor: (region: string) => DynamoDBDocumentClient,
  tableName: string,
): DrillHistoryGateway {
  return {
    async putRecord(region, record) {
      await clientFor(region).send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...drillRecordKey(record.drillId),
            ...summaryOf(record),
            // A string keeps the report exactly as written (no empty-string or number surprises).
            report: JSON.stringify(record.report),
          },
        }),
      );
    },

    async listRecords(region, limit) {
      const summaries: DrillSummary[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await clientFor(region).send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
            ProjectionExpression: SUMMARY_FIELDS.map((_, index) => `#f${index}`).join(', '),
            ExpressionAttributeNames: {
              '#pk': 'pk',
              '#sk': 'sk',
              ...Object.fromEntries(SUMMARY_FIELDS.map((field, index) => [`#f${index}`, field])),
            },
            ExpressionAttributeValues: { ':pk': CONTROL_PARTITION, ':prefix': DRILL_RECORD_PREFIX },
            ScanIndexForward: false,
            Limit: limit - summaries.length,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) summaries.push(summaryFromItem(item));
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined && summaries.length < limit);
      return summaries;
    },

    async getRecord(region, drillId) {
      const out = await clientFor(region).send(
        new GetCommand({ TableName: tableName, Key: drillRecordKey(drillId) }),
      );
      if (out.Item === undefined) return undefined;
      return { ...summaryFromItem(out.Item), report: parseReport(out.Item.report) };
    },
  };
}

function summaryOf(record: DrillSummary): DrillSummary {
  return {
    drillId: record.drillId,
    region: record.region,
    method: record.method,
    outcome: record.outcome,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    ranBy: record.ranBy,
    ...(record.failoverSeconds !== undefined ? { failoverSeconds: record.failoverSeconds } : {}),
  };
}

function summaryFromItem(item: Record<string, unknown>): DrillSummary {
  const text = (key: string) => (typeof item[key] === 'string' ? (item[key] as string) : '');
  const ranBy = (item.ranBy ?? {}) as Partial<DrillOperator>;
  return {
    drillId: text('drillId'),
    region: text('region'),
    method: text('method'),
    outcome: text('outcome'),
    startedAt: text('startedAt'),
    endedAt: text('endedAt'),
    ranBy: {
      user: typeof ranBy.user === 'string' ? ranBy.user : 'unknown',
      host: typeof ranBy.host === 'string' ? ranBy.host : 'unknown',
      pid: typeof ranBy.pid === 'number' ? ranBy.pid : 0,
      ...(typeof ranBy.awsProfile === 'string' ? { awsProfile: ranBy.awsProfile } : {}),
    },
    ...(typeof item.failoverSeconds === 'number' ? { failoverSeconds: item.failoverSeconds } : {}),
  };
}

/** The stored report, or null when it is missing or unreadable. */
function parseReport(raw: unknown): unknown {
  if (typeof raw !== 'string') return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}
