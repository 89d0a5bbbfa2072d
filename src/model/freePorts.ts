// Which ports of a range a new server could bind, from one snapshot: "Procnet: Find Free Port…"
// and `procnet free-port` (Port Manager's "Check Port Availability" and its range scan, and the
// `get-port`/`portfinder` that dev tools run before they start a server).
//
// A port counts as free only when no socket of that protocol in that network namespace has it
// as its local port, in any state and on any address. That is stricter than "nothing listens":
// - node binds `::` with IPV6_V6ONLY off by default, so any IPv4 or IPv6 socket on the port stops it;
// - a client's connection (its local port came from connect()) stops a bind to it even with
//   SO_REUSEADDR, and so does its TIME_WAIT (the kernel keeps the client's sk_reuse, 0);
// - a server's own connections left in TIME_WAIT do not stop a restarted server that sets
//   SO_REUSEADDR (node, python's http.server), but /proc does not say which end a TIME_WAIT was,
//   so such a port is listed as "lingering", apart from "in use", and not as free.
import type { SocketInfo, Snapshot } from './snapshot';

export type PortProtocol = 'tcp' | 'udp';

export interface PortRange {
	from: number;
	to: number;
}

/** What holds one port, from the snapshot. */
export interface PortStatus {
	port: number;
	/** Listeners (TCP LISTEN; for UDP every socket bound to it): a bind fails. */
	listeners: SocketInfo[];
	/** Other sockets with it as local port (connections, TIME_WAIT): a bind may fail. */
	others: SocketInfo[];
	/** Inside the host's ephemeral range (ip_local_port_range): a client's connect() may take it. */
	ephemeral: boolean;
}

/** How many ports one search looks at, at most: the list is for a person to read. */
export const MAX_SPAN = 10000;

/** 1-65535, as a number or a text of digits; anything else is not a port. */
export function parsePort(arg: unknown): number | undefined {
	const n = typeof arg === 'number' ? arg : typeof arg === 'string' && /^\s*[1-9]\d{0,4}\s*$/.test(arg) ? Number(arg) : NaN;
	return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

/** `3000`, `"3000"`, `"3000, 3001"` (Port Manager's comma list): the ports, each once; undefined when any part is not a port. */
export function parsePorts(arg: unknown): number[] | undefined {
	const parts = typeof arg === 'string' && arg.includes(',') ? arg.split(',') : [arg];
	const ports = parts.map(parsePort);
	return ports.every((p): p is number => p !== undefined) ? [...new Set(ports)] : undefined;
}

/**
 * "3000", "3000-3100", "3000 - 3100" or "3000..3100" → a range of 1-65535, at most MAX_SPAN ports
 * long; anything else (0, 70000, reversed ends, words) is undefined.
 */
export function parsePortRange(text: unknown): PortRange | undefined {
	if (typeof text === 'number') text = String(text);
	if (typeof text !== 'string') return undefined;
	const m = /^\s*(\d{1,5})\s*(?:(?:-|\.\.)\s*(\d{1,5})\s*)?$/.exec(text);
	if (!m) return undefined;
	const from = Number(m[1]);
	const to = m[2] === undefined ? from : Number(m[2]);
	if (from < 1 || to > 65535 || to < from || to - from + 1 > MAX_SPAN) return undefined;
	return { from, to };
}

/** `/proc/sys/net/ipv4/ip_local_port_range`'s text ("32768\t60999") → a range; undefined when unreadable. */
export function parseEphemeralRange(text: string): PortRange | undefined {
	const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
	if (!m) return undefined;
	const from = Number(m[1]);
	const to = Number(m[2]);
	return from >= 1 && to <= 65535 && from <= to ? { from, to } : undefined;
}

/** The socket kinds whose ports a bind of `protocol` competes with (both IP versions: see above). */
function competes(s: SocketInfo, protocol: PortProtocol): boolean {
	return s.kind === protocol && s.localPort !== null;
}

/** The namespace a host's collector runs in: where a server started from it would bind. */
export function selfNetns(snap: Snapshot): string | null {
	if (snap.selfPid === null) return null;
	return snap.processes.find((p) => p.pid === snap.selfPid)?.netns ?? null;
}

export interface FreePortQuery {
	protocol: PortProtocol;
	range: PortRange;
	/** Only sockets of this namespace; null: of every namespace in the snapshot (stricter). */
	netns: string | null;
	ephemeral?: PortRange;
}

/**
 * The status of every port of the range, in order. One pass over the snapshot's sockets: at 100k
 * sockets that is the cost, not the range.
 */
export function portStatuses(snap: Snapshot, q: FreePortQuery): PortStatus[] {
	const { from, to } = q.range;
	const out: PortStatus[] = [];
	for (let port = from; port <= to; port++) {
		const ephemeral = !!q.ephemeral && port >= q.ephemeral.from && port <= q.ephemeral.to;
		out.push({ port, listeners: [], others: [], ephemeral });
	}
	for (const s of snap.sockets) {
		if (!competes(s, q.protocol) || s.localPort! < from || s.localPort! > to) continue;
		if (q.netns !== null && s.netns !== q.netns) continue;
		const st = out[s.localPort! - from];
		// UDP has no listen(): every bound socket holds its port, a connected one too.
		if (q.protocol === 'udp' || s.state === 'LISTEN') st.listeners.push(s);
		else st.others.push(s);
	}
	return out;
}

export function isFree(st: PortStatus): boolean {
	return st.listeners.length === 0 && st.others.length === 0;
}

/**
 * What a search shows: the ports from the start of the range until `count` free ones were found
 * (the held ones met on the way included, with what holds them), or the whole range when it has
 * fewer. A free port in the ephemeral range is still listed, marked (it is free now).
 */
export function searchPorts(snap: Snapshot, q: FreePortQuery, count: number): PortStatus[] {
	const all = portStatuses(snap, q);
	let found = 0;
	for (let i = 0; i < all.length; i++) {
		if (isFree(all[i]) && ++found >= count) return all.slice(0, i + 1);
	}
	return all;
}

/** One line on why a port is not free: "LISTEN 127.0.0.1, ::1" or "2 TIME_WAIT, 1 ESTABLISHED". */
export function holdText(st: PortStatus): string {
	const tally = new Map<string, number>();
	for (const s of st.others) tally.set(s.state, (tally.get(s.state) ?? 0) + 1);
	const parts: string[] = [];
	if (st.listeners.length) {
		const addrs = [...new Set(st.listeners.map((s) => s.localAddress ?? '*'))];
		parts.push(`${st.listeners[0].kind === 'udp' ? 'bound' : 'LISTEN'} ${addrs.join(', ')}`);
	}
	for (const [state, n] of tally) parts.push(`${n} ${state}`);
	return parts.join(' · ');
}

/** The pids owning the sockets that hold a port: its listeners' first (what holds it). */
export function holderPids(st: PortStatus): number[] {
	const pids = new Set<number>();
	for (const s of st.listeners) for (const o of s.owners) pids.add(o.pid);
	for (const s of st.others) for (const o of s.owners) pids.add(o.pid);
	return [...pids];
}
