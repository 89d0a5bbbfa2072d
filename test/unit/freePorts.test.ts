import * as assert from 'assert';
import { holdText, parseEphemeralRange, parsePortRange, portStatuses, searchPorts } from '../../src/model/freePorts';
import type { Snapshot, SocketInfo } from '../../src/model/snapshot';

const sock = (kind: string, state: string, localAddress: string, localPort: number, netns = 'net:[1]'): SocketInfo =>
	({ kind, state, localAddress, localPort, netns, owners: [] }) as unknown as SocketInfo;

describe('free ports', () => {
	it('reads a port or a range, and nothing else', () => {
		assert.deepStrictEqual(parsePortRange('3000'), { from: 3000, to: 3000 });
		assert.deepStrictEqual(parsePortRange(8080), { from: 8080, to: 8080 });
		assert.deepStrictEqual(parsePortRange(' 3000 - 3100 '), { from: 3000, to: 3100 });
		assert.deepStrictEqual(parsePortRange('3000..3100'), { from: 3000, to: 3100 });
		assert.deepStrictEqual(parsePortRange('1-10000'), { from: 1, to: 10000 });
		for (const bad of ['', '0', '65536', '3100-3000', '1-10001', 'http', '3000-', '-3000', '3000,3001', '1e3', undefined, {}]) assert.strictEqual(parsePortRange(bad), undefined, String(bad));
	});

	it('reads ip_local_port_range as the kernel prints it (a tab between the ends)', () => {
		assert.deepStrictEqual(parseEphemeralRange('32768\t60999\n'), { from: 32768, to: 60999 });
		for (const bad of ['', '60999\t32768\n', '0 100', 'x y']) assert.strictEqual(parseEphemeralRange(bad), undefined, bad);
	});

	it('holds a port by any socket of the protocol on it, in the namespace asked, on any address; TCP listeners apart from connections', () => {
		const snap = {
			sockets: [
				sock('tcp', 'LISTEN', '127.0.0.1', 3000),
				sock('tcp', 'LISTEN', '::1', 3000),
				sock('tcp', 'TIME_WAIT', '127.0.0.1', 3001),
				sock('tcp', 'TIME_WAIT', '127.0.0.1', 3001),
				sock('tcp', 'ESTABLISHED', '::ffff:127.0.0.1', 3001),
				sock('udp', 'UNCONN', '0.0.0.0', 3002),
				sock('tcp', 'LISTEN', '0.0.0.0', 3003, 'net:[2]'),
				sock('unix', 'LISTEN', '/x', 3004),
			],
		} as unknown as Snapshot;
		const tcp = portStatuses(snap, { protocol: 'tcp', range: { from: 3000, to: 3005 }, netns: 'net:[1]', ephemeral: { from: 3004, to: 4000 } });
		assert.deepStrictEqual(tcp.map((s) => [s.port, s.listeners.length, s.others.length, s.ephemeral]), [
			[3000, 2, 0, false],
			[3001, 0, 3, false],
			[3002, 0, 0, false],
			[3003, 0, 0, false],
			[3004, 0, 0, true],
			[3005, 0, 0, true],
		]);
		assert.strictEqual(holdText(tcp[0]), 'LISTEN 127.0.0.1, ::1');
		assert.strictEqual(holdText(tcp[1]), '2 TIME_WAIT · 1 ESTABLISHED');
		// Every namespace: the other one's listener holds 3003 too.
		assert.strictEqual(portStatuses(snap, { protocol: 'tcp', range: { from: 3003, to: 3003 }, netns: null })[0].listeners.length, 1);
		const udp = portStatuses(snap, { protocol: 'udp', range: { from: 3000, to: 3002 }, netns: 'net:[1]' });
		assert.deepStrictEqual(udp.map((s) => s.listeners.length), [0, 0, 1]);
		assert.strictEqual(holdText(udp[2]), 'bound 0.0.0.0');
		// The search stops at the count-th free port, and lists the held ones on the way.
		assert.deepStrictEqual(searchPorts(snap, { protocol: 'tcp', range: { from: 3000, to: 3010 }, netns: 'net:[1]' }, 2).map((s) => s.port), [3000, 3001, 3002, 3003]);
	});
});
