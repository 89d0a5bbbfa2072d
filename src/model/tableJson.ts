// `procnet snapshot --json` written from the socket tables' bytes, in two steps. At 100k sockets
// the object route (parse each row into a socket object, then JSON.stringify them) kept the
// CLI's main thread busy for ~700 ms after the fd scan; here:
//   1. as each table is read, while the worker still walks the fds, every inet row that has the
//      kernel's shape is written as JSON up to its owners, straight from its bytes: no object,
//      no string per field, no garbage (~40 MB at 100k, in 1 MB chunks);
//   2. once the fds are indexed, those pieces are written out with each socket's owners.
// Every row this route is not sure of (a column out of shape, inode 0, a raw table, text that is
// not plain ASCII) and every other table goes through the parsers and JSON.stringify as before,
// sharing the parser's ids, repeats and warnings, so the text is the object route's, byte for
// byte: tests hold the two routes to that.
import { isAscii } from 'buffer';
import type { Capture } from '../collect/capture';
import { partText } from '../collect/tableReader';
import { decodeAddress } from '../procfs/address';
import { InetTableParser, kindOfTable, stateName, TIMERS, type InetTable } from '../procfs/inet';
import type { TableParseOptions } from '../procfs/tables';
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

/** What a table is handed to as it is read: its parts in order (each good only during the call), then its end. */
export interface TableConsumer {
	part(bytes: Buffer): void;
	end(): void;
}

/** How many sockets each route wrote (for tests: that the byte route is the one taken). */
export interface RouteCounts {
	fromBytes: number;
	parsed: number;
}

/** The output buffer is handed on once it holds this much (a row's JSON is ~450 bytes). */
const FLUSH_AT = 224 << 10;

/** Step 1 writes the rows' pieces into chunks of this size (a row never spans two). */
const CHUNK = 1 << 20;

/**
 * SnapshotJson's two steps at once, for tables already read (what a test compares with the
 * object route). Each chunk is a view of one reused buffer: write it before asking for the next.
 */
export function* snapshotJsonFromTables(capture: Capture, tables: readonly TableBytes[], owners?: OwnerIndex, counts?: RouteCounts): Generator<Buffer> {
	const json = new SnapshotJson(capture.host);
	for (const t of tables) {
		const c = json.table(t.netns, t.table);
		for (const p of t.parts) c.part(p);
		c.end();
	}
	yield* json.write(capture, owners);
	if (counts) Object.assign(counts, json.counts);
}

/** One run of the sockets array, in order: rows of step 1 [from, to), or sockets the parsers made. */
type Run = { from: number; to: number; sockets?: undefined } | { sockets: SocketInfo[] };

/**
 * The snapshot's JSON, made as its tables are read (`table`: step 1) and written once its
 * processes and their fds are known (`write`: step 2). Tables must come as the readers give
 * them: namespace by namespace, each in TABLE_NAMES order.
 */
export class SnapshotJson {
	readonly counts: RouteCounts = { fromBytes: 0, parsed: 0 };
	readonly parser: NamespaceParser;
	private readonly runs: Run[] = [];
	/** Step 1's chunks; the last is `pre`'s buffer. */
	private readonly chunks: Buffer[] = [];
	/** Where step 1 writes (InetRows, through open/close): the last chunk. */
	pre = new JsonOut(CHUNK);
	/** Where the row being written started in `pre`. */
	private rowStartAt = 0;
	/** Per row of step 1: its chunk, where its piece starts and ends there, and its inode. */
	private rowChunk = new Int32Array(4096);
	private rowStart = new Int32Array(4096);
	private rowEnd = new Int32Array(4096);
	private rowInode = new Float64Array(4096);
	private rows = 0;
	readonly hz: number;
	/** JSON of numbers that are not small integers (timers in seconds: 0.2, 0.04), by value. */
	private readonly numbers = new Map<number, Buffer>();
	private readonly states = new Map<number, Buffer>();
	private readonly timers = TIMERS.map(timerJson);
	private readonly timerUnknown = timerJson('unknown');

	constructor(readonly opts: TableParseOptions) {
		this.parser = new NamespaceParser(opts);
		this.hz = opts.clkTck && opts.clkTck > 0 ? opts.clkTck : 100;
		this.chunks.push(this.pre.buf);
	}

	/** Step 1 for one table. */
	table(netns: string, table: TableName): TableConsumer {
		if (isBytesTable(table)) return new InetRows(this, netns, table);
		const s = this.parser.stream(netns, table);
		return {
			part: (bytes) => s.text(partText(bytes)),
			end: () => {
				s.end();
				this.parsed(this.parser.takeSockets());
			},
		};
	}

	/** Sockets the parsers made, in their place. */
	parsed(sockets: SocketInfo[]): void {
		if (sockets.length) this.runs.push({ sockets });
	}

	/**
	 * Starts a row's piece. `room`: the most bytes it writes (writeUint does not look for room
	 * itself): a new chunk is started if the last has less left.
	 */
	open(head: Buffer, room: number): void {
		let pre = this.pre;
		if (pre.length + room > pre.buf.length) {
			pre = this.pre = new JsonOut(Math.max(CHUNK, room));
			this.chunks.push(pre.buf);
		}
		this.rowStartAt = pre.length;
		pre.bytes(head);
	}

	/** Ends the row opened last: its piece, up to its owners, is done. */
	close(inode: number): void {
		const n = this.rows;
		if (n === this.rowEnd.length) this.grow();
		// `pre` grows its buffer only for a row longer than a chunk: the chunk is then that buffer.
		this.chunks[this.chunks.length - 1] = this.pre.buf;
		this.rowChunk[n] = this.chunks.length - 1;
		this.rowStart[n] = this.rowStartAt;
		this.rowEnd[n] = this.pre.length;
		this.rowInode[n] = inode;
		this.rows = n + 1;
		const last = this.runs[this.runs.length - 1];
		if (last && !last.sockets && last.to === n) last.to = n + 1;
		else this.runs.push({ from: n, to: n + 1 });
		this.counts.fromBytes++;
	}

	private grow(): void {
		const size = 2 * this.rowEnd.length;
		const grow = <T extends Int32Array | Float64Array>(a: T, b: T): T => (b.set(a), b);
		this.rowChunk = grow(this.rowChunk, new Int32Array(size));
		this.rowStart = grow(this.rowStart, new Int32Array(size));
		this.rowEnd = grow(this.rowEnd, new Int32Array(size));
		this.rowInode = grow(this.rowInode, new Float64Array(size));
	}

	/** A number as JSON (what JSON.stringify writes for it). */
	num(v: number): void {
		const { pre } = this;
		if (v >= 0 && v < 0x80000000 && (v | 0) === v) {
			writeUint(pre, v);
			return;
		}
		let b = this.numbers.get(v);
		if (!b) {
			if (this.numbers.size > 4096) this.numbers.clear();
			b = enc(JSON.stringify(v));
			this.numbers.set(v, b);
		}
		pre.bytes(b);
	}

	/** The state and the key after it. */
	state(kind: SocketKind, code: number): void {
		const key = code * 2 + (kind === 'tcp' ? 1 : 0);
		let b = this.states.get(key);
		if (!b) this.states.set(key, (b = enc(`,"state":${JSON.stringify(stateName(kind, code))},"txQueue":`)));
		this.pre.bytes(b);
	}

	/** From the inode's closing quote: the nulls, the timer and its seconds. */
	timer(code: number, when: number): void {
		this.pre.bytes(this.timers[code] ?? this.timerUnknown);
		this.num(when / this.hz);
	}

	seconds(ticks: number): void {
		this.num(ticks / this.hz);
	}

	/**
	 * Step 2, once every table is in: the whole snapshot's JSON, with `capture`'s processes, and
	 * owners from `owners` (made here from the processes' fds if not given). Called once. Each
	 * chunk is a view of one reused buffer: write it before asking for the next.
	 */
	*write(capture: Capture, owners?: OwnerIndex): Generator<Buffer> {
		let index = owners;
		if (!index) {
			index = new OwnerIndex();
			for (const p of capture.processes) index.add(p);
		}
		// Its warnings after the capture's are the tables' (step 1's), as buildSnapshot orders them.
		const head = buildSnapshot(capture, { sockets: [], warnings: this.parser.finish().warnings }, index);
		const anyDenied = fdsDenied(head, capture);
		const out = new JsonOut();
		let firstKey = true;
		out.text('{');
		for (const [key, value] of Object.entries(head)) {
			if (value === undefined) continue;
			out.text(`${firstKey ? '' : ','}${JSON.stringify(key)}:`);
			firstKey = false;
			if (key === 'sockets') {
				out.text('[');
				let first = true;
				for (const run of this.runs) {
					if (run.sockets) {
						for (let i = 0; i < run.sockets.length; i += JSON_PIECE) {
							const slice = run.sockets.slice(i, i + JSON_PIECE);
							attachOwners(slice, index, anyDenied);
							this.counts.parsed += slice.length;
							out.text(`${first ? '' : ','}${JSON.stringify(slice).slice(1, -1)}`);
							first = false;
							if (out.length >= FLUSH_AT) yield out.take();
						}
						continue;
					}
					for (let r = run.from; r < run.to; r++) {
						const start = this.rowStart[r], end = this.rowEnd[r];
						out.room(end - start + 1);
						if (!first) out.buf[out.length++] = 44;
						first = false;
						out.length += this.chunks[this.rowChunk[r]].copy(out.buf, out.length, start, end);
						writeOwners(out, index, anyDenied, this.rowInode[r]);
						if (out.length >= FLUSH_AT) yield out.take();
					}
				}
				out.text(']');
			} else {
				out.text(JSON.stringify(value));
			}
			if (out.length >= FLUSH_AT) yield out.take();
		}
		out.text('}\n');
		yield out.take();
	}
}

/**
 * The owners of inode `key` (after the key's `[`) and why there are none, which end a row's JSON.
 * A lone owner, as most sockets have, is read from the index in place.
 */
function writeOwners(out: JsonOut, index: OwnerIndex, anyDenied: boolean, key: number): void {
	let list: Owner[] | undefined;
	if (key <= 0xffffffff) {
		const e = index.entryOf(key);
		if (e && !index.nextEntry(e)) {
			out.room(64);
			out.bytes(K.pid);
			writeUint(out, index.pidAt(e));
			out.bytes(K.fd);
			writeUint(out, index.fdAt(e));
			out.bytes(K.ownerEnd);
			out.bytes(K.known);
			return;
		}
		// The byte route's inodes have no leading zero: the number's text is the inode's.
		if (e) list = index.get(String(key));
	} else {
		list = index.get(String(key));
	}
	if (!list) {
		out.bytes(anyDenied ? K.denied : K.notFound);
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

/** A growing byte buffer of JSON text, emptied by take. */
class JsonOut {
	buf: Buffer;
	length = 0;

	constructor(size = 256 << 10) {
		this.buf = Buffer.allocUnsafeSlow(size);
	}

	/** Room for `n` more bytes. */
	room(n: number): void {
		if (this.length + n <= this.buf.length) return;
		const bigger = Buffer.allocUnsafeSlow(Math.max(2 * this.buf.length, this.length + n));
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

	/** b[s, e): byte by byte. */
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

function timerJson(name: string): Buffer {
	return enc(`","path":null,"unixType":null,"timer":${JSON.stringify(name)},"timerSeconds":`);
}

/** Tables whose rows the byte route writes: the inet tables but raw's (a protocol, not a port). */
function isBytesTable(t: TableName): t is InetTable {
	return t === 'tcp' || t === 'tcp6' || t === 'udp' || t === 'udp6' || t === 'udplite' || t === 'udplite6' || t === 'icmp' || t === 'icmp6';
}

/** Tokens of the line tokenize read last: how many, and where each starts and ends (ts, te). */
let tokens = 0;

/**
 * Splits the line that starts at b[from] on spaces into ts/te (at most MAX_TOKENS), and returns
 * where it ends: its newline, or the end of b.
 */
function tokenize(b: Buffer, from: number): number {
	const len = b.length;
	let n = 0;
	let i = from;
	for (;;) {
		let c = b[i];
		while (c === 32) c = b[++i];
		if (i >= len || c === 10) break;
		if (n === MAX_TOKENS) {
			while (i < len && b[i] !== 10) i++;
			break;
		}
		ts[n] = i;
		while (i < len && c !== 32 && c !== 10) c = b[++i];
		te[n++] = i;
	}
	tokens = n;
	return i < len ? i : len;
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

/**
 * The address last seen in a column: its hex (a copy: the part it came from is a reused buffer)
 * and its JSON, to skip the lookup for a run of the same.
 */
interface AddressSeen {
	hex: Uint8Array;
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
	private readonly local: AddressSeen;
	private readonly remote: AddressSeen;
	private readonly byteOrder;
	private lineNo = 0;
	/** The last row's values before its inode, and their JSON (see row). */
	private readonly before = { json: undefined as Buffer | undefined, st: 0, txQueue: 0, rxQueue: 0, uid: 0 };
	/** The last row's values after its inode, and their JSON. */
	private readonly after = { json: undefined as Buffer | undefined, timerCode: 0, when: 0, retransmits: 0, probes: 0, drops: 0, ref: 0, rto: 0, ato: 0, cwnd: 0, ssthresh: 0 };

	constructor(
		private readonly w: SnapshotJson,
		private readonly netns: string,
		table: InetTable,
	) {
		this.kind = kindOfTable(table);
		this.v6 = table.endsWith('6');
		this.hexLen = this.v6 ? 32 : 8;
		this.local = { hex: new Uint8Array(this.hexLen), json: undefined };
		this.remote = { hex: new Uint8Array(this.hexLen), json: undefined };
		const opts = w.parser.opts;
		this.byteOrder = opts.byteOrder;
		this.fallback = new InetTableParser(table, opts);
		this.ids = w.parser.table(netns, table);
		const version = this.v6 ? 6 : 4;
		this.head = enc(`{"kind":${JSON.stringify(this.kind)},"ipVersion":${version}`);
		this.idHead = Buffer.from(`,"id":${JSON.stringify(`${netns}|${this.kind}${version}|`).slice(0, -1)}`, 'utf8');
		this.tail = Buffer.from(`","netns":${JSON.stringify(netns)},"owners":[`, 'utf8');
		this.room = 1024 + this.idHead.length + this.tail.length;
	}

	part(b: Buffer): void {
		// Tabs, CRs and bytes above 0x7F are not the kernel's: the parser reads such a part.
		const plain = b.indexOf(9) < 0 && b.indexOf(13) < 0 && isAscii(b);
		for (let start = 0; start < b.length; ) {
			this.lineNo++;
			if (plain) {
				// The line's end is found as its tokens are (a native indexOf per line cost more).
				const end = tokenize(b, start);
				if (!this.row(b)) this.viaParser(b.toString('latin1', start, end), this.lineNo);
				start = end + 1;
				continue;
			}
			let end = b.indexOf(10, start);
			if (end < 0) end = b.length;
			this.viaParser(partText(b.subarray(start, end)), this.lineNo);
			start = end + 1;
		}
	}

	end(): void {
		this.w.parser.warn(this.netns, this.fallback.warnings);
	}

	private viaParser(line: string, lineNo: number): void {
		this.fallback.lineAt(line, lineNo);
		const rows = this.fallback.take();
		if (!rows.length) return;
		this.w.parser.adopt(this.ids, rows);
		this.w.parsed(this.w.parser.takeSockets());
	}

	/**
	 * Writes the row tokenize found last if it has the kernel's shape throughout; false (nothing written)
	 * if not, for the parser to read it: every check here is one the parser makes, or stricter.
	 */
	private row(b: Buffer): boolean {
		const n = tokens;
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
		w.open(this.head, this.room);
		const out = w.pre;
		out.bytes(local.local);
		writeUint(out, localPort);
		out.bytes(remote.remote);
		writeUint(out, remotePort);
		// Rows in a run mostly share their state, queues, uid, timer and TCP figures: the JSON
		// of those (all but the inode) is the last row's when its values are, and copied whole.
		const a = this.before;
		if (a.json && a.st === st && a.txQueue === txQueue && a.rxQueue === rxQueue && a.uid === uid) {
			out.bytes(a.json);
		} else {
			const from = out.length;
			w.state(this.kind, st);
			w.num(txQueue);
			out.bytes(K.rxQueue);
			w.num(rxQueue);
			out.bytes(K.uid);
			w.num(uid);
			out.bytes(K.inode);
			a.json = Buffer.from(out.buf.subarray(from, out.length));
			a.st = st;
			a.txQueue = txQueue;
			a.rxQueue = rxQueue;
			a.uid = uid;
		}
		out.copy(b, ts[9], te[9]);
		const z = this.after;
		if (z.json && z.timerCode === timerCode && z.when === when && z.retransmits === retransmits && z.probes === probes && z.drops === drops && z.ref === ref && z.rto === rto && z.ato === ato && z.cwnd === cwnd && z.ssthresh === ssthresh) {
			out.bytes(z.json);
		} else {
			const from = out.length;
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
			z.json = Buffer.from(out.buf.subarray(from, out.length));
			z.timerCode = timerCode;
			z.when = when;
			z.retransmits = retransmits;
			z.probes = probes;
			z.drops = drops;
			z.ref = ref;
			z.rto = rto;
			z.ato = ato;
			z.cwnd = cwnd;
			z.ssthresh = ssthresh;
		}
		out.bytes(this.idHead);
		out.copy(b, ts[9], te[9]);
		out.bytes(this.tail);
		w.close(inodeValue);
		return true;
	}

	/**
	 * The JSON of the address whose hex starts at b[at] (this.hexLen digits), or null when the
	 * parser would not take it (not hex, or not of the table's family). Rows in a run mostly share
	 * their addresses (127.0.0.1, ::1), so the last one is compared before any string is made.
	 */
	private address(seen: AddressSeen, b: Buffer, at: number): AddressJson | null {
		const len = this.hexLen;
		const last = seen.hex;
		if (seen.json) {
			let same = true;
			for (let i = 0; i < len; i++) {
				if (last[i] !== b[at + i]) {
					same = false;
					break;
				}
			}
			if (same) return seen.json;
		}
		const hex = b.toString('latin1', at, at + len);
		let json = this.addresses.get(hex);
		if (json === undefined) {
			const a = decodeAddress(hex, this.byteOrder);
			json = a === null || a.includes(':') !== this.v6 ? null : { local: enc(`,"localAddress":${JSON.stringify(a)},"localPort":`), remote: enc(`,"remoteAddress":${JSON.stringify(a)},"remotePort":`) };
			this.addresses.set(hex, json);
		}
		if (json) {
			for (let i = 0; i < len; i++) last[i] = b[at + i];
			seen.json = json;
		}
		return json;
	}
}
