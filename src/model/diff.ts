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
