// A socket's owners read without making its list of them. A full transfer's socket
// (socketColumns.ts) builds `owners`, an array and an object per owner, at each read, and the
// views read them for every socket at every refresh: the tree's index twice (its process rows,
// its sockets without an owner) and the panel once (its process's sockets). At 100k sockets that
// was ~600k objects of garbage per refresh, which fed V8's major GCs: 100 refreshes in the real
// extension host had pauses of 109-174 ms every 8-10 refreshes (bench/exthost.mjs --live-heap).
// Such a socket answers these two from its columns; any other socket from its list.
import type { SocketInfo } from './snapshot';

/** How many owners: a column socket's own answer (socketColumns.ts). */
export const OWNER_COUNT = Symbol('procnet.ownerCount');
/** The pid of owner k (0-based, in the owners' order). */
export const OWNER_PID = Symbol('procnet.ownerPid');

interface OwnerReader {
	[OWNER_COUNT]?(): number;
	[OWNER_PID]?(k: number): number;
}

/** s.owners.length, without making the list. */
export function ownerCount(s: SocketInfo): number {
	const r = s as unknown as OwnerReader;
	return r[OWNER_COUNT] ? r[OWNER_COUNT]() : s.owners.length;
}

/** s.owners[k].pid, without making the list (k < ownerCount(s)). */
export function ownerPidAt(s: SocketInfo, k: number): number {
	const r = s as unknown as OwnerReader;
	return r[OWNER_PID] ? r[OWNER_PID](k) : s.owners[k].pid;
}

/** Whether `pid` holds the socket: one of its owners, never only the first (a socket may be shared). */
export function ownedBy(s: SocketInfo, pid: number): boolean {
	const n = ownerCount(s);
	for (let k = 0; k < n; k++) if (ownerPidAt(s, k) === pid) return true;
	return false;
}
