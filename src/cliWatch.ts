// `procnet watch`: the sockets that open, close and change, as they do. `lsof -r` and
// `netstat -c` print the whole table again at each interval, and `watch ss -tanp` repaints it,
// so a socket that lived between two screens is never seen and a change has to be spotted by
// eye; this prints one line per change. Each read goes through the same source, parse, join and
// select as `procnet snapshot`, and the changes come from diffSnapshots, the diff the tree's
// marks come from. An ssh host is read over one session kept open (cli.ts).
import { formatChanges, missingPids, WatchColumns } from './cliFormat';
import type { PeerNameCache } from './collect/peerNames';
import { diffSnapshots, joinContinued, socketsOfDiff } from './model/diff';
import type { PeerNameOf } from './model/filter';
import { peerNameOf, peersOf } from './model/peers';
import { selectSnapshot, splitSelectionByPeer, type Selection } from './model/select';
import { processKey, type Snapshot } from './model/snapshot';

export interface WatchOptions {
	intervalMs: number;
	json: boolean;
	selection: Selection;
	/**
	 * --resolve: the peers of each read's changes are asked of it before they are printed; with a
	 * `peer:` term in the selection's filter, every peer the rest of the selection lets through.
	 */
	names?: PeerNameCache;
}

export interface WatchIo {
	/** Writes to stdout; false when its reader has gone (the watch then ends). */
	out(text: string): boolean;
	err(text: string): void;
	/** Settles when the watch should end (SIGINT, SIGTERM). */
	stopped: Promise<void>;
}

/**
 * Reads with `read` every `intervalMs` (from the end of one read to the start of the next) and
 * writes what changed in the selection. Ends with 0 when stopped, or when every pid watched with
 * --pid has exited; 1 when a pid given does not exist at the start. A read that throws ends it
 * (the caller reports the error).
 */
export async function watch(read: () => Promise<Snapshot>, o: WatchOptions, io: WatchIo): Promise<number> {
	let stop = false;
	void io.stopped.then(() => (stop = true));
	const first = await read();
	const pids = o.selection.pids;
	// The processes watched by pid, by pid + start time: a pid reused after its process exited is another process.
	let watched: Set<string> | undefined;
	if (pids) {
		const missing = missingPids(first, pids);
		if (missing) {
			io.err(missing);
			return 1;
		}
		watched = new Set(first.processes.filter((p) => pids.includes(p.pid)).map(processKey));
	}
	const select = selector(o.selection, o.names, io);
	let before = await select(first);
	const columns = new WatchColumns();
	const seconds = o.intervalMs / 1000;
	io.err(`procnet: watching ${first.host.hostname}: ${before.sockets.length} sockets now; read again ${seconds} s after each read (Ctrl-C stops)\n`);
	while (!stop) {
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([new Promise<void>((r) => (timer = setTimeout(r, o.intervalMs))), io.stopped]);
		clearTimeout(timer);
		if (stop) break;
		const snap = await read();
		const after = await select(snap);
		const d = joinContinued(diffSnapshots(before, after));
		const names = o.names;
		// The names of the peers printed, as `snapshot --resolve` gives them (a slow resolver holds
		// the lines for at most its 2 s; a failed one leaves them unnamed).
		if (names) await names.resolve(peersOf(socketsOfDiff(d)), (e) => io.err(`procnet: peer names: ${(e as Error).message}\n`));
		const text = formatChanges(d, before, after, o.json, names && ((s) => peerNameOf(s, (p) => names.get(p))), columns);
		if (text && !io.out(text)) return 0;
		before = after;
		if (watched) {
			const alive = new Set(snap.processes.map(processKey));
			if (![...watched].some((k) => alive.has(k))) {
				io.err(`procnet: pid ${pids!.join(', ')} exited\n`);
				return 0;
			}
		}
	}
	return 0;
}

/**
 * How each read is narrowed to the selection. A filter's `peer:` terms match names too with
 * --resolve, as in `snapshot` and the tree: the other terms select first, every peer of what they
 * let through is named (all of them, not MAX_RESOLVE: a socket whose name is not in yet would be
 * printed closed, and new when it comes), then the peer: terms apply. A name once given stays
 * with its address for the watch, so that a name expiring, or a resolver that fails later, does
 * not print sockets closed that did not close.
 */
function selector(sel: Selection, names: PeerNameCache | undefined, io: WatchIo): (snap: Snapshot) => Promise<Snapshot> {
	const halves = names && splitSelectionByPeer(sel);
	if (!names || !halves) return (snap) => Promise.resolve(selectSnapshot(snap, sel));
	let given = new Map<string, string | null>();
	return async (snap) => {
		const wide = selectSnapshot(snap, halves.wide);
		const peers = peersOf(wide.sockets);
		await names.resolveAll(peers, { onError: (e) => io.err(`procnet: peer names: ${(e as Error).message}\n`) });
		// Kept for the peers of this read only: a long watch does not hold every address it saw.
		const kept = new Map<string, string | null>();
		for (const p of peers) {
			const n = names.get(p) ?? given.get(p);
			if (n !== undefined) kept.set(p, n);
		}
		given = kept;
		const nameOf: PeerNameOf = (p) => kept.get(p);
		return selectSnapshot(wide, halves.byPeer, nameOf);
	};
}
