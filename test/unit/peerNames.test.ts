// Peer names (src/collect/peerNames.ts): the address forms, getent's lines, the one line written to
// a remote session, and the cache's rules. The lookups themselves run for real in
// test/integration/peerNames.test.ts.
import * as assert from 'assert';
import { canonicalAddress, MAX_RESOLVE, parseGetentHosts, PeerNameCache } from '../../src/collect/peerNames';
import { resolveCommand } from '../../src/collect/remoteScript';

const NONCE = '0123456789abcdef0123456789abcdef';

describe('peer names', () => {
	it('writes an address one way, whatever form getent or the table decoder used', () => {
		assert.strictEqual(canonicalAddress('10.0.0.5'), '10.0.0.5');
		assert.strictEqual(canonicalAddress('::1'), '0:0:0:0:0:0:0:1');
		assert.strictEqual(canonicalAddress('0:0:0:0:0:0:0:1'), '0:0:0:0:0:0:0:1');
		assert.strictEqual(canonicalAddress('2001:DB8::0:1'), '2001:db8:0:0:0:0:0:1');
		assert.strictEqual(canonicalAddress('2001:db8:0000:0000:0000:0000:0000:0001'), '2001:db8:0:0:0:0:0:1');
		assert.strictEqual(canonicalAddress('::ffff:10.0.0.5'), canonicalAddress('::ffff:a00:5'));
		assert.strictEqual(canonicalAddress('fe80::1%eth0'), undefined, 'a scoped address is not one getent is asked about');
		for (const bad of ['', 'localhost', '1.2.3.4; id', '::1 x', '$(id)', '1.2.3']) assert.strictEqual(canonicalAddress(bad), undefined, bad);
	});

	it('reads getent hosts lines: the first name of each address, only host-name characters', () => {
		const text = [
			'127.0.0.1       localhost runsc vm',
			'::1             localhost ip6-localhost ip6-loopback',
			'140.82.112.3    lb-140-82-112-3-iad.github.com',
			'10.0.0.9        <script>alert(1)</script>',
			'10.0.0.10',
			'not-an-address  name',
			'',
		].join('\n');
		assert.deepStrictEqual(
			[...parseGetentHosts(text)],
			[
				['127.0.0.1', 'localhost'],
				['0:0:0:0:0:0:0:1', 'localhost'],
				['140.82.112.3', 'lb-140-82-112-3-iad.github.com'],
			],
		);
	});

	it('writes one line to the session: each value checked to be an address, in its canonical form; anything else is refused before it is written', () => {
		assert.strictEqual(resolveCommand(NONCE, ['10.0.0.5', '::1']), `procnet_resolve ${NONCE} 10.0.0.5 0:0:0:0:0:0:0:1 </dev/null 2>/dev/null\n`);
		for (const bad of [['10.0.0.5; id'], ['$(touch /tmp/x)'], ['a b'], ['-n'], []]) assert.throws(() => resolveCommand(NONCE, bad), JSON.stringify(bad));
		assert.throws(() => resolveCommand(NONCE, Array.from({ length: MAX_RESOLVE + 1 }, (_, i) => `10.0.${i >> 8}.${i & 255}`)));
		assert.throws(() => resolveCommand('x y', ['10.0.0.5']));
	});

	it('caches: asks only for what it does not know, counts only answers that change what is shown, forgets after its time (sooner for "no name")', async () => {
		let now = 0;
		const asked: string[][] = [];
		const table = new Map<string, string>([['10.0.0.5', 'db-1']]);
		const cache = new PeerNameCache(async (addrs) => {
			asked.push([...addrs]);
			return new Map(addrs.map((a) => [canonicalAddress(a)!, table.get(a) ?? null]));
		}, 1000, 100, () => now);
		assert.strictEqual(cache.get('10.0.0.5'), undefined);
		assert.strictEqual(await cache.resolve(['10.0.0.5', '10.0.0.6', '10.0.0.5', 'junk']), 1, 'one name; a first "no name" changes nothing shown');
		assert.deepStrictEqual(asked, [['10.0.0.5', '10.0.0.6']]);
		assert.strictEqual(cache.get('10.0.0.5'), 'db-1');
		assert.strictEqual(cache.get('10.0.0.6'), null);
		assert.strictEqual(await cache.resolve(['10.0.0.5', '10.0.0.6']), 0);
		assert.strictEqual(asked.length, 1, 'nothing asked again while known');
		now = 150; // past "no name"'s time, not the name's
		table.set('10.0.0.6', 'db-2');
		assert.strictEqual(await cache.resolve(['10.0.0.5', '10.0.0.6']), 1);
		assert.deepStrictEqual(asked[1], ['10.0.0.6']);
		assert.strictEqual(cache.get('10.0.0.6'), 'db-2');
		now = 2000;
		assert.strictEqual(cache.get('10.0.0.5'), undefined, 'forgotten after its time');
	});

	it('a failed lookup gives no names and is told, never thrown: names are a courtesy', async () => {
		const errors: unknown[] = [];
		let now = 0;
		let calls = 0;
		let fail = true;
		const cache = new PeerNameCache(async (addrs) => {
			calls++;
			if (fail) throw new Error('no getent there');
			return new Map(addrs.map((a) => [a, 'db-1']));
		}, 1000, 100, () => now);
		assert.strictEqual(await cache.resolve(['10.0.0.5'], (e) => errors.push(e)), 0);
		assert.match(String(errors[0]), /no getent/);
		assert.strictEqual(cache.get('10.0.0.5'), undefined, 'not remembered as "no name": it may work later');
		// Not asked again at every refresh: left alone a while.
		assert.strictEqual(await cache.resolve(['10.0.0.5']), 0);
		assert.strictEqual(calls, 1);
		now = 150;
		fail = false;
		assert.strictEqual(await cache.resolve(['10.0.0.5']), 1);
		assert.strictEqual(cache.get('10.0.0.5'), 'db-1');
	});

	it('resolveAll asks for all it does not know, MAX_RESOLVE at a time, one batch after another, and stops when cancelled', async () => {
		const asked: number[] = [];
		let inFlight = 0;
		const cache = new PeerNameCache(async (addrs) => {
			assert.strictEqual(inFlight++, 0, 'one batch at a time');
			asked.push(addrs.length);
			await new Promise((r) => setImmediate(r));
			inFlight--;
			return new Map(addrs.map((a) => [canonicalAddress(a)!, `h-${a}`]));
		});
		const addrs = Array.from({ length: 2 * MAX_RESOLVE + 7 }, (_, i) => `10.1.${i >> 8}.${i & 255}`);
		await cache.resolve(addrs.slice(0, 3));
		const done: Array<[number, number]> = [];
		await cache.resolveAll([...addrs, ...addrs, 'junk'], { done: (n, of) => done.push([n, of]) });
		const left = addrs.length - 3;
		assert.deepStrictEqual(asked, [3, MAX_RESOLVE, MAX_RESOLVE, left - 2 * MAX_RESOLVE], 'the 3 known ones are not asked again');
		assert.deepStrictEqual(done, [[MAX_RESOLVE, left], [2 * MAX_RESOLVE, left], [left, left]]);
		assert.ok(addrs.every((a) => cache.get(a) === `h-${a}`), 'every address named');

		const other = new PeerNameCache(async (a) => (asked.push(a.length), new Map()));
		asked.length = 0;
		let batches = 0;
		await other.resolveAll(addrs, { cancelled: () => batches > 0, done: () => batches++ });
		assert.deepStrictEqual(asked, [MAX_RESOLVE], 'cancelled after the first batch');
	});
});
