// The typed-array owner index against the obvious Map of lists, on random processes: inodes
// that collide in the hash, repeat across processes, have leading zeros or do not fit 32 bits.
import * as assert from 'assert';
import fc from 'fast-check';
import type { ProcessCapture } from '../../src/collect/capture';
import { OwnerIndex } from '../../src/model/ownerIndex';
import type { Owner } from '../../src/model/snapshot';

type Proc = Pick<ProcessCapture, 'pid' | 'fds' | 'stat'>;

const inode = fc.oneof(
	fc.integer({ min: 1, max: 3000 }).map(String), // few distinct values: many sockets shared
	fc.integer({ min: 0, max: 0xffffffff }).map(String),
	fc.integer({ min: 1, max: 3000 }).map((n) => '00' + n), // the same inode, spelt with zeros
	fc.bigInt({ min: 2n ** 32n, max: 2n ** 64n - 1n }).map(String), // not 32-bit: kept as text
);
const proc = (pid: number): fc.Arbitrary<Proc> =>
	fc.record({
		pid: fc.constant(pid),
		stat: fc.oneof(fc.constant(`${pid} (p) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0`), fc.constant('garbage')),
		fds: fc.array(fc.tuple(fc.nat(5000), inode), { maxLength: 60 }),
	});
const procs = fc.uniqueArray(fc.integer({ min: 1, max: 100000 }), { maxLength: 30 }).chain((pids) => fc.tuple(...pids.map(proc)));

/** The reference: what the index must answer, from a plain Map (leading zeros are the same inode). */
function reference(ps: readonly Proc[]): Map<string, Owner[]> {
	const m = new Map<string, Owner[]>();
	for (const p of ps) {
		if (p.stat === 'garbage') continue;
		for (const [fd, ino] of p.fds) {
			const key = ino.replace(/^0+(?=.)/, '');
			m.set(key, [...(m.get(key) ?? []), { pid: p.pid, fd }]);
		}
	}
	for (const list of m.values()) list.sort((a, b) => a.pid - b.pid || a.fd - b.fd);
	return m;
}

function assertSame(index: OwnerIndex, ref: Map<string, Owner[]>, probes: readonly string[]): void {
	for (const [ino, owners] of ref) assert.deepStrictEqual(index.get(ino), owners, `inode ${ino}`);
	for (const ino of probes) if (!ref.has(ino.replace(/^0+(?=.)/, ''))) assert.strictEqual(index.get(ino), undefined, `inode ${ino} has no owner`);
}

describe('OwnerIndex', () => {
	it('answers as a Map of owner lists would, by pid then fd, through growth and rehashing, from pairs or link texts', () => {
		fc.assert(
			fc.property(procs, fc.array(inode, { maxLength: 20 }), (ps, probes) => {
				const index = new OwnerIndex();
				for (const p of ps) index.add(p);
				assertSame(index, reference(ps), probes);
				// The same fds given as their link texts, as the two-thread scan gives them.
				const byLink = new OwnerIndex();
				for (const p of ps) if (p.stat !== 'garbage') for (const [fd, ino] of p.fds) byLink.addLink(p.pid, fd, `socket:[${ino}]`);
				assertSame(byLink, reference(ps), probes);
			}),
			{ numRuns: 300 },
		);
	});

	it('is the same after crossing to another thread (its data) and after merging two halves', () => {
		fc.assert(
			fc.property(procs, fc.nat(30), (ps, cut) => {
				const a = new OwnerIndex();
				const b = new OwnerIndex();
				ps.forEach((p, i) => (i < cut ? a : b).add(p));
				// structuredClone is what postMessage does to the data (the buffers are transferred there).
				const joined = new OwnerIndex(structuredClone(a.data().data));
				joined.merge(b.data().data);
				assertSame(joined, reference(ps), []);
			}),
			{ numRuns: 300 },
		);
	});

	it('leaves out the fds of a process whose stat does not parse, and answers a copy each time', () => {
		const index = new OwnerIndex();
		index.add({ pid: 5, stat: 'garbage', fds: [[3, '77']] });
		index.add({ pid: 6, stat: '6 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0', fds: [[4, '78']] });
		assert.strictEqual(index.get('77'), undefined);
		index.get('78')!.push({ pid: 0, fd: 0 });
		assert.deepStrictEqual(index.get('78'), [{ pid: 6, fd: 4 }]);
	});
});
