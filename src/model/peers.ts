// Sockets by the remote address they are connected to: what `ss -tn | awk '{print $5}' | cut -d:
// -f1 | sort | uniq -c | sort -rn` answers (who holds the most connections to this machine, or
// where its programs connect), with the owners, which that pipeline loses. The tree's "by peer"
// grouping and `procnet peers` both use it.
import { ownerCount, ownerPidAt } from './owners';
import type { SocketInfo } from './snapshot';

export interface PeerGroup {
	/** The remote address, an IPv4-mapped IPv6 one written as IPv4 (a client of a dual-stack listener). */
	peer: string;
	sockets: SocketInfo[];
	/** Sockets in each state, most first. */
	states: Array<[state: string, count: number]>;
	/** Owner pids, each once, in the order first met. */
	pids: number[];
	loopback: boolean;
}

const WILDCARD = new Set(['0.0.0.0', '::', '*']);

/** The address `s` is connected to, or undefined (listening, bound, unix, packet, netlink: no peer). */
export function peerOf(s: SocketInfo): string | undefined {
	if (s.kind === 'unix' || s.kind === 'packet' || s.kind === 'netlink') return undefined;
	const a = s.remoteAddress;
	if (!a || WILDCARD.has(a)) return undefined;
	// A datagram socket with an address and port 0 is not connected (raw and icmp sockets name no port).
	if ((s.kind === 'tcp' || s.kind === 'udp' || s.kind === 'udplite' || s.kind === 'sctp') && !s.remotePort) return undefined;
	return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/** The peers of `sockets` (peerOf's form), each once, in the order first met. */
export function peersOf(sockets: Iterable<SocketInfo>): string[] {
	const out = new Set<string>();
	for (const s of sockets) {
		const p = peerOf(s);
		if (p !== undefined) out.add(p);
	}
	return [...out];
}

/**
 * The name `nameOf` gives `s`'s peer (peerOf's form): undefined when it has no peer (a listener, a
 * unix socket) or the name is not known, null when the resolver has none. The tree's rows, the
 * panel's filter, Export and `snapshot --resolve` all ask this way.
 */
export function peerNameOf(s: SocketInfo, nameOf: (peer: string) => string | null | undefined): string | null | undefined {
	const peer = peerOf(s);
	return peer === undefined ? undefined : nameOf(peer);
}

/**
 * A socket as JSON with its peer's name by the host's resolver (`remoteName`, null when it has
 * none), or as it is when `name` is undefined (no peer, or not asked): `snapshot --resolve
 * --json` and the view's Export. A full transfer's socket is not a plain object: its fields come
 * through its toJSON, which a spread alone would lose.
 */
export function withRemoteName(s: SocketInfo, name: string | null | undefined): object {
	const plain = (s as { toJSON?: () => object }).toJSON?.() ?? s;
	return name === undefined ? plain : { ...plain, remoteName: name };
}

/**
 * The peer in a remote end as the table writes it (`10.0.0.5:443`, `[2001:db8::1]:443`), as
 * peerOf would give it; undefined for `*`, a wildcard, port 0, a unix path or a packet socket's text.
 */
export function peerOfText(remote: string): string | undefined {
	const m = /^\[([0-9A-Fa-f:.]+)\]:(\d+)$/.exec(remote) ?? /^([0-9.]+):(\d+)$/.exec(remote);
	if (!m || m[2] === '0' || WILDCARD.has(m[1])) return undefined;
	return m[1].startsWith('::ffff:') && m[1].includes('.') ? m[1].slice(7) : m[1];
}

export function isLoopback(address: string): boolean {
	return address === '::1' || /^127\./.test(address);
}

/**
 * The connected sockets of `sockets` by peer, the peers holding the most first (then by address),
 * and the sockets without a peer. Yields every `step` sockets (the tree runs it over turns).
 */
export function* groupByPeer(sockets: readonly SocketInfo[], step: number): Generator<void, { peers: PeerGroup[]; none: SocketInfo[] }> {
	const by = new Map<string, SocketInfo[]>();
	const none: SocketInfo[] = [];
	for (let i = 0; i < sockets.length; i++) {
		const s = sockets[i];
		const p = peerOf(s);
		if (p === undefined) none.push(s);
		else {
			const l = by.get(p);
			if (l) l.push(s);
			else by.set(p, [s]);
		}
		if ((i + 1) % step === 0) yield;
	}
	const peers: PeerGroup[] = [];
	let n = 0;
	for (const [peer, list] of by) {
		const states = new Map<string, number>();
		const pids = new Set<number>();
		for (const s of list) {
			states.set(s.state, (states.get(s.state) ?? 0) + 1);
			for (let k = 0; k < ownerCount(s); k++) pids.add(ownerPidAt(s, k));
			if (++n % step === 0) yield;
		}
		peers.push({ peer, sockets: list, states: [...states].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)), pids: [...pids], loopback: isLoopback(peer) });
	}
	peers.sort((a, b) => b.sockets.length - a.sockets.length || (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
	return { peers, none };
}

/** `12 ESTABLISHED, 3 TIME_WAIT`: a group's states, most first. */
export function statesText(g: PeerGroup, max = 3): string {
	const shown = g.states.slice(0, max).map(([s, c]) => `${c} ${s}`);
	return shown.join(', ') + (g.states.length > max ? ', …' : '');
}
