// A slice of sockets as columns, for a full transfer from the scan worker (scanWire.ts). Sent as
// objects, the 100k sockets of the first transfer arrived on the extension host as ~500k heap
// objects (the socket, its owners array and each owner, its id and inode strings), every one of
// them alive. Node 24's V8 copies live young objects at each scavenge, and it scavenged that
// transfer in pauses of 44-123 ms (plain Node 24 and the real extension host alike), whatever
// the slicing. As columns, a slice is a few dozen typed arrays (whose bytes live outside the
// heap) and a dictionary of texts per field; each socket is one small ColumnSocket that reads
// its fields from them, so the transfer leaves ~2 live objects per socket instead of ~6 (the
// socket and its id; an inode is kept as its number).
//
// Ids go one step further. Every socket's id is a text of its own, so a dictionary does not
// share them, and as texts they were half of what a first transfer left alive per socket (and
// copied at each scavenge). Most are a namespace-and-table prefix and an inode; such an id is
// sent as its prefix (in the dictionary) and its number, and made into its text when read.
// SocketIndex (socketIndex.ts) keys the sockets the extension host holds by those two parts,
// so that holding a socket does not hold its id's text.
//
// A ColumnSocket is a SocketInfo to every reader: its fields are getters on the prototype, and
// toJSON gives the object it was made from, field for field and in the same order (the capture
// and export contracts). What it is not is a plain object: its fields are not its own
// properties, so a spread or Object.keys sees none of them, and it cannot be written to. The
// extension host only reads sockets; the tests hold it to that.
import { OWNER_COUNT, OWNER_PID } from '../model/owners';
import type { Owner, SocketInfo } from '../model/snapshot';

/**
 * One field's values. tag per row: 0 undefined, 1 null, 2 number (num), 3 string (code into
 * dict), 4 anything else (other), 5 a string of decimal digits kept as its number (num), 6 a
 * string split into a prefix (code into dict) and the decimal number that ends it (num).
 */
export interface FieldColumn {
	name: string;
	tag: Uint8Array;
	num?: Float64Array;
	code?: Uint32Array;
	dict?: string[];
	/** Values that are neither number, string nor null (sctp address lists), by row. */
	other?: Record<number, unknown>;
}

export interface SocketColumns {
	n: number;
	/** Per row, its keys as an index into `shapes` (each the own keys of an object, in order). */
	shape: Uint16Array;
	shapes: string[][];
	fields: FieldColumn[];
	/** Owners, flat: row i's are pid[ownerStart[i]] .. pid[ownerStart[i + 1] - 1], with fd alike. */
	ownerStart: Uint32Array;
	ownerPid: Float64Array;
	ownerFd: Float64Array;
}

const UNDEFINED = 0;
const NULL = 1;
const NUMBER = 2;
const STRING = 3;
const OTHER = 4;
const DECIMAL = 5;
const SPLIT = 6;

/**
 * A text that String() of its number gives back exactly: digits, no leading zero, below 2^53.
 * Inodes are such texts, and one per socket: kept as numbers, they are no string objects on the
 * caller's heap until read (a third of what a full transfer left alive per socket).
 */
const CANONICAL_DECIMAL = /^(?:0|[1-9][0-9]{0,14})$/;

/**
 * A text that is a prefix ending in a non-digit and then such a number: prefix + String(number)
 * gives it back exactly. Both halves of the transfer and SocketIndex split by this one rule.
 */
export const SPLIT_TEXT = /^([^]*[^0-9])(0|[1-9][0-9]{0,14})$/;

/** The prefix and number of a text by SPLIT_TEXT, or undefined when it is not split. */
export function splitText(text: string): { prefix: string; n: number } | undefined {
	const m = SPLIT_TEXT.exec(text);
	return m ? { prefix: m[1], n: Number(m[2]) } : undefined;
}

/** The fields sent split when they can be: texts of their own per socket, where a dictionary shares nothing. */
const SPLIT_FIELDS: ReadonlySet<string> = new Set(['id']);

/** The worker's half: `list` as columns (owners apart, every own field of every socket). */
export function toColumns(list: readonly SocketInfo[]): SocketColumns {
	const n = list.length;
	const shapeOf = new Map<string, number>();
	const shapes: string[][] = [];
	const shape = new Uint16Array(n);
	const byName = new Map<string, { col: FieldColumn; codes: Map<string, number> }>();
	const column = (name: string) => {
		let c = byName.get(name);
		if (!c) byName.set(name, (c = { col: { name, tag: new Uint8Array(n) }, codes: new Map() }));
		return c;
	};
	let owned = 0;
	for (const s of list) owned += s.owners.length;
	const ownerStart = new Uint32Array(n + 1);
	const ownerPid = new Float64Array(owned);
	const ownerFd = new Float64Array(owned);
	let o = 0;
	for (let i = 0; i < n; i++) {
		const s = list[i] as unknown as Record<string, unknown>;
		const keys = Object.keys(s);
		const key = keys.join('\0');
		let k = shapeOf.get(key);
		if (k === undefined) {
			k = shapes.length;
			// More than 65535 different key sets in one slice is not a socket list.
			if (k > 0xffff) throw new Error('too many socket shapes in one slice');
			shapeOf.set(key, k);
			shapes.push(keys);
		}
		shape[i] = k;
		for (const name of keys) {
			if (name === 'owners') continue;
			const v = s[name];
			const { col, codes } = column(name);
			if (v === undefined) col.tag[i] = UNDEFINED;
			else if (v === null) col.tag[i] = NULL;
			else if (typeof v === 'number') {
				col.tag[i] = NUMBER;
				(col.num ??= new Float64Array(n))[i] = v;
			} else if (typeof v === 'string' && CANONICAL_DECIMAL.test(v)) {
				col.tag[i] = DECIMAL;
				(col.num ??= new Float64Array(n))[i] = Number(v);
			} else if (typeof v === 'string') {
				const split = SPLIT_FIELDS.has(name) ? splitText(v) : undefined;
				const text = split ? split.prefix : v;
				col.tag[i] = split ? SPLIT : STRING;
				if (split) (col.num ??= new Float64Array(n))[i] = split.n;
				let c = codes.get(text);
				if (c === undefined) {
					c = (col.dict ??= []).length;
					col.dict.push(text);
					codes.set(text, c);
				}
				(col.code ??= new Uint32Array(n))[i] = c;
			} else {
				col.tag[i] = OTHER;
				(col.other ??= {})[i] = v;
			}
		}
		ownerStart[i] = o;
		for (const w of list[i].owners) {
			ownerPid[o] = w.pid;
			ownerFd[o] = w.fd;
			o++;
		}
	}
	ownerStart[n] = o;
	return { n, shape, shapes, fields: [...byName.values()].map((c) => c.col), ownerStart, ownerPid, ownerFd };
}

// The caller's half. A row's table and index are held under symbols, so that no `for…in`,
// Object.keys or JSON.stringify mistakes them for fields of the socket.
const TABLE = Symbol('table');
const ROW = Symbol('row');

/** A received slice with its columns in the order of FIELD_INDEX, for getters that index, not look up. */
interface Table extends ColumnTable {
	cols: Array<FieldColumn | undefined>;
	c: SocketColumns;
}

/** What a holder of column sockets sees of their table: it stays alive while any of its rows is. */
export interface ColumnTable {
	readonly rows: number;
}

/** Every field name met so far, with its index in Table.cols. */
const FIELD_INDEX = new Map<string, number>();

class ColumnSocket {
	[TABLE]: Table;
	[ROW]: number;
	constructor(t: Table, i: number) {
		this[TABLE] = t;
		this[ROW] = i;
	}

	get owners(): Owner[] {
		const c = this[TABLE].c;
		const i = this[ROW];
		const out: Owner[] = [];
		for (let k = c.ownerStart[i]; k < c.ownerStart[i + 1]; k++) out.push({ pid: c.ownerPid[k], fd: c.ownerFd[k] });
		return out;
	}

	/** owners.length without the list (model/owners.ts). */
	[OWNER_COUNT](): number {
		const c = this[TABLE].c;
		const i = this[ROW];
		return c.ownerStart[i + 1] - c.ownerStart[i];
	}

	/** owners[k].pid without the list (model/owners.ts). */
	[OWNER_PID](k: number): number {
		const c = this[TABLE].c;
		return c.ownerPid[c.ownerStart[this[ROW]] + k];
	}

	/** The socket as the plain object it was made from: same fields, same order. */
	toJSON(): Record<string, unknown> {
		const c = this[TABLE].c;
		const out: Record<string, unknown> = {};
		const self = this as unknown as Record<string, unknown>;
		for (const k of c.shapes[c.shape[this[ROW]]]) out[k] = self[k];
		return out;
	}
}

/** Gives ColumnSocket a getter for `name` (once per name, for any field a worker sends). */
function fieldIndex(name: string): number {
	let k = FIELD_INDEX.get(name);
	if (k !== undefined) return k;
	// Field names are the parsers' and the join's own, never a host's text; one that would shadow
	// what a ColumnSocket or any object has (owners, toJSON, constructor) is a bug.
	if (name in ColumnSocket.prototype) throw new Error(`a socket field cannot be named ${JSON.stringify(name)}`);
	k = FIELD_INDEX.size;
	FIELD_INDEX.set(name, k);
	const at = k;
	Object.defineProperty(ColumnSocket.prototype, name, {
		enumerable: true,
		get(this: ColumnSocket) {
			const col = this[TABLE].cols[at];
			if (!col) return undefined;
			const i = this[ROW];
			switch (col.tag[i]) {
				case NULL:
					return null;
				case NUMBER:
					return col.num![i];
				case STRING:
					return col.dict![col.code![i]];
				case OTHER:
					return col.other![i];
				case DECIMAL:
					return String(col.num![i]);
				case SPLIT:
					return col.dict![col.code![i]] + String(col.num![i]);
				default:
					return undefined;
			}
		},
	});
	return k;
}

// The contract's fields get their getters up front, so a socket reads `undefined`, not a missing
// property, for a field its slice happens not to have.
for (const name of ['kind', 'ipVersion', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'state', 'txQueue', 'rxQueue', 'uid', 'inode', 'path', 'unixType', 'id', 'netns', 'ownerUnknown']) fieldIndex(name);
const ID_FIELD = fieldIndex('id');

/** The caller's half: one ColumnSocket per row of `c`. */
export function fromColumns(c: SocketColumns): SocketInfo[] {
	const cols: Array<FieldColumn | undefined> = [];
	for (const f of c.fields) cols[fieldIndex(f.name)] = f;
	const t: Table = { cols, c, rows: c.n };
	const out: SocketInfo[] = new Array(c.n);
	for (let i = 0; i < c.n; i++) out[i] = new ColumnSocket(t, i) as unknown as SocketInfo;
	return out;
}

/**
 * When `s` is a full transfer's socket whose id was sent split, that id's prefix (the text
 * before its number, as the dictionary holds it); otherwise undefined. With splitIdNumber, the
 * id's two parts without making its text.
 */
export function splitIdPrefix(s: SocketInfo): string | undefined {
	if (!(s instanceof ColumnSocket)) return undefined;
	const col = s[TABLE].cols[ID_FIELD];
	const i = s[ROW];
	return col?.tag[i] === SPLIT ? col.dict![col.code![i]] : undefined;
}

/** The number that ends the id of `s`, when splitIdPrefix gave its prefix. */
export function splitIdNumber(s: SocketInfo): number {
	return (s as unknown as ColumnSocket)[TABLE].cols[ID_FIELD]!.num![(s as unknown as ColumnSocket)[ROW]];
}

/** The table `s` reads from, when it is a column socket. */
export function columnTableOf(s: SocketInfo): ColumnTable | undefined {
	return s instanceof ColumnSocket ? s[TABLE] : undefined;
}

/** Whether `s` reads from columns (a full transfer's socket) rather than being a plain object. */
export function isColumnSocket(s: SocketInfo): boolean {
	return s instanceof ColumnSocket;
}
