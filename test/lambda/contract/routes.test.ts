import {
  API_ROUTES,
  apiRoutes,
  DEFAULT_HEALTH_PATH,
  pathParametersOf,
  routesOf,
} from '../../../lambda/contract/routes';

describe('the route table', () => {
  test('ids are unique, and so are method and path', () => {
    const ids = API_ROUTES.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = API_ROUTES.map((entry) => `${entry.method} ${entry.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('only reads and the health route are public; writes are always authorized', () => {
    for (const entry of API_ROUTES) {
      if (entry.write) expect(entry.authorized).toBe(true);
      if (!entry.authorized) expect(entry.method === 'GET' || entry.method === 'HEAD').toBe(true);
    }
  });

  test("a deployment's table puts the health entries at the configured path", () => {
    expect(routesOf('health', '/healthz').map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      'GET /healthz',
      'HEAD /healthz',
    ]);
    expect(apiRoutes().filter((entry) => entry.path === DEFAULT_HEALTH_PATH)).toHaveLength(2);
    expect(routesOf('api', '/healthz')).toEqual(routesOf('api'));
  });

  test('path parameters are read in order', () => {
    expect(pathParametersOf('/v1/tenants/{tenant}/accounts/{id}/entries')).toEqual([
      'tenant',
      'id',
    ]);
    expect(pathParametersOf('/v1/reconciliation')).toEqual([]);
  });
});
