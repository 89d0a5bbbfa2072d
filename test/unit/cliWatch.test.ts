// `procnet watch`'s loop (src/cliWatch.ts) over snapshots built from table text, with a lookup
// that stands for the host's resolver: what it prints when a filter's peer: term matches names
// and the resolver later fails. The CLI runs it against this machine's getent in
// test/integration/peerNames.test.ts.
import * as assert from 'assert';
import { PeerNameCache } from '../../src/collect/peerNames';
import { watch } from '../../src/cliWatch';
import { parseFilter } from '../../src/model/filter';
import { buildSnapshot } from '../../src/model/join';
import type { Snapshot } from '../../src/model/snapshot';
import { capture, proc, TCP_HEADER, tcpLine } from './captureText';

/** One process (pid 10) holding a listener, a connection to 10.0.0.1 and one to 10.0.0.2. */
function snapshot(): Snapshot {
	const tcp =
		TCP_HEADER +
		tcpLine(0, '0100007F:0BB8', '00000000:0000', '0A', '100') + // 127.0.0.1:3000 LISTEN
		tcpLine(1, '0100007F:D431', '0100000A:01BB', '01', '101') + // → 10.0.0.1:443
		tcpLine(2, '0100007F:D432', '0200000A:01BB', '01', '102'); // → 10.0.0.2:443
	return buildSnapshot(capture(tcp, [proc(10, 1, 'client', [[3, '100'], [4, '101'], [5, '102']])]));
}

describe('procnet watch --filter peer:NAME --resolve', () => {
	it('prints only sockets whose peer has the name, and none as closed when the name expires and the resolver then fails', async () => {
		let clock = 0;
		let asks = 0;
		const errors: string[] = [];
		// Answers once; every later ask fails, as a resolver that went away.
		const names = new PeerNameCache(
			async (addrs) => {
				if (asks++) throw new Error('resolver gone');
				return new Map(addrs.map((a) => [a, a === '10.0.0.1' ? 'api.example' : null]));
			},
			1000,
			1000,
			() => clock,
		);
		// Three reads of one unchanged host, with the name expired (clock past its 1 s) before the second.
		let reads = 0;
		let stop!: () => void;
		const stopped = new Promise<void>((r) => (stop = r));
		const read = async () => {
			if (++reads === 3) stop();
			else if (reads === 2) clock = 5000;
			return snapshot();
		};
		// A first read with the connection to 10.0.0.1 missing would print it as new: the test's
		// snapshot never changes, so every line printed is a wrong one.
		const out: string[] = [];
		const code = await watch(read, { intervalMs: 0, json: true, selection: { filter: parseFilter('peer:api.example') }, names }, { out: (t) => (out.push(t), true), err: (t) => errors.push(t), stopped });
		assert.strictEqual(code, 0);
		assert.deepStrictEqual(out, [], 'an unchanged host prints nothing');
		assert.ok(reads >= 2, `read ${reads} times`);
		assert.ok(asks >= 2, `asked ${asks} times: the expired name was asked again, and that failed`);
		assert.ok(errors.some((e) => /peer names: resolver gone/.test(e)), errors.join(''));
		// The first line says how many sockets the selection holds: the named connection alone.
		assert.match(errors[0], /watching h: 1 sockets now/);
	});
});
