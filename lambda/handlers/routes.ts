/**
 * The API's router: every route of ./resources, matched by method and path. Routes parse and
 * validate the request, call the service and shape the response; nothing there touches AWS.
 */
import { counterRoutes } from './resources/crdts';
import { cartRoutes, profileRoutes, profileWriteRoutes } from './resources/documents';
import { ledgerRoutes } from './resources/ledger';
import { ownershipRoutes } from './resources/ownership';
import type { Route } from './resources/route';
import { RequestError } from './validation';

export { encodeCaseRef, tenantOfCaseRef } from './resources/ledger';
export type { Route, RouteInput } from './resources/route';

/** Every API route but /health. */
export const ROUTES: readonly Route[] = [
  ...counterRoutes,
  ...profileRoutes,
  ...profileWriteRoutes,
  ...cartRoutes,
  ...ledgerRoutes,
  ...ownershipRoutes,
];

/** Finds the route for a request; lists the allowed methods when only the method is wrong. */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const params = matchPath(route.path, path);
    if (params === undefined) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
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
