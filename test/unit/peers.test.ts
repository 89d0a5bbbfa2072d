// Sockets by peer (src/model/peers.ts): the tree's "by peer" grouping and `procnet peers`.
import * as assert from 'assert';
import { groupByPeer, peerOf, peerOfText, statesText } from '../../src/model/peers';
import type { SocketInfo } from '../../src/model/snapshot';
import { drain } from '../../src/model/drain';

let next = 1;
function sock(p: Partial<SocketInfo>): SocketInfo {
	const inode = String(next++);
	return {
		kind: 'tcp', ipVersion: 4, localAddress: '10.0.0.1', localPort: 40000 + next, remoteAddress: '0.0.0.0', remotePort: 0, state: 'ESTABLISHED',
		txQueue: 0, rxQueue: 0, uid: 0, inode, path: null, unixType: null, id: `net:[1]/tcp/${inode}`, netns: 'net:[1]', owners: [], ownerUnknown: null, ...p,
	};
}

describe('sockets by peer', () => {
	const a1 = sock({ remoteAddress: '10.0.0.5', remotePort: 443, owners: [{ pid: 7, fd: 3 }] });
	const a2 = sock({ remoteAddress: '10.0.0.5', remotePort: 443, owners: [{ pid: 7, fd: 4 }, { pid: 8, fd: 4 }] });
	const a3 = sock({ remoteAddress: '10.0.0.5', remotePort: 443, state: 'TIME_WAIT', inode: '0', ownerUnknown: 'inode-0' });
	// A client of a dual-stack listener: its IPv4 address, mapped.
	const mapped = sock({ ipVersion: 6, localAddress: '::ffff:10.0.0.1', remoteAddress: '::ffff:192.168.1.9', remotePort: 51000, owners: [{ pid: 9, fd: 5 }] });
	const v6 = sock({ ipVersion: 6, localAddress: '::1', remoteAddress: '::1', remotePort: 8080, state: 'CLOSE_WAIT' });
	const dns = sock({ kind: 'udp', remoteAddress: '8.8.8.8', remotePort: 53, state: 'ESTABLISHED' });
	const listener = sock({ state: 'LISTEN', localPort: 80 });
	const v6listener = sock({ ipVersion: 6, localAddress: '::', remoteAddress: '::', state: 'LISTEN', localPort: 80 });
	const unconn = sock({ kind: 'udp', state: 'UNCONN', localPort: 5353 });
	const raw = sock({ kind: 'raw', state: 'UNCONN', remoteAddress: '0.0.0.0', remotePort: 0 });
	const unix = sock({ kind: 'unix', ipVersion: null, localAddress: null, localPort: null, remoteAddress: null, remotePort: null, path: '/run/x.sock' });

	it('a socket\'s peer is the address it is connected to, IPv4-mapped written as IPv4; none for listeners, unconnected datagrams and unix', () => {
		assert.strictEqual(peerOf(a1), '10.0.0.5');
		assert.strictEqual(peerOf(mapped), '192.168.1.9');
		assert.strictEqual(peerOf(v6), '::1');
		assert.strictEqual(peerOf(dns), '8.8.8.8');
		for (const s of [listener, v6listener, unconn, raw, unix]) assert.strictEqual(peerOf(s), undefined, `${s.kind} ${s.state}`);
		// A UDP socket with an address but port 0 is not connected.
		assert.strictEqual(peerOf(sock({ kind: 'udp', remoteAddress: '10.0.0.9', remotePort: 0, state: 'UNCONN' })), undefined);
	});

	it('groups the peer holding the most first, then by address; counts states, and each owner once', () => {
		const { peers, none } = drain(groupByPeer([listener, dns, a1, unix, mapped, a2, v6, a3, unconn, raw, v6listener], 2));
		assert.deepStrictEqual(peers.map((g) => [g.peer, g.sockets.length]), [['10.0.0.5', 3], ['192.168.1.9', 1], ['8.8.8.8', 1], ['::1', 1]]);
		assert.deepStrictEqual(peers[0].sockets, [a1, a2, a3]);
		assert.deepStrictEqual(peers[0].states, [['ESTABLISHED', 2], ['TIME_WAIT', 1]]);
		assert.strictEqual(statesText(peers[0]), '2 ESTABLISHED, 1 TIME_WAIT');
		assert.deepStrictEqual(peers[0].pids, [7, 8]);
		assert.deepStrictEqual(peers.map((g) => g.loopback), [false, false, false, true]);
		assert.deepStrictEqual(none, [listener, unix, unconn, raw, v6listener]);
	});

	it('reads the peer from a remote end as the table writes it, as peerOf gives it', () => {
		assert.strictEqual(peerOfText('10.0.0.5:443'), '10.0.0.5');
		assert.strictEqual(peerOfText('[2001:db8::1]:443'), '2001:db8::1');
		assert.strictEqual(peerOfText('[::ffff:10.0.0.5]:443'), '10.0.0.5');
		for (const none of ['*', '0.0.0.0:0', '10.0.0.5:0', '[::]:80', '/run/x.sock', '@abstract', 'IP if2', '', '10.0.0.5']) assert.strictEqual(peerOfText(none), undefined, none);
	});
});
