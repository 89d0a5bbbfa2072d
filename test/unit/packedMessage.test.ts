// Long socket lists sent to the panel as UTF-8 JSON (src/shared/packedMessage.ts): the page
// gathers exactly the message the host packed, in order, across pieces; a stale pack stops,
// and pieces of an older message are dropped.
import * as assert from 'assert';
import fc from 'fast-check';
import type { SocketInfo } from '../../src/model/snapshot';
import { pack, PACK_SLICE, Unpacker } from '../../src/shared/packedMessage';
import { pageSocket, type PageSocket } from '../../src/shared/pageSocket';
import { DEFAULT_QUERY } from '../../src/shared/pageWindow';
import type { ToWebview } from '../../src/shared/protocol';

type Page = Extract<ToWebview, { type: 'process' }>;

function sock(i: number, path: string | null): PageSocket {
	return pageSocket({ id: `net|unix|${i}`, kind: 'unix', unixType: 'STREAM', state: 'LISTEN', inode: String(i), path, remoteAddress: null, owners: [{ pid: 7, fd: i }], ownerUnknown: null } as unknown as SocketInfo);
}
function page(rows: PageSocket[], shown = rows.length): Page {
	return {
		type: 'process', target: { kind: 'process', pid: 7, startTicks: 1, hostId: 'ssh:a' }, host: 'h', takenAt: 't0',
		detail: {
			process: { pid: 7, name: 'x' } as never, ancestors: [{ pid: 1, name: 'init' }], children: [],
			table: { rows, closed: [sock(99999, null)], total: rows.length + 3, matched: rows.length, closedMatched: 1, counts: [{ kind: 'unix/stream', state: 'LISTEN', n: rows.length }] },
			query: { ...DEFAULT_QUERY, filter: 'a "quoted" \\ filter', shown },
			added: [rows[0]?.id ?? 'none'], history: [{ t: 1, established: 2, listening: 3, other: 4, rssBytes: 5 * 4096, cpuSeconds: 0.06 }],
		},
	};
}

describe('packedMessage (long socket lists as UTF-8 JSON)', () => {
	it('the Unpacker gives back m from pack(m), for pages of any size, any path text', async () => {
		// Sizes around the slice boundary; paths with quotes, backslashes, newlines, lone surrogates.
		const size = fc.oneof(fc.nat(5), fc.constantFrom(PACK_SLICE - 1, PACK_SLICE, PACK_SLICE + 1, 2 * PACK_SLICE + 7));
		await fc.assert(
			fc.asyncProperty(size, fc.array(fc.option(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 })), { minLength: 1, maxLength: 5 }), fc.nat(3), async (n, paths, pages) => {
				const list = Array.from({ length: n }, (_, i) => sock(i, paths[i % paths.length]));
				const m = page(list, (pages + 1) * 500);
				let turns = 0;
				const pieces = await pack(m, 7, async () => (turns++, true));
				assert.ok(pieces);
				assert.strictEqual(pieces.length, Math.max(1, Math.ceil(n / PACK_SLICE)));
				assert.strictEqual(turns, pieces.length - 1, 'one turn before each slice after the first');
				// The page gets the byte arrays as they are (structured clone); the message itself as JSON.
				const u = new Unpacker();
				const got = pieces.map((p) => u.add(structuredClone(p)));
				assert.deepStrictEqual(got.slice(0, -1), pieces.slice(1).map(() => undefined), 'nothing before the last piece');
				assert.deepStrictEqual(got[got.length - 1], JSON.parse(JSON.stringify(m)));
			}),
			{ numRuns: 200 },
		);
	});

	it('drops the rest of an older message once a newer one begins, and a piece out of order', async () => {
		const list = (n: number) => Array.from({ length: n }, (_, i) => sock(i, `/tmp/s${i}`));
		const older = (await pack(page(list(3 * PACK_SLICE)), 1))!;
		const newer = (await pack(page(list(2 * PACK_SLICE)), 2))!;
		const u = new Unpacker();
		assert.strictEqual(u.add(older[0]), undefined);
		assert.strictEqual(u.add(newer[0]), undefined);
		assert.strictEqual(u.add(older[1]), undefined);
		assert.strictEqual(u.add(older[2]), undefined);
		assert.strictEqual((u.add(newer[1]) as Page).detail.table.rows.length, 2 * PACK_SLICE);
		// A piece that skips one (a lost post) never yields a message.
		assert.strictEqual(u.add(older[0]), undefined);
		assert.strictEqual(u.add(older[2]), undefined);
	});

	it('stops, with nothing to send, when a newer message made it stale between slices', async () => {
		const list = Array.from({ length: 3 * PACK_SLICE }, (_, i) => sock(i, `/tmp/s${i}`));
		let calls = 0;
		assert.strictEqual(await pack(page(list), 1, async () => ++calls < 2), undefined);
		assert.strictEqual(calls, 2);
	});
});
