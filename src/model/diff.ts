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

function ownersKey(s: SocketInfo): string {
	return s.owners.map((o) => `${o.pid}/${o.fd}`).join(',');
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
		const fields: SocketChange['fields'] = [];
		if (b.state !== s.state) fields.push('state');
		if (b.txQueue !== s.txQueue) fields.push('txQueue');
		if (b.rxQueue !== s.rxQueue) fields.push('rxQueue');
		if (ownersKey(b) !== ownersKey(s)) fields.push('owners');
		if (fields.length) changedSockets.push({ before: b, after: s, fields });
	}
	const oldP = new Map<string, ProcessInfo>();
	for (const p of before.processes) oldP.set(processKey(p), p);
	const newProcesses: ProcessInfo[] = [];
	for (const p of after.processes) {
		if (!oldP.delete(processKey(p))) newProcesses.push(p);
	}
	return { newSockets, closedSockets: [...old.values()], changedSockets, newProcesses, exitedProcesses: [...oldP.values()] };
}
