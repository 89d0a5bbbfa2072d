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


/** A run under way: a step of its generator (true once it has ended), and whether it is still wanted. */
interface Run {
	step(): boolean;
	current(): boolean;
}

/** Runs waiting for a turn, in the order they will get their next step. */
const waiting: Run[] = [];
let scheduled = false;
/**
 * When the share of the turn being spent ends (performance.now()). It is shared by every run: the
 * tree's index, the panel's table and its counts each had 12 ms of their own, and a turn that ran
 * all three (setImmediate runs every callback queued before it at once) held the event loop
 * 25-55 ms (bench/exthost.mjs profile, refresh 1).
 */
let deadline = 0;
/** Whether a share is being spent: by a pump, or by a 'now' run and whatever else this turn starts. */
let sharing = false;

/** Ends the share once what runs now (the turn's synchronous part and the microtasks it queued) is done. */
function endShareAfter(): void {
	queueMicrotask(() => (sharing = false));
}

/** Steps `runs` round-robin until they end or the share is spent; returns those left, the ones that waited longest first. */
function stepAll(runs: Run[]): Run[] {
	let list = runs;
	while (list.length) {
		const stepped: Run[] = [];
		for (let i = 0; i < list.length; i++) {
			if (performance.now() > deadline) return list.slice(i).concat(stepped);
			const r = list[i];
			if (stepOf(r)) stepped.push(r);
		}
		list = stepped;
	}
	return list;
}

/**
 * One step of `r`: true if it goes on. A run that throws ends there, alone (the others share its
 * turns); its error is thrown again from a microtask, uncaught, as it was when each run had
 * turns of its own.
 */
function stepOf(r: Run): boolean {
	try {
		return r.current() && !r.step();
	} catch (e) {
		queueMicrotask(() => {
			throw e;
		});
		return false;
	}
}

function pump(): void {
	scheduled = false;
	deadline = performance.now() + SLICE_MS;
	sharing = true;
	// A run that ends may start others: 'now' ones take steps in this share, then wait after these.
	const left = stepAll(waiting.splice(0));
	waiting.unshift(...left);
	endShareAfter();
	schedule();
}

function schedule(): void {
	if (scheduled || !waiting.length) return;
	scheduled = true;
	setImmediate(pump);
}

/**
 * Runs `it` to its end and hands its result to `done`, a step (one yield to the next) at a time,
 * in turns of the event loop of at most SLICE_MS for all such runs together (each gets a step in
 * turn). It stops without a result once `current()` is false (a newer run took its place).
 * `from` says whether its first steps are taken in this turn, in what is left of its share (a
 * new share when none is being spent), or from a later one.
 */
export function runInTurns<T>(it: Generator<void, T>, current: () => boolean, done: (value: T) => void, from: 'now' | 'next'): void {
	const run: Run = {
		current,
		step: () => {
			const r = it.next();
			if (r.done) done(r.value);
			return !!r.done;
		},
	};
	if (from === 'now') {
		if (!sharing) {
			sharing = true;
			deadline = performance.now() + SLICE_MS;
			endShareAfter();
		}
		waiting.push(...stepAll([run]));
	} else waiting.push(run);
	schedule();
}
