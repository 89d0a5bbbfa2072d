// Socket counts per owning process (established / listening / other), kept up to date from each
// refresh's diff. The detail panel samples them at every refresh for every process, so that the
// chart of whichever process the user opens later already has its last minutes. Counting all
// sockets again each time cost a walk over every socket per refresh (100k at our benchmark's
// size, on the extension host's thread); a diff touches only what changed.
import type { SnapshotDiff } from './diff';
import { drain } from './drain';
import { ownerCount, ownerPidAt } from './owners';
import type { Snapshot, SocketInfo } from './snapshot';

/** Sockets counted between two yields of a full count (a few ms). */
const STEP = 4096;

export interface StateCounts {
	established: number;
	listening: number;
	other: number;
}

function bucket(s: SocketInfo): keyof StateCounts {
	return s.state === 'ESTABLISHED' ? 'established' : s.state === 'LISTEN' ? 'listening' : 'other';
}

export class StateTally {
	private counted: Snapshot | undefined;
	private readonly byPid = new Map<number, StateCounts>();

	/**
	 * Brings the counts to `snap`. `diff` is what changed since `base`; it is used only when
	 * `base` is the snapshot counted last, otherwise every socket is counted again.
	 * Returns false when `snap` was already counted (a failed refresh fires with the old one).
	 */
	update(snap: Snapshot, base: Snapshot | undefined, diff: SnapshotDiff | undefined): boolean {
		return drain(this.updating(snap, base, diff));
	}

	/**
	 * update() in steps: a full count, or a diff, yields every STEP sockets, so that its caller
	 * can spread it over turns of the event loop (at 100k sockets a full count was one 280-330 ms
	 * block in the extension host). Until it has run to its end the counts are no snapshot's, and
	 * a caller that drops it half-way leaves the next update to count everything again.
	 */
	*updating(snap: Snapshot, base: Snapshot | undefined, diff: SnapshotDiff | undefined): Generator<void, boolean> {
		if (snap === this.counted) return false;
		if (diff && base && base === this.counted) {
			// A diff yields too: 100k sockets appearing at once (a load ramping up) made one 60 ms
			// block of it in the extension host. Dropped half-way, its counts are no snapshot's.
			this.counted = undefined;
			let n = 0;
			// Indexed loops: a for…of in a generator makes an object per element (treeIndex.ts).
			const { closedSockets: closed, changedSockets: changed, newSockets: added } = diff;
			for (let i = 0; i < closed.length; i++) {
				this.add(closed[i], -1);
				if (++n % STEP === 0) yield;
			}
			for (let i = 0; i < changed.length; i++) {
				this.add(changed[i].before, -1);
				this.add(changed[i].after, 1);
				if (++n % STEP === 0) yield;
			}
			for (let i = 0; i < added.length; i++) {
				this.add(added[i], 1);
				if (++n % STEP === 0) yield;
			}
		} else {
			this.counted = undefined;
			this.byPid.clear();
			let n = 0;
			for (let i = 0; i < snap.sockets.length; i++) {
				this.add(snap.sockets[i], 1);
				if (++n % STEP === 0) yield;
			}
		}
		this.counted = snap;
		return true;
	}

	/** The counts of one pid's sockets (undefined when it owns none). */
	get(pid: number): Readonly<StateCounts> | undefined {
		return this.byPid.get(pid);
	}

	/** Every pid that owns sockets, with its counts (tests compare this with a recount). */
	entries(): Array<[number, StateCounts]> {
		return [...this.byPid].map(([pid, c]) => [pid, { ...c }]);
	}

	private add(s: SocketInfo, n: 1 | -1): void {
		const k = bucket(s);
		// Read without the owners list and without a set (model/owners.ts): a full count runs over
		// every socket (100k at the first refresh), and a socket from a full transfer builds its
		// owner list at each read (socketColumns.ts); the garbage of three lists and a Set per
		// socket had the first count spend two thirds of its 280-330 ms block in the scavenger.
		const count = ownerCount(s);
		for (let i = 0; i < count; i++) {
			const pid = ownerPidAt(s, i);
			// A socket shared by several fds of one process counts once for it, as in a full count.
			if (firstOf(s, i, pid)) this.bump(pid, k, n);
		}
	}

	private bump(pid: number, k: keyof StateCounts, n: 1 | -1): void {
		let c = this.byPid.get(pid);
		if (!c) this.byPid.set(pid, (c = { established: 0, listening: 0, other: 0 }));
		c[k] += n;
		if (!c.established && !c.listening && !c.other) this.byPid.delete(pid);
	}
}

/** Whether owners[i] is the first owner with its pid (lists are short: a few fds at most, as a rule). */
function firstOf(s: SocketInfo, i: number, pid: number): boolean {
	for (let j = 0; j < i; j++) if (ownerPidAt(s, j) === pid) return false;
	return true;
}
