import * as assert from 'assert';
import { changedFields, diffSnapshots, sameSocket } from '../../src/model/diff';
import type { SocketInfo } from '../../src/model/snapshot';
import { buildSnapshot } from '../../src/model/join';
import { parseFilter } from '../../src/model/filter';
import { isListening, selectSnapshot, withDescendants } from '../../src/model/select';
import { capture, proc, TCP_HEADER, tcpLine } from './captureText';
import { fixture } from './fixtures';

describe('join: sockets to owners', () => {
	const tcp =
		TCP_HEADER +
		tcpLine(0, '0100007F:0BB8', '00000000:0000', '0A', '100') + // 127.0.0.1:3000 LISTEN
		tcpLine(1, '0100007F:0BB8', '0100007F:D431', '01', '0') + // accepted-not-yet: inode 0
		tcpLine(2, '0100007F:D431', '0100007F:0BB8', '01', '101') + // client, shared by 10 and 11
		tcpLine(3, '0100007F:1F90', '00000000:0000', '0A', '102'); // nobody we can read holds it

	it('gives a shared socket every {pid, fd}, sorted, and keeps inode-0 and unknown sockets', () => {
		const snap = buildSnapshot(capture(tcp, [proc(10, 1, 'server', [[5, '100'], [7, '101']]), proc(11, 10, 'child', [[3, '101']])]));
		const by = (inode: string, port: number) => snap.sockets.find((s) => s.inode === inode && s.localPort === port)!;
		assert.deepStrictEqual(by('100', 3000).owners, [{ pid: 10, fd: 5 }]);
		assert.deepStrictEqual(by('101', 54321).owners, [{ pid: 10, fd: 7 }, { pid: 11, fd: 3 }]);
		assert.deepStrictEqual([by('0', 3000).owners, by('0', 3000).ownerUnknown], [[], 'inode-0']);
		assert.deepStrictEqual([by('102', 8080).owners, by('102', 8080).ownerUnknown], [[], 'not-found']);
		const p = snap.processes.find((x) => x.pid === 11)!;
		assert.deepStrictEqual([p.name, p.ppid, p.user, p.cmdline, p.startTicks], ['child', 10, 'alice', ['child', '--flag'], 1011]);
		assert.strictEqual(p.startTime, new Date((1_700_000_000 + 10.11) * 1000).toISOString());
	});

	it('says permission-denied (never a guess) when some process\'s fds were unreadable', () => {
		const snap = buildSnapshot(capture(tcp, [proc(10, 1, 'server', []), proc(1, 0, 'init', [], { fdAccess: 'denied', uid: 0 })]));
		const s = snap.sockets.find((x) => x.inode === '102')!;
		assert.deepStrictEqual([s.owners, s.ownerUnknown], [[], 'permission-denied']);
		// The command line of pid 1 mentions nothing, but even if it named port 8080 we would not attribute.
	});

	it('never gives a possibly-forged unix record an owner, even when its inode is held', () => {
		const unix = fixture('captured/unix_edge.txt');
		const forged = buildSnapshot(capture(TCP_HEADER, [], unix)).sockets.filter((s) => s.suspect === 'possibly-forged');
		assert.ok(forged.length >= 1, 'the captured table holds a forged record');
		const held = forged.map((s, i) => [100 + i, s.inode] as [number, string]);
		const snap = buildSnapshot(capture(TCP_HEADER, [proc(10, 1, 'x', held)], unix));
		for (const s of snap.sockets.filter((x) => x.suspect)) assert.deepStrictEqual([s.owners, s.ownerUnknown], [[], 'not-found']);
	});

	it('turns malformed lines and unreadable stat into warnings, not exceptions', () => {
		const snap = buildSnapshot(capture(TCP_HEADER + 'garbage\n' + tcpLine(0, '0100007F:0BB8', '00000000:0000', '0A', '100'), [proc(10, 1, 's', []), { ...proc(12, 1, 'gone', []), stat: '' }]));
		assert.strictEqual(snap.sockets.length, 1);
		assert.deepStrictEqual(snap.warnings.map((w) => [w.table, w.line, w.netns]), [[undefined, undefined, undefined], ['tcp', 2, 'net:[1]']]);
		assert.match(snap.warnings[0].message, /process 12/);
	});

	it('gives inode-0 sockets distinct, stable ids even when their addresses repeat', () => {
		const t = TCP_HEADER + tcpLine(0, '0100007F:0BB8', '0100007F:D431', '06', '0') + tcpLine(1, '0100007F:0BB8', '0100007F:D431', '06', '0');
		const ids = buildSnapshot(capture(t, [])).sockets.map((s) => s.id);
		assert.strictEqual(new Set(ids).size, 2);
		assert.deepStrictEqual(buildSnapshot(capture(t, [])).sockets.map((s) => s.id), ids);
	});
});

describe('diff', () => {
	it('reports new, closed and changed sockets and new/exited processes (pid reuse is a new process)', () => {
		const a = buildSnapshot(capture(TCP_HEADER + tcpLine(0, '0100007F:0BB8', '00000000:0000', '0A', '100') + tcpLine(1, '0100007F:1F90', '00000000:0000', '0A', '102'), [proc(10, 1, 's', [[5, '100']]), proc(20, 1, 'old', [])]));
		const b0 = capture(
			TCP_HEADER + tcpLine(0, '0100007F:0BB8', '00000000:0000', '0A', '100', '00000003') + tcpLine(2, '0100007F:2328', '00000000:0000', '0A', '103'),
			[proc(10, 1, 's', [[5, '100'], [6, '103']]), { ...proc(20, 1, 'new', []), stat: '20 (new) S 1 20 20 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99999 0 0' }],
		);
		const d = diffSnapshots(a, buildSnapshot(b0));
		assert.deepStrictEqual(d.newSockets.map((s) => s.localPort), [9000]);
		assert.deepStrictEqual(d.closedSockets.map((s) => s.localPort), [8080]);
		assert.deepStrictEqual(d.changedSockets.map((c) => [c.after.localPort, c.fields]), [[3000, ['rxQueue']]]);
		assert.deepStrictEqual(d.newProcesses.map((p) => p.name), ['new']);
		assert.deepStrictEqual(d.exitedProcesses.map((p) => p.name), ['old']);
	});

	it('tells owner lists apart by every pid+fd pair and their order', () => {
		const s = buildSnapshot(capture(TCP_HEADER + tcpLine(0, '0100007F:0BB8', '00000000:0000', '0A', '100'), [proc(10, 1, 's', [[5, '100']])])).sockets[0];
		const withOwners = (owners: SocketInfo['owners']): SocketInfo => ({ ...s, owners });
		const cases: Array<[SocketInfo['owners'], SocketInfo['owners'], boolean]> = [
			[[{ pid: 10, fd: 5 }], [{ pid: 10, fd: 5 }], true],
			[[{ pid: 10, fd: 5 }], [{ pid: 10, fd: 6 }], false],
			[[{ pid: 10, fd: 5 }], [{ pid: 11, fd: 5 }], false],
			[[{ pid: 10, fd: 5 }], [{ pid: 10, fd: 5 }, { pid: 11, fd: 3 }], false],
			[[{ pid: 10, fd: 5 }, { pid: 11, fd: 3 }], [{ pid: 11, fd: 3 }, { pid: 10, fd: 5 }], false],
			[[], [], true],
		];
		for (const [a, b, same] of cases) {
			assert.deepStrictEqual(changedFields(withOwners(a), withOwners(b)), same ? [] : ['owners'], JSON.stringify([a, b]));
			assert.strictEqual(sameSocket(withOwners(a), withOwners(b)), same, JSON.stringify([a, b]));
		}
	});
});

describe('select', () => {
	const tcp = TCP_HEADER + tcpLine(0, '0100007F:0BB8', '00000000:0000', '0A', '100') + tcpLine(1, '0100007F:D431', '0100007F:0BB8', '01', '101');
	const snap = buildSnapshot(capture(tcp, [proc(10, 1, 'a', [[5, '100']]), proc(11, 10, 'b', []), proc(12, 11, 'c', [[4, '101']]), proc(13, 1, 'd', [])]));

	it('follows descendants through ppid', () => {
		assert.deepStrictEqual([...withDescendants(snap.processes, [10])].sort(), [10, 11, 12]);
	});

	it('limits by pid, children, listening', () => {
		assert.deepStrictEqual(selectSnapshot(snap, { pids: [10] }).sockets.map((s) => s.inode), ['100']);
		assert.deepStrictEqual(selectSnapshot(snap, { pids: [10], children: true }).sockets.map((s) => s.inode), ['100', '101']);
		assert.deepStrictEqual(selectSnapshot(snap, { listening: true }).sockets.map((s) => s.inode), ['100']);
		assert.ok(isListening(snap.sockets[0]) && !isListening(snap.sockets[1]));
	});

	it('limits by local or remote port (--port) and by a query in the filter language (--filter)', () => {
		const inodes = (sel: Parameters<typeof selectSnapshot>[1]) => selectSnapshot(snap, sel).sockets.map((s) => s.inode);
		// 0x0BB8 = 3000 is the listener's local port and the client's remote one; 0xD431 = 54321 the client's local.
		assert.deepStrictEqual(inodes({ ports: [[3000, 3000]] }), ['100', '101']);
		assert.deepStrictEqual(inodes({ ports: [[54321, 54321]] }), ['101']);
		assert.deepStrictEqual(inodes({ ports: [[1, 2999], [3001, 54320]] }), []);
		assert.deepStrictEqual(inodes({ ports: [[1, 2999], [50000, 60000]] }), ['101']);
		assert.deepStrictEqual(inodes({ filter: parseFilter('state:listen') }), ['100']);
		assert.deepStrictEqual(inodes({ filter: parseFilter('port:3000 -state:listen') }), ['101']);
		// Terms about processes look at every owner of the socket: pid 12 holds the client.
		assert.deepStrictEqual(inodes({ filter: parseFilter('pid:12') }), ['101']);
		assert.deepStrictEqual(inodes({ filter: parseFilter('pid:10-11') }), ['100']);
		assert.deepStrictEqual(inodes({ filter: parseFilter('-pid:10') }), ['101']);
		assert.deepStrictEqual(inodes({ filter: parseFilter('port:3000'), kinds: ['udp'] }), []);
	});
});

describe('join: tables read under churn', () => {
	it('keeps a socket printed twice once, with a warning (views key rows by id)', () => {
		const t = TCP_HEADER + tcpLine(0, '0100007F:0BB8', '00000000:0000', '0A', '100') + tcpLine(0, '0100007F:0BB8', '00000000:0000', '0A', '100');
		const snap = buildSnapshot(capture(t, []));
		assert.strictEqual(snap.sockets.length, 1);
		assert.match(snap.warnings.map((w) => w.message).join('\n'), /1 socket\(s\) were listed twice/);
	});
});
