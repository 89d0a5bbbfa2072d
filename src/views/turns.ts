// Work over many sockets on the extension host's thread is spread over turns of its event loop,
// so that a 100k-socket refresh never holds the editor for long. The views share the threshold.

/** Up to this many sockets are handled in one turn (a few ms); more are cut into turns. */
export const SYNC_SOCKETS = 20000;

/** The longest a turn's share of such work runs before it gives the event loop back, ms. */
export const SLICE_MS = 12;

/** Resolves in a later turn of the event loop (after pending I/O and timers). */
export function nextTurn(): Promise<void> {
	return new Promise((r) => setImmediate(r));
}
