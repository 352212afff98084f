/**
 * fast-check arbitraries of the values a JSON Schema of the OpenAPI document allows: strings by
 * their pattern, integers and numbers by their bounds, objects by their properties, unions, `not`,
 * `$ref` (recursive schemas to a depth). Sizes are kept small, so a generated body stays far below
 * the API's size and depth limits: the fuzz tests send what the document says is valid.
 */
import fc from 'fast-check';

type Schema = Record<string, unknown>;

/** Largest collection and string a generated value holds. */
const MAX_ITEMS = 4;
const MAX_STRING = 24;

/** Builds arbitraries for the schemas of one document. */
export class SchemaArbitraries {
  constructor(private readonly document: Schema) {}

  /** An arbitrary of the values `schema` allows. */
  of(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
    if (typeof schema.$ref === 'string') {
      const target = this.resolve(schema.$ref);
      const { $ref: _ref, ...rest } = schema;
      return this.of(Object.keys(rest).length > 0 ? { ...target, ...rest } : target, depth + 1);
    }
    const base = this.base(schema, depth);
    const not = schema.not as Schema | undefined;
    if (not === undefined) return base;
    return base.filter((value) => !matchesSimple(not, value));
  }

  private base(schema: Schema, depth: number): fc.Arbitrary<unknown> {
    if ('const' in schema) return fc.constant(schema.const);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
    if (union !== undefined) {
      // deep down a recursive schema, only its leaves (no arrays or objects) so values end
      const options = depth > 3 ? union.filter((option) => !isContainer(option)) : union;
      return fc.oneof(...options.map((option) => this.of(option, depth + 1)));
    }
    switch (schema.type) {
      case 'string':
        return stringOf(schema);
      case 'integer':
        return integerOf(schema);
      case 'number':
        return fc.double({
          min: (schema.minimum as number | undefined) ?? -1e6,
          max: (schema.maximum as number | undefined) ?? 1e6,
          noNaN: true,
          noDefaultInfinity: true,
        });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return fc.array(this.of((schema.items as Schema | undefined) ?? {}, depth + 1), {
          minLength: (schema.minItems as number | undefined) ?? 0,
          maxLength: Math.max((schema.minItems as number | undefined) ?? 0, MAX_ITEMS),
        });
      case 'object':
        return this.objectOf(schema, depth);
      default:
        return fc.constant(null);
    }
  }

  private objectOf(schema: Schema, depth: number): fc.Arbitrary<unknown> {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = (schema.required ?? []) as string[];
    const additional = schema.additionalProperties;
    if (Object.keys(properties).length > 0 || additional === false || additional === undefined) {
      return fc.record(
        Object.fromEntries(
          Object.entries(properties).map(([name, property]) => [
            name,
            this.of(property, depth + 1),
          ]),
        ),
        { requiredKeys: required },
      );
    }
    const keys = schema.propertyNames
      ? (stringOf(schema.propertyNames as Schema) as fc.Arbitrary<string>)
      : fc.string({ minLength: 1, maxLength: 12 });
    return fc.dictionary(keys, this.of(additional as Schema, depth + 1), {
      minKeys: (schema.minProperties as number | undefined) ?? 0,
      maxKeys: Math.max((schema.minProperties as number | undefined) ?? 0, MAX_ITEMS),
    });
  }

  private resolve(ref: string): Schema {
    let node: unknown = this.document;
    for (const part of ref.replace(/^#\//, '').split('/')) {
      node = (node as Schema)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return node as Schema;
  }
}

function isContainer(schema: Schema): boolean {
  return schema.type === 'array' || schema.type === 'object' || typeof schema.$ref === 'string';
}

/** The few `not` schemas the document uses: a `const`, or a `type`. */
function matchesSimple(schema: Schema, value: unknown): boolean {
  if ('const' in schema) return Object.is(value, schema.const) || value === schema.const;
  if (schema.type === 'null') return value === null;
  return false;
}

function stringOf(schema: Schema): fc.Arbitrary<unknown> {
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = Math.min((schema.maxLength as number | undefined) ?? MAX_STRING, MAX_STRING);
  if (typeof schema.pattern !== 'string') {
    return fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
  }
  const full = new RegExp(schema.pattern);
  // fast-check reads character classes and counts, not lookarounds: those filter instead
  const simple = schema.pattern.replace(/\(\?[!=][^)]*\)/g, '');
  // long counts make long strings: keep a generated value short
  const bounded = simple.replace(/\{(\d+),(\d+)\}/g, (_all, low: string, high: string) => {
    const min = Number(low);
    return `{${min},${Math.max(min, Math.min(Number(high), MAX_STRING))}}`;
  });
  return fc.stringMatching(new RegExp(bounded)).filter((value) => full.test(value));
}

function integerOf(schema: Schema): fc.Arbitrary<unknown> {
  const min = (schema.minimum as number | undefined) ?? Number.MIN_SAFE_INTEGER;
  const max = (schema.maximum as number | undefined) ?? Number.MAX_SAFE_INTEGER;
  const small = fc.integer({ min: Math.max(min, -1000), max: Math.min(max, 1000) });
  return fc.oneof({ arbitrary: small, weight: 4 }, fc.constantFrom(min, max));
}
