// formatChanges (procnet watch): one line per change, marked -, ~, +, owners named by the snapshot
// the socket is from; control characters in a process name never reach the terminal raw. And
// formatSnapshot's columns (procnet snapshot).
import * as assert from 'assert';
import { formatChanges, formatSnapshot, WatchColumns } from '../../src/cliFormat';
import { diffSnapshots, joinContinued } from '../../src/model/diff';
import type { ProcessInfo, Snapshot, SocketInfo } from '../../src/model/snapshot';

const sock = (inode: string, pid: number, p: Partial<SocketInfo> = {}): SocketInfo => ({
	kind: 'tcp', ipVersion: 4, localAddress: '127.0.0.1', localPort: 3000, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', txQueue: 0, rxQueue: 0, uid: 0,
	inode, path: null, unixType: null, id: `net:[1]|tcp4|${inode}`, netns: 'net:[1]', owners: [{ pid, fd: 3 }], ownerUnknown: null, ...p,
});
const proc = (pid: number, name: string): ProcessInfo => ({ pid, ppid: 1, name, cmdline: [name], uid: 0, user: 'root', startTime: null, startTicks: pid, netns: 'net:[1]', fdAccess: 'ok', cwd: null, rssBytes: null, cpuSeconds: 0, cgroup: null, unit: null, container: null });
const snap = (processes: ProcessInfo[], sockets: SocketInfo[], takenAt: string): Snapshot => ({
	schemaVersion: 1 as Snapshot['schemaVersion'], host: { hostname: 'h', kernel: '6.1', byteOrder: 'LE' }, source: { kind: 'local', label: 't' } as unknown as Snapshot['source'],
	takenAt, selfPid: null, processes, sockets, warnings: [],
});

describe('formatChanges (procnet watch)', () => {
	const before = snap([proc(10, 'old\x1b[2Jname'), proc(20, 'web')], [sock('1', 10), sock('2', 20, { localPort: 8080, remoteAddress: '127.0.0.1', remotePort: 5000, state: 'ESTABLISHED' })], '2026-12-02T10:00:00.000Z');
	const after = snap([proc(20, 'web'), proc(30, 'new\nline')], [sock('2', 20, { localPort: 8080, remoteAddress: '127.0.0.1', remotePort: 5000, state: 'CLOSE_WAIT', rxQueue: 1 }), sock('3', 30, { localPort: 4000 })], '2026-12-02T10:00:02.000Z');
	const d = diffSnapshots(before, after);

	it('text: closed, changed, new, in that order, each owner by its own snapshot\'s name, control characters escaped', () => {
		const lines = formatChanges(d, before, after, false).trimEnd().split('\n');
		assert.strictEqual(lines.length, 3);
		assert.match(lines[0], /^\d\d:\d\d:\d\d - tcp +LISTEN +127\.0\.0\.1:3000 +\* +old\\x1b\[2Jname \(pid 10\)$/);
		assert.match(lines[1], /^\d\d:\d\d:\d\d ~ tcp +ESTABLISHED→CLOSE_WAIT 127\.0\.0\.1:8080 +127\.0\.0\.1:5000 +web \(pid 20\) +rx 0→1$/);
		assert.match(lines[2], /^\d\d:\d\d:\d\d \+ tcp +LISTEN +127\.0\.0\.1:4000 +\* +new\\nline \(pid 30\)$/);
		assert.ok(!lines.join('\n').includes('\x1b'));
	});

	it('json: one object per line with the event, the read\'s time, and for a change its fields and what they were', () => {
		const events = formatChanges(d, before, after, true).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
		assert.deepStrictEqual(events.map((e) => e.event), ['closed', 'changed', 'new']);
		assert.ok(events.every((e) => e.at === after.takenAt));
		assert.deepStrictEqual(events[1].fields, ['state', 'rxQueue']);
		assert.deepStrictEqual(events[1].before, { state: 'ESTABLISHED', rxQueue: 0 });
	});

	it('text: the end columns widen for an IPv6 address and stay wide for the reads after it, so the owners line up', () => {
		const v6 = '2001:db8:1234:5678:9abc:def0:1234:5678';
		const columns = new WatchColumns();
		const empty = snap([proc(20, 'web')], [], '2026-12-02T10:00:00.000Z');
		const read = (sockets: SocketInfo[]) => {
			const next = snap([proc(20, 'web')], sockets, '2026-12-02T10:00:02.000Z');
			return formatChanges(diffSnapshots(empty, next), empty, next, false, undefined, columns).trimEnd();
		};
		const first = read([sock('1', 20)]);
		const wide = read([sock('2', 20, { ipVersion: 6, localAddress: v6, localPort: 8443, remoteAddress: v6, remotePort: 50000, state: 'ESTABLISHED', id: 'net:[1]|tcp6|2' })]);
		const after = read([sock('3', 20, { localPort: 4000 })]);
		assert.ok(wide.includes(`[${v6}]:8443 `), wide);
		assert.match(first, /127\.0\.0\.1:3000 {14}\* {27}web \(pid 20\)$/, 'before any wide end: the narrow columns');
		assert.strictEqual(after.indexOf('web (pid 20)'), wide.indexOf('web (pid 20)'), `lined up:\n${wide}\n${after}`);
	});

	it('nothing changed: nothing written', () => {
		assert.strictEqual(formatChanges(diffSnapshots(after, after), after, after, false), '');
	});

	it('a connection whose inode went (closed by its process) or came (accepted) is one change, with its id before; a listener or another namespace\'s is not', () => {
		const conn = { localPort: 41000, remoteAddress: '127.0.0.1', remotePort: 3000 };
		const tw = (p: Partial<SocketInfo>) => sock('0', 0, { ...conn, state: 'TIME_WAIT', owners: [], ownerUnknown: 'inode-0', id: `net:[1]|tcp4|0|127.0.0.1:41000|127.0.0.1:3000`, ...p });
		const queued = { localPort: 3000, remoteAddress: '127.0.0.1', remotePort: 41001 };
		const b = snap([proc(10, 'client'), proc(20, 'server')], [
			sock('7', 10, { ...conn, state: 'ESTABLISHED' }),
			sock('0', 0, { ...queued, state: 'SYN_RECV', owners: [], ownerUnknown: 'inode-0', id: 'net:[1]|tcp4|0|127.0.0.1:3000|127.0.0.1:41001' }),
			sock('8', 20, { localPort: 5000 }),
			sock('9', 10, { ...conn, localPort: 41002, state: 'ESTABLISHED', netns: 'net:[2]', id: 'net:[2]|tcp4|9' }),
		], '2026-12-02T10:00:00.000Z');
		const a = snap([proc(10, 'client'), proc(20, 'server')], [
			tw({}),
			sock('11', 20, { ...queued, state: 'ESTABLISHED' }),
			// A new listener on the port of a closed one: another socket, not a change.
			sock('12', 20, { localPort: 5000 }),
			// The same ends in another namespace: not the one that closed.
			tw({ localPort: 41002, netns: 'net:[3]', id: 'net:[3]|tcp4|0|127.0.0.1:41002|127.0.0.1:3000' }),
		], '2026-12-02T10:00:02.000Z');
		const raw = diffSnapshots(b, a);
		assert.deepStrictEqual([raw.closedSockets.length, raw.newSockets.length, raw.changedSockets.length], [4, 4, 0]);
		const d = joinContinued(raw);
		assert.deepStrictEqual(d.closedSockets.map((s) => s.inode), ['8', '9']);
		assert.deepStrictEqual(d.newSockets.map((s) => s.inode), ['12', '0']);
		assert.deepStrictEqual(d.changedSockets.map((c) => [c.before.state, c.after.state, c.fields]), [
			['ESTABLISHED', 'TIME_WAIT', ['state', 'owners']],
			['SYN_RECV', 'ESTABLISHED', ['state', 'owners']],
		]);
		const lines = formatChanges(d, b, a, false).trimEnd().split('\n');
		assert.ok(lines.some((l) => /~ tcp +ESTABLISHED→TIME_WAIT 127\.0\.0\.1:41000 +127\.0\.0\.1:3000 +\[inode-0\] +was client \(pid 10\)$/.test(l)), lines.join('\n'));
		assert.ok(lines.some((l) => /~ tcp +SYN_RECV→ESTABLISHED 127\.0\.0\.1:3000 +127\.0\.0\.1:41001 +server \(pid 20\) +was \[inode-0\]$/.test(l)), lines.join('\n'));
		const events = formatChanges(d, b, a, true).trimEnd().split('\n').map((l) => JSON.parse(l) as { event: string; before?: Record<string, unknown> });
		assert.deepStrictEqual(events.filter((e) => e.event === 'changed').map((e) => e.before!.id), ['net:[1]|tcp4|7', 'net:[1]|tcp4|0|127.0.0.1:3000|127.0.0.1:41001']);
		// Nothing to pair: the diff itself.
		assert.strictEqual(joinContinued(diffSnapshots(a, a)).newSockets.length, 0);
	});
});

describe('formatSnapshot (procnet snapshot)', () => {
	it('sizes the end columns to the longest end, so the fd column lines up under a full IPv6 address; a unix path longer than that takes its own room', () => {
		const v6 = '2001:db8:1234:5678:9abc:def0:1234:5678';
		const path = '/run/' + 'x'.repeat(80);
		const s = snap([proc(10, 'srv')], [
			sock('1', 10),
			sock('2', 10, { ipVersion: 6, localAddress: v6, localPort: 65535, remoteAddress: v6, remotePort: 65534, state: 'ESTABLISHED', id: 'net:[1]|tcp6|2' }),
			sock('3', 10, { kind: 'unix', ipVersion: null, localAddress: null, localPort: null, remoteAddress: null, remotePort: null, path, unixType: 'STREAM', id: 'net:[1]|unix|3' }),
		], '2026-12-02T10:00:00.000Z');
		const lines = formatSnapshot(s).split('\n').filter((l) => / fd 3/.test(l));
		assert.strictEqual(lines.length, 3, lines.join('\n'));
		const [v4, six, unix] = lines;
		assert.ok(six.includes(`[${v6}]:65535 `) && six.includes(`[${v6}]:65534 `), six);
		assert.strictEqual(v4.indexOf(' fd 3'), six.indexOf(' fd 3'), `the fd column lines up:\n${v4}\n${six}`);
		// The remote column starts where the IPv6 line's does.
		assert.strictEqual(v4.indexOf('*'), six.indexOf(`[${v6}]:65534`));
		assert.ok(unix.includes(`${path} `) && unix.indexOf(' fd 3') > six.indexOf(' fd 3'), unix);
		// Only IPv4 ends: the fixed widths watch prints in too.
		const narrow = formatSnapshot(snap([proc(10, 'srv')], [sock('1', 10)], '2026-12-02T10:00:00.000Z')).split('\n').find((l) => / fd 3/.test(l))!;
		assert.match(narrow, /^ {2}tcp {12}LISTEN {7}127\.0\.0\.1:3000 {14}\* {27}fd 3$/);
	});
});
