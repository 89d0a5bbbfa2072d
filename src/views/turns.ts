// Work over many sockets on the extension host's thread is spread over turns of its event loop,
// so that a 100k-socket refresh never holds the editor for long. The views share the threshold.

/** Up to this many sockets are handled in one turn (a few ms); more are cut into turns. */
export const SYNC_SOCKETS = 20000;

/** The longest a turn's share of such work runs before it gives the event loop back, ms. */
const SLICE_MS = 12;

/** Resolves in a later turn of the event loop (after pending I/O and timers). */
export function nextTurn(): Promise<void> {
	return new Promise((r) => setImmediate(r));
}

/** Runs a generator to its end in this turn and returns its result. */
export function drain<T>(it: Generator<void, T>): T {
	for (;;) {
		const r = it.next();
		if (r.done) return r.value;
	}
}

/**
 * Runs `it` to its end in turns of at most SLICE_MS each and hands its result to `done`. It stops
 * without a result once `current()` is false (a newer run took its place). `from` says whether
 * its first turn is this one or a later one.
 */
export function runInTurns<T>(it: Generator<void, T>, current: () => boolean, done: (value: T) => void, from: 'now' | 'next'): void {
	const slice = () => {
		if (!current()) return;
		const t0 = performance.now();
		for (;;) {
			const r = it.next();
			if (r.done) return done(r.value);
			if (performance.now() - t0 > SLICE_MS) break;
		}
		setImmediate(slice);
	};
	if (from === 'now') slice();
	else setImmediate(slice);
}
