// The messages between WorkerSource (caller's thread) and scanWorker.ts. The caller keeps the
// sockets it was sent; each scan sends only what differs from them: sockets that are new or
// differ in any field ("upserts", whole objects) and the ids of those that are gone. At 100k
// mostly idle sockets a refresh then moves and allocates a few hundred objects on the caller's
// thread instead of 100k, which had cost it ~0.8 s of deserialisation in one block plus the
// major GC of the 100k objects it replaced. Both lists are fetched in slices (SLICE), so even a
// first, full transfer never holds the caller's event loop for long.
import type { Snapshot, SocketInfo } from '../model/snapshot';
import type { CloseResult, CloseTarget } from './closeConnection';
import type { TcpInfoResult, TcpInfoTarget } from '../model/ssTcpInfo';
import type { TcpInfoManyResult, TrafficTarget } from '../model/traffic';
import type { SignalResult } from './processControl';
import type { ReadProcOptions } from './procfsReader';
import type { RemoteSignal } from './remoteScript';
import type { SocketColumns } from './socketColumns';
import type { TrafficAllResult } from './trafficMeter';

/**
 * A host the worker reads through a session of its own (shellSource.ts) instead of this
 * machine's /proc: the session, the decoding, the parse and the join all run on the worker's
 * thread. At 100k sockets they had held the caller's event loop for 0.5-1 s per refresh.
 */
export type RemoteJob = { kind: 'ssh'; spec: string; configFile?: string; sudo?: boolean } | { kind: 'command'; argv: string[]; label: string };

/**
 * A capture file's bytes, parsed and joined by the worker once: a 100k-socket capture took 1.9 s
 * in one block on the caller's thread.
 */
export interface CaptureJob {
	kind: 'capture';
	bytes: Uint8Array;
	label: string;
}

/** What a WorkerSource's worker is started with. */
export interface ScanJob {
	mode: 'scan';
	/** The scan thread's nice value (threadPriority.ts); 0 leaves it as the caller's. */
	nice: number;
	/** What to read instead of this machine's /proc. */
	source?: RemoteJob | CaptureJob;
}

/** Items per slice: ~6 ms to deserialise 2000 sockets on a 2-core machine of our kind. */
export const SLICE = 2000;

/**
 * A partial transfer of at least this many upserts is sent as columns, like a full one. Fewer are
 * sent as objects: each column table stays alive while any of its rows is held, and a few
 * changed sockets are cheap as objects (WorkerSource bounds what tables keep alive).
 */
export const COLUMNS_FROM = 5 * SLICE;

export interface SliceParts {
	upserts: SocketInfo[];
	removed: string[];
}
export type SlicePart = keyof SliceParts;

export type ScanRequest =
	/** full: the caller holds nothing reliable (first scan, or a transfer that failed): send every socket. */
	| { type: 'scan'; id: number; options: Pick<ReadProcOptions, 'root'>; full: boolean }
	| { type: 'slice'; id: number; scan: number; part: SlicePart; offset: number }
	/** A remote job only: a signal through the session (ShellSource.signal). */
	| { type: 'signal'; id: number; pid: number; startTicks: number; signal: RemoteSignal }
	/** A remote job only: close a TCP connection through the session (ShellSource.close). */
	| { type: 'close'; id: number; target: CloseTarget }
	/** A remote job only: ask ss about a TCP socket through the session (ShellSource.tcpInfo). */
	| { type: 'tcpinfo'; id: number; target: TcpInfoTarget }
	/** A remote job only: ask ss about a process's connections through the session (ShellSource.traffic). */
	| { type: 'traffic'; id: number; target: TrafficTarget }
	/** Every process's TCP traffic, over the sockets of the worker's last scan (trafficMeter.ts). */
	| { type: 'trafficAll'; id: number; root: string }
	/** A remote job only: names of addresses from the host's resolver, through the session (ShellSource.resolve). */
	| { type: 'resolve'; id: number; addrs: string[] }
	/** A remote job only: end the session (the next scan opens a new one). */
	| { type: 'suspend'; id: number };

export type ScanResponse =
	/** full: upserts are every socket, the caller drops what it held. */
	| { id: number; ok: true; type: 'scan'; head: Omit<Snapshot, 'sockets'>; counts: Record<SlicePart, number>; full: boolean; sessionPid?: number }
	| { id: number; ok: true; type: 'slice'; items: SliceParts[SlicePart] }
	/** A full scan's upserts: the slice as columns (socketColumns.ts), so that the caller holds few objects per socket. */
	| { id: number; ok: true; type: 'columns'; columns: SocketColumns }
	| { id: number; ok: true; type: 'signal'; result: SignalResult; sessionPid?: number }
	| { id: number; ok: true; type: 'closed'; result: CloseResult; sessionPid?: number }
	| { id: number; ok: true; type: 'tcpinfo'; result: TcpInfoResult; sessionPid?: number }
	| { id: number; ok: true; type: 'traffic'; result: TcpInfoManyResult; sessionPid?: number }
	| { id: number; ok: true; type: 'trafficAll'; result: TrafficAllResult; sessionPid?: number }
	| { id: number; ok: true; type: 'resolved'; result: Map<string, string | null>; sessionPid?: number }
	| { id: number; ok: true; type: 'suspended' }
	/** reason, detail: a RemoteSourceError's, to be made one again on the caller's side. */
	| { id: number; ok: false; error: string; reason?: string; detail?: string };
