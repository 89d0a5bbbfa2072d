// The held sockets by id (src/collect/socketIndex.ts), against a plain Map by id text: whatever
// mix of plain sockets and a full transfer's column sockets, split ids and whole ones, set,
// replaced, looked up and let go by socket or by id, it holds what the Map holds.
import * as assert from 'assert';
import fc from 'fast-check';
import { columnTableOf, fromColumns, toColumns } from '../../src/collect/socketColumns';
import { hasId, SocketIndex } from '../../src/collect/socketIndex';
import type { SocketInfo } from '../../src/model/snapshot';

const plainSocket = (id: string, state: string): SocketInfo => ({ id, kind: 'tcp', state, owners: [] }) as unknown as SocketInfo;
const columnSocket = (id: string, state: string): SocketInfo => fromColumns(structuredClone(toColumns([plainSocket(id, state)])))[0];

// Ids that collide on purpose: a few prefixes and numbers, texts that only look split
// (leading zero, 16 digits), and ones that are not.
const id = fc.oneof(
	fc.tuple(fc.constantFrom('net:[1]|tcp4|', 'net:[2]|tcp4|', 'net:[1]|unix|', 'a#'), fc.constantFrom('0', '7', '42', '4294967296', '999999999999999')).map(([p, n]) => p + n),
	fc.constantFrom('net:[1]|tcp4|007', 'net:[1]|tcp4|1234567890123456', '7', '', 'net:[1]|tcp|127.0.0.1:80->0.0.0.0:0', 'x\n5'),
);
const op = fc.oneof(
	fc.record({ op: fc.constant('set' as const), id, columns: fc.boolean(), state: fc.constantFrom('LISTEN', 'ESTABLISHED') }),
	fc.record({ op: fc.constant('deleteId' as const), id }),
	fc.record({ op: fc.constant('delete' as const), id, columns: fc.boolean() }),
);

describe('SocketIndex (held sockets by id)', () => {
	it('holds what a Map by id text holds', () => {
		fc.assert(
			fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
				const index = new SocketIndex();
				const model = new Map<string, SocketInfo>();
				for (const o of ops) {
					if (o.op === 'set') {
						const s = o.columns ? columnSocket(o.id, o.state) : plainSocket(o.id, o.state);
						index.set(s);
						model.set(o.id, s);
					} else if (o.op === 'deleteId') {
						assert.strictEqual(index.deleteId(o.id), model.delete(o.id), `deleteId ${JSON.stringify(o.id)}`);
					} else {
						const s = o.columns ? columnSocket(o.id, 'LISTEN') : plainSocket(o.id, 'LISTEN');
						assert.strictEqual(index.delete(s), model.delete(o.id), `delete ${JSON.stringify(o.id)}`);
					}
					assert.strictEqual(index.size, model.size);
					const tables = new Set([...model.values()].map(columnTableOf).filter((t) => t !== undefined));
					assert.strictEqual(index.tableRows, [...tables].reduce((n, t) => n + t.rows, 0), 'tableRows');
				}
				for (const [k, v] of model) {
					assert.strictEqual(index.getId(k), v, `getId ${JSON.stringify(k)}`);
					assert.strictEqual(index.get(columnSocket(k, 'CLOSE')), v, `get by a column socket ${JSON.stringify(k)}`);
					assert.strictEqual(index.get(plainSocket(k, 'CLOSE')), v, `get by a plain socket ${JSON.stringify(k)}`);
				}
				const list = index.list();
				assert.strictEqual(list.length, model.size);
				assert.deepStrictEqual(new Set(list), new Set(model.values()));
			}),
			{ numRuns: 500 },
		);
	});

	it('counts the rows of the column tables its sockets keep alive, until the last of a table is let go', () => {
		const ids = [1, 2, 3, 4, 5].map((i) => `net:[1]|tcp4|${i}`);
		const rows = fromColumns(structuredClone(toColumns(ids.map((id) => plainSocket(id, 'LISTEN')))));
		const index = new SocketIndex();
		for (const s of rows.slice(0, 3)) index.set(s);
		assert.strictEqual(index.tableRows, 5, 'three rows held keep the five-row table');
		index.set(plainSocket(ids[0], 'CLOSE'));
		index.set(rows[1]);
		assert.deepStrictEqual([index.size, index.tableRows], [3, 5], 'a row replaced by an object, one set again');
		index.deleteId(ids[1]);
		assert.strictEqual(index.tableRows, 5);
		index.delete(rows[2]);
		assert.deepStrictEqual([index.size, index.tableRows], [1, 0], 'the last row let go frees the table');
	});

	it('hasId is id equality, for plain and column sockets alike', () => {
		fc.assert(
			fc.property(id, id, fc.boolean(), (target, other, columns) => {
				const s = columns ? columnSocket(other, 'LISTEN') : plainSocket(other, 'LISTEN');
				assert.strictEqual(hasId(target)(s), target === other, `${JSON.stringify(target)} vs ${JSON.stringify(other)}`);
			}),
			{ numRuns: 1000 },
		);
	});

	it('lists by prefix in the order first held, then the ids it keeps whole; a replaced socket keeps its place', () => {
		const index = new SocketIndex();
		for (const id of ['net:[1]|tcp4|5', 'odd', 'net:[1]|udp4|9', 'net:[1]|tcp4|3', 'net:[1]|tcp4|007']) index.set(columnSocket(id, 'LISTEN'));
		index.set(plainSocket('net:[1]|tcp4|5', 'CLOSE'));
		assert.deepStrictEqual(
			index.list().map((s) => [s.id, s.state]),
			[['net:[1]|tcp4|5', 'CLOSE'], ['net:[1]|tcp4|3', 'LISTEN'], ['net:[1]|udp4|9', 'LISTEN'], ['odd', 'LISTEN'], ['net:[1]|tcp4|007', 'LISTEN']],
		);
	});
});
