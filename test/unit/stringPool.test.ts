// The pool that shares repeated texts of sockets from the scan worker (src/collect/stringPool.ts):
// a socket reads the same after it as before, whatever its fields; the pool never holds more
// than its bound, however many different texts pass through it.
import * as assert from 'assert';
import fc from 'fast-check';
import { StringPool } from '../../src/collect/stringPool';
import type { SocketInfo } from '../../src/model/snapshot';

const text = fc.oneof(fc.constantFrom('tcp', 'udp', 'ESTABLISHED', 'LISTEN', '127.0.0.1', '::1', 'net:[4026531840]'), fc.string({ maxLength: 12 }));
const sock = fc.record({
	id: fc.string(), kind: text, state: text, timer: fc.option(text), netns: text, localAddress: fc.option(text), remoteAddress: fc.option(text),
	unixType: fc.option(text), protocolName: fc.option(text, { nil: undefined }), inode: fc.string(), localPort: fc.option(fc.nat(65535)),
	owners: fc.array(fc.record({ pid: fc.nat(), fd: fc.nat() }), { maxLength: 2 }),
});

describe('StringPool (shared texts of the sockets held)', () => {
	it('leaves every socket reading the same, and stays within its bound', () => {
		fc.assert(
			fc.property(fc.array(sock, { maxLength: 60 }), fc.integer({ min: 1, max: 20 }), (list, max) => {
				const pool = new StringPool(max);
				for (const s of list) {
					const before = JSON.stringify(s);
					pool.share(s as unknown as SocketInfo);
					assert.strictEqual(JSON.stringify(s), before);
					assert.ok(pool.size <= max, `${pool.size} texts in a pool of ${max}`);
				}
			}),
			{ numRuns: 500 },
		);
	});

	it('starts again when full rather than growing', () => {
		const pool = new StringPool(100);
		for (let i = 0; i < 1000; i++) pool.share({ kind: 'tcp', state: 'ESTABLISHED', remoteAddress: `10.0.${i >> 8}.${i & 255}` } as unknown as SocketInfo);
		assert.ok(pool.size <= 100 && pool.size > 0, `${pool.size} texts`);
	});
});
