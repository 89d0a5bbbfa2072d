import * as assert from 'assert';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { parseSsTcpInfo } from '../../src/model/ssTcpInfo';
import type { ProcessInfo, SocketInfo } from '../../src/model/snapshot';
import { filterArgv, processTraffic, trafficFilter, trafficRows, trafficSockets, trafficTarget } from '../../src/model/traffic';

/** ss's arguments for a process's connections, as the panel asks: undefined when their ports are too many for a filter. */
const trafficArgv = (sockets: SocketInfo[]) => {
	const f = trafficFilter(sockets);
	return f && filterArgv(f);
};

const fixture = (rel: string): string => fs.readFileSync(path.join(__dirname, '../../../test/fixtures', rel), 'utf8');

const conn = (inode: string, localPort: number, remotePort: number, p: Partial<SocketInfo> = {}): SocketInfo =>
	({ kind: 'tcp', ipVersion: 4, localAddress: '127.0.0.1', localPort, remoteAddress: '127.0.0.1', remotePort, state: 'ESTABLISHED', inode, id: `n|tcp4|${inode}`, netns: 'n', owners: [{ pid: 1, fd: 3 }], ...p }) as unknown as SocketInfo;

/** ss's answer for one connection with these counters, as ss prints it. */
const answer = (inode: string, sent: number, received: number) =>
	`ESTAB 0 0 127.0.0.1:1 127.0.0.1:2 ino:${inode} sk:1 <->\n\t ts sack cubic bytes_sent:${sent} bytes_acked:${sent + 1} bytes_received:${received}\n`;

describe('a process\'s TCP traffic', () => {
	it('asks ss about connections only (not listeners, not kernel-held ones), by the fewer of their local or peer ports', () => {
		const socks = [conn('1', 40001, 443), conn('2', 40002, 443), conn('3', 40003, 80), conn('0', 40004, 443), conn('5', 3000, 0, { state: 'LISTEN', remoteAddress: '0.0.0.0' }), conn('6', 5353, 0, { kind: 'udp' })];
		const t = trafficSockets(socks);
		assert.deepStrictEqual(t.map((s) => s.inode), ['1', '2', '3']);
		assert.deepStrictEqual(trafficArgv(t), ['-t', '-i', '-e', '-H', '-n', 'state', 'all', '(', 'dport', '=', ':443', 'or', 'dport', '=', ':80', ')']);
		// A server's accepted connections: one local port.
		assert.deepStrictEqual(trafficArgv([conn('7', 3000, 50001), conn('8', 3000, 50002)])!.slice(7), ['(', 'sport', '=', ':3000', ')']);
		const many = Array.from({ length: 201 }, (_, i) => conn(String(i + 10), 20000 + i, 30000 + i));
		assert.strictEqual(trafficArgv(many), undefined, 'more than 200 ports either way: not asked');
		assert.strictEqual(trafficArgv([]), undefined);
	});

	it('bytes in all from the first answer; rates from the second on, per connection and summed; busiest first', () => {
		const socks = [conn('11', 40001, 443), conn('12', 40002, 443), conn('13', 40003, 443)];
		const first = processTraffic(socks, parseSsTcpInfo(answer('11', 1000, 500) + answer('12', 10, 10) + answer('99', 5, 5)), undefined, 10_000);
		assert.deepStrictEqual([first.traffic.connections, first.traffic.answered, first.traffic.sent, first.traffic.received], [3, 2, 1010, 510]);
		assert.deepStrictEqual([first.traffic.sentRate, first.traffic.receivedRate, first.traffic.seconds], [null, null, null]);
		assert.deepStrictEqual(first.traffic.top.map((r) => r.id), ['n|tcp4|11', 'n|tcp4|12'], 'by bytes in all while there is no rate');
		// 2 s later: 12 sent 4000 more and received 2000; 11 nothing; 13 answers for the first time.
		const second = processTraffic(socks, parseSsTcpInfo(answer('11', 1000, 500) + answer('12', 4010, 2010) + answer('13', 7, 7)), first.samples, 12_000);
		const t = second.traffic;
		assert.deepStrictEqual([t.seconds, t.sentRate, t.receivedRate, t.answered], [2, 2000, 1000, 3]);
		assert.deepStrictEqual(t.top.map((r) => [r.id, r.sentRate, r.receivedRate]), [
			['n|tcp4|12', 2000, 1000],
			['n|tcp4|11', 0, 0],
			['n|tcp4|13', null, null],
		]);
		assert.deepStrictEqual([t.top[0].local, t.top[0].remote, t.top[0].state], ['127.0.0.1:40002', '127.0.0.1:443', 'ESTABLISHED']);
		// Counters that went back (an inode reused by a new connection) and answers too close: no rate.
		assert.strictEqual(processTraffic(socks, parseSsTcpInfo(answer('12', 5, 5)), second.samples, 14_000).traffic.top[0].sentRate, null);
		assert.strictEqual(processTraffic(socks, parseSsTcpInfo(answer('12', 9000, 5000)), second.samples, 12_200).traffic.top[0].sentRate, null);
	});

	it('with a complete answer before (prevAt), a connection new since counts all its bytes over the interval; the rows per process say so for a churning server', () => {
		const socks = [conn('11', 40001, 443), conn('13', 40003, 443)];
		const first = processTraffic(socks.slice(0, 1), parseSsTcpInfo(answer('11', 1000, 500)), undefined, 10_000);
		// 13 opened after the first answer, at 10 s: its 700 bytes sent and 300 received moved within these 2 s.
		const second = processTraffic(socks, parseSsTcpInfo(answer('11', 3000, 500) + answer('13', 700, 300)), first.samples, 12_000, 10_000).traffic;
		assert.deepStrictEqual(second.top.map((r) => [r.id, r.sentRate, r.receivedRate]), [['n|tcp4|11', 1000, 0], ['n|tcp4|13', 350, 150]]);
		assert.deepStrictEqual([second.sentRate, second.receivedRate, second.seconds], [1350, 150, 2]);
		// Without prevAt (the panel's answers may have missed it), no rate for it.
		const unsure = processTraffic(socks, parseSsTcpInfo(answer('11', 3000, 500) + answer('13', 700, 300)), first.samples, 12_000).traffic;
		assert.deepStrictEqual(unsure.top.find((r) => r.id === 'n|tcp4|13')?.sentRate, null);
		// A server whose every connection is new at each answer: a rate all the same.
		const proc = { pid: 1, name: 'srv' } as ProcessInfo;
		const a = trafficRows({ sockets: [conn('21', 3000, 50001)], processes: [proc] }, parseSsTcpInfo(answer('21', 100, 100)), undefined, 20_000);
		const b = trafficRows({ sockets: [conn('22', 3000, 50002)], processes: [proc] }, parseSsTcpInfo(answer('22', 4000, 200)), { t: 20_000, samples: a.samples }, 22_000);
		assert.deepStrictEqual(b.rows.map((r) => [r.pid, r.name, r.connections, r.sentRate, r.receivedRate]), [[1, 'srv', 1, 2000, 100]]);
		assert.deepStrictEqual(a.rows.map((r) => r.sentRate), [null]);
	});

	it('reads a captured client answer: 100000 bytes sent (not bytes_acked, which counts the SYN)', () => {
		const [info] = parseSsTcpInfo(fixture('captured/ss_tie_client.txt'));
		const r = processTraffic([conn(info.inode, 49780, 36577)], [info], undefined, 0);
		assert.deepStrictEqual([r.traffic.sent, r.traffic.received], [100000, 0]);
	});

	it('names one of the process\'s own sockets (its pid and fd) for another host to check before ss runs', () => {
		const shared = conn('21', 3000, 50001, { owners: [{ pid: 7, fd: 4 }, { pid: 9, fd: 12 }] } as Partial<SocketInfo>);
		assert.deepStrictEqual(trafficTarget([shared, conn('22', 3000, 50002)], 9), { key: 'sport', ports: [3000], pid: 9, fd: 12, inode: '21' });
		assert.strictEqual(trafficTarget([shared], 5), undefined, 'not its socket');
		assert.strictEqual(trafficTarget([], 9), undefined);
	});

	it('for any counters: sums are the rows\' sums, a rate only where both answers have the connection with counters that grew, the busiest first', () => {
		const counters = fc.record({ sent: fc.nat(1e12), received: fc.nat(1e12) });
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.option(counters, { nil: undefined }), fc.option(counters, { nil: undefined })), { maxLength: 30 }), fc.integer({ min: 0, max: 5000 }), (pairs, gapMs) => {
				const socks = pairs.map((_, i) => conn(String(100 + i), 40000 + i, 443));
				const text = (k: 0 | 1) => pairs.map((p, i) => (p[k] ? answer(String(100 + i), p[k]!.sent, p[k]!.received) : '')).join('');
				const a = processTraffic(socks, parseSsTcpInfo(text(0)), undefined, 1_000_000);
				const b = processTraffic(socks, parseSsTcpInfo(text(1)), a.samples, 1_000_000 + gapMs).traffic;
				const answered = pairs.filter((p) => p[1]).length;
				assert.strictEqual(b.answered, answered);
				assert.strictEqual(b.sent, pairs.reduce((n, p) => n + (p[1]?.sent ?? 0), 0));
				const withRate = pairs.filter((p) => p[0] && p[1] && gapMs >= 500 && p[1].sent >= p[0].sent && p[1].received >= p[0].received);
				const expected = withRate.reduce((n, p) => n + (p[1]!.sent - p[0]!.sent) / (gapMs / 1000), 0);
				if (withRate.length) assert.ok(Math.abs(b.sentRate! - expected) <= 1e-6 * Math.max(1, expected));
				else assert.strictEqual(b.sentRate, null);
				for (const r of b.top) if (r.sentRate !== null) assert.ok(r.sentRate >= 0 && r.receivedRate! >= 0);
				const rate = (r: (typeof b.top)[number]) => (r.sentRate ?? 0) + (r.receivedRate ?? 0);
				for (let i = 1; i < b.top.length; i++) assert.ok(rate(b.top[i - 1]) >= rate(b.top[i]));
				assert.strictEqual(b.top.length, Math.min(10, answered));
			}),
		);
	});
});
