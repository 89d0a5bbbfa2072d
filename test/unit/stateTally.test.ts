// StateTally keeps per-process socket counts from diffs; a full recount of the same snapshot is
// the oracle. fast-check makes the snapshot sequences: sockets appear, close, change state and
// owners (several fds of one process, several processes), refreshes fail (the same snapshot
// fires again) and diffs against a snapshot the tally never counted arrive.
import * as assert from 'assert';
import fc from 'fast-check';
import { diffSnapshots } from '../../src/model/diff';
import type { Snapshot, SocketInfo } from '../../src/model/snapshot';
import { StateTally } from '../../src/model/stateTally';

const STATES = ['ESTABLISHED', 'LISTEN', 'TIME_WAIT', 'CLOSE'];

function snapshot(sockets: Array<{ id: number; state: number; owners: Array<[number, number]> }>): Snapshot {
	const unique = new Map(sockets.map((s) => [s.id, s]));
	return {
		processes: [],
		sockets: [...unique.values()].map((s) => ({ id: `tcp:${s.id}`, state: STATES[s.state], txQueue: 0, rxQueue: 0, owners: s.owners.map(([pid, fd]) => ({ pid, fd })) }) as unknown as SocketInfo),
	} as unknown as Snapshot;
}

function recount(snap: Snapshot): Array<[number, { established: number; listening: number; other: number }]> {
	const t = new StateTally();
	t.update(snap, undefined, undefined);
	return t.entries().sort((a, b) => a[0] - b[0]);
}

const socketArb = fc.record({ id: fc.nat(40), state: fc.nat(STATES.length - 1), owners: fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.nat(5)), { maxLength: 3 }) });
const stepArb = fc.oneof(
	{ weight: 8, arbitrary: fc.array(socketArb, { maxLength: 30 }).map((s) => ({ kind: 'refresh' as const, snap: snapshot(s) })) },
	{ weight: 1, arbitrary: fc.constant({ kind: 'failed' as const }) },
	{ weight: 1, arbitrary: fc.array(socketArb, { maxLength: 30 }).map((s) => ({ kind: 'foreign-base' as const, snap: snapshot(s) })) },
);

describe('StateTally', () => {
	it('counts from diffs exactly what a full count of each snapshot gives', () => {
		fc.assert(
			fc.property(fc.array(stepArb, { minLength: 1, maxLength: 25 }), (steps) => {
				const tally = new StateTally();
				let prev: Snapshot | undefined;
				for (const step of steps) {
					if (step.kind === 'failed') {
						if (prev) assert.strictEqual(tally.update(prev, undefined, undefined), false, 'the same snapshot again must not count twice');
					} else if (step.kind === 'foreign-base') {
						// A diff against a snapshot this tally never saw: it must count afresh.
						const other = snapshot([]);
						assert.strictEqual(tally.update(step.snap, other, diffSnapshots(other, step.snap)), true);
						prev = step.snap;
					} else {
						assert.strictEqual(tally.update(step.snap, prev, prev && diffSnapshots(prev, step.snap)), true);
						prev = step.snap;
					}
					if (prev) assert.deepStrictEqual(tally.entries().sort((a, b) => a[0] - b[0]), recount(prev));
				}
			}),
			{ numRuns: 500 },
		);
	});

	it('counts a socket once per process however many of its fds hold it, and once for each process', () => {
		const t = new StateTally();
		t.update(snapshot([{ id: 1, state: 0, owners: [[7, 3], [7, 4], [8, 1]] }, { id: 2, state: 1, owners: [[7, 5]] }]), undefined, undefined);
		assert.deepStrictEqual(t.get(7), { established: 1, listening: 1, other: 0 });
		assert.deepStrictEqual(t.get(8), { established: 1, listening: 0, other: 0 });
		assert.strictEqual(t.get(9), undefined);
	});

	it('counts a big snapshot in steps, and a count dropped half-way is made again in full', () => {
		const big = snapshot(Array.from({ length: 20000 }, (_, i) => ({ id: i, state: i % 4, owners: [[1 + (i % 5), i % 3]] as Array<[number, number]> })));
		const t = new StateTally();
		const it = t.updating(big, undefined, undefined);
		let steps = 0;
		while (!it.next().done) steps++;
		assert.ok(steps >= 4, `${steps} yields over 20000 sockets`);
		assert.deepStrictEqual(t.entries().sort((a, b) => a[0] - b[0]), recount(big));
		// A full count of the next snapshot dropped half-way leaves counts that are no snapshot's:
		// a diff from the snapshot counted before must not be applied to them.
		const next = snapshot(Array.from({ length: 20000 }, (_, i) => ({ id: i + 5000, state: (i + 1) % 4, owners: [[2 + (i % 7), 0]] as Array<[number, number]> })));
		const dropped = t.updating(next, undefined, undefined);
		dropped.next();
		dropped.next();
		assert.strictEqual(t.update(next, big, diffSnapshots(big, next)), true);
		assert.deepStrictEqual(t.entries().sort((a, b) => a[0] - b[0]), recount(next));
		// A big diff is taken in steps too, and one dropped half-way is not built on either.
		const third = snapshot(Array.from({ length: 20000 }, (_, i) => ({ id: i + 30000, state: i % 3, owners: [[3 + (i % 4), 1]] as Array<[number, number]> })));
		const half = t.updating(third, next, diffSnapshots(next, third));
		let diffSteps = 0;
		while (diffSteps < 3 && !half.next().done) diffSteps++;
		assert.strictEqual(diffSteps, 3, 'a 40000-socket diff yields');
		const fourth = snapshot(Array.from({ length: 100 }, (_, i) => ({ id: i + 30000, state: 1, owners: [[3, 1]] as Array<[number, number]> })));
		// Even a diff from the snapshot counted before the dropped one must not be applied to what it left.
		assert.strictEqual(t.update(fourth, next, diffSnapshots(next, fourth)), true);
		assert.deepStrictEqual(t.entries().sort((a, b) => a[0] - b[0]), recount(fourth));
	});
});
