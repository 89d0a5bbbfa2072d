// Narrowing a snapshot to what a user asked for: some pids (and their descendants), some
// kinds, listening sockets only, some ports, a query in the filter language. Shared by the CLI
// flags and the views.
import type { SocketKind } from '../procfs/types';
import { filtersByPeer, matchesFilter, splitByPeer, type Filter, type PeerNameOf } from './filter';
import { ownedBy } from './owners';
import type { ProcessInfo, Snapshot, SocketInfo } from './snapshot';

export interface Selection {
	pids?: readonly number[];
	children?: boolean;
	kinds?: readonly SocketKind[];
	listening?: boolean;
	/** Sockets with a local or remote port in any of these ranges (inclusive), as `lsof -i :PORT`. */
	ports?: ReadonlyArray<readonly [number, number]>;
	/** Sockets that match a query in the tree's filter language (filter.ts); its peer: terms match addresses, and names given to selectSnapshot. */
	filter?: Filter;
}

/** Whether `sel` narrows the sockets or processes at all. */
export function narrows(sel: Selection): boolean {
	return !!(sel.pids || sel.children || sel.kinds || sel.listening || sel.ports || sel.filter);
}

/**
 * A selection whose filter has `peer:` terms, as two: `wide`, everything but those terms, and
 * `byPeer`, those terms alone, to apply to what `wide` selected once its peers are named (the
 * CLI's --resolve: only the peers of what the rest lets through are asked for). Undefined when
 * the filter has no peer: term.
 */
export function splitSelectionByPeer(sel: Selection): { wide: Selection; byPeer: Selection } | undefined {
	if (!sel.filter || !filtersByPeer(sel.filter)) return undefined;
	const { rest, byPeer } = splitByPeer(sel.filter);
	return { wide: { ...sel, filter: rest }, byPeer: { filter: byPeer } };
}

/** A socket that waits for peers: TCP/SCTP/unix LISTEN, or a bound datagram socket with no peer (as `ss -l` counts them). */
export function isListening(s: SocketInfo): boolean {
	if (s.state === 'LISTEN') return true;
	if (s.kind === 'unix') return s.state === 'UNCONNECTED' && s.path !== null && s.unixType !== 'STREAM';
	return s.state === 'UNCONN' && (s.kind === 'udp' || s.kind === 'udplite' || s.kind === 'raw' || s.kind === 'icmp' || s.kind === 'sctp');
}

/** The TCP states of a connection (neither a listener nor TIME_WAIT, which no process holds). */
const CONNECTED = new Set(['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSING']);

/** A TCP connection a process holds: what Close Connection is offered for. */
export function isClosable(s: SocketInfo): boolean {
	return s.kind === 'tcp' && s.inode !== '0' && CONNECTED.has(s.state ?? '') && s.localAddress !== null && s.remoteAddress !== null && s.localPort !== null && s.remotePort !== null;
}

export { ownedBy } from './owners';

/** The TCP/SCTP/unix LISTEN sockets `pid` holds (what a kill prompt or a watch names). */
export function listenersOf(snap: Snapshot, pid: number): SocketInfo[] {
	return snap.sockets.filter((s) => s.state === 'LISTEN' && ownedBy(s, pid));
}

/** The listening sockets on `port` (any address; of `kind` when given, else any protocol). */
export function listenersOn(snap: Snapshot, port: number, kind?: SocketInfo['kind']): SocketInfo[] {
	return snap.sockets.filter((s) => s.localPort === port && isListening(s) && (kind === undefined || s.kind === kind));
}

/**
 * The processes holding a listener on `port` (Kill Process on Port, `procnet kill-port`): a
 * pre-forked server's children share their parent's listener, so the ones whose parent is not
 * among them come first (kill the parent, and it takes its workers with it).
 */
export function portOwners(snap: Snapshot, port: number, kind?: SocketInfo['kind']): ProcessInfo[] {
	const pids = new Set<number>();
	for (const s of listenersOn(snap, port, kind)) for (const o of s.owners) pids.add(o.pid);
	const procs = snap.processes.filter((p) => pids.has(p.pid));
	const top = (p: ProcessInfo) => (pids.has(p.ppid ?? -1) ? 1 : 0);
	return procs.sort((a, b) => top(a) - top(b) || a.pid - b.pid);
}

/**
 * The owners of the listeners on each of `ports` (portOwners'), each process once with the ports
 * it holds, in the order met; and the ports without one, with why when a listener is there but
 * its owner is not known (`ownerUnknown`).
 */
export function portsOwners(snap: Snapshot, ports: readonly number[], kind?: SocketInfo['kind']): { owners: Array<{ p: ProcessInfo; ports: number[] }>; idle: Array<{ port: number; held?: string }> } {
	const byPid = new Map<number, { p: ProcessInfo; ports: number[] }>();
	const idle: Array<{ port: number; held?: string }> = [];
	for (const port of ports) {
		const owners = portOwners(snap, port, kind);
		for (const p of owners) {
			const o = byPid.get(p.pid);
			if (o) o.ports.push(port);
			else byPid.set(p.pid, { p, ports: [port] });
		}
		if (owners.length) continue;
		const held = listenersOn(snap, port, kind)[0];
		idle.push(held ? { port, held: held.ownerUnknown ?? 'owner not known' } : { port });
	}
	return { owners: [...byPid.values()], idle };
}

/** The given pids plus every descendant (by ppid) present in the snapshot. */
export function withDescendants(processes: readonly ProcessInfo[], pids: readonly number[]): Set<number> {
	const children = new Map<number, number[]>();
	for (const p of processes) {
		if (p.ppid === null) continue;
		const l = children.get(p.ppid);
		if (l) l.push(p.pid);
		else children.set(p.ppid, [p.pid]);
	}
	const out = new Set<number>(pids);
	const queue = [...pids];
	while (queue.length) {
		const pid = queue.pop()!;
		for (const c of children.get(pid) ?? []) {
			if (!out.has(c)) {
				out.add(c);
				queue.push(c);
			}
		}
	}
	return out;
}

/** `nameOf`: the host's resolver's names of peers, for the filter's peer: terms (addresses only without). */
export function selectSnapshot(snap: Snapshot, sel: Selection, nameOf?: PeerNameOf): Snapshot {
	let sockets = snap.sockets;
	let processes = snap.processes;
	if (sel.pids) {
		const set = sel.children ? withDescendants(snap.processes, sel.pids) : new Set(sel.pids);
		processes = processes.filter((p) => set.has(p.pid));
		sockets = sockets.filter((s) => s.owners.some((o) => set.has(o.pid)));
	}
	if (sel.kinds) {
		const kinds = new Set(sel.kinds);
		sockets = sockets.filter((s) => kinds.has(s.kind));
	}
	if (sel.listening) sockets = sockets.filter(isListening);
	if (sel.ports) {
		const ranges = sel.ports;
		const inRange = (p: number | null) => p !== null && ranges.some(([lo, hi]) => p >= lo && p <= hi);
		sockets = sockets.filter((s) => inRange(s.localPort) || inRange(s.remotePort));
	}
	if (sel.filter) {
		// The processes a term like user: or unit: looks at: every owner of the socket.
		const byPid = new Map(snap.processes.map((p) => [p.pid, p]));
		const f = sel.filter;
		sockets = sockets.filter((s) => matchesFilter(f, s, s.owners.flatMap((o) => byPid.get(o.pid) ?? []), nameOf));
	}
	return { ...snap, processes, sockets };
}
