// A full transfer's sockets as columns (src/collect/socketColumns.ts): every socket read back
// from its columns must be the socket it was made from, field for field (undefined, null, -0,
// lists and all), its JSON the same text in the same order, and the extension host's readers
// (owners, for…in comparisons, the page rows) must see no difference.
import * as assert from 'assert';
import fc from 'fast-check';
import type { Capture, ProcessCapture } from '../../src/collect/capture';
import { fromColumns, isColumnSocket, SPLIT_TEXT, splitIdNumber, splitIdPrefix, toColumns } from '../../src/collect/socketColumns';
import { changedFields, sameSocket, sameValues } from '../../src/model/diff';
import { buildSnapshot } from '../../src/model/join';
import { ownedBy, ownerCount, ownerPidAt } from '../../src/model/owners';
import type { SocketInfo } from '../../src/model/snapshot';
import { pageSocket, SOCKET_ROWS } from '../../src/shared/pageSocket';
import { COLUMN_KEYS, PAGE_ROWS, windowOf, type PageQuery } from '../../src/shared/pageWindow';
import { drain } from '../../src/model/drain';
import { fixture } from './fixtures';

/** Every field of `plain` reads the same on `col` (Object.is: -0 and NaN too), and no other field is set. */
function assertSame(col: SocketInfo, plain: SocketInfo, where: string): void {
	const c = col as unknown as Record<string, unknown>;
	for (const [k, v] of Object.entries(plain)) {
		if (k === 'owners') assert.deepStrictEqual(col.owners, plain.owners, `${where}: owners`);
		else if (v !== null && typeof v === 'object') assert.deepStrictEqual(c[k], v, `${where}: ${k}`);
		else assert.ok(Object.is(c[k], v), `${where}: ${k} reads ${String(c[k])}, was ${String(v)}`);
	}
	assert.strictEqual(JSON.stringify(col), JSON.stringify(plain), `${where}: JSON`);
	// The object it gives back has the same fields, in the same order, undefined ones too.
	assert.deepStrictEqual(Object.keys((col as unknown as { toJSON(): object }).toJSON()), Object.keys(plain), `${where}: field order`);
}

function fixtureSnapshot(): SocketInfo[] {
	const tables = {
		tcp: fixture('linux-6.18-host/tcp.txt'),
		tcp6: fixture('vscode/tcp6.txt'),
		udp: fixture('linux-6.18-host/udp.txt'),
		udp6: fixture('prometheus-procfs/proc/net/udp6'),
		raw: fixture('reference-6.18/raw.txt'),
		icmp: fixture('reference-6.18/icmp.txt'),
		unix: fixture('psutil/proc_net_unix_emulated.txt'),
		netlink: fixture('linux-6.18-host/netlink.txt'),
		packet: fixture('captured/packet.txt'),
		'sctp/eps': fixture('insights-core-sctp/eps'),
		'sctp/assocs': fixture('insights-core-sctp/assocs'),
	};
	// Owners for some sockets: none, one, and two processes holding the same socket.
	const inodes = [...fixture('linux-6.18-host/tcp.txt').matchAll(/ (\d{3,}) \d+ [0-9a-f]{16}/g)].map((m) => m[1]);
	const proc = (pid: number, fds: Array<[number, string]>): ProcessCapture => ({
		pid, uid: 0, stat: `${pid} (p${pid}) S 1 ${pid} ${pid} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${pid} 0 0`, cmdline: `p${pid}\0`, cwd: null, netns: 'net:[1]', fdAccess: 'ok', fds,
	});
	const capture: Capture = {
		format: 'procnet-capture', version: 1, source: { kind: 'file', label: 'test' },
		host: { hostname: 'h', kernel: '6.18', byteOrder: 'LE', clkTck: 100, bootTime: 1_700_000_000 },
		takenAt: '2026-12-01T00:00:00.000Z', selfPid: null,
		namespaces: [{ id: 'net:[1]', viaPid: 1, tables }],
		processes: [proc(10, [[3, inodes[0]], [4, inodes[1]]]), proc(11, [[7, inodes[1]]])],
		passwd: 'root:x:0:0::/root:/bin/sh\n', errors: [],
	};
	return buildSnapshot(capture).sockets;
}

describe('socket columns (a full transfer as columns)', () => {
	it('reads back every parsed socket of the fixtures exactly, for every kind', () => {
		const plain = fixtureSnapshot();
		const kinds = new Set(plain.map((s) => s.kind));
		for (const k of ['tcp', 'udp', 'raw', 'icmp', 'unix', 'netlink', 'packet', 'sctp']) assert.ok(kinds.has(k as SocketInfo['kind']), `the fixtures have no ${k} socket`);
		assert.ok(plain.some((s) => s.owners.length === 2) && plain.some((s) => s.owners.length === 0));
		// Through the structured clone a worker's message makes, as in the transfer.
		const cols = fromColumns(structuredClone(toColumns(plain)));
		assert.strictEqual(cols.length, plain.length);
		cols.forEach((c, i) => {
			assert.ok(isColumnSocket(c));
			assertSame(c, plain[i], `${plain[i].kind} ${plain[i].id}`);
		});
		assert.strictEqual(JSON.stringify(cols), JSON.stringify(plain));
	});

	it('reads back arbitrary records: any field set, undefined, null, -0, fractions, lists', () => {
		// Texts of digits too: a canonical one is kept as its number, any other (leading zero, too
		// long, a sign) as text, and each must read back as the very text.
		const digits = fc.oneof(fc.stringMatching(/^[0-9]{1,17}$/), fc.constantFrom('0', '00', '9007199254740993', '999999999999999', '1000000000000000', '-1', '1e3', ' 1'));
		const value = fc.oneof(fc.constant(undefined), fc.constant(null), fc.double(), fc.integer(), fc.constant(-0), fc.string({ maxLength: 6 }), digits, fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }));
		const sock = fc
			.tuple(
				fc.dictionary(fc.constantFrom('kind', 'state', 'inode', 'localPort', 'rto', 'ssthresh', 'path', 'remoteAddresses', 'timer', 'newField', 'toString2'), value),
				fc.array(fc.record({ pid: fc.nat(4194304), fd: fc.nat(2 ** 31 - 1) }), { maxLength: 3 }),
			)
			.map(([fields, owners]) => ({ ...fields, owners: owners.map((o) => ({ pid: o.pid, fd: o.fd })) }) as unknown as SocketInfo);
		// Ids: any text, and texts that end in digits (sent as a prefix and a number when canonical).
		const id = fc.oneof(fc.string({ maxLength: 8 }), fc.tuple(fc.string({ maxLength: 6 }), digits).map(([a, d]) => a + d), fc.constantFrom('', '7', 'a|0', 'a|00', 'a\n5', 'x|5#1'));
		const withId = fc.tuple(id, sock).map(([i, s]) => Object.assign({ id: i }, s));
		fc.assert(
			fc.property(fc.array(withId, { maxLength: 40 }), (list) => {
				const cols = fromColumns(structuredClone(toColumns(list)));
				cols.forEach((c, i) => assertSame(c, list[i], `row ${i}`));
			}),
			{ numRuns: 300 },
		);
	});

	it('gives the panel the window its page rows would give, making rows only for those shown', () => {
		const plain = fixtureSnapshot();
		const cols = fromColumns(structuredClone(toColumns(plain)));
		// The panel reads sockets (column ones after a full transfer); the page rows are the oracle.
		const live = cols.slice(0, -5), closed = cols.slice(-5);
		const liveRows = live.map((s) => pageSocket(s)), closedRows = closed.map((s) => pageSocket(s));
		for (const sort of COLUMN_KEYS) {
			for (const filter of ['', 'listen', '127.0.0', 'unix', 'keepalive', 'nothing-matches']) {
				for (const [desc, shown] of [[false, 500], [true, 3]] as const) {
					const q: PageQuery = { sort, desc, filter, shown };
					let made = 0;
					const counting = { cell: SOCKET_ROWS.cell, row: (s: SocketInfo) => (made++, SOCKET_ROWS.row(s)) };
					const w = drain(windowOf(live, closed, q, counting));
					const want = drain(windowOf(liveRows, closedRows, q, PAGE_ROWS));
					assert.deepStrictEqual(w, want, JSON.stringify(q));
					assert.strictEqual(made, w.rows.length + w.closed.length, `${JSON.stringify(q)}: rows made for sockets not shown`);
				}
			}
		}
		assert.ok(live.length > 3 && drain(windowOf(live, [], { sort: 'state', desc: false, filter: '', shown: 3 }, SOCKET_ROWS)).rows.length === 3);
	});

	it('is what the diff, the page rows and for…in comparisons see in a plain socket', () => {
		const plain = fixtureSnapshot();
		const cols = fromColumns(toColumns(plain));
		for (let i = 0; i < plain.length; i++) {
			assert.ok(sameSocket(cols[i], plain[i]) && sameSocket(plain[i], cols[i]), `${plain[i].id}: not the same socket`);
			assert.ok(sameValues(cols[i], plain[i], 'owners') && sameValues(plain[i], cols[i], 'owners'));
			assert.deepStrictEqual(changedFields(plain[i], cols[i]), []);
			assert.deepStrictEqual(pageSocket(cols[i]), pageSocket(plain[i]));
			// Owners read without their list (model/owners.ts) are the list's, on both kinds of socket.
			for (const s of [cols[i], plain[i]]) {
				assert.strictEqual(ownerCount(s), plain[i].owners.length, `${plain[i].id}: owner count`);
				assert.deepStrictEqual(Array.from({ length: ownerCount(s) }, (_, k) => ownerPidAt(s, k)), plain[i].owners.map((o) => o.pid), `${plain[i].id}: owner pids`);
				for (const o of plain[i].owners) assert.ok(ownedBy(s, o.pid));
				assert.ok(!ownedBy(s, 0x7fffffff));
			}
		}
		// And a difference is one: another state, or another owner, is seen.
		const other = { ...plain[0], state: plain[0].state === 'LISTEN' ? 'CLOSE' : 'LISTEN', owners: [{ pid: 99, fd: 1 }] };
		assert.deepStrictEqual(changedFields(cols[0], other), ['state', 'owners']);
		assert.ok(!sameSocket(cols[0], other));
	});

	it("gives an id's two parts without its text, exactly when the id splits", () => {
		const plain = fixtureSnapshot();
		const cols = fromColumns(structuredClone(toColumns(plain)));
		let split = 0;
		for (let i = 0; i < plain.length; i++) {
			const prefix = splitIdPrefix(cols[i]);
			const m = SPLIT_TEXT.exec(plain[i].id);
			if (prefix === undefined) assert.strictEqual(m, null, `${plain[i].id}: splits, but was sent whole`);
			else {
				split++;
				assert.deepStrictEqual([prefix, splitIdNumber(cols[i])], [m?.[1], Number(m?.[2])], plain[i].id);
				assert.strictEqual(prefix + String(splitIdNumber(cols[i])), plain[i].id);
			}
			assert.strictEqual(splitIdPrefix(plain[i]), undefined, 'a plain socket has no split id');
		}
		// Sockets with an inode are namespace|table|inode: nearly all of them split.
		assert.ok(split > plain.length * 0.8, `${split} of ${plain.length} ids split`);
	});

	it('refuses a field that would shadow its own members', () => {
		for (const name of ['toJSON', 'constructor', 'hasOwnProperty']) {
			const cols = toColumns([{ id: 'x', [name]: 1, owners: [] } as unknown as SocketInfo]);
			assert.throws(() => fromColumns(cols), /cannot be named/, name);
		}
	});

	it('refuses to be written to (its fields are its columns)', () => {
		const [c] = fromColumns(toColumns(fixtureSnapshot().slice(0, 1)));
		assert.throws(() => {
			(c as { state: string }).state = 'LISTEN';
		}, TypeError);
	});
});
