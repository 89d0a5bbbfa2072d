// Parser for the inet socket tables: tcp, tcp6, udp, udp6, udplite, udplite6, raw, raw6,
// icmp, icmp6. They share one layout (net/ipv4/tcp_ipv4.c, udp.c, raw.c, ping.c):
//   sl local rem st tx:rx tr:when retrnsmt uid timeout inode [ref pointer ...kind-specific]
// Tokens are read by position after splitting on whitespace: the kernel pads rows to a fixed
// width and `sl` outgrows its column past 9999, so fixed columns would break.
import { decodeEndpoint } from './address';
import { decInt, forEachLine, hexInt, isDecimal, makeWarning, splitWs } from './lines';
import type { ByteOrder, ParseResult, ParseWarning, SocketKind, SocketRow, TimerName } from './types';

export type InetTable = 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'udplite' | 'udplite6' | 'raw' | 'raw6' | 'icmp' | 'icmp6';

export interface InetParseOptions {
	/** Byte order of the kernel that printed the text. */
	byteOrder: ByteOrder;
	/** USER_HZ of that kernel (`getconf CLK_TCK`), for timers; 100 nearly everywhere. */
	clkTck?: number;
}

/** include/net/tcp_states.h. 0x0C (NEW_SYN_RECV) is printed as 03 by the kernel, kept for safety. */
export const TCP_STATES: readonly string[] = [
	'UNKNOWN_0', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT',
	'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'SYN_RECV', 'BOUND_INACTIVE',
];

const TIMERS: readonly TimerName[] = ['off', 'on', 'keepalive', 'timewait', 'persist'];

/** IANA protocol numbers raw sockets are commonly opened for. */
const IP_PROTOCOLS: Record<number, string> = {
	0: 'IP', 1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 47: 'GRE',
	50: 'ESP', 51: 'AH', 58: 'ICMPv6', 89: 'OSPF', 103: 'PIM', 112: 'VRRP', 132: 'SCTP', 255: 'RAW',
};

export function kindOfTable(table: InetTable): SocketKind {
	return table.replace(/6$/, '') as SocketKind;
}

function stateName(kind: SocketKind, code: number): string {
	if (kind !== 'tcp') {
		// Datagram sockets reuse TCP_ESTABLISHED (connected) and TCP_CLOSE (not connected).
		if (code === 7) return 'UNCONN';
		if (code === 1) return 'ESTABLISHED';
	}
	return TCP_STATES[code] ?? `STATE_${code.toString(16).toUpperCase()}`;
}

const SL = /^\d+:$/;

export function parseInetTable(text: string, table: InetTable, opts: InetParseOptions): ParseResult<SocketRow> {
	const rows: SocketRow[] = [];
	const warnings: ParseWarning[] = [];
	const kind = kindOfTable(table);
	const hz = opts.clkTck && opts.clkTck > 0 ? opts.clkTck : 100;
	forEachLine(text, (line, lineNo) => {
		const t = splitWs(line);
		if (t.length === 0) return;
		if (!SL.test(t[0])) {
			// The header ("sl local_address ...") is expected once, on the first line.
			if (!(lineNo === 1 && t[0] === 'sl')) warnings.push(makeWarning(table, lineNo, 'not a socket record', line));
			return;
		}
		if (t.length < 10) {
			warnings.push(makeWarning(table, lineNo, `expected at least 10 columns, found ${t.length}`, line));
			return;
		}
		const local = decodeEndpoint(t[1], opts.byteOrder);
		const remote = decodeEndpoint(t[2], opts.byteOrder);
		const st = hexInt(t[3]);
		const q = t[4].split(':');
		const tr = t[5].split(':');
		const txQueue = hexInt(q[0]);
		const rxQueue = q.length === 2 ? hexInt(q[1]) : NaN;
		const timerCode = hexInt(tr[0]);
		const when = tr.length === 2 ? hexInt(tr[1]) : NaN;
		const retransmits = hexInt(t[6]);
		const uid = decInt(t[7]);
		const probes = decInt(t[8]);
		const inode = t[9];
		if (!local || !remote) {
			warnings.push(makeWarning(table, lineNo, 'bad address', line));
			return;
		}
		if ((local.address.includes(':') ? 6 : 4) !== (table.endsWith('6') ? 6 : 4)) {
			warnings.push(makeWarning(table, lineNo, 'address family does not match the table', line));
			return;
		}
		if (Number.isNaN(st) || Number.isNaN(txQueue) || Number.isNaN(rxQueue) || Number.isNaN(uid) || !isDecimal(inode)) {
			warnings.push(makeWarning(table, lineNo, 'bad state, queue, uid or inode column', line));
			return;
		}
		const row: SocketRow = {
			kind,
			ipVersion: table.endsWith('6') ? 6 : 4,
			localAddress: local.address,
			localPort: local.port,
			remoteAddress: remote.address,
			remotePort: remote.port,
			state: stateName(kind, st),
			txQueue,
			rxQueue,
			uid,
			inode: stripLeadingZeros(inode),
			path: null,
			unixType: null,
		};
		if (!Number.isNaN(timerCode)) {
			row.timer = TIMERS[timerCode] ?? 'unknown';
			if (!Number.isNaN(when)) row.timerSeconds = when / hz;
		}
		if (!Number.isNaN(retransmits)) row.retransmits = retransmits;
		if (!Number.isNaN(probes)) row.probes = probes;
		if (t.length > 10) {
			const ref = decInt(t[10]);
			if (!Number.isNaN(ref)) row.refCount = ref;
		}
		if (kind === 'tcp') {
			// Full sockets add rto ato quick/pingpong cwnd ssthresh; mini-sockets
			// (TIME_WAIT, SYN_RECV) stop after the pointer.
			if (t.length >= 17) {
				const rto = decInt(t[12]), ato = decInt(t[13]), cwnd = decInt(t[15]), ssthresh = decInt(t[16]);
				if (!Number.isNaN(rto)) row.rto = rto / hz;
				if (!Number.isNaN(ato)) row.ato = ato / hz;
				if (!Number.isNaN(cwnd)) row.cwnd = cwnd;
				if (!Number.isNaN(ssthresh)) row.ssthresh = ssthresh < 0 ? null : ssthresh;
			}
		} else if (t.length >= 13) {
			const drops = decInt(t[12]);
			if (!Number.isNaN(drops)) row.drops = drops;
		}
		if (kind === 'raw') {
			// A raw socket's "port" is the IP protocol it was opened for.
			row.protocol = local.port;
			row.protocolName = IP_PROTOCOLS[local.port] ?? `proto ${local.port}`;
			row.localPort = null;
			row.remotePort = null;
		}
		rows.push(row);
	});
	return { rows, warnings };
}

/** "00123" and "123" name the same inode; keep the canonical decimal text. */
function stripLeadingZeros(s: string): string {
	let i = 0;
	while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
	return i ? s.slice(i) : s;
}
