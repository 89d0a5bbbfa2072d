// Socket counts per owning process (established / listening / other), kept up to date from each
// refresh's diff. The detail panel samples them at every refresh for every process, so that the
// chart of whichever process the user opens later already has its last minutes. Counting all
// sockets again each time cost a walk over every socket per refresh (100k at our benchmark's
// size, on the extension host's thread); a diff touches only what changed.
import type { SnapshotDiff } from './diff';
import type { Snapshot, SocketInfo } from './snapshot';

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
		if (snap === this.counted) return false;
		if (diff && base && base === this.counted) {
			for (const s of diff.closedSockets) this.add(s, -1);
			for (const c of diff.changedSockets) {
				this.add(c.before, -1);
				this.add(c.after, 1);
			}
			for (const s of diff.newSockets) this.add(s, 1);
		} else {
			this.byPid.clear();
			for (const s of snap.sockets) this.add(s, 1);
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
		// A socket shared by several fds of one process counts once for it, as in a full count.
		const pids = s.owners.length === 1 ? [s.owners[0].pid] : new Set(s.owners.map((o) => o.pid));
		for (const pid of pids) {
			let c = this.byPid.get(pid);
			if (!c) this.byPid.set(pid, (c = { established: 0, listening: 0, other: 0 }));
			c[k] += n;
			if (!c.established && !c.listening && !c.other) this.byPid.delete(pid);
		}
	}
}
