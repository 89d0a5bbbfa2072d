// The snapshot's JSON in pieces must be the same document as one JSON.stringify of it: the CLI
// writes the pieces (dropping array brackets from bytes), Export joins them a line per element.
import * as assert from 'assert';
import { JSON_PIECE, pieceText, snapshotJsonPieces, type JsonPiece } from '../../src/model/snapshotJson';
import type { SocketInfo } from '../../src/model/snapshot';

function socket(i: number): Record<string, unknown> {
	return {
		kind: i % 3 ? 'tcp' : 'unix',
		localAddress: i % 3 ? '127.0.0.1' : null,
		localPort: i % 3 ? 1000 + i : null,
		remoteAddress: i % 3 ? (i % 2 ? '10.0.0.' + (i % 250) : '0.0.0.0') : null,
		remotePort: i % 3 ? (i % 2 ? 443 : 0) : null,
		state: i % 2 ? 'ESTABLISHED' : 'LISTEN',
		inode: String(5000 + i),
		// Texts JSON must escape: quotes, backslashes, a newline, non-ASCII and a lone surrogate.
		path: i % 3 ? null : `/tmp/"sock\\${i}\n é ☃ \ud800`,
		id: `net:[1]|tcp4|${5000 + i}`,
		owners: i % 5 ? [{ pid: 10 + (i % 7), fd: 3 + i }] : [],
		ownerUnknown: i % 5 ? null : 'no-process',
	};
}

function snapshot(n: number): Record<string, unknown> {
	return {
		schemaVersion: 1,
		host: { hostname: 'h', byteOrder: 'LE' },
		processes: [{ pid: 10, name: 'a "b"', cmdline: ['x', 'y z'] }, { pid: 11, name: 'c', cmdline: [] }],
		sockets: Array.from({ length: n }, (_, i) => socket(i)),
		warnings: [],
	};
}

const joined = (pieces: Iterable<JsonPiece>) => [...pieces].map(pieceText).join('');

describe('snapshot JSON in pieces', () => {
	for (const n of [0, 1, JSON_PIECE, 2 * JSON_PIECE + 57]) {
		it(`is exactly JSON.stringify's document for ${n} sockets (pieces of ${JSON_PIECE})`, () => {
			const snap = snapshot(n);
			const pieces = [...snapshotJsonPieces(snap)];
			assert.strictEqual(joined(pieces), JSON.stringify(snap) + '\n');
			assert.strictEqual(pieces.filter((p) => p.array).length, Math.ceil(n / JSON_PIECE), 'only the sockets come in array pieces');
			for (const p of pieces.filter((x) => x.array)) assert.ok(p.text.startsWith('[') && p.text.endsWith(']'), 'an array piece is a bracketed JSON array');
		});
	}

	it('a line per key and per element with `lines`: the same data, and each socket on a line of its own', () => {
		const snap = snapshot(2 * JSON_PIECE + 3);
		const text = joined(snapshotJsonPieces(snap, { lines: true }));
		assert.deepStrictEqual(JSON.parse(text), JSON.parse(JSON.stringify(snap)));
		const lines = text.split('\n');
		for (const s of snap.sockets as Array<Record<string, unknown>>) {
			const line = JSON.stringify(s);
			assert.ok(lines.includes(line) || lines.includes(line + ','), `socket ${String(s.inode)} has a line of its own`);
		}
		assert.ok(lines.some((l) => l.startsWith('{"pid":10,')), 'so has each process');
		assert.ok(lines.includes('"warnings":[]'), 'an empty array stays on its key\'s line');
	});

	it('gives each socket with a peer its remoteName by nameOf (null: no name), and none to the others', () => {
		const snap = snapshot(30);
		const nameOf = (s: SocketInfo) => (s.remotePort ? (s.remoteAddress === '10.0.0.1' ? 'one.example' : null) : undefined);
		for (const lines of [false, true]) {
			const out = JSON.parse(joined(snapshotJsonPieces(snap, { nameOf, lines }))) as { sockets: Array<Record<string, unknown>> };
			assert.strictEqual(out.sockets.length, 30);
			for (const [i, s] of out.sockets.entries()) {
				const want = nameOf((snap.sockets as SocketInfo[])[i]);
				if (want === undefined) assert.ok(!('remoteName' in s), `socket ${i} has no peer`);
				else assert.strictEqual(s.remoteName, want, `socket ${i}`);
			}
			assert.ok(out.sockets.some((s) => s.remoteName === 'one.example') && out.sockets.some((s) => s.remoteName === null));
		}
		assert.ok(!('remoteName' in (snap.sockets as object[])[1]), 'the snapshot itself is not changed');
	});
});
