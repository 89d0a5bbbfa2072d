import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseSsTcpInfo, rateText, ssInfoArgv, tcpInfoRows, tcpThroughput } from '../../src/model/ssTcpInfo';
import type { SocketInfo } from '../../src/model/snapshot';

const fixture = (rel: string): string => fs.readFileSync(path.join(__dirname, '../../../test/fixtures', rel), 'utf8');

describe('ss -tie output', () => {
	it('reads a listener and the accepted end of its connection (captured)', () => {
		const [listen, accepted, ...rest] = parseSsTcpInfo(fixture('captured/ss_tie_listen_estab.txt'));
		assert.deepStrictEqual(rest, []);
		assert.deepStrictEqual([listen.state, listen.recvQ, listen.sendQ, listen.inode, listen.flags, listen.fields], ['LISTEN', 0, 37, '61478533', ['bbr'], { cwnd: '10' }]);
		assert.strictEqual(accepted.state, 'ESTAB');
		assert.strictEqual(accepted.inode, '61478535');
		assert.strictEqual(accepted.fields.bytes_received, '100000');
		assert.strictEqual(accepted.fields.rtt, '0.022/0.011');
		assert.strictEqual(accepted.fields.bbr, '(bw:0bps,mrtt:0.022)', 'a nested value stays whole');
		assert.deepStrictEqual(accepted.flags, ['ts', 'sack', 'bbr', 'app_limited']);
		assert.deepStrictEqual(Object.keys(accepted.rates), ['send', 'pacing_rate']);
		assert.deepStrictEqual(accepted.raw.split('\n').map((l) => l.slice(0, 6)), ['ESTAB ', '\t ts s'], 'its two lines as ss printed them');
	});

	it('a lean read for many sockets keeps only the fields asked for: the same sockets, no rates, flags or raw text', () => {
		const text = fixture('captured/ss_tie_listen_estab.txt');
		const full = parseSsTcpInfo(text);
		const lean = parseSsTcpInfo(text, new Set(['bytes_sent', 'bytes_received']));
		assert.deepStrictEqual(lean.map((i) => [i.state, i.inode, i.recvQ, i.sendQ]), full.map((i) => [i.state, i.inode, i.recvQ, i.sendQ]));
		// The accepted end has received 100000 bytes and sent none (ss prints no bytes_sent then).
		assert.strictEqual(full[1].fields.bytes_sent, undefined);
		assert.deepStrictEqual(lean[1].fields, { bytes_received: '100000' });
		assert.ok(Object.keys(full[1].fields).length > 10, 'the full read has every field');
		assert.deepStrictEqual([lean[1].rates, lean[1].flags, lean[1].raw], [{}, [], '']);
	});

	it('reads the client end: bytes sent and acknowledged (the SYN counts one), delivery rate', () => {
		const [c] = parseSsTcpInfo(fixture('captured/ss_tie_client.txt'));
		assert.deepStrictEqual([c.fields.bytes_sent, c.fields.bytes_acked, c.fields.data_segs_out], ['100000', '100001', '3']);
		assert.match(c.rates.delivery_rate, /^\d+bps$/);
	});

	it('reads lines without a state (a filter that names one state) and skips lines it cannot read', () => {
		const text = '0 5 10.0.0.1:22 10.0.0.2:5000 uid:1000 ino:77 sk:1 <->\n\t cubic rtt:1.5/0.7 retrans:0/4 lost:1 __proto__:x constructor:y\nnonsense here\n\t orphan:1\nESTAB x y a b ino:9\n';
		const got = parseSsTcpInfo(text);
		assert.strictEqual(got.length, 1);
		assert.strictEqual(Object.getPrototypeOf(got[0].fields), Object.prototype, 'a forged __proto__ item is not taken');
		assert.ok(!Object.prototype.hasOwnProperty.call(got[0].fields, 'constructor'));
		assert.deepStrictEqual([got[0].state, got[0].recvQ, got[0].sendQ, got[0].inode, got[0].fields.retrans, got[0].fields.orphan], ['', 0, 5, '77', '0/4', undefined]);
	});

	it('words for the page: a listener\'s backlog, a connection\'s bytes, round trip, retransmits and rates', () => {
		const [listen, accepted] = parseSsTcpInfo(fixture('captured/ss_tie_listen_estab.txt'));
		assert.deepStrictEqual(tcpInfoRows(listen), [
			['Accept queue', '0 waiting to be accepted, backlog 37'],
			['Congestion window', '10 segments'],
			['Options', 'bbr'],
		]);
		const rows = new Map(tcpInfoRows(accepted));
		assert.strictEqual(rows.get('Received'), '100000 bytes in 3 data segments');
		assert.strictEqual(rows.get('Round trip'), '0.022 ms (deviation 0.011 ms), lowest 0.022 ms');
		assert.strictEqual(rows.get('Retransmitted'), '0 segments, 0 of them not yet acknowledged');
		assert.match(rows.get('Rates')!, /^send \d+(\.\d)? Gbit\/s · pacing \d+(\.\d)? Gbit\/s$/);
		const [lossy] = parseSsTcpInfo('ESTAB 0 0 a b ino:1\n\t retrans:1/4 bytes_retrans:2896 lost:1\n');
		assert.strictEqual(new Map(tcpInfoRows(lossy)).get('Retransmitted'), '4 segments (2896 bytes), 1 of them not yet acknowledged; 1 lost');
	});

	it('rateText: bits per second in SI units', () => {
		assert.deepStrictEqual(['0bps', '999bps', '1500bps', '113975652174bps', '2075901904bps', 'odd'].map(rateText), ['0 bit/s', '999 bit/s', '1.5 kbit/s', '114 Gbit/s', '2.1 Gbit/s', 'odd']);
	});

	it('asks ss by ports and family, and only about a TCP socket with a port and an inode', () => {
		const s = { kind: 'tcp', ipVersion: 6, localPort: 3000, remotePort: 0, inode: '5' } as SocketInfo;
		// A listener's remote port is asked for too (0): its accepted connections share its local port.
		assert.deepStrictEqual(ssInfoArgv(s), ['-t', '-i', '-e', '-H', '-n', '-6', 'state', 'all', 'sport', '=', ':3000', 'dport', '=', ':0']);
		assert.deepStrictEqual(ssInfoArgv({ ...s, ipVersion: 4, remotePort: 44 } as SocketInfo)!.slice(5), ['-4', 'state', 'all', 'sport', '=', ':3000', 'dport', '=', ':44']);
		assert.strictEqual(ssInfoArgv({ ...s, inode: '0' } as SocketInfo), undefined);
		assert.strictEqual(ssInfoArgv({ ...s, kind: 'udp' } as SocketInfo), undefined);
	});

	it('throughput between two answers about one socket: bytes acknowledged and received per second', () => {
		const at = (t: number, acked: number, received: number, inode = '7') => ({ t, info: parseSsTcpInfo(`ESTAB 0 0 a b ino:${inode}\n\t bytes_acked:${acked} bytes_received:${received}\n`)[0] });
		assert.deepStrictEqual(tcpThroughput(at(1000, 1, 0), at(3000, 2 * 1048576 + 1, 4096)), { seconds: 2, acked: 1048576, received: 2048 });
		assert.strictEqual(tcpThroughput(at(1000, 1, 0), at(1400, 9, 9)), undefined, 'under half a second apart');
		assert.strictEqual(tcpThroughput(at(1000, 1, 0), at(3000, 9, 9, '8')), undefined, 'another socket');
		assert.strictEqual(tcpThroughput(at(1000, 50, 0), at(3000, 9, 9)), undefined, 'a counter that went back');
		const rows = new Map(tcpInfoRows(at(3000, 0, 0).info, { seconds: 2, acked: 1048576, received: 2048 }));
		assert.strictEqual(rows.get('Throughput'), '1.00 MiB/s sent and acknowledged · 2.00 KiB/s received, over the last 2.0 s');
	});
});
