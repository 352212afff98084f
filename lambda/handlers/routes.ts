/**
 * The API's router: binds a handler of ./resources to every route of the contract's table that the
 * API function answers, and matches requests by method and path. Handlers parse and validate the
 * request, call the service and shape the response; nothing there touches AWS.
 */
import { routesOf } from '../contract/routes';
import { crdtHandlers } from './resources/crdts';
import { cartHandlers, profileHandlers } from './resources/documents';
import { ledgerHandlers } from './resources/ledger';
import { documentHandlers } from './resources/openapi';
import { ownershipHandlers } from './resources/ownership';
import type { PublicRouteSpec, Route, RouteHandler, RouteHandlers } from './resources/route';
import { RequestError } from './validation';

export { encodeCaseRef, tenantOfCaseRef } from './resources/ledger';
export type {
  PublicRouteSpec,
  Route,
  RouteHandler,
  RouteInput,
  RouteSpec,
} from './resources/route';

/** A handler for every route of the API function, by route id (the compiler checks each has one). */
export const ROUTE_HANDLERS: RouteHandlers = {
  ...crdtHandlers,
  ...profileHandlers,
  ...cartHandlers,
  ...ledgerHandlers,
  ...ownershipHandlers,
  ...documentHandlers,
};

/** Every route the API function answers (the health route has its own function), bound. */
export const ROUTES: readonly Route[] = routesOf('api').map((entry) => {
  const handler = (
    ROUTE_HANDLERS as Readonly<Record<string, RouteHandler | PublicRouteSpec | undefined>>
  )[entry.id];
  if (handler === undefined) throw new Error(`route ${entry.id} has no handler`);
  return { ...handler, entry };
});

/** Finds the route for a request; lists the allowed methods when only the method is wrong. */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const params = matchPath(route.entry.path, path);
    if (params === undefined) continue;
    if (route.entry.method === method) return { route, params };
    allowed.push(route.entry.method);
  }
  return allowed.length > 0 ? { allowed } : undefined;
}

function matchPath(template: string, path: string): Record<string, string> | undefined {
  const expected = template.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < expected.length; index += 1) {
    const part = expected[index] as string;
    const value = actual[index] as string;
    if (part.startsWith('{') && part.endsWith('}')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(value);
      } catch {
        throw new RequestError(
          400,
          'invalid_path',
          `path segment ${JSON.stringify(value.slice(0, 40))} is not valid percent-encoding`,
        );
      }
      params[part.slice(1, -1)] = decoded;
    } else if (part !== value) {
      return undefined;
    }
  }
  return params;
}
