// The messages between LocalSource (caller's thread) and scanWorker.ts. A scan answers with
// the snapshot minus its sockets (processes, host, warnings: small) and the diff as indices
// into the new socket list; the sockets themselves, and the closed sockets and the "before"
// side of changed ones, are then fetched in slices of SLICE, so the caller's event loop is
// never held for long by one message's deserialisation.
import type { SnapshotDiff, SocketChange } from '../model/diff';
import type { ProcessInfo, Snapshot, SocketInfo } from '../model/snapshot';
import type { ReadProcOptions } from './procfsReader';

/** Sockets per slice: ~6 ms to deserialise on a 2-core machine of our kind (bench/eventloop.mjs). */
export const SLICE = 2000;

export type SlicePart = 'sockets' | 'closed' | 'changedBefore';

export type ScanRequest =
	| { type: 'scan'; id: number; options: Pick<ReadProcOptions, 'root'> }
	| { type: 'slice'; id: number; scan: number; part: SlicePart; offset: number };

export interface WireDiff {
	/** Indices into the new snapshot's sockets. */
	newIdx: Int32Array;
	changedIdx: Int32Array;
	/** Bit mask per changed socket: FIELD_BITS. */
	changedFields: Uint8Array;
	newProcesses: ProcessInfo[];
	exitedProcesses: ProcessInfo[];
}

export type ScanResponse =
	| { id: number; ok: true; type: 'scan'; head: Omit<Snapshot, 'sockets'>; counts: Record<SlicePart, number>; diff?: WireDiff }
	| { id: number; ok: true; type: 'slice'; items: SocketInfo[] }
	| { id: number; ok: false; error: string };

const FIELD_BITS: ReadonlyArray<SocketChange['fields'][number]> = ['state', 'txQueue', 'rxQueue', 'owners'];

export function toWireDiff(after: Snapshot, d: SnapshotDiff): WireDiff {
	const index = new Map<SocketInfo, number>();
	after.sockets.forEach((s, i) => index.set(s, i));
	const changedFields = new Uint8Array(d.changedSockets.length);
	d.changedSockets.forEach((c, i) => {
		for (const f of c.fields) changedFields[i] |= 1 << FIELD_BITS.indexOf(f);
	});
	return {
		newIdx: Int32Array.from(d.newSockets, (s) => index.get(s)!),
		changedIdx: Int32Array.from(d.changedSockets, (c) => index.get(c.after)!),
		changedFields,
		newProcesses: d.newProcesses,
		exitedProcesses: d.exitedProcesses,
	};
}

/** The diff again, over the caller's own copies of the sockets. */
export function fromWireDiff(w: WireDiff, sockets: SocketInfo[], closed: SocketInfo[], changedBefore: SocketInfo[]): SnapshotDiff {
	const changedSockets: SocketChange[] = [];
	for (let i = 0; i < w.changedIdx.length; i++) {
		changedSockets.push({ before: changedBefore[i], after: sockets[w.changedIdx[i]], fields: FIELD_BITS.filter((_, b) => w.changedFields[i] & (1 << b)) });
	}
	return {
		newSockets: Array.from(w.newIdx, (i) => sockets[i]),
		closedSockets: closed,
		changedSockets,
		newProcesses: w.newProcesses,
		exitedProcesses: w.exitedProcesses,
	};
}
