import { routesOf } from '../../../lambda/contract/routes';
import { matchRoute, ROUTE_HANDLERS, ROUTES } from '../../../lambda/handlers/routes';

describe('the router binds the route table', () => {
  test('every entry the API function answers has a handler', () => {
    const missing = routesOf('api')
      .map((entry) => entry.id)
      .filter((id) => !(id in ROUTE_HANDLERS));
    expect(missing).toEqual([]);
  });

  test('every handler has an entry', () => {
    const ids = new Set(routesOf('api').map((entry) => entry.id));
    expect(Object.keys(ROUTE_HANDLERS).filter((id) => !ids.has(id))).toEqual([]);
  });

  test('each request is matched to its own entry, parameters decoded', () => {
    expect(ROUTES.map((route) => route.entry)).toEqual(routesOf('api'));
    for (const entry of routesOf('api')) {
      const path = entry.path.replace(/\{[^}]+\}/g, 'a%3Ab');
      const matched = matchRoute(entry.method, path);
      expect(matched && 'route' in matched && matched.route.entry.id).toBe(entry.id);
      if (matched && 'params' in matched) {
        expect(Object.values(matched.params).every((value) => value === 'a:b')).toBe(true);
      }
    }
  });

  test('a known path with another method lists the allowed ones', () => {
    expect(matchRoute('DELETE', '/v1/tenants/t/profiles/p')).toEqual({
      allowed: ['GET', 'PUT', 'PATCH'],
    });
    expect(matchRoute('GET', '/v2/nothing')).toBeUndefined();
  });
});
