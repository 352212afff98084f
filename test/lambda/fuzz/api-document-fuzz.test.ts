/**
 * Fuzzing from the OpenAPI document: for every data route, requests generated from what the
 * document says is valid (path parameters, query, headers and body by their schemas). The API must
 * accept each as valid (no validation refusal: any 4xx is a business answer such as 404 or 421),
 * and answer as documented (the harness checks every exchange). The same body with a field the
 * document does not declare must be refused. Together with ./api-fuzz.test.ts (malformed and
 * naughty inputs), this keeps the validators and the document saying the same thing.
 */
import fc from 'fast-check';
import { API_ROUTES, type ApiRouteEntry } from '../../../lambda/contract/routes';
import { encodeCaseRef } from '../../../lambda/handlers/routes';
import { memoryApi, type CallOptions } from '../../helpers/api-harness';
import { SchemaArbitraries } from '../../helpers/openapi-arbitraries';
import { conformanceChecker } from '../../helpers/openapi-conformance';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const RUNS_PER_ROUTE = 100;
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647);

/** Codes the API answers when it finds a request invalid: never for a request the document allows. */
const VALIDATION_CODES = new Set([
  'invalid_id',
  'invalid_path',
  'invalid_header',
  'invalid_json',
  'invalid_query',
  'unexpected_body',
  'unknown_field',
  'invalid_body',
  'invalid_number',
  'invalid_string',
  'body_too_large',
  'unsupported_media_type',
]);

/**
 * Values the document describes but only the API issues (opaque, signed or encoded): generated
 * ones would be refused as forged, rightly. Session tokens and cursors are left out; case
 * references are made the way the API makes them.
 */
const OPAQUE_HEADERS = new Set(['x-session-token']);
const OPAQUE_QUERY = new Set(['cursor']);

type Schema = Record<string, unknown>;
interface Parameter {
  readonly in: string;
  readonly name: string;
  readonly required?: boolean;
  readonly schema: Schema;
}
interface Operation {
  readonly parameters?: Parameter[];
  readonly requestBody?: { content: Record<string, { schema: Schema }> };
}

const document = conformanceChecker().document;
const schemas = new SchemaArbitraries(document as unknown as Schema);
const caseRef = fc
  .record({ tenant: fc.stringMatching(/^[a-z]{1,8}$/), account: fc.stringMatching(/^[a-z]{1,8}$/) })
  .map(({ tenant, account }) =>
    encodeCaseRef({
      tenantId: tenant,
      type: 'ledger-account',
      objectId: account,
      caseId: `case-${'0'.repeat(20)}`,
    }),
  );

/** A request the document allows for `entry`. */
function validRequest(entry: ApiRouteEntry): fc.Arbitrary<{ path: string; options: CallOptions }> {
  const operation = (document.paths?.[entry.path] as Record<string, Operation>)[
    entry.method.toLowerCase()
  ] as Operation;
  const parameters = operation.parameters ?? [];
  const inPath = Object.fromEntries(
    parameters
      .filter((parameter) => parameter.in === 'path')
      .map((parameter) => [
        parameter.name,
        parameter.name === 'case' ? caseRef : schemas.of(parameter.schema),
      ]),
  );
  const optional = (where: string, opaque: Set<string>) =>
    Object.fromEntries(
      parameters
        .filter((parameter) => parameter.in === where && !opaque.has(parameter.name.toLowerCase()))
        .map((parameter) => [parameter.name, schemas.of(parameter.schema).map(String)]),
    );
  const bodySchema = operation.requestBody?.content['application/json']?.schema;
  return fc
    .record({
      path: fc.record(inPath),
      query: fc.record(optional('query', OPAQUE_QUERY), { requiredKeys: [] }),
      headers: fc.record(optional('header', OPAQUE_HEADERS), { requiredKeys: [] }),
      body: bodySchema === undefined ? fc.constant(undefined) : schemas.of(bodySchema),
    })
    .map(({ path, query, headers, body }) => ({
      path: entry.path.replace(/\{([^}]+)\}/g, (_all, name: string) =>
        encodeURIComponent(String(path[name])),
      ),
      options: {
        ...(Object.keys(query).length > 0 ? { query: query as Record<string, string> } : {}),
        headers: headers as Record<string, string>,
        ...(body === undefined ? {} : { body }),
      },
    }));
}

const DATA_ROUTES = API_ROUTES.filter((entry) => entry.function === 'api' && entry.authorized);

describe('fuzzing from the OpenAPI document', () => {
  beforeAll(() => {
    console.log(`api document fuzz seed ${SEED} (rerun with FC_SEED=${SEED})`);
  });

  test.each(DATA_ROUTES.map((entry) => [`${entry.method} ${entry.path}`, entry]))(
    `${RUNS_PER_ROUTE} requests the document allows to %s: none refused as invalid, every answer documented`,
    async (_name, entry) => {
      const api = memoryApi(REGIONS);
      await fc.assert(
        fc.asyncProperty(validRequest(entry), async ({ path, options }) => {
          // the harness throws on any answer the document does not declare
          const answer = await api.call('eu-west-1', entry.method, path, options);
          const code = (answer.body.error as { code?: string } | undefined)?.code;
          if (answer.status >= 500 || (code !== undefined && VALIDATION_CODES.has(code))) {
            throw new Error(
              `the document allows ${entry.method} ${path} ${JSON.stringify(options)}, the API answered ${answer.status} ${JSON.stringify(answer.body)}`,
            );
          }
        }),
        { numRuns: RUNS_PER_ROUTE, seed: SEED },
      );
      expect(api.recorded.errors).toEqual([]);
    },
  );

  test.each(
    DATA_ROUTES.filter((entry) => entry.write).map((entry) => [
      `${entry.method} ${entry.path}`,
      entry,
    ]),
  )('a body with a field the document does not declare is refused: %s', async (_name, entry) => {
    const api = memoryApi(REGIONS);
    await fc.assert(
      fc.asyncProperty(validRequest(entry), async ({ path, options }) => {
        const body = { ...(options.body as Record<string, unknown>), undeclared: 1 };
        const answer = await api.call('eu-west-1', entry.method, path, { ...options, body });
        if (answer.status < 400 || answer.status >= 500) {
          throw new Error(`${entry.method} ${path} with an undeclared field: ${answer.status}`);
        }
      }),
      { numRuns: 20, seed: SEED },
    );
  });
});
