/** Lambda entry of `Custom::HealthCheckIds`: the handler wired to Route 53. */
import {
  ListHealthChecksCommand,
  ListTagsForResourcesCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { consoleLog } from '../adapters/console-log';
import { putResponse } from '../custom-resources/put-response';
import { makeHandler, type TaggedHealthCheck } from './handler';

const route53 = new Route53Client({});

/** Every health check of the account, with its tags (ListTagsForResources takes 10 ids a call). */
async function listTaggedHealthChecks(): Promise<TaggedHealthCheck[]> {
  const ids: string[] = [];
  let marker: string | undefined;
  do {
    const page = await route53.send(new ListHealthChecksCommand({ Marker: marker }));
    ids.push(...(page.HealthChecks ?? []).map((check) => check.Id ?? '').filter(Boolean));
    marker = page.IsTruncated ? page.NextMarker : undefined;
  } while (marker !== undefined);
  const tagged: TaggedHealthCheck[] = [];
  for (let start = 0; start < ids.length; start += 10) {
    const result = await route53.send(
      new ListTagsForResourcesCommand({
        ResourceType: 'healthcheck',
        ResourceIds: ids.slice(start, start + 10),
      }),
    );
    for (const set of result.ResourceTagSets ?? []) {
      tagged.push({
        id: set.ResourceId ?? '',
        tags: Object.fromEntries((set.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
      });
    }
  }
  return tagged;
}

export const handler = makeHandler({
  listTaggedHealthChecks,
  respond: putResponse,
  log: (level, message, fields) => consoleLog[level](message, fields),
});
