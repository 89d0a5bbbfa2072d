// Work spread over turns of the event loop (src/views/turns.ts): runs share one budget per turn,
// whoever started them, take steps in turn, and stop when no longer wanted. Steps busy-wait on the
// clock, so the turns are real ones of this process's event loop.
import * as assert from 'assert';
import { runInTurns } from '../../src/views/turns';

const SLICE_MS = 12;
const STEP_MS = 2;

/** A run of `steps` steps of STEP_MS each, recording in which turn (a count kept by setImmediate) each step ran. */
function* busy(name: string, steps: number, log: Array<{ name: string; turn: number; ms: number }>, turn: () => number): Generator<void, string> {
	for (let i = 0; i < steps; i++) {
		const t0 = performance.now();
		while (performance.now() - t0 < STEP_MS);
		log.push({ name, turn: turn(), ms: performance.now() - t0 });
		yield;
	}
	return `${name} done`;
}

describe('runInTurns (one budget per turn for all runs)', () => {
	it('gives every run steps in turn, and no turn more than its share whoever started the runs', async () => {
		// One tick per turn of the event loop: a setImmediate that queues itself runs once per check phase.
		let turn = 0;
		let ticking = true;
		const tick = () => {
			turn++;
			if (ticking) setImmediate(tick);
		};
		setImmediate(tick);
		const log: Array<{ name: string; turn: number; ms: number }> = [];
		const results: string[] = [];
		const finished = new Promise<void>((resolve) => {
			const done = (v: string) => {
				results.push(v);
				if (results.length === 3) resolve();
			};
			// Two started in this turn (as the panel's counts and table are, from one store change), one for a later turn (the tree's index).
			runInTurns(busy('a', 20, log, () => turn), () => true, done, 'now');
			runInTurns(busy('b', 20, log, () => turn), () => true, done, 'now');
			runInTurns(busy('c', 20, log, () => turn), () => true, done, 'next');
		});
		await finished;
		ticking = false;
		assert.deepStrictEqual(results.sort(), ['a done', 'b done', 'c done']);
		const byTurn = new Map<number, typeof log>();
		for (const e of log) byTurn.set(e.turn, [...(byTurn.get(e.turn) ?? []), e]);
		assert.ok(byTurn.size >= Math.floor((60 * STEP_MS) / (SLICE_MS + STEP_MS)), `${byTurn.size} turns for 60 steps of ${STEP_MS} ms`);
		// No step begins once the turn's share is spent: the steps before a turn's last one fit in
		// it. The last one began inside the share and runs to its end, however long the machine
		// makes it: a GC or a preemption inside one 2 ms busy step made it 7 ms, and the check of
		// every step's sum (share + one step + 4 ms) failed 1 run in 4 on this VM, at the commit
		// before this one too.
		const beforeLast = (steps: typeof log) => steps.slice(0, -1).reduce((n, e) => n + e.ms, 0);
		for (const [t, steps] of byTurn) {
			const ms = beforeLast(steps);
			assert.ok(ms <= SLICE_MS + 1, `turn ${t}: ${ms.toFixed(1)} ms of steps before its last (${steps.map((e) => `${e.name}${e.ms.toFixed(1)}`).join(' ')})`);
		}
		// In turn: while two or more runs wait, a turn steps more than one of them.
		const shared = [...byTurn.values()].filter((steps) => steps.length > 2);
		assert.ok(shared.some((steps) => new Set(steps.map((e) => e.name)).size > 1), 'no turn stepped two runs');
		// 'b' started in the same turn as 'a': it did not get a share of its own there.
		const first = byTurn.get(Math.min(...byTurn.keys()))!;
		assert.ok(beforeLast(first) <= SLICE_MS + 1);
	});

	it('ends a run that throws there, alone: the others go on, and the error is thrown again uncaught', async () => {
		// Mocha's own handler would fail the test on it: this test takes the uncaught error itself.
		const mochas = process.listeners('uncaughtException');
		process.removeAllListeners('uncaughtException');
		const uncaught: unknown[] = [];
		process.on('uncaughtException', (e) => uncaught.push(e));
		try {
			let afterThrow = 0;
			function* bad(): Generator<void, string> {
				yield;
				yield;
				throw new Error('step 3 broke');
			}
			function* good(): Generator<void, string> {
				for (let i = 0; i < 10; i++) {
					const t0 = performance.now();
					while (performance.now() - t0 < STEP_MS);
					yield;
				}
				return 'good done';
			}
			const result = new Promise<string>((resolve) => {
				runInTurns(bad(), () => true, () => (afterThrow = -1), 'next');
				runInTurns(good(), () => true, resolve, 'next');
			});
			assert.strictEqual(await result, 'good done');
			await new Promise((r) => setImmediate(r));
			assert.strictEqual(afterThrow, 0, 'the broken run gave no result');
			assert.deepStrictEqual(uncaught.map((e) => (e as Error).message), ['step 3 broke']);
		} finally {
			process.removeAllListeners('uncaughtException');
			for (const l of mochas) process.on('uncaughtException', l);
		}
	});

	it('stops a run that is no longer wanted, without its result', async () => {
		let wanted = true;
		let steps = 0;
		let result: string | undefined;
		function* run(): Generator<void, string> {
			for (;;) {
				steps++;
				const t0 = performance.now();
				while (performance.now() - t0 < STEP_MS);
				yield;
				if (steps > 1000) return 'ran on';
			}
		}
		runInTurns(run(), () => wanted, (v) => (result = v), 'next');
		await new Promise((r) => setTimeout(r, 60));
		wanted = false;
		const at = steps;
		await new Promise((r) => setTimeout(r, 60));
		assert.ok(at > 0, 'it ran');
		assert.ok(steps <= at + 1, `${steps - at} steps after it was no longer wanted`);
		assert.strictEqual(result, undefined);
	});
});
