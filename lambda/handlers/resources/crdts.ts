/** Counters and sets: CRDT objects any region may write once their domain allows it. */
import { type WriteClass } from '../../domain/catalog';
import { OR_SET, type ORSet } from '../../domain/crdt/or-set';
import { PN_COUNTER, type PNCounter } from '../../domain/crdt/pn-counter';
import { counterWrite, setWrite } from '../request-schemas';
import { counterRead, counterWritten, setRead, setWritten } from '../responses';
import {
  bodyOf,
  objectKey,
  objectRead,
  readResponse,
  writeResponse,
  route,
  type RouteHandlers,
} from './route';

export const crdtHandlers: RouteHandlers<
  'readCounter' | 'incrementCounter' | 'readSet' | 'changeSet'
> = {
  readCounter: objectRead(
    'pn-counter',
    'name',
    'counter name',
    async ({ service, options }, key) => {
      const result = await service.readCrdt(
        key,
        PN_COUNTER,
        (state: PNCounter) => state.value,
        options,
      );
      return readResponse(counterRead, result, { value: result.value });
    },
  ),
  incrementCounter: route({
    validate: ({ event, params }) => ({
      key: objectKey(params, 'pn-counter', 'name', 'counter name'),
      body: bodyOf(event, counterWrite),
    }),
    handle: async ({ service, options, metric }, { key, body }) => {
      const result = await service.writeCrdt(
        key,
        'counter.increment',
        PN_COUNTER,
        (state: PNCounter, region) => state.add(region, body.delta),
        (state) => state.value,
        options,
      );
      return writeResponse(metric, counterWritten, result, { value: result.value });
    },
  }),
  readSet: objectRead('or-set', 'name', 'set name', async ({ service, options }, key) => {
    const result = await service.readCrdt(key, OR_SET, (state: ORSet) => state.values(), options);
    return readResponse(setRead, result, { elements: result.value });
  }),
  changeSet: route({
    validate: ({ event, params }) => ({
      key: objectKey(params, 'or-set', 'name', 'set name'),
      body: bodyOf(event, setWrite),
    }),
    handle: async ({ service, options, metric }, { key, body }) => {
      const operation: WriteClass = 'add' in body ? 'set.add' : 'set.remove';
      const result = await service.writeCrdt(
        key,
        operation,
        OR_SET,
        (state: ORSet, region) =>
          'add' in body ? state.add(body.add, region) : state.remove(body.remove),
        (state) => state.values(),
        options,
      );
      return writeResponse(metric, setWritten, result, { elements: result.value });
    },
  }),
};
