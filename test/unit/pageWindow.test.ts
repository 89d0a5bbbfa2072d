// The process page's table window (src/shared/pageWindow.ts), against a plain oracle written
// apart from it: the filter as "some cell contains it", the sort as digit runs compared as
// numbers (BigInt), ties in snapshot order, closed rows only after every live match, and counts
// by kind and state. fast-check makes the rows and the queries.
import * as assert from 'assert';
import fc from 'fast-check';
import type { PageSocket } from '../../src/shared/pageSocket';
import { cellOf, checkQuery, COLUMN_KEYS, DEFAULT_QUERY, PAGE, PAGE_ROWS, windowOf, type ColumnKey, type PageQuery } from '../../src/shared/pageWindow';
import { drain } from '../../src/model/drain';

const STATES = ['ESTABLISHED', 'LISTEN', 'TIME_WAIT', 'CLOSE_WAIT'];
const KINDS = ['tcp', 'tcp6', 'udp', 'unix/stream'];

let nextId = 0;
const rowArb = fc
	.record({
		kind: fc.nat(KINDS.length - 1),
		state: fc.nat(STATES.length - 1),
		port: fc.nat(70000),
		peer: fc.nat(3),
		tx: fc.nat(3),
		timer: fc.constantFrom('', 'keepalive 7.2s', 'on 0.2s', 'keepalive 10.0s'),
		fd: fc.array(fc.nat(40), { minLength: 1, maxLength: 3 }),
		path: fc.option(fc.constantFrom('/tmp/a b', '/run/x9.sock', '@abstract10', '/tmp/A2')),
	})
	.map((r): PageSocket => {
		const id = nextId++;
		return {
			id: `s${id}`,
			kind: 'tcp',
			state: STATES[r.state],
			kindText: KINDS[r.kind],
			local: r.path ?? `127.0.0.${r.peer}:${r.port}`,
			remote: r.peer ? `10.0.${r.peer}.1:${r.port % 1000}` : '*',
			txQueue: r.tx,
			rxQueue: r.port % 5,
			timer: r.timer,
			inode: String(1000 + r.port),
			fds: r.fd.join(','),
		};
	});
const queryArb = fc.record({
	sort: fc.constantFrom(...COLUMN_KEYS),
	desc: fc.boolean(),
	filter: fc.constantFrom('', '127', '10.0.2', 'listen', 'TCP6', ':9', 'keepalive', ' 7 ', 'tmp/a', 'nothing-matches', 'tcp127'),
	shown: fc.constantFrom(2, 5, 40),
});

/**
 * Case-insensitive text order where runs of digits compare as numbers (BigInt), walked a
 * character at a time; against a letter, a digit run compares as the character '0', and a text
 * that ends first is the smaller.
 */
function naturalCompare(x: string, y: string): number {
	const a = x.toLowerCase(), b = y.toLowerCase();
	const digit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
	let i = 0, j = 0;
	while (i < a.length && j < b.length) {
		if (digit(a[i]) && digit(b[j])) {
			let i2 = i, j2 = j;
			while (digit(a[i2])) i2++;
			while (digit(b[j2])) j2++;
			const d = BigInt(a.slice(i, i2)) - BigInt(b.slice(j, j2));
			if (d !== 0n) return d < 0n ? -1 : 1;
			i = i2;
			j = j2;
			continue;
		}
		const ca = digit(a[i]) ? '0' : a[i], cb = digit(b[j]) ? '0' : b[j];
		if (ca !== cb) return ca < cb ? -1 : 1;
		i++;
		j++;
	}
	return Math.sign(a.length - i - (b.length - j));
}

function oracle(live: PageSocket[], closed: PageSocket[], q: PageQuery) {
	const needle = q.filter.trim().toLowerCase();
	const hit = (s: PageSocket) => !needle || COLUMN_KEYS.some((k) => String(cellOf(s, k)).toLowerCase().includes(needle));
	const liveHits = live.filter(hit);
	const closedHits = closed.filter(hit);
	return { liveHits, closedHits };
}

function compareBy(key: ColumnKey, a: PageSocket, b: PageSocket): number {
	const x = cellOf(a, key), y = cellOf(b, key);
	return typeof x === 'number' && typeof y === 'number' ? x - y : naturalCompare(String(x), String(y));
}

describe('pageWindow (the process table, sorted and filtered on the extension host)', () => {
	it('gives the first `shown` matching rows in sort order, ties in snapshot order, then the closed ones, and counts every live row', () => {
		fc.assert(
			fc.property(fc.array(rowArb, { maxLength: 60 }), fc.array(rowArb, { maxLength: 6 }), queryArb, (live, closed, q) => {
				const w = drain(windowOf(live, closed, q, PAGE_ROWS));
				const { liveHits, closedHits } = oracle(live, closed, q);
				assert.strictEqual(w.total, live.length);
				assert.strictEqual(w.matched, liveHits.length);
				assert.strictEqual(w.closedMatched, closedHits.length);
				assert.strictEqual(w.rows.length, Math.min(q.shown, liveHits.length));
				// Every row shown matches, and is a live one; none twice.
				assert.ok(w.rows.every((r) => liveHits.includes(r)));
				assert.strictEqual(new Set(w.rows).size, w.rows.length);
				// In order; equal keys keep the snapshot's order, in both directions.
				for (let i = 1; i < w.rows.length; i++) {
					const a = w.rows[i - 1], b = w.rows[i];
					const c = compareBy(q.sort, a, b) * (q.desc ? -1 : 1);
					assert.ok(c < 0 || (c === 0 && live.indexOf(a) < live.indexOf(b)), `${q.sort} ${q.desc ? 'desc' : 'asc'}: ${String(cellOf(a, q.sort))} (#${live.indexOf(a)}) before ${String(cellOf(b, q.sort))} (#${live.indexOf(b)})`);
				}
				// The rows not shown sort after the last one shown.
				const last = w.rows[w.rows.length - 1];
				if (last) for (const r of liveHits.filter((x) => !w.rows.includes(x))) assert.ok(compareBy(q.sort, last, r) * (q.desc ? -1 : 1) <= 0);
				// Closed rows only once every live match is shown, in their order, as far as `shown` goes.
				assert.deepStrictEqual(w.closed, closedHits.slice(0, Math.max(0, q.shown - liveHits.length)));
				// Counts: by kind and state, most first, adding up to every live row.
				assert.strictEqual(w.counts.reduce((n, c) => n + c.n, 0), live.length);
				for (const c of w.counts) assert.strictEqual(c.n, live.filter((s) => s.kindText === c.kind && s.state === c.state).length);
				for (let i = 1; i < w.counts.length; i++) assert.ok(w.counts[i - 1].n >= w.counts[i].n);
			}),
			{ numRuns: 500 },
		);
	});

	it('sorts ports, fds and inodes as numbers, and a filter matches within one cell only', () => {
		const row = (id: string, local: string, fds: string): PageSocket => ({ id, kind: 'tcp', state: 'LISTEN', kindText: 'tcp', local, remote: '*', txQueue: 0, rxQueue: 0, timer: '', inode: id.slice(1), fds });
		const rows = [row('i100', '127.0.0.1:40000', '10'), row('i99', '127.0.0.1:3000', '9,10'), row('i1000', '127.0.0.1:8080', '9')];
		const ids = (q: Partial<PageQuery>) => drain(windowOf(rows, [], { ...DEFAULT_QUERY, ...q }, PAGE_ROWS)).rows.map((r) => r.id);
		assert.deepStrictEqual(ids({ sort: 'local' }), ['i99', 'i1000', 'i100']);
		assert.deepStrictEqual(ids({ sort: 'local', desc: true }), ['i100', 'i1000', 'i99']);
		assert.deepStrictEqual(ids({ sort: 'inode' }), ['i99', 'i100', 'i1000']);
		assert.deepStrictEqual(ids({ sort: 'fd' }), ['i1000', 'i99', 'i100']);
		assert.deepStrictEqual(ids({ filter: 'TCP' }).length, 3);
		assert.deepStrictEqual(ids({ filter: 'tcp127' }), [], 'no match across two cells');
		assert.deepStrictEqual(ids({ filter: ':3000' }), ['i99']);
	});

	it('gives its turns back: a 17k-row process yields many times before its window is made', () => {
		const rows = Array.from({ length: 17000 }, (_, i): PageSocket => ({ id: `r${i}`, kind: 'tcp', state: i % 7 ? 'ESTABLISHED' : 'LISTEN', kindText: 'tcp', local: `127.0.0.1:${i}`, remote: '*', txQueue: 0, rxQueue: 0, timer: '', inode: String(i), fds: String(i) }));
		const it = windowOf(rows, [], { ...DEFAULT_QUERY, sort: 'local', desc: true, filter: '127' }, PAGE_ROWS);
		let yields = 0;
		for (let r = it.next(); !r.done; r = it.next()) yields++;
		assert.ok(yields >= 3 * Math.floor(17000 / 1024), `${yields} yields`);
		assert.deepStrictEqual(drain(windowOf(rows, [], { ...DEFAULT_QUERY, sort: 'local', desc: true }, PAGE_ROWS)).rows.slice(0, 2).map((r) => r.local), ['127.0.0.1:16999', '127.0.0.1:16998']);
	});

	it('checks what the page sends: a bad query is the default, shown is whole pages, the filter is cut', () => {
		assert.deepStrictEqual(checkQuery(undefined), DEFAULT_QUERY);
		assert.deepStrictEqual(checkQuery('x'), DEFAULT_QUERY);
		assert.deepStrictEqual(checkQuery({ sort: 'constructor', desc: 'yes', filter: 7, shown: -1 }), DEFAULT_QUERY);
		assert.deepStrictEqual(checkQuery({ sort: 'local', desc: true, filter: 'ab', shown: PAGE + 1 }), { sort: 'local', desc: true, filter: 'ab', shown: 2 * PAGE });
		assert.strictEqual(checkQuery({ shown: 1e300 }).shown, PAGE, 'not a safe integer');
		assert.strictEqual(checkQuery({ shown: 3 * PAGE }).shown, 3 * PAGE);
		assert.strictEqual(checkQuery({ filter: 'x'.repeat(10000) }).filter.length, 256);
	});
});
