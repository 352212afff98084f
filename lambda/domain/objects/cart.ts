/**
 * Shopping cart: each line's quantity is a PN-counter, so concurrent "add two" in one region and
 * "add one" in another give three, never two or one. Quantities below zero (possible when two
 * regions remove the same line at once) show as zero; setting a quantity later is computed against
 * the raw value, so it still lands on the number the customer asked for.
 */
import type { Sibling } from '../crdt/mv-register';
import { PNCounter } from '../crdt/pn-counter';
import { compareStrings, describeValue, expectObject, type JsonObject } from '../json';
import type { ValueCodec } from '../value-codec';

/** A cart: SKU -> quantity counter. */
export type Cart = ReadonlyMap<string, PNCounter>;

/** SKUs: 1-128 characters of letters, digits, `_`, `-`, `.` or `:`. */
const SKU = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Most units of one line a cart accepts. */
const MAX_LINE_QUANTITY = 10_000;

/** A cart with no lines. */
export function emptyCart(): Cart {
  return new Map();
}

/** Changes a line's quantity by `delta` (negative to remove units) on behalf of `region`. */
export function changeCartLine(cart: Cart, sku: string, delta: number, region: string): Cart {
  assertSku(sku);
  if (delta === 0) {
    return cart;
  }
  const next = new Map(cart);
  next.set(sku, (cart.get(sku) ?? PNCounter.empty()).add(region, delta));
  return next;
}

/** Sets a line to `quantity` units (0 removes it) on behalf of `region`. */
export function setCartLineQuantity(
  cart: Cart,
  sku: string,
  quantity: number,
  region: string,
): Cart {
  if (!Number.isSafeInteger(quantity) || quantity < 0 || quantity > MAX_LINE_QUANTITY) {
    throw new Error(
      `cart line quantity must be an integer 0-${MAX_LINE_QUANTITY}, got ${describeValue(quantity)}`,
    );
  }
  return changeCartLine(cart, sku, quantity - rawQuantity(cart, sku), region);
}

/** Quantity of one line as customers see it (never below zero). */
export function cartLineQuantity(cart: Cart, sku: string): number {
  return Math.max(0, rawQuantity(cart, sku));
}

/** The cart customers see: SKU -> quantity, lines with a positive quantity only. */
export function cartView(cart: Cart): Record<string, number> {
  return Object.fromEntries(
    [...cart.keys()]
      .sort(compareStrings)
      .map((sku): [string, number] => [sku, cartLineQuantity(cart, sku)])
      .filter(([, quantity]) => quantity > 0),
  );
}

/** Merges carts line by line (PN-counter merge per line). */
export function mergeCarts(carts: Iterable<Cart>): Cart {
  const merged = new Map<string, PNCounter>();
  for (const cart of carts) {
    for (const [sku, quantity] of cart) {
      const current = merged.get(sku);
      merged.set(sku, current === undefined ? quantity : current.merge(quantity));
    }
  }
  return merged;
}

/** The cart `domain-merge` policy: merges the siblings' line counters. */
export function mergeCartSiblings(siblings: readonly Sibling<Cart>[]): Cart {
  return mergeCarts(siblings.map((sibling) => sibling.value));
}

function rawQuantity(cart: Cart, sku: string): number {
  return cart.get(sku)?.value ?? 0;
}

function assertSku(sku: string): void {
  if (!SKU.test(sku)) {
    throw new Error(
      `cart sku must be 1-128 letters, digits, _, -, . or :, got ${describeValue(sku)}`,
    );
  }
}

/** Serialized cart: SKU -> PN-counter (`{ p, n }`). */
export const CART_CODEC: ValueCodec<Cart> = {
  name: 'cart',
  serialize: (cart): JsonObject =>
    Object.fromEntries(
      [...cart.keys()]
        .sort(compareStrings)
        .map((sku) => [sku, (cart.get(sku) ?? PNCounter.empty()).serialize()]),
    ),
  deserialize: (json) => {
    const cart = new Map<string, PNCounter>();
    for (const [sku, raw] of Object.entries(expectObject(json, 'cart'))) {
      assertSku(sku);
      cart.set(sku, PNCounter.deserialize(raw));
    }
    return cart;
  },
};
