// Sockets that cross from the scan worker are structured clones: every string in them is a
// new heap object, so 100k sockets carried ~700k strings, most of them one of a few texts
// ("tcp", "ESTABLISHED", "127.0.0.1", the namespace). The extension host keeps those sockets
// between refreshes, and its major GCs walk every one of them: with the repeated texts shared,
// 101k held sockets took 55 MiB instead of 71 and a full GC of them 38-51 ms instead of 52-64
// (a plain Node process, forced GCs, 5 each).
import type { SocketInfo } from '../model/snapshot';

/** The fields whose texts repeat across sockets. Ids, inodes and paths are unique or nearly so. */
const SHARED = ['kind', 'state', 'timer', 'netns', 'localAddress', 'remoteAddress', 'unixType', 'protocolName', 'packetType'] as const;

/**
 * Gives each text one string object. Bounded: a host whose remote addresses keep changing (a
 * busy server's clients) must not grow the pool without end, so it starts again when full.
 */
export class StringPool {
	private readonly pool = new Map<string, string>();

	constructor(private readonly max = 50_000) {}

	/** Replaces `s`'s repeated texts with the pool's own string objects (the same texts). */
	share(s: SocketInfo): void {
		const o = s as unknown as Record<string, unknown>;
		for (const k of SHARED) {
			const v = o[k];
			if (typeof v !== 'string') continue;
			const own = this.pool.get(v);
			if (own !== undefined) o[k] = own;
			else {
				if (this.pool.size >= this.max) this.pool.clear();
				this.pool.set(v, v);
			}
		}
	}

	get size(): number {
		return this.pool.size;
	}
}
