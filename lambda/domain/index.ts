/**
 * The conflict-resolution core: pure rules for a multi-region active-active store. Handlers and
 * adapters import from here; nothing in this folder talks to AWS.
 */
export * from './catalog';
export * from './consistency';
export * from './crdt/crdt';
export * from './crdt/g-counter';
export * from './crdt/lww-register';
export * from './crdt/mv-register';
export * from './crdt/or-set';
export * from './crdt/pn-counter';
export * from './geography';
export * from './hash-ring';
export * from './hlc';
export * from './json';
export * from './merge-registry';
export * from './objects/cart';
export * from './objects/ledger';
export * from './objects/presence';
export * from './objects/profile';
export * from './ownership';
export * from './ports';
export * from './reconciliation';
export * from './session-token';
export * from './storage-layout';
export * from './value-codec';
export * from './version-vector';
export * from './write-decision';
