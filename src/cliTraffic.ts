// `procnet traffic`: which processes move bytes over TCP now, and how fast (nethogs and
// bandwhich, without a packet capture): each interval it reads the sockets as `procnet snapshot`
// does, asks ss once per network namespace for the kernel's byte counters (model/traffic.ts),
// and prints each process's rates since the read before, busiest first.
import { bytesText, visible } from './model/describe';
import { selectSnapshot, type Selection } from './model/select';
import type { Snapshot, SocketInfo } from './model/snapshot';
import type { TcpInfo } from './model/ssTcpInfo';
import { trafficRows, trafficSockets, type TrafficRow, type TrafficSample } from './model/traffic';
import type { WatchIo } from './cliWatch';

/** Bytes or bytes per second in procnet's units (the column says which); `-` for no rate yet. */
const amount = (n: number | null): string => (n === null ? '-' : bytesText(Math.round(n)));

/** One interval's lines: the busiest `count` processes, or one JSON object. */
export function formatTraffic(rows: readonly TrafficRow[], at: string, seconds: number, json: boolean, count: number): string {
	const shown = rows.slice(0, count);
	if (json) return JSON.stringify({ at, seconds, processes: shown }) + '\n';
	const time = new Date(at).toTimeString().slice(0, 8);
	const col = (s: string, n: number) => s.padStart(n);
	const lines = [`${time}  over ${seconds.toFixed(1)} s  ${col('SENT/s', 10)} ${col('RECV/s', 10)} ${col('SENT', 10)} ${col('RECV', 10)} ${col('CONNS', 6)}  PROCESS`];
	for (const r of shown) {
		lines.push(`${' '.repeat(time.length + 2 + `over ${seconds.toFixed(1)} s`.length)}  ${col(amount(r.sentRate), 10)} ${col(amount(r.receivedRate), 10)} ${col(amount(r.sent), 10)} ${col(amount(r.received), 10)} ${col(String(r.connections), 6)}  ${visible(r.name)} (pid ${r.pid})`);
	}
	if (!shown.length) lines.push('  no TCP connections');
	else if (rows.length > shown.length) lines.push(`  …and ${rows.length - shown.length} more processes with connections (--count)`);
	return lines.join('\n') + '\n';
}

export interface TrafficOptions {
	intervalMs: number;
	json: boolean;
	selection: Selection;
	/** Processes per interval. */
	count: number;
	/** Intervals to print before ending; undefined: until stopped. */
	samples?: number;
}

/**
 * Reads with `read` and asks `ask` (ss) every `intervalMs`, and writes each interval's traffic.
 * Ends with 0 when stopped, after `samples` intervals, or when stdout's reader has gone; 1 when
 * ss cannot be asked (the message on stderr).
 */
export async function trafficLoop(read: () => Promise<Snapshot>, ask: (sockets: SocketInfo[]) => Promise<{ ok: true; infos: TcpInfo[] } | { ok: false; message: string }>, o: TrafficOptions, io: WatchIo): Promise<number> {
	let stop = false;
	void io.stopped.then(() => (stop = true));
	let prev: { t: number; samples: Map<string, TrafficSample> } | undefined;
	let printed = 0;
	for (let first = true; !stop; first = false) {
		if (!first) {
			let timer: NodeJS.Timeout | undefined;
			await Promise.race([new Promise<void>((r) => (timer = setTimeout(r, o.intervalMs))), io.stopped]);
			clearTimeout(timer);
			if (stop) break;
		}
		const snap = selectSnapshot(await read(), o.selection);
		const r = await ask(trafficSockets(snap.sockets));
		if (!r.ok) {
			io.err(`procnet: ${r.message}\n`);
			return 1;
		}
		const t = Date.now();
		const { rows, samples } = trafficRows(snap, r.infos, prev, t);
		if (prev) {
			if (!io.out(formatTraffic(rows, new Date(t).toISOString(), (t - prev.t) / 1000, o.json, o.count))) return 0;
			if (o.samples !== undefined && ++printed >= o.samples) return 0;
		} else io.err(`procnet: measuring the TCP traffic of ${rows.length} process${rows.length === 1 ? '' : 'es'} on ${visible(snap.host.hostname)}; the first rates in ${o.intervalMs / 1000} s (Ctrl-C stops)\n`);
		prev = { t, samples };
	}
	return 0;
}
