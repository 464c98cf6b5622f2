// The tests' free ports come from the same allocator as the demo's (below the ephemeral range, a block per pid).
export { freePort, freePorts } from '../../src/util/free-ports.ts';
