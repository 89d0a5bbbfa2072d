// What changed between two snapshots of the same host: the tree and panel mark these
// (new in green, closed in red, changed), and the debug integration waits on them.
import { processKey, type ProcessInfo, type Snapshot, type SocketInfo } from './snapshot';

export interface SocketChange {
	before: SocketInfo;
	after: SocketInfo;
	/** Which of state, txQueue, rxQueue, owners differ. */
	fields: Array<'state' | 'txQueue' | 'rxQueue' | 'owners'>;
}

export interface SnapshotDiff {
	newSockets: SocketInfo[];
	closedSockets: SocketInfo[];
	changedSockets: SocketChange[];
	newProcesses: ProcessInfo[];
	exitedProcesses: ProcessInfo[];
}

/**
 * Whether two owner lists name the same pid+fd pairs in the same order. Compared pair by pair, not
 * as texts: a full transfer compares every socket it replaces, and a text per list was 100k
 * strings of garbage per side.
 */
function sameOwners(a: SocketInfo['owners'], b: SocketInfo['owners']): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i].pid !== b[i].pid || a[i].fd !== b[i].fd) return false;
	return true;
}

/** The sockets a diff names, as `procnet watch` prints them: closed, changed (as they are now), new. */
export function socketsOfDiff(d: Pick<SnapshotDiff, 'closedSockets' | 'changedSockets' | 'newSockets'>): SocketInfo[] {
	return [...d.closedSockets, ...d.changedSockets.map((c) => c.after), ...d.newSockets];
}

/** Which of the fields a user watches differ between two states of one socket (same id). */
export function changedFields(b: SocketInfo, s: SocketInfo): SocketChange['fields'] {
	const fields: SocketChange['fields'] = [];
	if (b.state !== s.state) fields.push('state');
	if (b.txQueue !== s.txQueue) fields.push('txQueue');
	if (b.rxQueue !== s.rxQueue) fields.push('rxQueue');
	if (!sameOwners(b.owners, s.owners)) fields.push('owners');
	return fields;
}

/**
 * True when every field of `a` but `skip` holds the identical value in `b`: the records compared
 * here (a socket, a table row) are flat but for the field skipped, and share their fields.
 */
export function sameValues<T extends object>(a: T, b: T, skip?: keyof T): boolean {
	for (const k in a) if (k !== skip && a[k] !== b[k]) return false;
	return true;
}

/** True when two states of one socket are the same in every field (owners included). */
export function sameSocket(a: SocketInfo, b: SocketInfo): boolean {
	return sameValues(a, b, 'owners') && sameOwners(a.owners, b.owners);
}

export function diffSnapshots(before: Snapshot, after: Snapshot): SnapshotDiff {
	const old = new Map<string, SocketInfo>();
	for (const s of before.sockets) old.set(s.id, s);
	const newSockets: SocketInfo[] = [];
	const changedSockets: SocketChange[] = [];
	for (const s of after.sockets) {
		const b = old.get(s.id);
		if (!b) {
			newSockets.push(s);
			continue;
		}
		old.delete(s.id);
		const fields = changedFields(b, s);
		if (fields.length) changedSockets.push({ before: b, after: s, fields });
	}
	return { newSockets, closedSockets: [...old.values()], changedSockets, ...diffProcesses(before.processes, after.processes) };
}

/** Processes that started and exited between two snapshots (pid + start time: pids are reused). */
export function diffProcesses(before: ProcessInfo[], after: ProcessInfo[]): Pick<SnapshotDiff, 'newProcesses' | 'exitedProcesses'> {
	const oldP = new Map<string, ProcessInfo>();
	for (const p of before) oldP.set(processKey(p), p);
	const newProcesses: ProcessInfo[] = [];
	for (const p of after) {
		if (!oldP.delete(processKey(p))) newProcesses.push(p);
	}
	return { newProcesses, exitedProcesses: [...oldP.values()] };
}

/** A TCP connection's two ends in its namespace, or undefined for what is not one (a listener, another kind). */
function connectionKey(s: SocketInfo): string | undefined {
	if (s.kind !== 'tcp' || s.remoteAddress === null || !s.remotePort || s.localPort === null) return undefined;
	return `${s.netns}|${s.ipVersion}|${s.localAddress}:${s.localPort}|${s.remoteAddress}:${s.remotePort}`;
}

/**
 * The diff with each TCP connection whose id changed between the reads counted as changed, not as
 * closed + new. A socket is known by its inode, and a connection's inode comes and goes while it
 * lives on: closed by its process it stays with the kernel (FIN_WAIT, TIME_WAIT; inode 0, keyed by
 * its addresses), and queued by a listener it has inode 0 until accept() gives it one. `ss` and
 * TCPView show such a connection as one whose state changed; paired here by namespace and both
 * ends, where exactly one of the two had inode 0. `procnet watch` prints it so; the tree keeps them
 * apart, since the closed row belongs under its process and the kernel-held one does not.
 */
export function joinContinued(d: SnapshotDiff): SnapshotDiff {
	if (!d.closedSockets.length || !d.newSockets.length) return d;
	const closed = new Map<string, SocketInfo>();
	for (const s of d.closedSockets) {
		const k = connectionKey(s);
		if (k !== undefined) closed.set(k, s);
	}
	if (!closed.size) return d;
	const paired = new Set<SocketInfo>();
	const changedSockets = d.changedSockets.slice();
	const newSockets: SocketInfo[] = [];
	for (const s of d.newSockets) {
		const k = connectionKey(s);
		const b = k === undefined ? undefined : closed.get(k);
		if (!b || paired.has(b) || (b.inode === '0') === (s.inode === '0')) {
			newSockets.push(s);
			continue;
		}
		paired.add(b);
		changedSockets.push({ before: b, after: s, fields: changedFields(b, s) });
	}
	if (!paired.size) return d;
	return { ...d, newSockets, changedSockets, closedSockets: d.closedSockets.filter((s) => !paired.has(s)) };
}
