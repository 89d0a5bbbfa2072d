// The panel's process page sent as changes (src/shared/processDelta.ts): whatever two pages of
// one process, applying the delta of a → b to a gives b (sockets as a set by id, every field);
// big changes go as whole pages; a delta never applies to another process's page.
import * as assert from 'assert';
import fc from 'fast-check';
import type { SocketInfo } from '../../src/model/snapshot';
import { pageSocket, shownById, type PageSocket } from '../../src/shared/pageSocket';
import { applyProcessDelta, processDelta } from '../../src/shared/processDelta';
import type { ToWebview } from '../../src/shared/protocol';

type Page = Extract<ToWebview, { type: 'process' }>;

function sockInfo(id: number, state: string, rx: number, rto = 0.2): SocketInfo {
	return {
		id: `tcp:${id}`, kind: 'tcp', ipVersion: 4, localAddress: '127.0.0.1', localPort: 1000 + id, remoteAddress: '0.0.0.0', remotePort: 0,
		state, rxQueue: rx, txQueue: 0, inode: String(id), rto, owners: [{ pid: 7, fd: id }],
	} as unknown as SocketInfo;
}
function sock(id: number, state: string, rx: number): PageSocket {
	return pageSocket(sockInfo(id, state, rx));
}
function page(sockets: PageSocket[], takenAt = 't0', pid = 7): Page {
	return {
		type: 'process', target: { kind: 'process', pid, startTicks: 1 }, host: 'h', takenAt,
		detail: { process: { pid } as never, ancestors: [], children: [], sockets, added: [], removed: [], history: [] },
	};
}
const byId = (l: PageSocket[]) => [...l].sort((a, b) => (a.id < b.id ? -1 : 1));
const sockArb = fc.record({ id: fc.nat(60), state: fc.constantFrom('ESTABLISHED', 'LISTEN', 'TIME_WAIT'), rx: fc.nat(3) });
const uniq = (l: Array<{ id: number; state: string; rx: number }>) => [...new Map(l.map((x) => [x.id, sock(x.id, x.state, x.rx)])).values()];

describe('processDelta (panel pages as changes)', () => {
	it('apply(a, delta(a, b)) is b, for any two pages of one process; large changes are not sent as a delta', () => {
		// b: a with a few sockets dropped, changed or added (mostly small enough for a delta), or any other list.
		const pair = fc.oneof(
			fc.array(sockArb, { minLength: 5, maxLength: 40 }).chain((xa) =>
				fc.tuple(fc.constant(xa), fc.array(fc.nat(xa.length - 1), { maxLength: 3 }), fc.array(sockArb, { maxLength: 3 })).map(([xa, drop, add]) => [xa, xa.filter((_, i) => !drop.includes(i)).map((x, i) => (i === drop[0] ? { ...x, rx: x.rx + 1 } : x)).concat(add)] as const),
			),
			fc.tuple(fc.array(sockArb, { maxLength: 40 }), fc.array(sockArb, { maxLength: 40 })),
		);
		fc.assert(
			fc.property(pair, fc.boolean(), ([xa, xb], keepObjects) => {
				const a = page(uniq(xa));
				// Either fresh objects (remote sources) or a's own objects where equal (the local source keeps them).
				const mine = new Map(a.detail.sockets.map((s) => [s.id, s]));
				const bs = uniq(xb).map((s) => (keepObjects && mine.has(s.id) && JSON.stringify(mine.get(s.id)) === JSON.stringify(s) ? mine.get(s.id)! : s));
				const b = page(bs, 't1');
				const d = processDelta(a, b);
				if (!d) {
					const changed = b.detail.sockets.filter((s) => JSON.stringify(mine.get(s.id)) !== JSON.stringify(s)).length + a.detail.sockets.filter((s) => !b.detail.sockets.some((x) => x.id === s.id)).length;
					assert.ok(changed * 2 > b.detail.sockets.length, `a delta of ${changed} changes for ${b.detail.sockets.length} sockets was not sent`);
					return;
				}
				const got = applyProcessDelta(a, d)!;
				assert.deepStrictEqual({ ...got, detail: { ...got.detail, sockets: byId(got.detail.sockets) } }, { ...b, detail: { ...b.detail, sockets: byId(b.detail.sockets) } });
				// Only what differs travels.
				for (const s of d.detail.upserts) assert.notDeepStrictEqual(mine.get(s.id), s);
			}),
			{ numRuns: 2000 },
		);
	});

	it('sends one changed socket of 1000 as one upsert, and refuses to apply to another process', () => {
		const list = Array.from({ length: 1000 }, (_, i) => sock(i, 'ESTABLISHED', 0));
		const next = list.map((s, i) => (i === 500 ? sock(500, 'ESTABLISHED', 9) : s)).filter((s) => s.id !== 'tcp:7');
		const d = processDelta(page(list), page(next, 't1'))!;
		assert.deepStrictEqual([d.detail.upserts.map((s) => s.id), d.detail.removedIds], [['tcp:500'], ['tcp:7']]);
		assert.strictEqual(applyProcessDelta(page(list, 't0', 8), d), undefined);
		assert.strictEqual(processDelta(page(list, 't0', 8), page(next, 't1')), undefined, 'no delta between two processes');
	});

	it('rows are made once per socket object, and a change the table does not show sends nothing', () => {
		const a = sockInfo(1, 'ESTABLISHED', 0);
		assert.strictEqual(pageSocket(a), pageSocket(a), 'the same socket object gives the same row object');
		assert.deepStrictEqual(pageSocket(a), {
			id: 'tcp:1', kind: 'tcp', state: 'ESTABLISHED', kindText: 'tcp', local: '127.0.0.1:1001', remote: '*', txQueue: 0, rxQueue: 0, timer: '', inode: '1', fds: '1',
		});
		// A new object for the same socket, its rto moved: the row reads the same, so no upsert.
		const d = processDelta(page([pageSocket(a)]), page([pageSocket(sockInfo(1, 'ESTABLISHED', 0, 0.4))], 't1'))!;
		assert.deepStrictEqual([d.detail.upserts, d.detail.removedIds], [[], []]);
		const rest = [2, 3, 4].map((i) => sock(i, 'LISTEN', 0));
		const e = processDelta(page([pageSocket(a), ...rest]), page([pageSocket(sockInfo(1, 'ESTABLISHED', 5)), ...rest], 't1'))!;
		assert.deepStrictEqual(e.detail.upserts.map((s) => s.rxQueue), [5]);
	});

	it('a new socket object that reads the same keeps the row the page shows (a full transfer changes nothing on the page)', () => {
		const shownRows = [1, 2, 3].map((i) => sock(i, 'ESTABLISHED', 0));
		const shown = shownById(shownRows);
		// As after a new scan worker: every socket a new object; socket 2's rto moved (not shown), socket 3's rx queue did.
		const next = [sockInfo(1, 'ESTABLISHED', 0), sockInfo(2, 'ESTABLISHED', 0, 0.9), sockInfo(3, 'ESTABLISHED', 4), sockInfo(4, 'LISTEN', 0)];
		const rows = next.map((s) => pageSocket(s, shown));
		assert.strictEqual(rows[0], shownRows[0]);
		assert.strictEqual(rows[1], shownRows[1]);
		assert.notStrictEqual(rows[2], shownRows[2]);
		assert.strictEqual(rows[2].rxQueue, 4);
		assert.strictEqual(rows[3].id, 'tcp:4');
		// The row is remembered for that socket object: the next refresh, without the shown rows, gives it again.
		assert.strictEqual(pageSocket(next[0]), shownRows[0]);
		// Another socket's row is never taken, whatever the map says.
		const wrong = new Map([['tcp:5', shownRows[0]]]);
		assert.strictEqual(pageSocket(sockInfo(5, 'ESTABLISHED', 0), wrong).id, 'tcp:5');
	});

	it('the shown rows are looked up by id only for a socket object with no row yet', () => {
		const a = sockInfo(1, 'ESTABLISHED', 0);
		const rowA = pageSocket(a);
		let lookups = 0;
		const counting = { get: (id: string) => (lookups++, id === rowA.id ? rowA : undefined) };
		assert.strictEqual(pageSocket(a, counting), rowA);
		assert.strictEqual(lookups, 0, 'a socket object seen before finds its row without a lookup');
		const b = sockInfo(1, 'ESTABLISHED', 0);
		assert.strictEqual(pageSocket(b, counting), rowA);
		assert.strictEqual(lookups, 1);
		// shownById gives every row by its id, and nothing for another.
		const rows = [2, 3, 4].map((i) => sock(i, 'LISTEN', 0));
		const byId = shownById(rows);
		for (const r of rows) assert.strictEqual(byId.get(r.id), r);
		assert.strictEqual(byId.get('tcp:9'), undefined);
	});
});
