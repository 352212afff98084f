/** Profiles and carts: versioned objects merged by their domain rule. */
import { notFound } from '../../app/errors';
import type { VersionedRead } from '../../domain/merge-registry';
import {
  cartView,
  changeCartLine,
  emptyCart,
  setCartLineQuantity,
  type Cart,
} from '../../domain/objects/cart';
import {
  emptyProfile,
  patchProfile,
  profileView,
  replaceProfile,
  type Profile,
} from '../../domain/objects/profile';
import { cartWrite, profilePatch, profilePut } from '../request-schemas';
import { cartRead, cartWritten, profileRead, profileWritten } from '../responses';
import {
  bodyOf,
  objectKey,
  objectRead,
  readResponse,
  servedHeaders,
  writeResponse,
  route,
  type RouteHandler,
  type RouteHandlers,
} from './route';

/** The merged value of a read, with how many versions it merged; none when there is nothing. */
function mergedOf<T>(read: VersionedRead<T>): { value: T; siblingsMerged: number } | undefined {
  if (read.kind === 'missing') return undefined;
  if (read.kind === 'conflict') return undefined;
  return { value: read.value, siblingsMerged: read.siblings };
}

const readProfile = objectRead('profile', 'id', 'profile id', async ({ service, options }, key) => {
  const result = await service.readVersioned<Profile>(key, options);
  const merged = mergedOf(result.value);
  if (merged === undefined)
    throw notFound(`profile ${key.objectId} does not exist`, servedHeaders(result));
  return readResponse(profileRead, result, {
    fields: profileView(merged.value),
    siblingsMerged: merged.siblingsMerged,
  });
});

/** PUT replaces the document, PATCH changes fields; every field carries the write's stamp. */
function profileWrite(method: 'PUT' | 'PATCH'): RouteHandler {
  return route({
    validate: ({ event, params }) => ({
      key: objectKey(params, 'profile', 'id', 'profile id'),
      body: bodyOf(event, method === 'PUT' ? profilePut : profilePatch),
    }),
    handle: async ({ service, options, metric }, { key, body }) => {
      const result = await service.writeVersioned<Profile>(
        key,
        method === 'PUT' ? 'profile.put' : 'profile.patch',
        (current, at) =>
          method === 'PUT'
            ? replaceProfile(current ?? emptyProfile(), body.fields, at)
            : patchProfile(current ?? emptyProfile(), body.fields, at),
        options,
      );
      return writeResponse(metric, profileWritten, result, { fields: profileView(result.value) });
    },
  });
}

export const profileHandlers: RouteHandlers<'readProfile' | 'replaceProfile' | 'patchProfile'> = {
  readProfile,
  replaceProfile: profileWrite('PUT'),
  patchProfile: profileWrite('PATCH'),
};

export const cartHandlers: RouteHandlers<'readCart' | 'changeCart'> = {
  readCart: objectRead('cart', 'id', 'cart id', async ({ service, options }, key) => {
    const result = await service.readVersioned<Cart>(key, options);
    const merged = mergedOf(result.value);
    return readResponse(cartRead, result, {
      lines: merged === undefined ? {} : cartView(merged.value),
      siblingsMerged: merged?.siblingsMerged ?? 0,
    });
  }),
  changeCart: route({
    validate: ({ event, params }) => ({
      key: objectKey(params, 'cart', 'id', 'cart id'),
      body: bodyOf(event, cartWrite),
    }),
    handle: async ({ service, options, metric }, { key, body }) => {
      const result = await service.writeVersioned<Cart>(
        key,
        'cart.update',
        (current, at) =>
          body.changes.reduce(
            (cart, change) =>
              'delta' in change
                ? changeCartLine(cart, change.sku, change.delta, at.region)
                : setCartLineQuantity(cart, change.sku, change.quantity, at.region),
            current ?? emptyCart(),
          ),
        options,
      );
      return writeResponse(metric, cartWritten, result, { lines: cartView(result.value) });
    },
  }),
};
