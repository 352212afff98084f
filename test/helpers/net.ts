/** A free TCP port on 127.0.0.1, for servers the tests start themselves (the sandbox's own helper). */
export { freePort } from '../../lib/ops/sandbox/ports';
