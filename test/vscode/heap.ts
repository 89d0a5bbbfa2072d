// The extension host's live heap, for the soak test and the event-loop bench.
import * as v8 from 'v8';
import * as vm from 'vm';

/**
 * heapUsed right after a full GC, in bytes. heapUsed alone climbs by ~15-20 MiB a few refreshes
 * between major GCs, from ~100 to 300-470 MiB and back, so it says where those GCs fell as much
 * as what stayed alive. V8's gc is exposed here for the tests and the bench only; the extension
 * never runs with it.
 */
export function liveHeap(): number {
	v8.setFlagsFromString('--expose-gc');
	(vm.runInNewContext('gc') as () => void)();
	return process.memoryUsage().heapUsed;
}
