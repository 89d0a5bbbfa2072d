// The panel's process page sent as changes (src/shared/processDelta.ts): whatever two pages of
// one process, applying the delta of a → b to a gives b (sockets as a set by id, every field);
// big changes go as whole pages; a delta never applies to another process's page.
import * as assert from 'assert';
import fc from 'fast-check';
import type { SocketInfo } from '../../src/model/snapshot';
import { applyProcessDelta, processDelta } from '../../src/shared/processDelta';
import type { ToWebview } from '../../src/shared/protocol';

type Page = Extract<ToWebview, { type: 'process' }>;

function sock(id: number, state: string, rx: number): SocketInfo {
	return { id: `tcp:${id}`, kind: 'tcp', state, rxQueue: rx, txQueue: 0, inode: String(id), owners: [{ pid: 7, fd: id }] } as unknown as SocketInfo;
}
function page(sockets: SocketInfo[], takenAt = 't0', pid = 7): Page {
	return {
		type: 'process', target: { kind: 'process', pid, startTicks: 1 }, host: 'h', takenAt,
		detail: { process: { pid } as never, ancestors: [], children: [], sockets, added: [], removed: [], history: [] },
	};
}
const byId = (l: SocketInfo[]) => [...l].sort((a, b) => (a.id < b.id ? -1 : 1));
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
});
