// Property-based tests (fast-check) for every parser in src/procfs/. Three kinds of property:
//   - any text (random unicode, lone surrogates, bytes read as latin1 or utf8, NULs, very long
//     lines, soups of real-looking tokens) never throws, and every line that is neither blank nor
//     the header becomes exactly one row or one counted warning;
//   - a row generated from random field values in the kernel's own format (both byte orders)
//     decodes back to exactly those values;
//   - a generated row with a missing or extra column, or a non-hex character in a hex column, is
//     a warning and never a row carrying garbage.
// fast-check prints the seed and the shrunk counterexample of a failure; rerun it with
// fc.assert(..., { seed, path }).
import * as assert from 'assert';
import * as fc from 'fast-check';
import * as net from 'net';
import { addressBytes, decodeAddress, decodeEndpoint } from '../../src/procfs/address';
import { parseInetTable, type InetTable } from '../../src/procfs/inet';
import { parseNetlinkTable } from '../../src/procfs/netlink';
import { parsePacketTable } from '../../src/procfs/packet';
import { parsePasswd } from '../../src/procfs/passwd';
import { parseCmdline, parseStat, parseStatus } from '../../src/procfs/process';
import { parseSctpAssocs, parseSctpEps } from '../../src/procfs/sctp';
import { parseSockstat } from '../../src/procfs/sockstat';
import { parseTable } from '../../src/procfs/tables';
import { TABLE_NAMES, type ByteOrder, type ParseResult, type SocketRow, type TableName } from '../../src/procfs/types';
import { parseUnixTable } from '../../src/procfs/unix';
import { fixture } from './fixtures';

// ---------------------------------------------------------------------------------------------
// Small helpers (independent of the code under test)

const hex = (n: number | bigint, width: number, lower = false): string => {
	const s = n.toString(16).padStart(width, '0');
	return lower ? s : s.toUpperCase();
};

/** The lines forEachLine walks: split on '\n', a final '\n' ends the last line rather than starting one. */
function linesOf(text: string): string[] {
	if (text === '') return [];
	const l = text.split('\n');
	if (text.endsWith('\n')) l.pop();
	return l;
}
const BLANK = /^[ \t\r]*$/;
const firstToken = (line: string): string => line.split(/[ \t\r]+/).filter(Boolean)[0] ?? '';
const cut = (s: string): string => (s.length > 200 ? s.slice(0, 200) + '…' : s);

/** Drops keys whose value is undefined, so rows compare with expected objects key by key. */
function defined(o: object): Record<string, unknown> {
	return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** How the kernel prints an address: each 32-bit word with %08X of its host-order value. */
function kernelHex(bytes: Uint8Array, order: ByteOrder): string {
	let s = '';
	for (let w = 0; w < bytes.length; w += 4) {
		const b = [bytes[w], bytes[w + 1], bytes[w + 2], bytes[w + 3]];
		const inWord = order === 'LE' ? b.reverse() : b;
		s += inWord.map((x) => hex(x, 2)).join('');
	}
	return s;
}

/**
 * The expected text of an address, from outside procnet: dotted quad for IPv4; for IPv6 the
 * WHATWG URL serializer (RFC 5952 compression), except IPv4-mapped addresses, which RFC 5952
 * §5 writes as ::ffff:a.b.c.d.
 */
function oracleAddress(b: Uint8Array): string {
	if (b.length === 4) return Array.from(b).join('.');
	if (b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
	const groups: string[] = [];
	for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
	return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** `%pI6`: eight groups of four lower-case hex digits, uncompressed. */
const pI6 = (b: Uint8Array): string => Array.from({ length: 8 }, (_, i) => hex((b[2 * i] << 8) | b[2 * i + 1], 4, true)).join(':');

// ---------------------------------------------------------------------------------------------
// Arbitraries

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const i31 = fc.integer({ min: 0, max: 0x7fffffff });
const port = fc.integer({ min: 0, max: 0xffff });
/** Inodes: %lu, up to 64 bits (kept as text by the parsers). */
const inode = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String);
const nonZeroInode = fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }).map(String);
/** %pK: 16 hex digits (hashed or zeroed pointers print the same width). */
const pointer = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => hex(v, 16, true));

const v4bytes = fc.uint8Array({ minLength: 4, maxLength: 4 });
/** IPv6 addresses biased towards runs of zero groups, loopback, wildcard and IPv4-mapped ones. */
const v6bytes = fc.oneof(
	fc.uint8Array({ minLength: 16, maxLength: 16 }),
	fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }).map((g) => {
		const b = new Uint8Array(16);
		g.forEach((x, i) => ((b[2 * i] = x >> 8), (b[2 * i + 1] = x & 0xff)));
		return b;
	}),
	v4bytes.map((v4) => new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4])),
	fc.constantFrom(new Uint8Array(16), new Uint8Array([...new Array<number>(15).fill(0), 1])),
);
const byteOrder = fc.constantFrom<ByteOrder>('LE', 'BE');
/** Whitespace the kernel (spaces) or a hand-edited file (tabs, CR) puts between columns. */
const sep = fc.constantFrom(' ', ' ', ' ', '  ', '   ', '\t', ' \t ');

/** Strings of any UTF-16 code unit, lone surrogates and NULs included. */
const codeUnits = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });

/** Text of any kind: unicode, code units, raw bytes decoded both ways, and control-heavy text. */
const anyText = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 400 }),
	codeUnits(400),
	bytes(600).map((b) => Buffer.from(b).toString('latin1')),
	bytes(600).map((b) => Buffer.from(b).toString('utf8')),
	fc.string({ unit: fc.constantFrom('\n', '\r', '\t', ' ', '\0', ':', '0', 'f', 'A', '(', ')', '@', '/', '*', '-', '\\'), maxLength: 300 }),
);

// ---------------------------------------------------------------------------------------------
// Kernel-format row generators. Each returns the row's tokens (joined later with random column
// separators) and what the parser must decode from them.

const INET_TABLES: readonly InetTable[] = ['tcp', 'tcp6', 'udp', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6', 'icmp', 'icmp6'];
const INET_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const TCP_STATES = ['UNKNOWN_0', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'SYN_RECV', 'BOUND_INACTIVE'];
const TIMERS = ['off', 'on', 'keepalive', 'timewait', 'persist'];
const IP_PROTOCOLS: Record<number, string> = {
	0: 'IP', 1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 47: 'GRE',
	50: 'ESP', 51: 'AH', 58: 'ICMPv6', 89: 'OSPF', 103: 'PIM', 112: 'VRRP', 132: 'SCTP', 255: 'RAW',
};

interface InetFields {
	sl: number;
	local: Uint8Array;
	lport: number;
	remote: Uint8Array;
	rport: number;
	st: number;
	tx: number;
	rx: number;
	tr: number;
	when: number;
	retr: number;
	uid: number;
	timeout: number;
	inode: string;
	ref: number;
	ptr: string;
	/** tcp: full socket (17 columns) or mini socket (TIME_WAIT/SYN_RECV, 12); others: 13. */
	full: boolean;
	rto: number;
	ato: number;
	qp: number;
	cwnd: number;
	ssthresh: number;
	drops: number;
}

const inetFields = (v6: boolean): fc.Arbitrary<InetFields> =>
	fc.record({
		sl: fc.integer({ min: 0, max: 999_999 }),
		local: v6 ? v6bytes : v4bytes,
		lport: port,
		remote: v6 ? v6bytes : v4bytes,
		rport: port,
		st: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 0xff })),
		tx: u32,
		rx: u32,
		tr: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 0xff })),
		when: fc.integer({ min: 0, max: 0xffffffffff }),
		retr: u32,
		uid: u32,
		timeout: fc.integer({ min: 0, max: 255 }),
		inode,
		ref: i31,
		ptr: pointer,
		full: fc.boolean(),
		rto: i31,
		ato: i31,
		qp: fc.integer({ min: 0, max: 3 }),
		cwnd: i31,
		ssthresh: fc.oneof(fc.constant(-1), i31),
		drops: u32,
	});

/** The columns of tcp4_seq_show / udp4_format_sock / raw_sock_seq_show / ping_v4_format_sock (and their v6 twins). */
function inetTokens(table: InetTable, f: InetFields, order: ByteOrder): string[] {
	const t = [
		`${f.sl}:`,
		`${kernelHex(f.local, order)}:${hex(f.lport, 4)}`,
		`${kernelHex(f.remote, order)}:${hex(f.rport, 4)}`,
		hex(f.st, 2),
		`${hex(f.tx, 8)}:${hex(f.rx, 8)}`,
		`${hex(f.tr, 2)}:${hex(f.when, 8)}`,
		hex(f.retr, 8),
		String(f.uid),
		String(f.timeout),
		f.inode,
		String(f.ref),
		f.ptr,
	];
	if (!table.startsWith('tcp')) t.push(String(f.drops));
	else if (f.full) t.push(String(f.rto), String(f.ato), String(f.qp), String(f.cwnd), String(f.ssthresh));
	return t;
}

function inetExpected(table: InetTable, f: InetFields, hz: number): Record<string, unknown> {
	const kind = table.replace(/6$/, '');
	const tcp = kind === 'tcp';
	const raw = kind === 'raw';
	const state = !tcp && f.st === 7 ? 'UNCONN' : !tcp && f.st === 1 ? 'ESTABLISHED' : (TCP_STATES[f.st] ?? `STATE_${hex(f.st, 1)}`);
	return defined({
		kind,
		ipVersion: table.endsWith('6') ? 6 : 4,
		localAddress: oracleAddress(f.local),
		localPort: raw ? null : f.lport,
		remoteAddress: oracleAddress(f.remote),
		remotePort: raw ? null : f.rport,
		state,
		txQueue: f.tx,
		rxQueue: f.rx,
		uid: f.uid,
		inode: f.inode,
		path: null,
		unixType: null,
		timer: TIMERS[f.tr] ?? 'unknown',
		timerSeconds: f.when / hz,
		retransmits: f.retr,
		probes: f.timeout,
		drops: tcp ? undefined : f.drops,
		refCount: f.ref,
		rto: tcp && f.full ? f.rto / hz : undefined,
		ato: tcp && f.full ? f.ato / hz : undefined,
		cwnd: tcp && f.full ? f.cwnd : undefined,
		ssthresh: tcp && f.full ? (f.ssthresh < 0 ? null : f.ssthresh) : undefined,
		protocol: raw ? f.lport : undefined,
		protocolName: raw ? (IP_PROTOCOLS[f.lport] ?? `proto ${f.lport}`) : undefined,
	});
}

const UNIX_HEADER = 'Num       RefCount Protocol Flags    Type St Inode Path';
const UNIX_TYPES: Record<number, string> = { 1: 'STREAM', 2: 'DGRAM', 5: 'SEQPACKET' };
const UNIX_STATES: Record<number, string> = { 1: 'UNCONNECTED', 2: 'CONNECTING', 3: 'CONNECTED', 4: 'DISCONNECTING' };

interface UnixFields {
	ptr: string;
	ref: number;
	listening: boolean;
	type: number;
	st: number;
	inode: string;
	path: string | null;
}

/** A character of a name: anything but NUL and newline (newlines are generated on purpose below). */
const nameChar = fc.oneof(
	fc.constantFrom('a', 'Z', '0', '9', '.', '_', '-', ' ', ' ', ':', '@', '\t', '\r', '(', ')', '$', ';', '`', '"', "'", '<', '>', '\\', '\u00e9', '\u2028', '\ud83d\ude00'),
	fc.integer({ min: 1, max: 0xffff }).filter((c) => c !== 10).map((c) => String.fromCharCode(c)),
);
/** A bound name: a path ('/...') or an abstract name ('@...'), at most 108 characters (sun_path). */
const unixName = fc
	.tuple(fc.constantFrom('/', '@', '/tmp/'), fc.string({ unit: nameChar, maxLength: 100 }))
	.map(([p, s]) => (p + s).slice(0, 108));

const unixFields = (path: fc.Arbitrary<string | null>): fc.Arbitrary<UnixFields> =>
	fc.record({
		ptr: pointer,
		ref: u32,
		listening: fc.boolean(),
		type: fc.oneof(fc.constantFrom(1, 2, 5), fc.integer({ min: 0, max: 0xffff })),
		st: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 0xff })),
		inode: nonZeroInode,
		path,
	});

/** unix_seq_show: "%pK: %08X %08X %08X %04X %02X %5lu" then ' ' + the name. */
function unixTokens(f: UnixFields): string[] {
	return [`${f.ptr}:`, hex(f.ref, 8), '00000000', hex(f.listening ? 0x10000 : 0, 8), hex(f.type, 4), hex(f.st, 2), f.inode.padStart(5)];
}
const unixLine = (f: UnixFields): string => unixTokens(f).join(' ') + (f.path === null ? '' : ' ' + f.path);

function unixExpected(f: UnixFields): Record<string, unknown> {
	return {
		kind: 'unix', ipVersion: null, localAddress: null, localPort: null, remoteAddress: null, remotePort: null,
		state: f.listening ? 'LISTEN' : (UNIX_STATES[f.st] ?? `ST_${hex(f.st, 2)}`),
		txQueue: null, rxQueue: null, uid: null, inode: f.inode, path: f.path,
		unixType: UNIX_TYPES[f.type] ?? `TYPE_${f.type}`,
		refCount: f.ref,
	};
}

const ETHERTYPES: Record<number, string> = { 0x0003: 'ETH_P_ALL', 0x0800: 'IPv4', 0x0806: 'ARP', 0x86dd: 'IPv6', 0x88cc: 'LLDP' };
interface PacketFields { ptr: string; ref: number; type: number; proto: number; ifindex: number; running: number; rmem: number; uid: number; inode: string }
const packetFields: fc.Arbitrary<PacketFields> = fc.record({
	ptr: pointer,
	ref: i31,
	type: fc.oneof(fc.constantFrom(2, 3), fc.integer({ min: 0, max: 10 })),
	proto: fc.oneof(fc.constantFrom(0x0003, 0x0800, 0x0806, 0x86dd, 0x88cc), port),
	ifindex: i31,
	running: fc.integer({ min: 0, max: 1 }),
	rmem: u32,
	uid: u32,
	inode,
});
/** packet_seq_show: "%pK %-6d %-4d %04x   %-5d %1d %-6u %-6u %-6lu". */
const packetTokens = (f: PacketFields): string[] => [f.ptr, String(f.ref), String(f.type), hex(f.proto, 4, true), String(f.ifindex), String(f.running), String(f.rmem), String(f.uid), f.inode];
function packetExpected(f: PacketFields): Record<string, unknown> {
	return defined({
		kind: 'packet', ipVersion: null, localAddress: null, localPort: null, remoteAddress: null, remotePort: null,
		state: 'UNCONN', txQueue: null, rxQueue: f.rmem, uid: f.uid, inode: f.inode, path: null, unixType: null,
		refCount: f.ref, protocol: f.proto, ifindex: f.ifindex,
		packetType: f.type === 2 ? 'DGRAM' : f.type === 3 ? 'RAW' : `TYPE_${f.type}`,
		protocolName: ETHERTYPES[f.proto],
	});
}

const NETLINK_FAMILIES = [
	'NETLINK_ROUTE', 'NETLINK_UNUSED', 'NETLINK_USERSOCK', 'NETLINK_FIREWALL', 'NETLINK_SOCK_DIAG', 'NETLINK_NFLOG', 'NETLINK_XFRM',
	'NETLINK_SELINUX', 'NETLINK_ISCSI', 'NETLINK_AUDIT', 'NETLINK_FIB_LOOKUP', 'NETLINK_CONNECTOR', 'NETLINK_NETFILTER', 'NETLINK_IP6_FW',
	'NETLINK_DNRTMSG', 'NETLINK_KOBJECT_UEVENT', 'NETLINK_GENERIC', undefined, 'NETLINK_SCSITRANSPORT', 'NETLINK_ECRYPTFS', 'NETLINK_RDMA',
	'NETLINK_CRYPTO', 'NETLINK_SMC',
];
interface NetlinkFields { ptr: string; proto: number; portid: number; groups: number; rmem: number; wmem: number; dump: number; locks: number; drops: number; inode: string }
const netlinkFields: fc.Arbitrary<NetlinkFields> = fc.record({
	ptr: pointer,
	proto: fc.integer({ min: 0, max: 31 }),
	portid: u32,
	groups: u32,
	rmem: i31,
	wmem: i31,
	dump: fc.integer({ min: 0, max: 1 }),
	locks: i31,
	drops: u32,
	inode,
});
/** netlink_native_seq_show: "%pK %-3d %-10u %08x %-8d %-8d %-5d %-8d %-8u %-8lu". */
const netlinkTokens = (f: NetlinkFields): string[] => [f.ptr, String(f.proto), String(f.portid), hex(f.groups, 8, true), String(f.rmem), String(f.wmem), String(f.dump), String(f.locks), String(f.drops), f.inode];
function netlinkExpected(f: NetlinkFields): Record<string, unknown> {
	return defined({
		kind: 'netlink', ipVersion: null, localAddress: null, localPort: null, remoteAddress: null, remotePort: null,
		state: 'UNCONN', txQueue: f.wmem, rxQueue: f.rmem, uid: null, inode: f.inode, path: null, unixType: null,
		protocol: f.proto, portId: f.portid, groups: hex(f.groups, 8, true), drops: f.drops,
		protocolName: NETLINK_FAMILIES[f.proto],
	});
}

const SCTP_TCP_STATES: Record<number, string> = {
	1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECV', 4: 'FIN_WAIT1', 5: 'FIN_WAIT2', 6: 'TIME_WAIT', 7: 'CLOSE', 8: 'CLOSE_WAIT', 9: 'LAST_ACK', 10: 'LISTEN', 11: 'CLOSING',
};
const SCTP_ASSOC_STATES = ['CLOSED', 'COOKIE_WAIT', 'COOKIE_ECHOED', 'ESTABLISHED', 'SHUTDOWN_PENDING', 'SHUTDOWN_SENT', 'SHUTDOWN_RECEIVED', 'SHUTDOWN_ACK_SENT'];
const SCTP_STYLES = ['one-to-many', 'peeled-off', 'one-to-one'];
/** An SCTP address as %pI4 / %pI6 prints it, and as procnet must show it. */
const sctpAddr = fc.oneof(v4bytes, v6bytes).map((b) => ({ printed: b.length === 4 ? Array.from(b).join('.') : pI6(b), shown: oracleAddress(b) }));
interface SctpAddrs { list: Array<{ printed: string; shown: string }>; primary: number }
/** An address list with the primary path (printed with a leading '*') at a random index, or none. */
const sctpAddrs = (min: number): fc.Arbitrary<SctpAddrs> =>
	fc.array(sctpAddr, { minLength: min, maxLength: 4 }).chain((list) => fc.record({ list: fc.constant(list), primary: fc.integer({ min: -1, max: list.length - 1 }) }));
const printAddrs = (a: SctpAddrs): string[] => a.list.map((x, i) => (i === a.primary ? '*' : '') + x.printed);
/** procnet puts the primary path first. */
const shownAddrs = (a: SctpAddrs): string[] => {
	const s = a.list.map((x) => x.shown);
	return a.primary > 0 ? [s[a.primary], ...s.slice(0, a.primary), ...s.slice(a.primary + 1)] : s;
};
const ipv = (a: string | undefined): 4 | 6 | null => (a === undefined ? null : a.includes(':') ? 6 : 4);

interface SctpEpFields { ep: string; sk: string; sty: number; sst: number; hbkt: number; lport: number; uid: number; inode: string; addrs: SctpAddrs }
const sctpEpFields: fc.Arbitrary<SctpEpFields> = fc.record({
	ep: pointer, sk: pointer,
	sty: fc.integer({ min: 0, max: 4 }), sst: fc.integer({ min: 0, max: 12 }), hbkt: fc.integer({ min: 0, max: 0xffff }),
	lport: port, uid: u32, inode, addrs: sctpAddrs(0),
});
/** sctp_eps_seq_show: "%8pK %8pK %-3d %-3d %-4d %-5d %5u %5lu " then "%pI4 "/"%pI6 " per address. */
const sctpEpTokens = (f: SctpEpFields): string[] => [f.ep, f.sk, String(f.sty), String(f.sst), String(f.hbkt), String(f.lport), String(f.uid), f.inode, ...printAddrs(f.addrs)];
function sctpEpExpected(f: SctpEpFields): Record<string, unknown> {
	const local = shownAddrs(f.addrs);
	return {
		kind: 'sctp', ipVersion: ipv(local[0]), localAddress: local[0] ?? null, localPort: f.lport, remoteAddress: null, remotePort: null,
		state: SCTP_TCP_STATES[f.sst] ?? `STATE_${f.sst}`, txQueue: null, rxQueue: null, uid: f.uid, inode: f.inode, path: null, unixType: null,
		localAddresses: local, sctpStyle: SCTP_STYLES[f.sty] ?? `STY_${f.sty}`,
	};
}

interface SctpAssocFields {
	assoc: string; sk: string; sty: number; sst: number; st: number; hbkt: number; id: number; tx: number; rx: number; uid: number; inode: string;
	lport: number; rport: number; local: SctpAddrs; remote: SctpAddrs; tail: number[];
}
const sctpAssocFields: fc.Arbitrary<SctpAssocFields> = fc.record({
	assoc: pointer, sk: pointer,
	sty: fc.integer({ min: 0, max: 4 }), sst: fc.integer({ min: 0, max: 12 }), st: fc.integer({ min: 0, max: 9 }), hbkt: fc.integer({ min: 0, max: 0xffff }),
	id: i31, tx: i31, rx: i31, uid: u32, inode, lport: port, rport: port,
	local: sctpAddrs(1), remote: sctpAddrs(1),
	tail: fc.array(i31, { minLength: 7, maxLength: 11 }),
});
/** sctp_assocs_seq_show: 13 columns, local addresses, "<-> ", remote addresses, "\t" and the timers. */
const sctpAssocTokens = (f: SctpAssocFields): string[] => [
	f.assoc, f.sk, String(f.sty), String(f.sst), String(f.st), String(f.hbkt), String(f.id), String(f.tx), String(f.rx), String(f.uid), f.inode,
	String(f.lport), String(f.rport), ...printAddrs(f.local), '<->', ...printAddrs(f.remote), ...f.tail.map(String),
];
function sctpAssocExpected(f: SctpAssocFields): Record<string, unknown> {
	const local = shownAddrs(f.local);
	const remote = shownAddrs(f.remote);
	return {
		kind: 'sctp', ipVersion: ipv(local[0]), localAddress: local[0], localPort: f.lport, remoteAddress: remote[0], remotePort: f.rport,
		state: SCTP_TCP_STATES[f.sst] ?? `STATE_${f.sst}`, txQueue: f.tx, rxQueue: f.rx, uid: f.uid, inode: f.inode, path: null, unixType: null,
		localAddresses: local, remoteAddresses: remote, sctpStyle: SCTP_STYLES[f.sty] ?? `STY_${f.sty}`,
		assocState: SCTP_ASSOC_STATES[f.st] ?? `STATE_${f.st}`, assocId: String(f.id),
	};
}

/** Joins tokens with kernel-like (or hand-edited) whitespace; the sctp/assocs timers follow a TAB. */
function joinTokens(tokens: string[], seps: string[]): string {
	let s = '';
	tokens.forEach((t, i) => (s += (i ? seps[i % seps.length] : '') + t));
	return s;
}
const seps = fc.array(sep, { minLength: 1, maxLength: 20 });

// A soup of lines: valid rows of every table, real fixture lines, and junk tokens, so that the
// parsers are driven deep into their code and not only into "not a record".
const REAL_LINES = [
	'reference-6.18/tcp.txt', 'reference-6.18/udp.txt', 'reference-6.18/raw.txt', 'reference-6.18/icmp.txt', 'linux-6.18-host/tcp6.txt',
	'captured/unix_edge.txt', 'captured/packet.txt', 'captured/netlink.txt', 'insights-core-sctp/eps', 'insights-core-sctp/assocs',
	'linux-6.18-host/sockstat.txt', 'captured/proc_comm_stat.txt', 'captured/proc_comm_status.txt',
].flatMap((f) => fixture(f).split('\n').slice(0, 12));
const JUNK_TOKENS = [
	'', ':', '0:', '1:', '99999:', 'sl', 'ffff', 'FFFFFFFF', '0100007F:0016', '00000000000000000000000000000000:0000', '0100007F', ':0016',
	'00:00000000', '0A', 'ZZ', '-1', '-', '99999999999999999999999', '<->', '*127.0.0.1', '::1', '*', '127.0.0.1', 'ffff:0000:0000:0000:0000:0000:0000:0001',
	'\0', '\0\0\0', '\u00e9', '\ud800', '\udfff', '\ufffd', '@', '/tmp/a', 'Inode', 'Path', 'TCP:', 'inuse', 'Name:', 'Uid:', '(', ')', ') (',
	'x'.repeat(300), '0'.repeat(40), 'f'.repeat(1000),
];
const soupLine = fc.oneof(
	fc.constantFrom(...REAL_LINES),
	fc.array(fc.oneof(fc.constantFrom(...JUNK_TOKENS), fc.string({ unit: 'binary', maxLength: 12 })), { maxLength: 24 }).chain((toks) => seps.map((s) => joinTokens(toks, s))),
	fc.tuple(fc.constantFrom(...INET_TABLES), byteOrder).chain(([t, o]) => fc.tuple(inetFields(t.endsWith('6')), seps).map(([f, s]) => joinTokens(inetTokens(t, f, o), s))),
	unixFields(fc.option(unixName)).map(unixLine),
	fc.tuple(packetFields, seps).map(([f, s]) => joinTokens(packetTokens(f), s)),
	fc.tuple(netlinkFields, seps).map(([f, s]) => joinTokens(netlinkTokens(f), s)),
	fc.tuple(sctpEpFields, seps).map(([f, s]) => joinTokens(sctpEpTokens(f), s)),
	fc.tuple(sctpAssocFields, seps).map(([f, s]) => joinTokens(sctpAssocTokens(f), s)),
	anyText,
);
const soup = fc.oneof(
	fc.tuple(fc.array(soupLine, { maxLength: 30 }), fc.constantFrom('\n', '\n', '\r\n', '\n\n')).map(([l, nl]) => l.join(nl)),
	fc.tuple(fc.constantFrom(INET_HEADER, UNIX_HEADER, 'sk RefCnt Type Proto  Iface R Rmem   User   Inode', ' ENDPT     SOCK   STY SST HBKT LPORT   UID INODE LADDRS'), fc.array(soupLine, { maxLength: 30 })).map(
		([h, l]) => [h, ...l].join('\n') + '\n',
	),
	anyText,
);

// ---------------------------------------------------------------------------------------------
// Properties of any input

type TableParser = (text: string) => ParseResult<SocketRow>;
const HEXTOK = /^[0-9a-fA-F]+$/;
/** How each table's first line is recognised as its header: the inet tables by "sl", the others by a first token that is not a pointer. */
const TABLES: Array<{ name: TableName; parse: TableParser; isHeader: (first: string) => boolean }> = TABLE_NAMES.filter((n) => n !== 'unix').map((name) => ({
	name,
	parse: (t: string) => parseTable(name, t, { byteOrder: 'LE' }),
	isHeader: (first: string) => ((INET_TABLES as readonly string[]).includes(name) ? first === 'sl' : !HEXTOK.test(first)),
}));

/** rows + warnings == lines that are neither blank nor the header; each warning names such a line and quotes it. */
function checkAccounting(text: string, table: (typeof TABLES)[number], res: ParseResult<SocketRow>): void {
	const lines = linesOf(text);
	const candidates = new Set<number>();
	lines.forEach((l, i) => {
		if (BLANK.test(l)) return;
		if (i === 0 && table.isHeader(firstToken(l))) return;
		candidates.add(i + 1);
	});
	assert.strictEqual(res.rows.length + res.warnings.length, candidates.size, `${table.name}: ${res.rows.length} rows + ${res.warnings.length} warnings for ${candidates.size} candidate lines`);
	const seen = new Set<number>();
	for (const w of res.warnings) {
		assert.ok(candidates.has(w.line), `${table.name}: warning for line ${w.line}, which is blank, the header or absent`);
		assert.ok(!seen.has(w.line), `${table.name}: two warnings for line ${w.line}`);
		seen.add(w.line);
		assert.strictEqual(w.table, table.name);
		assert.ok(w.reason.length > 0);
		assert.strictEqual(w.text, cut(lines[w.line - 1]));
	}
}

/** Whatever the text, a row only ever holds values of the right type and range for its table. */
function checkRowShapes(name: TableName, rows: SocketRow[]): void {
	const kind = name.replace(/6$/, '').replace(/\/.*/, '');
	const inet = (INET_TABLES as readonly string[]).includes(name);
	const nat = (x: number | null) => x === null || (Number.isSafeInteger(x) && x >= 0);
	for (const r of rows) {
		assert.strictEqual(r.kind, kind, name);
		assert.ok(/^\d+$/.test(r.inode), `${name}: inode ${JSON.stringify(r.inode)}`);
		assert.ok(nat(r.txQueue) && nat(r.rxQueue) && nat(r.uid), `${name}: queues/uid ${r.txQueue} ${r.rxQueue} ${r.uid}`);
		assert.ok(r.localPort === null || (Number.isInteger(r.localPort) && r.localPort >= 0 && r.localPort <= 65535), `${name}: port ${r.localPort}`);
		assert.ok(r.remotePort === null || (Number.isInteger(r.remotePort) && r.remotePort >= 0 && r.remotePort <= 65535), `${name}: port ${r.remotePort}`);
		assert.ok(typeof r.state === 'string' && r.state.length > 0);
		if (inet) {
			const v = name.endsWith('6') ? 6 : 4;
			assert.strictEqual(r.ipVersion, v);
			assert.strictEqual(net.isIP(r.localAddress ?? ''), v, `${name}: local ${r.localAddress}`);
			assert.strictEqual(net.isIP(r.remoteAddress ?? ''), v, `${name}: remote ${r.remoteAddress}`);
		}
		if (kind === 'sctp') for (const a of [...(r.localAddresses ?? []), ...(r.remoteAddresses ?? [])]) assert.ok(net.isIP(a) !== 0, `sctp address ${JSON.stringify(a)}`);
	}
}

describe('parser properties (fast-check)', function () {
	this.timeout(60_000);

	describe('any text', () => {
		it('every socket table: never throws; rows + warnings == non-blank non-header lines; warnings quote their line; rows are well typed', () => {
			fc.assert(
				fc.property(soup, (text) => {
					for (const t of TABLES) {
						const res = t.parse(text);
						checkAccounting(text, t, res);
						checkRowShapes(t.name, res.rows);
					}
				}),
				{ numRuns: 300 },
			);
		});

		it('unix: never throws; every line is the header, a row, a warning or a continuation of the previous name', () => {
			fc.assert(
				fc.property(soup, (text) => {
					const res = parseUnixTable(text);
					const lines = linesOf(text);
					const suspects = res.rows.filter((r) => r.suspect !== undefined).length;
					// A suspect (possibly forged) row carries one extra warning; a continuation line adds a '\n' to a name.
					const continuations = res.rows.reduce((n, r) => n + (r.path?.split('\n').length ?? 1) - 1, 0);
					const accounted = res.rows.length + res.warnings.length - suspects + continuations;
					// Only a first line holding a word can be a header.
					const headerPossible = lines.length > 0 && /[A-Za-z]{3}/.test(lines[0]);
					assert.ok(accounted === lines.length || (headerPossible && accounted === lines.length - 1), `${accounted} accounted for ${lines.length} lines`);
					checkRowShapes('unix', res.rows);
					for (const r of res.rows) assert.ok(r.path === null || r.path.length <= 108, `name of ${r.path?.length} characters`);
					for (const w of res.warnings) assert.strictEqual(w.text, cut(lines[w.line - 1]));
				}),
				{ numRuns: 300 },
			);
		});

		it('very long lines (up to 300k characters) in any table: a warning quoting 200 characters, never a throw', () => {
			fc.assert(
				fc.property(fc.constantFrom(...TABLE_NAMES), fc.integer({ min: 1000, max: 300_000 }), fc.constantFrom('0', 'f', ' 0', ':', 'x', '\0', '0: '), (name, n, unit) => {
					const long = unit.repeat(Math.ceil(n / unit.length));
					const text = `header\n${long}\n${long}`;
					const res = parseTable(name, text, { byteOrder: 'BE' });
					for (const w of res.warnings) assert.ok(w.text.length <= 201);
					const t = TABLES.find((x) => x.name === name);
					if (t) checkAccounting(text, t, res);
					// Only " 0 0 0 ..." is a well-formed (all-zero) packet, netlink or sctp record.
					if (unit !== ' 0') assert.strictEqual(res.rows.length, 0, `${name}: a row from ${JSON.stringify(unit)} x ${n}`);
				}),
				{ numRuns: 40 },
			);
		});

		it('parseTable dispatches each name to its parser (same result as calling it directly)', () => {
			const direct: Record<TableName, TableParser> = {
				unix: parseUnixTable, packet: parsePacketTable, netlink: parseNetlinkTable, 'sctp/eps': parseSctpEps, 'sctp/assocs': parseSctpAssocs,
				...(Object.fromEntries(INET_TABLES.map((t) => [t, (x: string) => parseInetTable(x, t, { byteOrder: 'BE', clkTck: 250 })])) as Record<InetTable, TableParser>),
			};
			fc.assert(
				fc.property(soup, (text) => {
					for (const name of TABLE_NAMES) assert.deepStrictEqual(parseTable(name, text, { byteOrder: 'BE', clkTck: 250 }), direct[name](text), name);
				}),
				{ numRuns: 100 },
			);
		});

		it('process files, sockstat and passwd: never throw, and return well-typed values', () => {
			fc.assert(
				fc.property(fc.oneof(soup, fc.tuple(anyText, anyText).map(([a, b]) => `${a}(${b})${a}`)), (text) => {
					const st = parseStat(text);
					if (st !== null) {
						for (const n of [st.pid, st.ppid, st.startTicks, st.numThreads, st.rssPages]) assert.ok(Number.isSafeInteger(n), String(n));
						assert.strictEqual(st.comm, text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')));
					}
					const status = parseStatus(text);
					for (const list of [status.uids, status.nsPids, status.ppid === null ? null : [status.ppid]]) if (list) for (const n of list) assert.ok(Number.isSafeInteger(n));
					const argv = parseCmdline(text);
					assert.strictEqual(argv.join('\0') + (text.endsWith('\0') && argv.length ? '\0' : ''), text);
					const ss = parseSockstat(text);
					for (const c of Object.values(ss)) for (const v of Object.values(c)) assert.ok(Number.isSafeInteger(v));
					for (const [uid, name] of parsePasswd(text)) assert.ok(Number.isInteger(uid) && uid >= 0 && !name.includes('\n') && !name.includes(':'));
				}),
				{ numRuns: 300 },
			);
		});

		it('address decoding: anything but 8 or 32 hex digits is null, never a throw', () => {
			fc.assert(
				fc.property(fc.oneof(anyText, fc.string({ unit: fc.constantFrom('0', 'a', 'F', 'g', ':', ' ', '\0'), maxLength: 40 })), byteOrder, (s, o) => {
					const ok = /^(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{32})$/.test(s);
					assert.strictEqual(decodeAddress(s, o) !== null, ok, JSON.stringify(s));
					assert.strictEqual(addressBytes(s, o) !== null, ok);
					const ep = decodeEndpoint(s, o);
					if (ep) assert.ok(net.isIP(ep.address) !== 0 && ep.port >= 0 && ep.port <= 0xffff);
				}),
				{ numRuns: 500 },
			);
		});
	});

	describe('well-formed rows round-trip their fields', () => {
		it('address.ts: both byte orders decode to the address (RFC 5952 text), and the wrong order to the byte-swapped one', () => {
			fc.assert(
				fc.property(fc.oneof(v4bytes, v6bytes), byteOrder, port, fc.boolean(), (b, o, p, lower) => {
					let h = kernelHex(b, o);
					if (lower) h = h.toLowerCase();
					assert.strictEqual(decodeAddress(h, o), oracleAddress(b));
					assert.deepStrictEqual(addressBytes(h, o), b);
					assert.deepStrictEqual(decodeEndpoint(`${h}:${hex(p, 4)}`, o), { address: oracleAddress(b), port: p });
					const swapped = new Uint8Array(b.length);
					for (let w = 0; w < b.length; w += 4) for (let i = 0; i < 4; i++) swapped[w + i] = b[w + 3 - i];
					assert.strictEqual(decodeAddress(h, o === 'LE' ? 'BE' : 'LE'), oracleAddress(swapped));
				}),
				{ numRuns: 1000 },
			);
		});

		for (const table of INET_TABLES) {
			it(`${table}: rows printed by the kernel's format decode to their fields (both byte orders, any USER_HZ)`, () => {
				fc.assert(
					fc.property(fc.array(fc.tuple(inetFields(table.endsWith('6')), seps), { maxLength: 15 }), byteOrder, fc.constantFrom(undefined, 100, 250, 1000), fc.boolean(), (rows, o, clkTck, header) => {
						const lines = rows.map(([f, s]) => joinTokens(inetTokens(table, f, o), s) + ' '.repeat(f.sl % 7));
						const text = (header ? [INET_HEADER, ...lines] : lines).map((l) => l + '\n').join('');
						const res = parseInetTable(text, table, { byteOrder: o, clkTck });
						assert.deepStrictEqual(res.warnings, []);
						assert.deepStrictEqual(res.rows.map(defined), rows.map(([f]) => inetExpected(table, f, clkTck ?? 100)));
					}),
					{ numRuns: 150 },
				);
			});
		}

		it('unix: records decode to their fields; names keep spaces, @, odd characters and newlines', () => {
			// A newline in a name continues it on the next line; a continuation cannot hold ':' here (it
			// would look like a forged record, tested in unix.test.ts), NUL or a run of zeros.
			const contSeg = fc.string({ unit: nameChar.filter((c) => c !== ':' && c !== '\0'), maxLength: 20 }).filter((s) => !/^0{16,}$/.test(s));
			const nameWithNewlines = fc.tuple(unixName, fc.array(contSeg, { maxLength: 3 })).map(([n, segs]) => [n, ...segs].join('\n').slice(0, 108));
			const records = fc
				.uniqueArray(unixFields(fc.option(fc.oneof(unixName, nameWithNewlines), { freq: 3 })), { selector: (f) => f.inode, maxLength: 20 });
			fc.assert(
				fc.property(records, fc.boolean(), (fs, header) => {
					const text = (header ? [UNIX_HEADER, ...fs.map(unixLine)] : fs.map(unixLine)).map((l) => l + '\n').join('');
					const res = parseUnixTable(text);
					assert.deepStrictEqual(res.warnings, []);
					assert.deepStrictEqual(res.rows, fs.map(unixExpected));
				}),
				{ numRuns: 300 },
			);
		});

		const simple: Array<[string, fc.Arbitrary<unknown[]>, (t: string) => ParseResult<SocketRow>, string]> = [
			['packet', fc.array(fc.tuple(packetFields, seps).map(([f, s]) => ({ line: joinTokens(packetTokens(f), s), want: packetExpected(f) })), { maxLength: 15 }), parsePacketTable, 'sk       RefCnt Type Proto  Iface R Rmem   User   Inode'],
			['netlink', fc.array(fc.tuple(netlinkFields, seps).map(([f, s]) => ({ line: joinTokens(netlinkTokens(f), s), want: netlinkExpected(f) })), { maxLength: 15 }), parseNetlinkTable, 'sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode'],
			['sctp/eps', fc.array(fc.tuple(sctpEpFields, seps).map(([f, s]) => ({ line: joinTokens(sctpEpTokens(f), s) + ' ', want: sctpEpExpected(f) })), { maxLength: 15 }), parseSctpEps, ' ENDPT     SOCK   STY SST HBKT LPORT   UID INODE LADDRS'],
			[
				'sctp/assocs',
				fc.array(
					fc.tuple(sctpAssocFields, seps).map(([f, s]) => {
						// The timers follow a TAB, as in the kernel's "\t%8lu %5d ...".
						const toks = sctpAssocTokens(f);
						const head = toks.slice(0, toks.length - f.tail.length);
						return { line: joinTokens(head, s) + ' \t' + f.tail.map((n) => String(n).padStart(5)).join(' ') + ' ', want: sctpAssocExpected(f) };
					}),
					{ maxLength: 15 },
				),
				parseSctpAssocs,
				' ASSOC     SOCK   STY SST ST HBKT ASSOC-ID TX_QUEUE RX_QUEUE UID INODE LPORT RPORT LADDRS <-> RADDRS HBINT INS OUTS MAXRT T1X T2X RTXC wmema wmemq sndbuf rcvbuf',
			],
		];
		for (const [name, arb, parse, header] of simple) {
			it(`${name}: rows printed by the kernel's format decode to their fields`, () => {
				fc.assert(
					fc.property(arb as fc.Arbitrary<Array<{ line: string; want: Record<string, unknown> }>>, fc.boolean(), (rows, withHeader) => {
						const text = (withHeader ? [header, ...rows.map((r) => r.line)] : rows.map((r) => r.line)).map((l) => l + '\n').join('');
						const res = parse(text);
						assert.deepStrictEqual(res.warnings, []);
						assert.deepStrictEqual(res.rows.map(defined), rows.map((r) => r.want));
					}),
					{ numRuns: 200 },
				);
			});
		}

		it('tables.ts: parseTable gives each inet table rows of its own kind and family', () => {
			fc.assert(
				fc.property(fc.constantFrom(...INET_TABLES).chain((t) => fc.tuple(fc.constant(t), inetFields(t.endsWith('6')), byteOrder)), ([table, f, o]) => {
					const line = inetTokens(table, f, o).join(' ');
					const res = parseTable(table, line, { byteOrder: o });
					assert.strictEqual(res.rows.length, 1);
					assert.deepStrictEqual(defined(res.rows[0]), inetExpected(table, f, 100));
					// The same line read as the other family's table is refused, not decoded as a wrong address.
					const other = (table.endsWith('6') ? table.slice(0, -1) : table + '6') as InetTable;
					const cross = parseTable(other, line, { byteOrder: o });
					assert.deepStrictEqual([cross.rows.length, cross.warnings.length], [0, 1], `${table} line read as ${other}`);
				}),
				{ numRuns: 300 },
			);
		});

		it('/proc/[pid]/stat: pid, comm (any bytes, with ")", "(" and spaces), state, ppid, CPU times, threads, start time, rss', () => {
			const comm = fc.oneof(
				fc.string({ unit: nameChar, maxLength: 15 }),
				fc.string({ unit: fc.constantFrom(')', '(', ' ', 'a', '1', '\n', '\t'), maxLength: 15 }),
				bytes(15).map((b) => Buffer.from(b.filter((x) => x !== 0)).toString('latin1')),
			);
			fc.assert(
				fc.property(fc.integer({ min: 1, max: 4194304 }), comm, fc.constantFrom('R', 'S', 'D', 'Z', 'T', 't', 'X', 'I'), fc.array(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { minLength: 49, maxLength: 49 }), (pid, c, state, nums) => {
					// Fields 4..52 of proc(5); 4 ppid, 14 utime, 15 stime, 20 num_threads, 22 starttime, 24 rss.
					const text = `${pid} (${c}) ${state} ${nums.join(' ')}\n`;
					assert.deepStrictEqual(parseStat(text), { pid, comm: c, state, ppid: nums[0], startTicks: nums[18], numThreads: nums[16], rssPages: nums[20], utimeTicks: nums[10], stimeTicks: nums[11] });
				}),
				{ numRuns: 500 },
			);
		});

		it('/proc/[pid]/status: Name (escaped as the kernel escapes \\n and \\\\), Uid, PPid, NSpid', () => {
			fc.assert(
				fc.property(fc.string({ unit: fc.oneof(nameChar, fc.constantFrom('\n', '\\', '\\n', '\t')), maxLength: 15 }), fc.array(u32, { minLength: 4, maxLength: 4 }), i31, fc.array(i31, { minLength: 1, maxLength: 4 }), (name, uids, ppid, ns) => {
					const escaped = name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
					const text = `Name:\t${escaped}\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t${ns[0]}\nNgid:\t0\nPid:\t${ns[0]}\nPPid:\t${ppid}\nTracerPid:\t0\nUid:\t${uids.join('\t')}\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t\nNStgid:\t${ns.join('\t')}\nNSpid:\t${ns.join('\t')}\nVmPeak:\t    1234 kB\n`;
					assert.deepStrictEqual(parseStatus(text), { name, uids, ppid, nsPids: ns });
				}),
				{ numRuns: 500 },
			);
		});

		it('/proc/[pid]/cmdline: argv (empty strings, newlines, any characters) round-trips; text without NUL is one argument', () => {
			fc.assert(
				fc.property(fc.array(fc.string({ unit: nameChar.filter((c) => c !== '\0'), maxLength: 20 }), { maxLength: 8 }), (argv) => {
					const text = argv.length ? argv.join('\0') + '\0' : '';
					assert.deepStrictEqual(parseCmdline(text), argv);
				}),
				{ numRuns: 500 },
			);
			fc.assert(fc.property(fc.string({ unit: nameChar.filter((c) => c !== '\0'), minLength: 1 }), (s) => assert.deepStrictEqual(parseCmdline(s), [s])));
		});

		it('sockstat: "PROTO: key value ..." lines decode to their counters', () => {
			const proto = fc.stringMatching(/^[A-Z][A-Z0-9]{0,7}$/);
			const key = fc.stringMatching(/^[a-z]{1,8}$/);
			fc.assert(
				fc.property(fc.uniqueArray(fc.tuple(proto, fc.uniqueArray(fc.tuple(key, fc.nat()), { selector: (k) => k[0], minLength: 1, maxLength: 6 })), { selector: (p) => p[0], maxLength: 8 }), (protos) => {
					const text = protos.map(([p, kv]) => `${p}: ${kv.map(([k, v]) => `${k} ${v}`).join(' ')}`).join('\n') + '\n';
					const want = Object.fromEntries(protos.map(([p, kv]) => [p, Object.fromEntries(kv)]));
					assert.deepStrictEqual(parseSockstat(text), want);
				}),
				{ numRuns: 300 },
			);
		});

		it('passwd: name:x:uid:... maps each uid to its first name; comments and malformed lines are skipped', () => {
			const name = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,15}$/);
			const entry = fc.tuple(name, fc.integer({ min: 0, max: 70000 }));
			const junk = fc.constantFrom('', '# comment:x:0:0', 'broken', 'a:x:notanumber:0', 'b:x:-1:0', '+::::::');
			fc.assert(
				fc.property(fc.array(fc.oneof(entry, junk), { maxLength: 20 }), (lines) => {
					const text = lines.map((l) => (typeof l === 'string' ? l : `${l[0]}:x:${l[1]}:${l[1]}:gecos, with spaces:/home/${l[0]}:/bin/sh`)).join('\n');
					const want = new Map<number, string>();
					for (const l of lines) if (typeof l !== 'string' && !want.has(l[1])) want.set(l[1], l[0]);
					assert.deepStrictEqual(parsePasswd(text), want);
				}),
				{ numRuns: 300 },
			);
		});
	});

	describe('malformed rows become warnings, never rows with garbage', () => {
		/** A character that is not a hex digit (nor whitespace, which would split the column). */
		const nonHex = fc.oneof(fc.constantFrom('g', 'G', 'z', 'x', ':', '-', '+', '.', '\0', '\u00e9', '\ud800', '٣', '０'), fc.integer({ min: 0x21, max: 0xffff }).map((c) => String.fromCharCode(c))).filter((c) => !/^[0-9a-fA-F\s]$/.test(c));
		/** Not a decimal digit (nor '-', which a signed column may hold, nor whitespace). */
		const nonDigit = nonHex.filter((c) => c !== '-').chain((c) => fc.constantFrom(c, 'a', 'F'));
		/** Puts `c` at `i`; when the character there already is `c` (a column's own ':'), another non-hex one. */
		const replaceAt = (s: string, i: number, c: string) => s.slice(0, i) + (s[i] === c ? 'g' : c) + s.slice(i + 1);

		/** A generated inet row, its table and byte order: the base every mutation below starts from. */
		const inetRow = fc.constantFrom(...INET_TABLES).chain((t) => fc.tuple(fc.constant(t), inetFields(t.endsWith('6')), byteOrder));
		/** Parses [valid row, mutated row, valid row]: the mutated one must be the only warning, and the valid ones still rows. */
		function expectOneWarning(table: InetTable, o: ByteOrder, f: InetFields, bad: string[]): void {
			const good = inetTokens(table, f, o).join(' ');
			const res = parseInetTable([INET_HEADER, good, bad.join(' '), good].join('\n'), table, { byteOrder: o });
			assert.deepStrictEqual(res.warnings.map((w) => w.line), [3], `${table}: ${JSON.stringify(bad.join(' '))} gave ${res.rows.length} rows`);
			assert.strictEqual(res.rows.length, 2);
		}

		it('inet: a row cut before its 10th column', () => {
			fc.assert(
				fc.property(inetRow, fc.integer({ min: 1, max: 9 }), ([table, f, o], keep) => expectOneWarning(table, o, f, inetTokens(table, f, o).slice(0, keep))),
				{ numRuns: 300 },
			);
		});

		it('inet: a column missing among the first six (sl, addresses, st, queues, timer)', () => {
			fc.assert(
				fc.property(inetRow, fc.integer({ min: 0, max: 5 }), ([table, f, o], drop) => {
					const t = inetTokens(table, f, o);
					t.splice(drop, 1);
					expectOneWarning(table, o, f, t);
				}),
				{ numRuns: 300 },
			);
		});

		it('inet: an extra column among the first six', () => {
			const extra = fc.oneof(
				fc.string({ unit: nameChar.filter((c) => !/\s/.test(c)), minLength: 1, maxLength: 20 }),
				fc.stringMatching(/^[0-9A-F]{1,8}(:[0-9A-F]{1,8})?$/),
				fc.stringMatching(/^[0-9]{1,6}:?$/),
			);
			fc.assert(
				fc.property(inetRow, fc.integer({ min: 0, max: 5 }), extra, ([table, f, o], at, x) => {
					const t = inetTokens(table, f, o);
					t.splice(at, 0, x);
					expectOneWarning(table, o, f, t);
				}),
				{ numRuns: 500 },
			);
		});

		it('inet: a non-hex character in a hex column (addresses, ports, st, queues, timer, retransmits), a non-digit in sl, uid, timeout or inode', () => {
			fc.assert(
				fc.property(inetRow, fc.integer({ min: 0, max: 9 }), fc.nat(), nonHex, nonDigit, ([table, f, o], col, pos, badHex, badDec) => {
					const t = inetTokens(table, f, o);
					const tok = t[col];
					// sl's ':' is the record marker, not a digit: damage the number before it.
					const i = col === 0 ? pos % (tok.length - 1) : pos % tok.length;
					t[col] = replaceAt(tok, i, col === 0 || col >= 7 ? badDec : badHex);
					expectOneWarning(table, o, f, t);
				}),
				{ numRuns: 1000 },
			);
		});

		it('inet: a negative uid or inode (printed unsigned by the kernel)', () => {
			fc.assert(
				fc.property(inetRow, fc.constantFrom(7, 9), ([table, f, o], col) => {
					const t = inetTokens(table, f, o);
					t[col] = '-' + t[col];
					expectOneWarning(table, o, f, t);
				}),
				{ numRuns: 200 },
			);
		});

		it('inet: a damaged optional column (after the inode) is left out of the row, never read as a number', () => {
			fc.assert(
				fc.property(inetRow, fc.nat(), fc.nat(), nonDigit, ([table, f, o], c, pos, bad) => {
					const t = inetTokens(table, f, o);
					const col = 10 + (c % (t.length - 10));
					t[col] = replaceAt(t[col], pos % t[col].length, bad);
					const res = parseInetTable(t.join(' '), table, { byteOrder: o });
					assert.strictEqual(res.rows.length, 1);
					const want = inetExpected(table, f, 100);
					// Which field that column feeds (the pointer, column 11, feeds none).
					const field = col === 10 ? 'refCount' : col === 11 ? null : table.startsWith('tcp') ? [null, null, 'rto', 'ato', null, 'cwnd', 'ssthresh'][col - 10] : 'drops';
					if (field) delete want[field];
					assert.deepStrictEqual(defined(res.rows[0]), want);
				}),
				{ numRuns: 300 },
			);
		});

		it('sctp: a port above 65535', () => {
			fc.assert(
				fc.property(sctpEpFields, sctpAssocFields, fc.integer({ min: 0x10000, max: 99_999_999 }), fc.constantFrom(11, 12), (ep, as, p, col) => {
					const e = sctpEpTokens(ep);
					e[5] = String(p);
					assert.deepStrictEqual(parseSctpEps(e.join(' ')).warnings.length, 1);
					const a = sctpAssocTokens(as);
					a[col] = String(p);
					assert.deepStrictEqual([parseSctpAssocs(a.join(' ')).rows.length, parseSctpAssocs(a.join(' ')).warnings.length], [0, 1]);
				}),
				{ numRuns: 100 },
			);
		});

		/** After an unnamed socket a line that is not a record cannot continue a name, so it must be a warning. */
		it('unix: a record with a field missing, or a non-hex character in a field, is a warning', () => {
			const named = unixFields(fc.option(unixName));
			fc.assert(
				fc.property(unixFields(fc.constant(null)), named, fc.boolean(), fc.integer({ min: 0, max: 6 }), fc.nat(), nonHex, nonDigit, (before, f, drop, col, pos, badHex, badDec) => {
					const t = unixTokens(f);
					if (drop) t.splice(col, 1);
					else {
						const tok = t[col].trim();
						// The pointer's ':' is part of the record shape: damage a digit before it.
						const i = col === 0 ? pos % (tok.length - 1) : pos % tok.length;
						t[col] = replaceAt(tok, i, col === 6 ? badDec : badHex);
					}
					const bad = t.join(' ') + (f.path === null ? '' : ' ' + f.path);
					const res = parseUnixTable([UNIX_HEADER, unixLine({ ...before, inode: '1' }), bad].join('\n') + '\n');
					assert.deepStrictEqual(res.rows.length, 1, JSON.stringify(bad));
					assert.deepStrictEqual(res.warnings.map((w) => w.line), [3]);
				}),
				{ numRuns: 500 },
			);
		});

		const pointerTables: Array<[string, fc.Arbitrary<string[]>, (t: string) => ParseResult<SocketRow>, number[], number[], number[]]> = [
			// name, tokens, parser, hex columns, decimal columns, unsigned columns (queues, uid, inode, ports)
			['packet', packetFields.map(packetTokens), parsePacketTable, [0, 3], [1, 2, 4, 5, 6, 7, 8], [6, 7, 8]],
			['netlink', netlinkFields.map(netlinkTokens), parseNetlinkTable, [0, 3], [1, 2, 4, 5, 6, 7, 8, 9], [4, 5, 8, 9]],
			['sctp/eps', sctpEpFields.map(sctpEpTokens), parseSctpEps, [0, 1], [2, 3, 4, 5, 6, 7], [5, 6, 7]],
			['sctp/assocs', sctpAssocFields.map(sctpAssocTokens), parseSctpAssocs, [0, 1], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [7, 8, 9, 10, 11, 12]],
		];
		for (const [name, arb, parse, hexCols, decCols, unsignedCols] of pointerTables) {
			it(`${name}: a negative queue, uid, inode or port`, () => {
				fc.assert(
					fc.property(arb, arb, fc.constantFrom(...unsignedCols), (good, generated, col) => {
						const t = [...generated];
						t[col] = '-' + t[col];
						const res = parse(['header', good.join(' '), t.join(' ')].join('\n'));
						assert.deepStrictEqual(res.warnings.map((w) => w.line), [3], `${name}: ${JSON.stringify(t.join(' '))}`);
						assert.strictEqual(res.rows.length, 1);
					}),
					{ numRuns: 200 },
				);
			});

			it(`${name}: a row with a column missing, or a bad character in a hex or decimal column`, () => {
				const required = Math.max(...hexCols, ...decCols);
				fc.assert(
					fc.property(arb, arb, fc.boolean(), fc.integer({ min: 0, max: required }), fc.nat(), nonHex, nonDigit, (good, generated, drop, col, pos, badHex, badDec) => {
						const t = [...generated];
						// Dropping a column of a pointer table (not an address) shifts the rest out of shape.
						if (drop) t.splice(col, 1);
						else if (hexCols.includes(col)) t[col] = replaceAt(t[col], pos % t[col].length, badHex);
						else t[col] = replaceAt(t[col], pos % t[col].length, badDec);
						const res = parse(['header', good.join(' '), t.join(' '), good.join(' ')].join('\n'));
						assert.deepStrictEqual(res.warnings.map((w) => w.line), [3], `${name}: ${JSON.stringify(t.join(' '))}`);
						assert.strictEqual(res.rows.length, 2);
					}),
					{ numRuns: 500 },
				);
			});
		}
	});
});
