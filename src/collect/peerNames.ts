// Names of peer addresses, as `ss -r`, netstat and TCPView show them: the host's own resolver
// (`getent hosts`: /etc/hosts, DNS, whatever its nsswitch.conf says), asked on the host the
// sockets are on. An ssh host's peers are named by that host (procnet_resolve through its
// session), never by this machine's resolver, which may not know its network.
import { execFile } from 'child_process';
import { parseIp } from '../model/filter';
import { formatIPv4 } from '../procfs/address';

/** A lookup that takes longer gives no name (and holds nothing else: each address is its own getent). */
export const RESOLVE_TIMEOUT_MS = 2000;
/** Addresses asked at once: the peer grouping shows 500 rows. */
export const MAX_RESOLVE = 500;

/**
 * One form for an address that getent and the table decoder may write differently (an IPv6 zero
 * run, letter case, leading zeros): IPv4 dotted, IPv6 as its eight groups in hex. Parsed by the
 * filter's parseIp; undefined when it is not an address (a zone, `fe80::1%eth0`, is never in a
 * socket table's text).
 */
export function canonicalAddress(a: string): string | undefined {
	const b = parseIp(a);
	if (!b) return undefined;
	if (b.length === 4) return formatIPv4(b);
	const groups: string[] = [];
	for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
	return groups.join(':');
}

/** `getent hosts` lines (`ADDRESS NAME [ALIASES…]`): canonical address → its first name. */
export function parseGetentHosts(text: string): Map<string, string> {
	const out = new Map<string, string>();
	for (const line of text.split('\n')) {
		const [addr, name] = line.trim().split(/\s+/);
		const key = addr && canonicalAddress(addr);
		// A name is shown as text, never as markup; still, only what a host name may hold.
		if (key && name && /^[A-Za-z0-9._-]{1,253}$/.test(name) && !out.has(key)) out.set(key, name);
	}
	return out;
}

/** Names for addresses (canonical → name, or null for none); every address asked is in the answer. */
export type PeerNameLookup = (addrs: readonly string[]) => Promise<Map<string, string | null>>;

/** A peer's name in a lookup's answer (keyed by canonicalAddress): null when it has none. */
export function nameIn(answer: ReadonlyMap<string, string | null>, peer: string): string | null {
	return answer.get(canonicalAddress(peer) ?? peer) ?? null;
}

/**
 * getent on this machine: one process per address (a slow DNS answer holds only its own), eight
 * at a time, each killed after RESOLVE_TIMEOUT_MS. Addresses are argv entries, never a shell's.
 */
export async function lookupHere(addrs: readonly string[], opts: { timeoutMs?: number; getent?: string } = {}): Promise<Map<string, string | null>> {
	const out = new Map<string, string | null>();
	const todo = [...new Set(addrs.map(canonicalAddress).filter((a): a is string => !!a))];
	let next = 0;
	const one = (a: string) =>
		new Promise<void>((resolve) => {
			execFile(opts.getent ?? 'getent', ['hosts', a], { timeout: opts.timeoutMs ?? RESOLVE_TIMEOUT_MS }, (_err, stdout) => {
				out.set(a, parseGetentHosts(String(stdout)).get(a) ?? null);
				resolve();
			});
		});
	const worker = async () => {
		while (next < todo.length) await one(todo[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(8, todo.length) }, worker));
	return out;
}

/**
 * The names a host's resolver gave, kept a while (10 minutes; "no name" 2 minutes, so a
 * resolver that was slow once is asked again). One lookup runs at a time per host.
 */
export class PeerNameCache {
	private readonly known = new Map<string, { name: string | null; until: number }>();
	private running: Promise<unknown> = Promise.resolve();
	private failedUntil = 0;

	constructor(
		private readonly lookup: PeerNameLookup,
		private readonly ttlMs = 10 * 60_000,
		private readonly negativeTtlMs = 2 * 60_000,
		private readonly now: () => number = Date.now,
	) {}

	/** Forgets every name and failure (names turned off and on again: asked afresh). */
	clear(): void {
		this.known.clear();
		this.failedUntil = 0;
	}

	/** The name of an address: a string, null when it has none, undefined when not (or no longer) known. */
	get(addr: string): string | null | undefined {
		const key = canonicalAddress(addr);
		const k = key && this.known.get(key);
		return k && k.until > this.now() ? k.name : undefined;
	}

	/**
	 * Asks the resolver for those of `addrs` not known (at most MAX_RESOLVE); resolves with how
	 * many got an answer that differs from what was known. A failed lookup answers 0 (and is told
	 * to `onError`, when given): names are a courtesy, never a reason a view fails.
	 */
	resolve(addrs: readonly string[], onError?: (e: unknown) => void): Promise<number> {
		const ask = () => {
			// A host that failed (no getent there, a session that broke) is left alone a while, not asked at every refresh.
			if (this.now() < this.failedUntil) return Promise.resolve(0);
			return this.ask(addrs).catch((e: unknown) => {
				this.failedUntil = this.now() + this.negativeTtlMs;
				onError?.(e);
				return 0;
			});
		};
		const p = this.running.then(ask, ask);
		this.running = p;
		return p;
	}

	/** Those of `addrs` that are addresses and have no name or "no name" known, each once. */
	unknown(addrs: Iterable<string>): string[] {
		return [...new Set(addrs)].filter((a) => this.get(a) === undefined && canonicalAddress(a));
	}

	/**
	 * Asks for every one of `addrs` not known, MAX_RESOLVE at a time, each batch after the last
	 * (Export names all it writes), until done or `cancelled()`. `done(n)` after each batch: n of
	 * the `missing` it began with have been asked.
	 */
	async resolveAll(addrs: readonly string[], opts: { cancelled?: () => boolean; done?: (n: number, missing: number) => void; onError?: (e: unknown) => void } = {}): Promise<void> {
		const missing = this.unknown(addrs);
		for (let i = 0; i < missing.length && !opts.cancelled?.(); i += MAX_RESOLVE) {
			await this.resolve(missing.slice(i, i + MAX_RESOLVE), opts.onError);
			opts.done?.(Math.min(missing.length, i + MAX_RESOLVE), missing.length);
		}
	}

	private async ask(addrs: readonly string[]): Promise<number> {
		const missing = this.unknown(addrs).slice(0, MAX_RESOLVE);
		if (!missing.length) return 0;
		const answer = await this.lookup(missing);
		let changed = 0;
		const now = this.now();
		for (const a of missing) {
			const key = canonicalAddress(a)!;
			const name = answer.get(key) ?? null;
			// A first "no name" changes nothing shown.
			if ((this.known.get(key)?.name ?? null) !== name) changed++;
			this.known.set(key, { name, until: now + (name === null ? this.negativeTtlMs : this.ttlMs) });
		}
		return changed;
	}
}
