/**
 * CloudFormation intrinsic functions, resolved the way a deploy would resolve them in the
 * sandbox: `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::If` is
 * not used by the app and is refused, as is anything else unknown (the caller decides whether a
 * value it cannot resolve matters).
 */

/** What a reference resolves to in the sandbox's "deployment". */
export interface ResolveContext {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  /** The value of `Ref` to a resource (physical id), or undefined if unknown. */
  ref(logicalId: string): string | undefined;
  /** The value of `Fn::GetAtt`, or undefined if unknown. */
  getAtt(logicalId: string, attribute: string): string | undefined;
}

/** Thrown when a value holds something the sandbox cannot resolve. */
export class UnresolvableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnresolvableError';
  }
}

/** Resolve every intrinsic in `value` (objects and lists are resolved deeply). */
export function resolveValue(value: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, ctx));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const [first] = entries;
  if (entries.length === 1 && first !== undefined && isIntrinsic(first[0])) {
    return resolveIntrinsic(first[0], first[1], ctx);
  }
  return Object.fromEntries(entries.map(([key, nested]) => [key, resolveValue(nested, ctx)]));
}

/** Resolve to a string, or throw. */
export function resolveString(value: unknown, ctx: ResolveContext): string {
  const resolved = resolveValue(value, ctx);
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
  throw new UnresolvableError(`expected a string, got ${JSON.stringify(resolved)}`);
}

/** Resolve, or `undefined` when something in it is unknown to the sandbox. */
export function tryResolve(value: unknown, ctx: ResolveContext): unknown {
  try {
    return resolveValue(value, ctx);
  } catch (error) {
    if (error instanceof UnresolvableError) return undefined;
    throw error;
  }
}

/** Every logical id a value refers to (by `Ref`, `Fn::GetAtt` or `${}` in `Fn::Sub`). */
export function referencedLogicalIds(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, nested] of Object.entries(node as Record<string, unknown>)) {
      if (key === 'Ref' && typeof nested === 'string') found.add(nested);
      else if (key === 'Fn::GetAtt' && Array.isArray(nested) && typeof nested[0] === 'string') {
        found.add(nested[0]);
      } else if (key === 'Fn::GetAtt' && typeof nested === 'string') {
        found.add(nested.split('.')[0] as string);
      } else visit(nested);
    }
  };
  visit(value);
  return [...found];
}

function isIntrinsic(key: string): boolean {
  return key === 'Ref' || key.startsWith('Fn::');
}

const PSEUDO: Record<string, (ctx: ResolveContext) => string> = {
  'AWS::Region': (ctx) => ctx.region,
  'AWS::AccountId': (ctx) => ctx.accountId,
  'AWS::Partition': () => 'aws',
  'AWS::URLSuffix': () => 'amazonaws.com',
  'AWS::StackName': (ctx) => ctx.stackName,
  'AWS::StackId': (ctx) =>
    `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:stack/${ctx.stackName}/sandbox`,
};

function resolveIntrinsic(name: string, argument: unknown, ctx: ResolveContext): unknown {
  switch (name) {
    case 'Ref': {
      const id = String(argument);
      const pseudo = PSEUDO[id];
      if (pseudo !== undefined) return pseudo(ctx);
      const value = ctx.ref(id);
      if (value === undefined) throw new UnresolvableError(`Ref ${id} is not known in the sandbox`);
      return value;
    }
    case 'Fn::GetAtt': {
      const [id, attribute] = Array.isArray(argument)
        ? (argument as [string, string])
        : (String(argument).split(/\.(.*)/) as [string, string]);
      const value = ctx.getAtt(id, String(resolveValue(attribute, ctx)));
      if (value === undefined) {
        throw new UnresolvableError(`Fn::GetAtt ${id}.${attribute} is not known in the sandbox`);
      }
      return value;
    }
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, unknown];
      const list = resolveValue(parts, ctx);
      if (!Array.isArray(list)) throw new UnresolvableError('Fn::Join needs a list');
      return list.map((part) => String(part)).join(separator);
    }
    case 'Fn::Select': {
      const [index, list] = argument as [unknown, unknown];
      const resolved = resolveValue(list, ctx);
      if (!Array.isArray(resolved)) throw new UnresolvableError('Fn::Select needs a list');
      return resolved[Number(resolveValue(index, ctx))];
    }
    case 'Fn::Split': {
      const [separator, text] = argument as [string, unknown];
      return resolveString(text, ctx).split(separator);
    }
    case 'Fn::Sub': {
      const [text, variables] = Array.isArray(argument)
        ? (argument as [string, Record<string, unknown>])
        : [String(argument), {}];
      return text.replace(/\$\{([^}!][^}]*)\}/g, (_, expression: string) => {
        if (Object.hasOwn(variables, expression)) return resolveString(variables[expression], ctx);
        const [id, attribute] = expression.split(/\.(.*)/) as [string, string | undefined];
        return attribute === undefined
          ? resolveString({ Ref: id }, ctx)
          : resolveString({ 'Fn::GetAtt': [id, attribute] }, ctx);
      });
    }
    default:
      throw new UnresolvableError(`${name} is not supported in the sandbox`);
  }
}
