// The process page's table as a window: the extension host sorts and filters a process's rows
// and sends the page only the rows it shows (a page of 500, more on "Show more"), with the
// counts it needs. The page had been sent every row of the process and sorted and filtered them
// itself: at 100k sockets, opening the panel on a process with 16.9k sockets sent ~3.5 MB that
// VS Code's connection, the workbench and the page each took in (Chromium's renderer busy for
// seconds on the same two cores as the extension host, bench/exthost.mjs). Without the panel
// that refresh's longest block was 33 ms; with it, 80-230 ms.
import type { PageSocket } from './pageSocket';

/** Rows shown at first and added by each "Show more". */
export const PAGE = 500;

/** The table's columns, in order; the page gives them titles. */
export const COLUMN_KEYS = ['kind', 'local', 'remote', 'state', 'tx', 'rx', 'timer', 'inode', 'fd'] as const;
export type ColumnKey = (typeof COLUMN_KEYS)[number];

/** What the page asks to see: the sort, the filter and how many rows. */
export interface PageQuery {
	sort: ColumnKey;
	desc: boolean;
	/** Matched, case-insensitively, within any one cell. */
	filter: string;
	/** Rows wanted: PAGE, then more by PAGE. */
	shown: number;
}

export const DEFAULT_QUERY: PageQuery = { sort: 'state', desc: false, filter: '', shown: PAGE };

/** Each column's value: the host wrote the texts (pageSocket.ts), so the table reads as the tree and the CLI do. */
const CELLS: Record<ColumnKey, (s: PageSocket) => string | number> = {
	kind: (s) => s.kindText,
	local: (s) => s.local,
	remote: (s) => s.remote,
	state: (s) => s.state,
	tx: (s) => s.txQueue,
	rx: (s) => s.rxQueue,
	timer: (s) => s.timer,
	inode: (s) => s.inode,
	fd: (s) => s.fds,
};

/** A cell's value. */
export function cellOf(s: PageSocket, key: ColumnKey): string | number {
	return CELLS[key](s);
}

/**
 * How the window reads the rows it is given: their cells, and the row the page gets for one that
 * is shown. The panel gives it the process's sockets themselves (pageSocket.ts), so that a row is
 * made only for what the page shows: 500 of a 16.9k-socket process, not all of them, whose rows
 * (with their texts, sort keys and filter texts) had been the young objects that V8's scavenges
 * copied in the refresh after the panel opened (bench/exthost.mjs: 34-46 ms pauses).
 */
export interface RowReader<T> {
	cell(t: T, key: ColumnKey): string | number;
	row(t: T): PageSocket;
}

/** The page's own rows, as they are. */
export const PAGE_ROWS: RowReader<PageSocket> = { cell: cellOf, row: (s) => s };

/** Longest filter kept: a query comes from the page, and a filter is typed. */
const MAX_FILTER = 256;

/** The page's query, checked: anything the page sends that is not a query is the default's part. */
export function checkQuery(q: unknown): PageQuery {
	const o = (typeof q === 'object' && q !== null ? q : {}) as Record<string, unknown>;
	const sort = COLUMN_KEYS.find((k) => k === o.sort) ?? DEFAULT_QUERY.sort;
	const shown = typeof o.shown === 'number' && Number.isSafeInteger(o.shown) && o.shown > PAGE ? Math.ceil(o.shown / PAGE) * PAGE : PAGE;
	return { sort, desc: o.desc === true, filter: typeof o.filter === 'string' ? o.filter.slice(0, MAX_FILTER) : '', shown };
}

export interface PageWindow {
	/** The live rows shown, sorted and filtered: the first `query.shown` that match. */
	rows: PageSocket[];
	/** Rows of sockets closed since the last refresh that match, after every live match (struck through), as far as `shown` goes. */
	closed: PageSocket[];
	/** Live sockets of the process. */
	total: number;
	/** Live sockets that match the filter (all of them without one). */
	matched: number;
	/** Closed sockets that match. */
	closedMatched: number;
	/** Live sockets by kind and state (`tcp`, `ESTABLISHED`), most first. */
	counts: Array<{ kind: string; state: string; n: number }>;
}

/**
 * Sort texts by: each run of digits padded, so that plain string order is numeric order
 * (`…:3000` before `…:40000`, fd `9` before `10`). The page had compared with a numeric
 * `Intl.Collator`; at 17k rows that was 55-70 ms a sort, here a key is made once per row.
 */
function sortText(v: string): string {
	return v.toLowerCase().replace(/\d+/g, (d) => (d.length >= 16 ? d : d.padStart(16, '0')));
}

/**
 * Columns of a few distinct values (a kind, a state): their sort keys are kept by value, so that
 * sorting by them, the default, keeps nothing per row.
 */
const BY_VALUE: ReadonlySet<ColumnKey> = new Set<ColumnKey>(['kind', 'state']);
const valueKeys = new Map<string, string>();

/**
 * Sort keys of the other columns and filter texts, made when a sort or filter asks for them and
 * kept per row object (unchanged sockets stay the same objects across refreshes).
 */
const sortTexts = new Map<ColumnKey, WeakMap<object, string>>();
const filterTexts = new WeakMap<object, string>();

function sortTextOf<T extends object>(t: T, key: ColumnKey, rows: RowReader<T>): string {
	if (BY_VALUE.has(key)) {
		const v = String(rows.cell(t, key));
		let k = valueKeys.get(v);
		if (k === undefined) {
			// Bounded: a host's kinds and states are a few dozen texts.
			if (valueKeys.size > 4096) valueKeys.clear();
			valueKeys.set(v, (k = sortText(v)));
		}
		return k;
	}
	let m = sortTexts.get(key);
	if (!m) sortTexts.set(key, (m = new WeakMap()));
	let k = m.get(t);
	if (k === undefined) m.set(t, (k = sortText(String(rows.cell(t, key)))));
	return k;
}

/** What a filter searches: every cell, lower case, with a separator no typed filter holds (a match is within one cell). */
function filterTextOf<T extends object>(t: T, rows: RowReader<T>): string {
	let f = filterTexts.get(t);
	if (f === undefined) filterTexts.set(t, (f = COLUMN_KEYS.map((k) => rows.cell(t, k)).join('\u0001').toLowerCase()));
	return f;
}

/** Rows between yields: the host runs this over turns of its event loop for a big process. */
const STEP = 1024;

/**
 * The window `query` asks for over a process's live rows (in snapshot order) and its rows closed
 * since the last refresh, read through `rows`; only the rows shown are made into the page's rows.
 * Ties keep the snapshot's order, in both directions. Yields every STEP rows; drain() runs it at once.
 * With `nameOf`, the filter also matches a row's peer's name.
 */
export function* windowOf<T extends object>(live: readonly T[], closed: readonly T[], query: PageQuery, rows: RowReader<T>, nameOf?: (t: T) => string | null | undefined): Generator<void, PageWindow> {
	const byKind = new Map<string, Map<string, number>>();
	for (let i = 0; i < live.length; i++) {
		const s = live[i];
		const kind = String(rows.cell(s, 'kind')), state = String(rows.cell(s, 'state'));
		let states = byKind.get(kind);
		if (!states) byKind.set(kind, (states = new Map()));
		states.set(state, (states.get(state) ?? 0) + 1);
		if (i % STEP === STEP - 1) yield;
	}
	const counts: PageWindow['counts'] = [];
	for (const [kind, states] of byKind) for (const [state, n] of states) counts.push({ kind, state, n });
	counts.sort((a, b) => b.n - a.n);

	const needle = query.filter.trim().toLowerCase();
	// Without a filter, the rows as they are: nothing below changes a list it is given.
	const matches = function* (list: readonly T[]): Generator<void, readonly T[]> {
		if (!needle) return list;
		const out: T[] = [];
		for (let i = 0; i < list.length; i++) {
			// Or the name the host's resolver gave its peer, which the page writes beside the address (not kept: names come later).
			if (filterTextOf(list[i], rows).includes(needle) || nameOf?.(list[i])?.toLowerCase().includes(needle)) out.push(list[i]);
			if (i % STEP === STEP - 1) yield;
		}
		return out;
	};
	const liveMatched = yield* matches(live);
	const closedMatched = yield* matches(closed);

	// Sorted through an index, on keys made first: a comparator that looked its keys up was ~10x slower.
	const numeric = query.sort === 'tx' || query.sort === 'rx';
	const keys: Array<string | number> = new Array(liveMatched.length);
	for (let i = 0; i < liveMatched.length; i++) {
		const s = liveMatched[i];
		keys[i] = numeric ? (rows.cell(s, query.sort) as number) : sortTextOf(s, query.sort, rows);
		if (i % STEP === STEP - 1) yield;
	}
	const dir = query.desc ? -1 : 1;
	// The index by a plain loop: Array.from(keys.keys()) made an iterator result per row.
	const order: number[] = new Array(keys.length);
	for (let i = 0; i < keys.length; i++) order[i] = i;
	order.sort((a, b) => {
		const x = keys[a], y = keys[b];
		return x < y ? -dir : x > y ? dir : a - b;
	});
	const shown: PageSocket[] = [];
	for (let i = 0; i < order.length && i < query.shown; i++) shown.push(rows.row(liveMatched[order[i]]));
	return {
		rows: shown,
		closed: closedMatched.slice(0, Math.max(0, query.shown - liveMatched.length)).map((t) => rows.row(t)),
		total: live.length,
		matched: liveMatched.length,
		closedMatched: closedMatched.length,
		counts,
	};
}
