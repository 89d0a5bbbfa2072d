// `procnet snapshot --json` from the tables' bytes (model/tableJson.ts) against the object route
// it stands in for (buildSnapshot + snapshotJsonPieces): the same text, byte for byte, on real
// tables of every kind, on rows out of the kernel's shape, and on mutated tables, split into parts
// at random line ends as the table reader hands them over.
import * as assert from 'assert';
import type { Capture, ProcessCapture } from '../../src/collect/capture';
import { partText } from '../../src/collect/tableReader';
import { buildSnapshot } from '../../src/model/join';
import { pieceText, snapshotJsonPieces } from '../../src/model/snapshotJson';
import { SnapshotJson, type RouteCounts, type TableBytes } from '../../src/model/tableJson';
import { parseTable } from '../../src/procfs/tables';
import { TABLE_NAMES, type TableName } from '../../src/procfs/types';
import { proc, TCP_HEADER } from './captureText';
import { fixture } from './fixtures';
import { mutate, rng } from './fuzzText';

type Tables = Partial<Record<TableName, string>>;

/** A capture of these namespaces' tables, each text as the reader would have decoded its bytes. */
function captureOf(namespaces: Record<string, Tables>, processes: ProcessCapture[], clkTck = 100, hiddenProcesses?: string): Capture {
	const decoded = (t: Tables): Tables => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, partText(Buffer.from(v!, 'utf8'))]));
	return {
		format: 'procnet-capture',
		version: 1,
		source: { kind: 'file', label: 'test' },
		host: { hostname: 'h', kernel: '6.18', byteOrder: 'LE', clkTck, bootTime: 1_700_000_000, pageSize: 4096 },
		takenAt: '2026-11-25T00:00:00.000Z',
		selfPid: null,
		namespaces: Object.entries(namespaces).map(([id, tables], i) => ({ id, viaPid: i + 1, tables: decoded(tables) })),
		processes,
		passwd: 'root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n',
		errors: ['one error of the read'],
		hiddenProcesses,
	};
}

/** The capture's tables as bytes, in the reader's order, each cut at random line ends into parts. */
function tableBytes(cap: Capture, r: () => number): TableBytes[] {
	const out: TableBytes[] = [];
	for (const ns of cap.namespaces) {
		for (const table of TABLE_NAMES) {
			const text = ns.tables[table];
			if (text === undefined) continue;
			const bytes = Buffer.from(text, 'utf8');
			const parts: Buffer[] = [];
			let start = 0;
			while (start < bytes.length) {
				const nl = bytes.indexOf(10, start + Math.floor(r() * 600));
				const end = nl < 0 ? bytes.length : nl + 1;
				parts.push(bytes.subarray(start, end));
				start = end;
			}
			out.push({ netns: ns.id, table, parts });
		}
	}
	return out;
}

/** Both routes' text of one capture, and how many sockets the byte route wrote each way. */
function bothRoutes(cap: Capture, seed = 7): { objects: string; bytes: string; counts: RouteCounts } {
	const objects = [...snapshotJsonPieces(buildSnapshot(cap))].map(pieceText).join('');
	const json = new SnapshotJson(cap.host);
	// As the table reader does: each part in one reused buffer, good only during the call (here
	// overwritten after it), so nothing may be kept from a part but a copy.
	const scratch = Buffer.alloc(64 << 10);
	for (const t of tableBytes(cap, rng(seed))) {
		const c = json.table(t.netns, t.table);
		for (const p of t.parts) {
			const view = p.length <= scratch.length ? scratch.subarray(0, p.length) : Buffer.alloc(p.length);
			view.set(p);
			c.part(view);
			view.fill(0x30);
		}
		c.end();
	}
	const chunks: Buffer[] = [];
	// Each chunk is a view of one reused buffer: copied before the next is asked for.
	for (const c of json.write(cap)) chunks.push(Buffer.from(c));
	return { objects, bytes: Buffer.concat(chunks).toString('utf8'), counts: json.counts };
}

/** Where two texts first differ, for a failure message that shows it. */
function firstDifference(a: string, b: string): string {
	let i = 0;
	while (i < a.length && a[i] === b[i]) i++;
	return `at ${i}:\n  objects: ${a.slice(Math.max(0, i - 120), i + 80)}\n  bytes:   ${b.slice(Math.max(0, i - 120), i + 80)}`;
}

function assertSame(r: { objects: string; bytes: string }): void {
	if (r.bytes !== r.objects) assert.fail(`the byte route's JSON differs ${firstDifference(r.objects, r.bytes)}`);
}

/** Inodes of a table's rows, to hand to processes as fds. */
function inodesOf(table: TableName, text: string): string[] {
	return parseTable(table, text, { byteOrder: 'LE' }).rows.map((row) => row.inode).filter((i) => i !== '0');
}

const HOST: Tables = Object.fromEntries(
	(['tcp', 'tcp6', 'udp', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6', 'icmp', 'icmp6', 'unix', 'packet', 'netlink'] as const).map((t) => [t, fixture(`linux-6.18-host/${t}.txt`)]),
);
const PROMETHEUS: Tables = {
	tcp: fixture('prometheus-procfs/proc/net/tcp'),
	tcp6: fixture('prometheus-procfs/proc/net/tcp6'),
	udp: fixture('prometheus-procfs/proc/net/udp_broken'),
	udp6: fixture('prometheus-procfs/proc/net/udp6'),
	unix: fixture('prometheus-procfs/proc/net/unix'),
};
const REFERENCE: Tables = {
	tcp: fixture('reference-6.18/tcp.txt'),
	udp: fixture('reference-6.18/udp.txt'),
	raw: fixture('reference-6.18/raw.txt'),
	icmp: fixture('reference-6.18/icmp.txt'),
	'sctp/eps': fixture('insights-core-sctp/eps'),
	'sctp/assocs': fixture('insights-core-sctp/assocs'),
};

/** A tcp row with every column given: the kernel's layout, or not. */
const row = (cols: string) => `   ${cols}\n`;
const full = (sl: number, local: string, rem: string, st: string, q: string, timer: string, inode: string, tail = '1 0000000000000000 20 4 0 10 -1') =>
	row(`${sl}: ${local} ${rem} ${st} ${q} ${timer} 00000000  1000        0 ${inode} ${tail}`);

/** Rows the kernel prints rarely or never: the byte route must hand each to the parser, or write what the parser would. */
const EDGE_TCP =
	TCP_HEADER +
	full(0, '0100007F:1F90', '00000000:0000', '0A', '00000000:00000000', '00:00000000', '5001') +
	// ssthresh -1 (null), a timer with a fraction of a second, a 13-digit send queue (beyond 32 bits)
	full(1, '0100007F:1F90', '0200007F:D431', '01', 'FFFFFFFFFFFFF:00000010', '02:0000012B', '5002') +
	// TIME_WAIT: inode 0, a mini socket of 12 columns
	row('2: 0100007F:1F90 0300007F:D432 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000') +
	// leading zeros in the inode; an inode beyond 32 bits; the same inode twice (a repeat)
	full(3, '0100007F:1F91', '00000000:0000', '0A', '00000000:00000000', '00:00000000', '0005003') +
	full(4, '0100007F:1F92', '00000000:0000', '0A', '00000000:00000000', '00:00000000', '4294967296') +
	full(5, '0100007F:1F93', '00000000:0000', '0A', '00000000:00000000', '00:00000000', '5004') +
	full(6, '0100007F:1F93', '00000000:0000', '0A', '00000000:00000000', '00:00000000', '5004') +
	// tabs; a CR before the newline; a byte above 0x7F in the pointer column
	'   7:\t0100007F:1F94 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5005 1 0000000000000000 20 4 0 10 -1\n' +
	full(8, '0100007F:1F95', '00000000:0000', '0A', '00000000:00000000', '00:00000000', '5006').replace('\n', '\r\n') +
	full(9, '0100007F:1F96', '00000000:0000', '0A', '00000000:00000000', '00:00000000', '5007', '1 00000000000000é0 20 4 0 10 -1') +
	// 12 columns with an inode (a mini socket the kernel would print with inode 0); an empty line
	row('10: 0100007F:1F97 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5008 1 0000000000000000') +
	'\n' +
	// a column damaged: not hex, not decimal, an address of the wrong length, a port of 5 digits
	full(11, '0100007G:1F98', '00000000:0000', '0A', '00000000:00000000', '00:00000000', '5009') +
	full(12, '0100007F:1F99', '00000000:0000', '0A', '00000000:00000000', '00:00000000', '50x0') +
	full(13, '00007F:1F9A', '00000000:0000', '0A', '00000000:00000000', '00:00000000', '5011') +
	full(14, '0100007F:01F9B', '00000000:0000', '0A', '00000000:00000000', '00:00000000', '5012') +
	full(15, '0100007F:1F9C', '00000000:0000', '0A', '00000000:00000000', '00:00000000', '5013', '1 0000000000000000 2x 4 0 10 -1') +
	// extra columns past ssthresh; a timer code the kernel does not have; a negative timeout
	full(16, '0100007F:1F9D', '00000000:0000', '0A', '00000000:00000000', '09:00000000', '5014', '1 0000000000000000 20 4 0 10 7 8 9') +
	row('17: 0100007F:1F9E 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000       -1 5015 1 0000000000000000 20 4 0 10 -1') +
	// the header again, not on line 1
	TCP_HEADER;

const EDGE_TCP6 =
	TCP_HEADER +
	row('0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 6001 1 0000000000000000 20 4 0 10 -1') +
	// an IPv4-mapped address; an IPv4 address in the v6 table
	row('1: 0000000000000000FFFF00000100007F:1F91 0000000000000000FFFF00000200007F:D000 01 00000000:00000000 00:00000000 00000000  1000        0 6002 1 0000000000000000 20 4 0 10 -1') +
	row('2: 0100007F:1F92 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 6003 1 0000000000000000 20 4 0 10 -1');

const EDGE_UDP =
	'   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n' +
	row('1: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 7001 2 0000000000000000 0') +
	row('2: 0100007F:0036 0100007F:0035 01 00000000:00000000 00:00000000 00000000   101        0 7002 2 0000000000000000 12') +
	// no drops column; a negative ref count
	row('3: 0100007F:0037 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 7003 2 0000000000000000') +
	row('4: 0100007F:0038 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 7004 -2 0000000000000000 0');

describe('snapshot JSON from the tables\' bytes', () => {
	const hostInodes = [...inodesOf('tcp', HOST.tcp!), ...inodesOf('udp', HOST.udp!), ...inodesOf('unix', HOST.unix!)];
	// Every second inode held by pid 100; every third also by pid 200 (two owners, sorted), one by
	// a process whose stat does not parse (left out, and so are its fds).
	const processes = (): ProcessCapture[] => [
		proc(100, 1, 'server', hostInodes.filter((_, i) => i % 2 === 0).map((inode, i): [number, string] => [10 + i, inode])),
		proc(200, 1, 'worker', hostInodes.filter((_, i) => i % 3 === 0).map((inode, i): [number, string] => [3 + i, inode])),
		proc(300, 1, 'edge', [[3, '5001'], [4, '5002'], [5, '4294967296'], [6, '5003'], [7, '6002'], [8, '7002'], [9, '5004'], [10, '5004']]),
		proc(400, 1, 'broken', [[3, hostInodes[1]]], { stat: 'not a stat line' }),
	];

	it('writes the same JSON as the object route, on real tables of every kind in three namespaces', () => {
		const cap = captureOf({ 'net:[1]': HOST, 'net:[2]': PROMETHEUS, 'net:[3]': REFERENCE }, processes());
		const r = bothRoutes(cap);
		assertSame(r);
		const inet = ['tcp', 'tcp6', 'udp', 'udp6', 'udplite', 'udplite6', 'icmp', 'icmp6'] as const;
		const inetRows = inet.reduce((n, t) => n + inodesOf(t, HOST[t] ?? '').length, 0);
		// The byte route is the one taken for the kernel's own rows: at least every inet row of the host's tables.
		assert.ok(r.counts.fromBytes >= inetRows && inetRows > 100, `${r.counts.fromBytes} sockets from bytes; the host's inet tables have ${inetRows}`);
		assert.ok(r.counts.parsed > 0, 'unix, packet, netlink, raw and sctp go through their parsers');
		const snap = JSON.parse(r.bytes) as { sockets: Array<{ owners: Array<{ pid: number }> }> };
		assert.ok(snap.sockets.some((s) => s.owners.length === 2), 'a socket with two owners');
	});

	it('hands every row out of the kernel\'s shape to the parser: same sockets, warnings and repeats', () => {
		for (const clkTck of [100, 250]) {
			const cap = captureOf({ 'net:[4]': { tcp: EDGE_TCP, tcp6: EDGE_TCP6, udp: EDGE_UDP } }, processes(), clkTck);
			const r = bothRoutes(cap);
			assertSame(r);
			const snap = JSON.parse(r.bytes) as { sockets: Array<{ inode: string; ssthresh?: number | null; owners: unknown[] }>; warnings: Array<{ message: string }> };
			assert.ok(r.counts.fromBytes >= 6 && r.counts.parsed >= 6, JSON.stringify(r.counts));
			assert.ok(snap.warnings.some((w) => /listed twice/.test(w.message)), 'the repeated inode is counted');
			assert.ok(snap.warnings.length >= 6, `${snap.warnings.length} warnings`);
			assert.strictEqual(snap.sockets.find((s) => s.inode === '5002')?.ssthresh, null);
			assert.strictEqual(snap.sockets.find((s) => s.inode === '4294967296')?.owners.length, 1);
		}
	});

	it('says permission-denied when fds were hidden or refused, as the object route does', () => {
		const denied = processes();
		denied[0].fdAccess = 'denied';
		assertSame(bothRoutes(captureOf({ 'net:[4]': { tcp: EDGE_TCP, udp: EDGE_UDP } }, denied)));
		const hidden = captureOf({ 'net:[4]': { tcp: EDGE_TCP } }, processes(), 100, '/proc is mounted with hidepid=2');
		const r = bothRoutes(hidden);
		assertSame(r);
		assert.ok(r.bytes.includes('"ownerUnknown":"permission-denied"'));
	});

	for (const seed of [1, 2, 3, 42, 1337]) {
		it(`writes the same JSON as the object route on mutated tables (seed ${seed})`, () => {
			const r = rng(seed);
			let fromBytes = 0;
			for (let round = 0; round < 25; round++) {
				const tables: Tables = {
					tcp: mutate(HOST.tcp! + EDGE_TCP, r),
					tcp6: mutate(HOST.tcp6! + EDGE_TCP6, r),
					udp: mutate(HOST.udp! + EDGE_UDP, r),
					icmp: mutate(HOST.icmp!, r),
				};
				const res = bothRoutes(captureOf({ 'net:[5]': tables }, processes()), seed * 1000 + round);
				assertSame(res);
				fromBytes += res.counts.fromBytes;
			}
			assert.ok(fromBytes > 0, 'mutation leaves most rows whole: the byte route wrote some');
		});
	}
});
