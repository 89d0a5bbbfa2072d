// The model's long passes are generators that yield every so many sockets, so that the views can
// spread them over turns of the event loop (views/turns.ts); the command line and a caller that
// wants the result now run them to their end here.

/** Runs a generator to its end in this turn and returns its result. */
export function drain<T>(it: Generator<void, T>): T {
	for (;;) {
		const r = it.next();
		if (r.done) return r.value;
	}
}
