// Waiting in the real extension host: events (configuration, file watchers, debug sessions) arrive
// when the workbench gets to them, and on a busy CI machine that is not within any fixed time. So
// tests wait for the state they assert, with a deadline, rather than sleeping a guessed while.

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves with the first truthy value `probe` gives; throws, naming `what`, after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20000, everyMs = 100): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const v = probe();
		if (v) return v;
		if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(everyMs);
	}
}
