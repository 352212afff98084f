/** A tenant's home: read, and transferred by its current home. */
import { homeWrite } from '../request-schemas';
import { homeMoved, homeRead } from '../responses';
import { onlyQuery } from '../validation';
import {
  bodyOf,
  noBody,
  readResponse,
  tenantOf,
  writeResponse,
  route,
  type RouteHandlers,
} from './route';

export const ownershipHandlers: RouteHandlers<'readHome' | 'transferHome'> = {
  readHome: route({
    validate: ({ event, params }) => {
      noBody(event);
      onlyQuery(event, []);
      return tenantOf(params);
    },
    handle: async ({ service, options }, tenant) => {
      const result = await service.readHome(tenant, options);
      return readResponse(homeRead, result, result.value);
    },
  }),
  transferHome: route({
    validate: ({ event, params }) => ({ tenant: tenantOf(params), body: bodyOf(event, homeWrite) }),
    handle: async ({ service, options, metric }, { tenant, body }) => {
      const result = await service.transferHome(tenant, body.home, options);
      return writeResponse(metric, homeMoved, result, result.value);
    },
  }),
};
