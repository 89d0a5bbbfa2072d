// `procnet snapshot --json` written straight from the socket tables' bytes. At 100k sockets the
// object route (parse each row into a socket object, then JSON.stringify them) spent ~500 ms of
// this machine's one busy thread on 100k tcp rows, against ~250 ms for reading the numbers out
// of the row's bytes and writing the JSON bytes beside them: no object, no string per field, no
// garbage. The object route stays the reference: every row this one is not sure of (a column
// out of shape, inode 0, a table not tcp/udp-like, text that is not plain ASCII) goes through
// the inet parser and JSON.stringify as before, and a test holds the two to the same bytes.
import { isAscii } from 'buffer';
import type { Capture } from '../collect/capture';
import { partText } from '../collect/tableReader';
import { decodeAddress } from '../procfs/address';
import { InetTableParser, kindOfTable, stateName, TIMERS, type InetTable } from '../procfs/inet';
import type { SocketKind, TableName } from '../procfs/types';
import { attachOwners, buildSnapshot, fdsDenied, NamespaceParser, type TableIds } from './join';
import { OwnerIndex } from './ownerIndex';
import type { Owner, SocketInfo } from './snapshot';
import { JSON_PIECE } from './snapshotJson';

/** One table as it was read, in parts that each end at a line's end (tableReader.ts). */
export interface TableBytes {
	netns: string;
	table: TableName;
	parts: Buffer[];
}

/** How many sockets each route wrote (for tests: that the byte route is the one taken). */
export interface RouteCounts {
	fromBytes: number;
	parsed: number;
}

/** The output buffer is handed on once it holds this much (a row's JSON is ~450 bytes). */
const FLUSH_AT = 224 << 10;

/**
 * The snapshot of `capture` as compact JSON, the same bytes `snapshotJsonPieces` makes of
 * `buildSnapshot` (but `takenAt`, which is the capture's either way), in chunks. `tables` are the
 * capture's tables in the order they were read (namespace by namespace, each in TABLE_NAMES
 * order); `owners` indexes its processes' socket fds (made here from their `fds` if not given).
 * Each chunk is a view of one reused buffer: write it before asking for the next.
 */
export function* snapshotJsonFromTables(capture: Capture, tables: readonly TableBytes[], owners?: OwnerIndex, counts: RouteCounts = { fromBytes: 0, parsed: 0 }): Generator<Buffer> {
	let index = owners;
	if (!index) {
		index = new OwnerIndex();
		for (const p of capture.processes) index.add(p);
	}
	const head = buildSnapshot(capture, { sockets: [], warnings: [] }, index);
	const out = new JsonOut();
	const w = new SocketWriter(out, new NamespaceParser(capture.host), index, fdsDenied(head, capture), capture.host.clkTck, counts);
	let first = true;
	out.text('{');
	for (const [key, value] of Object.entries(head)) {
		if (value === undefined) continue;
		out.text(`${first ? '' : ','}${JSON.stringify(key)}:`);
		first = false;
		if (key === 'sockets') {
			out.text('[');
			for (const t of tables) {
				for (const step of w.table(t)) if (step && out.length >= FLUSH_AT) yield out.take();
			}
			out.text(']');
		} else if (key === 'warnings') {
			out.text(JSON.stringify([...head.warnings, ...w.parser.finish().warnings]));
		} else {
			out.text(JSON.stringify(value));
		}
		if (out.length >= FLUSH_AT) yield out.take();
	}
	out.text('}\n');
	yield out.take();
}

/** A growing byte buffer of JSON text, emptied by take. */
class JsonOut {
	buf = Buffer.allocUnsafe(256 << 10);
	length = 0;

	/** Room for `n` more bytes. */
	room(n: number): void {
		if (this.length + n <= this.buf.length) return;
		const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.length + n));
		this.buf.copy(bigger, 0, 0, this.length);
		this.buf = bigger;
	}

	text(s: string): void {
		this.room(3 * s.length);
		this.length += this.buf.write(s, this.length, 'utf8');
	}

	bytes(b: Uint8Array): void {
		const n = b.length;
		// A long piece (a key run of 20-60 bytes) natively; a short one byte by byte, as set()'s
		// call costs more than copying a few bytes.
		if (n > 16) {
			this.room(n);
			this.buf.set(b, this.length);
			this.length += n;
		} else {
			this.copy(b, 0, n);
		}
	}

	/** b[s, e): byte by byte, as a TypedArray set() costs more than the copy for a few bytes. */
	copy(b: Uint8Array, s: number, e: number): void {
		this.room(e - s);
		const { buf } = this;
		let o = this.length;
		for (let i = s; i < e; i++) buf[o++] = b[i];
		this.length = o;
	}

	take(): Buffer {
		const chunk = this.buf.subarray(0, this.length);
		this.length = 0;
		return chunk;
	}
}

const enc = (s: string): Buffer => Buffer.from(s, 'latin1');
const MAX_TOKENS = 24;
const ts = new Int32Array(MAX_TOKENS);
const te = new Int32Array(MAX_TOKENS);

/** The key pieces of an inet socket's JSON, in the order of the inet parser's object literal. */
const K = {
	rxQueue: enc(',"rxQueue":'),
	uid: enc(',"uid":'),
	inode: enc(',"inode":"'),
	retransmits: enc(',"retransmits":'),
	probes: enc(',"probes":'),
	drops: enc(',"drops":'),
	refCount: enc(',"refCount":'),
	rto: enc(',"rto":'),
	ato: enc(',"ato":'),
	cwnd: enc(',"cwnd":'),
	ssthresh: enc(',"ssthresh":'),
	null: enc('null'),
	pid: enc('{"pid":'),
	fd: enc(',"fd":'),
	ownerEnd: enc('}'),
	known: enc('],"ownerUnknown":null}'),
	denied: enc('],"ownerUnknown":"permission-denied"}'),
	notFound: enc('],"ownerUnknown":"not-found"}'),
};

/** Writes a table's sockets; inet rows from their bytes where it can, every other through the parsers. */
class SocketWriter {
	private first = true;
	private readonly hz: number;
	/** JSON of numbers that are not small integers (timers in seconds: 0.2, 0.04), by value. */
	private readonly numbers = new Map<number, Buffer>();
	private readonly states = new Map<number, Buffer>();
	private readonly timers = TIMERS.map(timerJson);
	private readonly timerUnknown = timerJson('unknown');

	constructor(
		readonly out: JsonOut,
		readonly parser: NamespaceParser,
		private readonly index: OwnerIndex,
		private readonly anyDenied: boolean,
		clkTck: number,
		readonly counts: RouteCounts,
	) {
		this.hz = clkTck > 0 ? clkTck : 100;
	}

	/** Writes the table's sockets, a step at a time: after each, the caller may take what was written. */
	*table(t: TableBytes): Generator<boolean> {
		if (isBytesTable(t.table)) {
			yield* new InetRows(this, t).run();
			return;
		}
		const s = this.parser.stream(t.netns, t.table);
		for (const part of t.parts) s.text(partText(part));
		s.end();
		const sockets = this.parser.takeSockets();
		for (let i = 0; i < sockets.length; i += JSON_PIECE) {
			this.objects(sockets.slice(i, i + JSON_PIECE));
			yield true;
		}
	}

	/** Sockets made by the parsers: their owners, then their JSON. */
	objects(sockets: SocketInfo[]): void {
		if (!sockets.length) return;
		attachOwners(sockets, this.index, this.anyDenied);
		this.counts.parsed += sockets.length;
		const text = JSON.stringify(sockets);
		this.out.text(`${this.first ? '' : ','}${text.slice(1, -1)}`);
		this.first = false;
	}

	/**
	 * Starts a socket's JSON: the comma before it, and its first key. `room`: the most bytes the
	 * row writes before its owners, as writeUint does not look for room itself.
	 */
	open(head: Buffer, room: number): void {
		const { out } = this;
		out.room(room);
		if (!this.first) out.buf[out.length++] = 44;
		this.first = false;
		out.bytes(head);
	}

	/** A number as JSON (what JSON.stringify writes for it). */
	num(v: number): void {
		const { out } = this;
		if (v >= 0 && v < 0x80000000 && (v | 0) === v) {
			writeUint(out, v);
			return;
		}
		let b = this.numbers.get(v);
		if (!b) {
			if (this.numbers.size > 4096) this.numbers.clear();
			b = enc(JSON.stringify(v));
			this.numbers.set(v, b);
		}
		out.bytes(b);
	}

	/** The state and the key after it. */
	state(kind: SocketKind, code: number): void {
		const key = code * 2 + (kind === 'tcp' ? 1 : 0);
		let b = this.states.get(key);
		if (!b) this.states.set(key, (b = enc(`,"state":${JSON.stringify(stateName(kind, code))},"txQueue":`)));
		this.out.bytes(b);
	}

	/** From the inode's closing quote: the nulls, the timer and its seconds. */
	timer(code: number, when: number): void {
		this.out.bytes(this.timers[code] ?? this.timerUnknown);
		this.num(when / this.hz);
	}

	seconds(ticks: number): void {
		this.num(ticks / this.hz);
	}

	/**
	 * The owners of the inode `key` (after the key's `[`) and why there are none, which end the
	 * socket's JSON. A lone owner, as most sockets have, is read from the index in place.
	 */
	owners(key: number, inode: () => string): void {
		const { out, index } = this;
		let list: Owner[] | undefined;
		if (key <= 0xffffffff) {
			const e = index.entryOf(key);
			if (e && !index.nextEntry(e)) {
				out.room(48);
				out.bytes(K.pid);
				writeUint(out, index.pidAt(e));
				out.bytes(K.fd);
				writeUint(out, index.fdAt(e));
				out.bytes(K.ownerEnd);
				out.bytes(K.known);
				return;
			}
			if (e) list = index.get(inode());
		} else {
			list = index.get(inode());
		}
		if (!list) {
			out.bytes(this.anyDenied ? K.denied : K.notFound);
			return;
		}
		out.room(48 * list.length);
		for (let i = 0; i < list.length; i++) {
			if (i) out.buf[out.length++] = 44;
			out.bytes(K.pid);
			writeUint(out, list[i].pid);
			out.bytes(K.fd);
			writeUint(out, list[i].fd);
			out.bytes(K.ownerEnd);
		}
		out.bytes(K.known);
	}
}

function timerJson(name: string): Buffer {
	return enc(`","path":null,"unixType":null,"timer":${JSON.stringify(name)},"timerSeconds":`);
}

/** Tables whose rows the byte route writes: the inet tables but raw's (a protocol, not a port). */
function isBytesTable(t: TableName): t is InetTable {
	return t === 'tcp' || t === 'tcp6' || t === 'udp' || t === 'udp6' || t === 'udplite' || t === 'udplite6' || t === 'icmp' || t === 'icmp6';
}

/** Decimal digits of a non-negative integer below 2^31. */
function writeUint(out: JsonOut, v: number): void {
	const { buf } = out;
	if (v < 10) {
		buf[out.length++] = 48 + v;
		return;
	}
	let digits = 1;
	for (let x = v; x >= 10; x = (x / 10) | 0) digits++;
	let i = out.length + digits;
	out.length = i;
	for (let x = v; ; ) {
		const q = (x / 10) | 0;
		buf[--i] = 48 + x - q * 10;
		if (q === 0) break;
		x = q;
	}
}

/** Index of the first ':' in b[s, e), or -1. */
function colonIn(b: Buffer, s: number, e: number): number {
	for (let i = s; i < e; i++) if (b[i] === 58) return i;
	return -1;
}

/** Value of hex digit byte `c`, or -1. */
function hexValue(c: number): number {
	if (c >= 48 && c <= 57) return c - 48;
	if (c >= 65 && c <= 70) return c - 55;
	if (c >= 97 && c <= 102) return c - 87;
	return -1;
}

/** Hex number in b[s, e) as the inet parser reads one (1-13 digits); -1 otherwise. */
function hexIn(b: Buffer, s: number, e: number): number {
	if (e <= s || e - s > 13) return -1;
	let v = 0;
	for (let i = s; i < e; i++) {
		const d = hexValue(b[i]);
		if (d < 0) return -1;
		v = v * 16 + d;
	}
	return v;
}

/** Decimal in b[s, e), optionally negative, 1-15 digits; NaN otherwise (the inet parser's decAt). */
function decIn(b: Buffer, s: number, e: number, signed: boolean): number {
	const neg = signed && b[s] === 45;
	const from = neg ? s + 1 : s;
	if (e <= from || e - from > 15) return NaN;
	let v = 0;
	for (let i = from; i < e; i++) {
		const c = b[i] - 48;
		if (c < 0 || c > 9) return NaN;
		v = v * 10 + c;
	}
	return neg ? -v : v;
}

/** An address's JSON, with its key and the port's key: `,"localAddress":"::1","localPort":`. */
interface AddressJson {
	local: Buffer;
	remote: Buffer;
}

/** An address as JSON, with where its hex was last seen, to skip the lookup for a run of the same. */
interface AddressSeen {
	buf: Buffer | undefined;
	at: number;
	json: AddressJson | undefined;
}

/** One inet table's rows: from their bytes when they have the kernel's shape, through the parser otherwise. */
class InetRows {
	private readonly kind: SocketKind;
	private readonly v6: boolean;
	private readonly hexLen: number;
	private readonly ids: TableIds;
	/** `{"kind":"tcp","ipVersion":4` */
	private readonly head: Buffer;
	/** `,"id":"net:[...]|tcp4|`, before the inode. */
	private readonly idHead: Buffer;
	/** `","netns":"net:[...]","owners":[`, after the id's inode. */
	private readonly tail: Buffer;
	/** The most a row writes before its owners: ~450 bytes of keys and numbers, with its id and namespace. */
	private readonly room: number;
	/** Rows the byte route leaves to the parser, one line at a time with its number. */
	private readonly fallback: InetTableParser;
	private readonly addresses = new Map<string, AddressJson | null>();
	private readonly local: AddressSeen = { buf: undefined, at: 0, json: undefined };
	private readonly remote: AddressSeen = { buf: undefined, at: 0, json: undefined };
	private readonly byteOrder;

	constructor(
		private readonly w: SocketWriter,
		private readonly t: TableBytes,
	) {
		const table = t.table as InetTable;
		this.kind = kindOfTable(table);
		this.v6 = table.endsWith('6');
		this.hexLen = this.v6 ? 32 : 8;
		const opts = w.parser.opts;
		this.byteOrder = opts.byteOrder;
		this.fallback = new InetTableParser(table, opts);
		this.ids = w.parser.table(t.netns, t.table);
		const version = this.v6 ? 6 : 4;
		this.head = enc(`{"kind":${JSON.stringify(this.kind)},"ipVersion":${version}`);
		this.idHead = Buffer.from(`,"id":${JSON.stringify(`${t.netns}|${this.kind}${version}|`).slice(0, -1)}`, 'utf8');
		this.tail = Buffer.from(`","netns":${JSON.stringify(t.netns)},"owners":[`, 'utf8');
		this.room = 1024 + this.idHead.length + this.tail.length;
	}

	*run(): Generator<boolean> {
		let lineNo = 0;
		for (const b of this.t.parts) {
			// Tabs, CRs and bytes above 0x7F are not the kernel's: the parser reads such a part.
			const plain = b.indexOf(9) < 0 && b.indexOf(13) < 0 && isAscii(b);
			let rows = 0;
			for (let start = 0; start < b.length; ) {
				let end = b.indexOf(10, start);
				if (end < 0) end = b.length;
				lineNo++;
				if (!plain || !this.row(b, start, end)) this.viaParser(plain ? b.toString('latin1', start, end) : partText(b.subarray(start, end)), lineNo);
				start = end + 1;
				if (++rows === 256) {
					rows = 0;
					yield true;
				}
			}
		}
		this.w.parser.warn(this.t.netns, this.fallback.warnings);
		yield true;
	}

	private viaParser(line: string, lineNo: number): void {
		this.fallback.lineAt(line, lineNo);
		const rows = this.fallback.take();
		if (!rows.length) return;
		this.w.parser.adopt(this.ids, rows);
		this.w.objects(this.w.parser.takeSockets());
	}

	/**
	 * Writes the row in b[s, e) if it has the kernel's shape throughout; false (nothing written)
	 * if not, for the parser to read it: every check here is one the parser makes, or stricter.
	 */
	private row(b: Buffer, s: number, e: number): boolean {
		let n = 0;
		for (let i = s; n < MAX_TOKENS; ) {
			while (i < e && b[i] === 32) i++;
			if (i >= e) break;
			ts[n] = i;
			while (i < e && b[i] !== 32) i++;
			te[n++] = i;
		}
		const tcp = this.kind === 'tcp';
		if (n < (tcp ? 17 : 13)) return false;
		// sl: digits and a colon.
		const slEnd = te[0] - 1;
		if (b[slEnd] !== 58 || slEnd <= ts[0]) return false;
		for (let i = ts[0]; i < slEnd; i++) if (b[i] < 48 || b[i] > 57) return false;
		const hexLen = this.hexLen;
		if (te[1] - ts[1] !== hexLen + 5 || b[ts[1] + hexLen] !== 58 || te[2] - ts[2] !== hexLen + 5 || b[ts[2] + hexLen] !== 58) return false;
		const localPort = hexIn(b, ts[1] + hexLen + 1, te[1]);
		const remotePort = hexIn(b, ts[2] + hexLen + 1, te[2]);
		const local = this.address(this.local, b, ts[1]);
		const remote = this.address(this.remote, b, ts[2]);
		if (localPort < 0 || remotePort < 0 || !local || !remote) return false;
		const st = hexIn(b, ts[3], te[3]);
		const qc = colonIn(b, ts[4], te[4]);
		const tc = colonIn(b, ts[5], te[5]);
		if (st < 0 || qc < 0 || tc < 0) return false;
		const txQueue = hexIn(b, ts[4], qc);
		const rxQueue = hexIn(b, qc + 1, te[4]);
		const timerCode = hexIn(b, ts[5], tc);
		const when = hexIn(b, tc + 1, te[5]);
		const retransmits = hexIn(b, ts[6], te[6]);
		const uid = decIn(b, ts[7], te[7], false);
		const probes = decIn(b, ts[8], te[8], true);
		// An inode of 0 (ids of their own) or with leading zeros: the parser's.
		if (b[ts[9]] === 48 || te[9] - ts[9] > 15) return false;
		const inodeValue = decIn(b, ts[9], te[9], false);
		const ref = decIn(b, ts[10], te[10], true);
		if (txQueue < 0 || rxQueue < 0 || timerCode < 0 || when < 0 || retransmits < 0 || Number.isNaN(uid) || Number.isNaN(probes) || Number.isNaN(inodeValue) || Number.isNaN(ref)) return false;
		let rto = 0, ato = 0, cwnd = 0, ssthresh = 0, drops = 0;
		if (tcp) {
			rto = decIn(b, ts[12], te[12], true);
			ato = decIn(b, ts[13], te[13], true);
			cwnd = decIn(b, ts[15], te[15], true);
			ssthresh = decIn(b, ts[16], te[16], true);
			if (Number.isNaN(rto) || Number.isNaN(ato) || Number.isNaN(cwnd) || Number.isNaN(ssthresh)) return false;
		} else {
			drops = decIn(b, ts[12], te[12], true);
			if (Number.isNaN(drops)) return false;
		}
		// A repeat (the table changed while it was read) is counted and left out, as the parser's.
		if (!this.w.parser.claim(this.ids, inodeValue)) return true;

		const { w } = this;
		const out = w.out;
		w.open(this.head, this.room);
		out.bytes(local.local);
		writeUint(out, localPort);
		out.bytes(remote.remote);
		writeUint(out, remotePort);
		w.state(this.kind, st);
		w.num(txQueue);
		out.bytes(K.rxQueue);
		w.num(rxQueue);
		out.bytes(K.uid);
		w.num(uid);
		out.bytes(K.inode);
		out.copy(b, ts[9], te[9]);
		w.timer(timerCode, when);
		out.bytes(K.retransmits);
		w.num(retransmits);
		out.bytes(K.probes);
		w.num(probes);
		if (!tcp) {
			out.bytes(K.drops);
			w.num(drops);
		}
		out.bytes(K.refCount);
		w.num(ref);
		if (tcp) {
			out.bytes(K.rto);
			w.seconds(rto);
			out.bytes(K.ato);
			w.seconds(ato);
			out.bytes(K.cwnd);
			w.num(cwnd);
			out.bytes(K.ssthresh);
			if (ssthresh < 0) out.bytes(K.null);
			else w.num(ssthresh);
		}
		out.bytes(this.idHead);
		out.copy(b, ts[9], te[9]);
		out.bytes(this.tail);
		w.counts.fromBytes++;
		w.owners(inodeValue, () => b.toString('latin1', ts[9], te[9]));
		return true;
	}

	/**
	 * The JSON of the address whose hex starts at b[at] (this.hexLen digits), or null when the
	 * parser would not take it (not hex, or not of the table's family). Rows in a run mostly share
	 * their addresses (127.0.0.1, ::1), so the last one is compared before any string is made.
	 */
	private address(seen: AddressSeen, b: Buffer, at: number): AddressJson | null {
		const len = this.hexLen;
		const prev = seen.buf;
		if (prev) {
			let same = true;
			for (let i = 0; i < len; i++) {
				if (prev[seen.at + i] !== b[at + i]) {
					same = false;
					break;
				}
			}
			if (same) {
				seen.buf = b;
				seen.at = at;
				return seen.json!;
			}
		}
		const hex = b.toString('latin1', at, at + len);
		let json = this.addresses.get(hex);
		if (json === undefined) {
			const a = decodeAddress(hex, this.byteOrder);
			json = a === null || a.includes(':') !== this.v6 ? null : { local: enc(`,"localAddress":${JSON.stringify(a)},"localPort":`), remote: enc(`,"remoteAddress":${JSON.stringify(a)},"remotePort":`) };
			this.addresses.set(hex, json);
		}
		if (json) {
			seen.buf = b;
			seen.at = at;
			seen.json = json;
		}
		return json;
	}
}
