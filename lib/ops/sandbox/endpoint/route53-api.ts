/**
 * The Route 53 REST XML API calls aactl (and the AWS CLI) make, answered from the sandbox's
 * health checks and records: ListHealthChecks, GetHealthCheck, GetHealthCheckStatus (the
 * checkers' real reports), UpdateHealthCheck (Inverted, Disabled, HealthCheckVersion),
 * ListTagsForResource(s), ChangeTagsForResource, ListResourceRecordSets and TestDNSAnswer
 * (answered by the sandbox's DNS logic).
 * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_Operations_Amazon_Route_53.html
 */
import type { RecordSetSpec } from '../deployment';
import type { HealthCheckers, HealthCheckState } from '../health-checks';
import type { DnsAnswerResult } from '../route53-answers';
import { elementText, elementTexts, xmlDocument, type XmlElement, type XmlNode } from './xml';

const NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** What the Route 53 API reads and changes. */
export interface Route53World {
  readonly checks: HealthCheckers;
  readonly records: readonly RecordSetSpec[];
  readonly hostedZoneId: string;
  /** TestDNSAnswer: what the DNS server answers for a client in that subnet. */
  answer(name: string, type: string, clientSubnet: string | undefined): DnsAnswerResult;
}

/** An HTTP answer. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

function ok(root: string, content: XmlNode): ApiResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: xmlDocument(root, NAMESPACE, content),
  };
}

function error(status: number, code: string, message: string): ApiResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: xmlDocument('ErrorResponse', NAMESPACE, [
      [
        'Error',
        [
          ['Type', 'Sender'],
          ['Code', code],
          ['Message', message],
        ],
      ],
      ['RequestId', 'sandbox'],
    ]),
  };
}

/** Answer one Route 53 request (`path` without the query string). */
export function route53Request(
  world: Route53World,
  method: string,
  path: string,
  query: URLSearchParams,
  body: string,
): ApiResponse {
  const parts = path
    .replace(/^\/2013-04-01\//, '')
    .split('/')
    .map(decodeURIComponent);
  const [resource, id, sub] = parts;
  if (resource === 'healthcheck' && id === undefined && method === 'GET')
    return listHealthChecks(world, query);
  if (resource === 'healthcheck' && id !== undefined) {
    const check = world.checks.checks.get(id);
    if (check === undefined)
      return error(404, 'NoSuchHealthCheck', `No health check exists with the specified ID ${id}`);
    if (sub === 'status' && method === 'GET') return healthCheckStatus(world, check);
    if (sub === undefined && method === 'GET')
      return ok('GetHealthCheckResponse', [healthCheckXml(check)]);
    if (sub === undefined && method === 'POST') return updateHealthCheck(check, body);
  }
  if (resource === 'tags' && id === 'healthcheck' && sub === undefined && method === 'POST') {
    return listTags(world, elementTexts(body, 'ResourceId'));
  }
  if (resource === 'tags' && id === 'healthcheck' && sub !== undefined) {
    const check = world.checks.checks.get(sub);
    if (check === undefined)
      return error(404, 'NoSuchHealthCheck', `No health check exists with the specified ID ${sub}`);
    if (method === 'GET')
      return ok('ListTagsForResourceResponse', [['ResourceTagSet', tagSetXml(check)]]);
    if (method === 'POST') return changeTags(check, body);
  }
  if (resource === 'hostedzone' && id !== undefined && sub === 'rrset' && method === 'GET') {
    return listRecordSets(world, id, query);
  }
  if (resource === 'testdnsanswer' && method === 'GET') return testDnsAnswer(world, query);
  return error(400, 'InvalidInput', `the sandbox does not serve ${method} ${path}`);
}

function healthCheckXml(check: HealthCheckState): XmlElement {
  const spec = check.spec;
  return [
    'HealthCheck',
    [
      ['Id', spec.id],
      ['CallerReference', `sandbox-${spec.id}`],
      [
        'HealthCheckConfig',
        [
          ['Port', spec.port],
          ['Type', spec.type],
          ['ResourcePath', spec.resourcePath],
          ['FullyQualifiedDomainName', spec.fqdn],
          ['RequestInterval', spec.requestIntervalSeconds],
          ['FailureThreshold', spec.failureThreshold],
          ['MeasureLatency', spec.measureLatency],
          ['Inverted', check.inverted],
          ['Disabled', check.disabled],
          ['EnableSNI', spec.enableSni],
          ['Regions', spec.checkerRegions.map((region): XmlElement => ['Region', region])],
        ],
      ],
      ['HealthCheckVersion', check.version],
    ],
  ];
}

function listHealthChecks(world: Route53World, query: URLSearchParams): ApiResponse {
  const all = [...world.checks.checks.values()].sort((a, b) => (a.spec.id < b.spec.id ? -1 : 1));
  const marker = query.get('marker');
  const max = Number(query.get('maxitems') ?? '100');
  const start =
    marker === null
      ? 0
      : Math.max(
          0,
          all.findIndex((check) => check.spec.id === marker),
        );
  const page = all.slice(start, start + max);
  const next = all[start + max];
  return ok('ListHealthChecksResponse', [
    ['HealthChecks', page.map(healthCheckXml)],
    ...(marker === null ? [] : [['Marker', marker] as XmlElement]),
    ['IsTruncated', next !== undefined],
    ...(next === undefined ? [] : [['NextMarker', next.spec.id] as XmlElement]),
    ['MaxItems', max],
  ]);
}

function healthCheckStatus(world: Route53World, check: HealthCheckState): ApiResponse {
  return ok('GetHealthCheckStatusResponse', [
    [
      'HealthCheckObservations',
      world.checks.reports(check.spec.id).map((report): XmlElement => [
        'HealthCheckObservation',
        [
          ['Region', report.checkerRegion],
          ['IPAddress', report.ipAddress],
          [
            'StatusReport',
            [
              ['Status', report.status],
              ['CheckedTime', report.checkedAt.toISOString()],
            ],
          ],
        ],
      ]),
    ],
  ]);
}

function updateHealthCheck(check: HealthCheckState, body: string): ApiResponse {
  const version = elementText(body, 'HealthCheckVersion');
  if (version !== undefined && Number(version) !== check.version) {
    return error(
      409,
      'HealthCheckVersionMismatch',
      `The value of HealthCheckVersion in the request (${version}) doesn't match the current version (${check.version})`,
    );
  }
  const inverted = elementText(body, 'Inverted');
  const disabled = elementText(body, 'Disabled');
  if (inverted !== undefined) check.inverted = inverted === 'true';
  if (disabled !== undefined) check.disabled = disabled === 'true';
  check.version += 1;
  return ok('UpdateHealthCheckResponse', [healthCheckXml(check)]);
}

function tagSetXml(check: HealthCheckState): XmlNode {
  return [
    ['ResourceType', 'healthcheck'],
    ['ResourceId', check.spec.id],
    [
      'Tags',
      [...check.tags].map(([key, value]): XmlElement => [
        'Tag',
        [
          ['Key', key],
          ['Value', value],
        ],
      ]),
    ],
  ];
}

function listTags(world: Route53World, ids: readonly string[]): ApiResponse {
  const sets: XmlElement[] = [];
  for (const id of ids) {
    const check = world.checks.checks.get(id);
    if (check === undefined)
      return error(404, 'NoSuchHealthCheck', `No health check exists with the specified ID ${id}`);
    sets.push(['ResourceTagSet', tagSetXml(check)]);
  }
  return ok('ListTagsForResourcesResponse', [['ResourceTagSets', sets]]);
}

function changeTags(check: HealthCheckState, body: string): ApiResponse {
  const adds = body.match(/<AddTags>([\s\S]*?)<\/AddTags>/)?.[1] ?? '';
  for (const tag of adds.match(/<Tag>[\s\S]*?<\/Tag>/g) ?? []) {
    const key = elementText(tag, 'Key');
    if (key !== undefined) check.tags.set(key, elementText(tag, 'Value') ?? '');
  }
  const removes = body.match(/<RemoveTagKeys>([\s\S]*?)<\/RemoveTagKeys>/)?.[1] ?? '';
  for (const key of elementTexts(removes, 'Key')) check.tags.delete(key);
  return ok('ChangeTagsForResourceResponse', []);
}

function listRecordSets(world: Route53World, zoneId: string, query: URLSearchParams): ApiResponse {
  if (zoneId.replace(/^\/?hostedzone\//, '') !== world.hostedZoneId) {
    return error(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${zoneId}`);
  }
  const dotted = (name: string) => `${name}.`;
  const records = [...world.records].sort((a, b) =>
    a.name === b.name
      ? (a.setIdentifier ?? '').localeCompare(b.setIdentifier ?? '')
      : a.name.localeCompare(b.name),
  );
  const from = query.get('name')?.toLowerCase().replace(/\.$/, '');
  const page = from === undefined ? records : records.filter((record) => record.name >= from);
  return ok('ListResourceRecordSetsResponse', [
    [
      'ResourceRecordSets',
      page.map((record): XmlElement => [
        'ResourceRecordSet',
        [
          ['Name', dotted(record.name)],
          ['Type', record.type],
          ['SetIdentifier', record.setIdentifier],
          ['Region', record.region],
          ['Failover', record.failover],
          ['TTL', record.alias === undefined ? record.ttlSeconds : undefined],
          [
            'ResourceRecords',
            record.values === undefined
              ? undefined
              : record.values.map((value): XmlElement => ['ResourceRecord', [['Value', value]]]),
          ],
          [
            'AliasTarget',
            record.alias === undefined
              ? undefined
              : [
                  ['HostedZoneId', record.alias.hostedZoneId],
                  ['DNSName', dotted(record.alias.dnsName)],
                  ['EvaluateTargetHealth', record.alias.evaluateTargetHealth],
                ],
          ],
          ['HealthCheckId', record.healthCheckId],
        ],
      ]),
    ],
    ['IsTruncated', false],
    ['MaxItems', Number(query.get('maxitems') ?? '300')],
  ]);
}

function testDnsAnswer(world: Route53World, query: URLSearchParams): ApiResponse {
  const name = query.get('recordname');
  const type = query.get('recordtype') ?? 'A';
  if (name === null) return error(400, 'InvalidInput', 'recordname is required');
  const answer = world.answer(name, type, query.get('edns0clientsubnetip') ?? undefined);
  return ok('TestDNSAnswerResponse', [
    ['Nameserver', 'ns-sandbox.127.0.0.1'],
    ['RecordName', name],
    ['RecordType', type],
    ['RecordData', answer.values.map((value): XmlElement => ['RecordDataEntry', value])],
    ['ResponseCode', answer.code],
    ['Protocol', 'UDP'],
  ]);
}
