// What a process's TCP connections move: bytes each way per connection and in all, and the rate
// since the last refresh (nethogs' and bandwhich's per-process bandwidth, TCPView's per-connection
// bytes). /proc has no byte counters; the kernel's tcp_info does, and `ss -tie` prints it
// (ssTcpInfo.ts). One ss run per refresh asks about all of a process's connections, its filter
// built from their ports; each answer is matched to its socket by inode. Pure: the panel asks ss
// (collect/tcpInfo.ts) and the page draws the result.
import { localText, remoteText } from './describe';
import { ownerCount, ownerPidAt } from './owners';
import type { Snapshot, SocketInfo } from './snapshot';
import type { TcpInfo } from './ssTcpInfo';

/** A connection's counters at one answer of ss. */
export interface TrafficSample {
	t: number;
	/**
	 * bytes_sent: what the process's data put on the wire, retransmits included (TCPView's sent
	 * bytes). Not bytes_acked, which counts the client's SYN as a byte: an idle client read "1 B".
	 */
	sent: number;
	received: number;
}

export interface ConnectionTraffic {
	id: string;
	local: string;
	remote: string;
	state: string;
	/** Bytes in all since it opened. */
	sent: number;
	received: number;
	/** Bytes per second since the last answer; null on its first answer. */
	sentRate: number | null;
	receivedRate: number | null;
}

export interface ProcessTraffic {
	/** TCP connections the process holds (listeners and kernel-held ones aside). */
	connections: number;
	/** Of them, those ss answered for. */
	answered: number;
	/** Seconds since the last answer, when there was one. */
	seconds: number | null;
	/** Sums over the connections with a rate: bytes per second. */
	sentRate: number | null;
	receivedRate: number | null;
	/** Sums over the connections answered for: bytes since each opened. */
	sent: number;
	received: number;
	/** The busiest connections: by rate, then by bytes in all. */
	top: ConnectionTraffic[];
}

/** Most connections one refresh asks ss about: a bigger process is told so, not asked. */
export const MAX_CONNECTIONS = 2000;
/** Most port terms in ss's filter. */
const MAX_TERMS = 200;
/** Rows of the busiest connections. */
export const TOP = 10;

/** The process's connections ss can tell about: TCP, with an inode (its own fd), not a listener. */
export function trafficSockets(sockets: readonly SocketInfo[]): SocketInfo[] {
	return sockets.filter((s) => s.kind === 'tcp' && s.inode !== '0' && s.state !== 'LISTEN' && s.localPort !== null && !!s.remotePort);
}

/** ss's filter for a process's connections: the ports of one end of them, as `key = :port` terms. */
export interface TrafficFilter {
	key: 'sport' | 'dport';
	ports: number[];
}

/**
 * The filter for `sockets` (trafficSockets'): every TCP socket on their local ports, or on their
 * peers' ports when those are fewer (a client's many local ports to one server port). Undefined
 * when both take more than MAX_TERMS terms.
 */
export function trafficFilter(sockets: readonly SocketInfo[]): TrafficFilter | undefined {
	const sports = new Set<number>(), dports = new Set<number>();
	for (const s of sockets) {
		sports.add(s.localPort!);
		dports.add(s.remotePort!);
	}
	const [key, ports] = sports.size <= dports.size ? (['sport', sports] as const) : (['dport', dports] as const);
	if (!ports.size || ports.size > MAX_TERMS) return undefined;
	return { key, ports: [...ports] };
}

/** ss's arguments for the TCP sockets `f` names, or for every TCP socket without one. */
export function filterArgv(f: TrafficFilter | undefined): string[] {
	const argv = ['-t', '-i', '-e', '-H', '-n', 'state', 'all'];
	if (!f?.ports.length) return argv;
	const filter: string[] = ['('];
	for (const p of f.ports) filter.push(...(filter.length > 1 ? ['or'] : []), f.key, '=', `:${p}`);
	filter.push(')');
	return [...argv, ...filter];
}

/**
 * What asking another host about a process's connections takes (it crosses to that host's worker
 * as plain data): the filter, and one of the process's own sockets by pid, fd and inode, which
 * the remote checks still holds it and whose namespace it asks in.
 */
export interface TrafficTarget extends TrafficFilter {
	pid: number;
	fd: number;
	inode: string;
}

export function trafficTarget(sockets: readonly SocketInfo[], pid: number): TrafficTarget | undefined {
	const f = trafficFilter(sockets);
	for (const s of sockets) {
		const o = s.owners.find((x) => x.pid === pid);
		if (o && f) return { ...f, pid, fd: o.fd, inode: s.inode };
	}
	return undefined;
}

/** `sockets` by their network namespace: ss answers for one namespace at a time. */
export function byNetns(sockets: readonly SocketInfo[]): Map<string, SocketInfo[]> {
	const out = new Map<string, SocketInfo[]>();
	for (const s of sockets) {
		const l = out.get(s.netns);
		if (l) l.push(s);
		else out.set(s.netns, [s]);
	}
	return out;
}

/** ss's answers about many connections at once, or why there are none. */
export type TcpInfoManyResult = { ok: true; infos: TcpInfo[] } | { ok: false; reason: 'no-ss' | 'too-many' | 'gone' | 'error'; message: string };

/** The answer for connections whose ports are too many for ss's filter (trafficFilter's undefined). */
export const TOO_MANY_PORTS: TcpInfoManyResult = { ok: false, reason: 'too-many', message: 'its connections use too many ports to ask ss about at each refresh' };

/** The fields of ss's answer that traffic reads: a many-socket answer is parsed for these alone (parseSsTcpInfo). */
export const TRAFFIC_FIELDS: ReadonlySet<string> = new Set(['bytes_sent', 'bytes_received']);

const num = (i: TcpInfo, k: string) => {
	const v = Number(i.fields[k] ?? 0);
	return Number.isFinite(v) ? v : 0;
};

/**
 * The traffic of `sockets` from ss's answers (by inode), with rates against `prev` (the last
 * answers, by inode); returns the samples to keep for the next time. A rate needs the connection
 * in both answers, at least half a second apart, with counters that did not go back. With
 * `prevAt`, the caller says the last answers were every connection there was at that time: one
 * missing from them opened since, and all its bytes moved since then (a server's short-lived
 * connections, each absent from the answer before, had left it without a rate at all).
 */
export function processTraffic(sockets: readonly SocketInfo[], infos: readonly TcpInfo[] | ReadonlyMap<string, TcpInfo>, prev: ReadonlyMap<string, TrafficSample> | undefined, t: number, prevAt?: number): { traffic: ProcessTraffic; samples: Map<string, TrafficSample> } {
	const byInode = infos instanceof Map ? infos : infosByInode(infos as readonly TcpInfo[]);
	const samples = new Map<string, TrafficSample>();
	const rows: ConnectionTraffic[] = [];
	let seconds: number | null = null;
	let sentRate: number | null = null, receivedRate: number | null = null;
	let sent = 0, received = 0;
	for (const s of sockets) {
		const info = byInode.get(s.inode);
		if (!info) continue;
		const now: TrafficSample = { t, sent: num(info, 'bytes_sent'), received: num(info, 'bytes_received') };
		samples.set(s.inode, now);
		sent += now.sent;
		received += now.received;
		// A connection new since a complete last answer: from nothing at that answer's time.
		const before = prev?.get(s.inode) ?? (prev && prevAt !== undefined ? { t: prevAt, sent: 0, received: 0 } : undefined);
		const dt = before ? (t - before.t) / 1000 : 0;
		const ok = !!before && dt >= 0.5 && now.sent >= before.sent && now.received >= before.received;
		const row: ConnectionTraffic = {
			id: s.id,
			local: localText(s),
			remote: remoteText(s),
			state: s.state,
			sent: now.sent,
			received: now.received,
			sentRate: ok ? (now.sent - before!.sent) / dt : null,
			receivedRate: ok ? (now.received - before!.received) / dt : null,
		};
		if (ok) {
			seconds = dt;
			sentRate = (sentRate ?? 0) + row.sentRate!;
			receivedRate = (receivedRate ?? 0) + row.receivedRate!;
		}
		rows.push(row);
	}
	const rate = (r: ConnectionTraffic) => (r.sentRate ?? 0) + (r.receivedRate ?? 0);
	rows.sort((a, b) => rate(b) - rate(a) || b.sent + b.received - (a.sent + a.received));
	return {
		traffic: { connections: sockets.length, answered: samples.size, seconds, sentRate, receivedRate, sent, received, top: rows.slice(0, TOP) },
		samples,
	};
}

const infosByInode = (infos: readonly TcpInfo[]): Map<string, TcpInfo> => new Map(infos.map((i) => [i.inode, i]));

/** One process's line of a host's traffic (procnet traffic, Show Traffic by Process). */
export interface TrafficRow {
	pid: number;
	name: string;
	connections: number;
	/** Bytes per second since the read before; null on the first read of a process's connections. */
	sentRate: number | null;
	receivedRate: number | null;
	/** Bytes in all on the connections it holds now. */
	sent: number;
	received: number;
}

/**
 * Each process's traffic in `snap` from ss's answers, against the counters of the read before
 * (by inode, with its time), busiest first; a socket several processes hold counts for each of them, as `ss -p`
 * lists it under each.
 */
export function trafficRows(snap: Pick<Snapshot, 'sockets' | 'processes'>, infos: readonly TcpInfo[], prev: { t: number; samples: ReadonlyMap<string, TrafficSample> } | undefined, t: number): { rows: TrafficRow[]; samples: Map<string, TrafficSample> } {
	const byPid = new Map<number, SocketInfo[]>();
	for (const s of trafficSockets(snap.sockets)) {
		const n = ownerCount(s);
		for (let i = 0; i < n; i++) {
			const pid = ownerPidAt(s, i);
			const l = byPid.get(pid);
			if (!l) byPid.set(pid, [s]);
			else if (l[l.length - 1] !== s) l.push(s);
		}
	}
	const names = new Map(snap.processes.map((p) => [p.pid, p.name]));
	// Once for all processes: per process, it was a map of every answer each time (a host's
	// thousand processes over 100k connections).
	const byInode = infosByInode(infos);
	const samples = new Map<string, TrafficSample>();
	const rows: TrafficRow[] = [];
	for (const [pid, sockets] of byPid) {
		// The answer before was about every connection of these processes (of the host, or of the
		// processes selected): one it lacks is new since.
		const r = processTraffic(sockets, byInode, prev?.samples, t, prev?.t);
		for (const [inode, sample] of r.samples) samples.set(inode, sample);
		const x = r.traffic;
		rows.push({ pid, name: names.get(pid) ?? '?', connections: x.connections, sentRate: x.sentRate, receivedRate: x.receivedRate, sent: x.sent, received: x.received });
	}
	const rate = (r: TrafficRow) => (r.sentRate ?? 0) + (r.receivedRate ?? 0);
	rows.sort((a, b) => rate(b) - rate(a) || b.sent + b.received - (a.sent + a.received) || a.pid - b.pid);
	return { rows, samples };
}
