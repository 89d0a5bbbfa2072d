// A host's TCP traffic by process, measured where its sockets are held: in the scan worker, over
// the sockets of its last scan (Show Traffic by Process). ss's answer for every TCP connection of
// a host is ~450 bytes each, and parsing it took 130 ms per 10k connections: on the extension
// host's thread that is a block of seconds at 100k. Here it is off that thread, and what crosses
// back is one line per process.
import type { Snapshot, SocketInfo } from '../model/snapshot';
import { trafficRows, trafficSockets, type TcpInfoManyResult, type TrafficFilter, type TrafficRow, type TrafficSample, type TrafficTarget } from '../model/traffic';
import { readTcpInfoByNamespace, readTcpInfoOf } from './tcpInfo';

export type TrafficAllResult =
	| {
			ok: true;
			rows: TrafficRow[];
			/** When ss answered (ms since the epoch). */
			at: number;
			/** Seconds since the measurement the rates are against; null for a first one (no rates yet). */
			seconds: number | null;
			/** TCP connections asked about. */
			connections: number;
	  }
	| { ok: false; message: string };

/** A measurement older than this gives no rates: they would be averages over minutes. */
const STALE_MS = 15_000;

/** Keeps the counters of the last measurement, for the next one's rates. */
export class TrafficMeter {
	private prev: { t: number; samples: Map<string, TrafficSample> } | undefined;

	/**
	 * Asks about every TCP connection of `snap` with `ask` (once per network namespace: this
	 * machine's ss there, or a host's through its session), and returns each process's traffic.
	 */
	async measure(snap: Pick<Snapshot, 'sockets' | 'processes'>, ask: Ask): Promise<TrafficAllResult> {
		const sockets = trafficSockets(snap.sockets);
		const r = await readTcpInfoByNamespace(sockets, false, ask);
		if (!r.ok) return { ok: false, message: r.message };
		const t = Date.now();
		const prev = this.prev && t - this.prev.t <= STALE_MS ? this.prev : undefined;
		const { rows, samples } = trafficRows(snap, r.infos, prev, t);
		this.prev = { t, samples };
		return { ok: true, rows, at: t, seconds: prev ? (t - prev.t) / 1000 : null, connections: sockets.length };
	}
}

type Ask = (list: SocketInfo[], filter: TrafficFilter | undefined) => Promise<TcpInfoManyResult>;

/** This machine's ss, in each namespace's own (readTcpInfoOf enters it through an owner, and reads its answer as it comes). */
export const askHere: Ask = (list, filter) => readTcpInfoOf(list, filter);

/**
 * An ssh or command host's ss through its session: run after checking that an owner's fd still
 * holds one of the namespace's sockets, inside that namespace (procnet_traffic).
 */
export function askThrough(session: { traffic(target: TrafficTarget): Promise<TcpInfoManyResult> }): Ask {
	return (list, filter) => {
		const s = list.find((x) => x.owners.length);
		return s ? session.traffic({ pid: s.owners[0].pid, fd: s.owners[0].fd, inode: s.inode, key: filter?.key ?? 'sport', ports: filter?.ports ?? [] }) : Promise.resolve({ ok: true, infos: [] });
	};
}
