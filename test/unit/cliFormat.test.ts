// formatChanges (procnet watch): one line per change, marked -, ~, +, owners named by the snapshot
// the socket is from; control characters in a process name never reach the terminal raw.
import * as assert from 'assert';
import { formatChanges } from '../../src/cliFormat';
import { diffSnapshots } from '../../src/model/diff';
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

	it('nothing changed: nothing written', () => {
		assert.strictEqual(formatChanges(diffSnapshots(after, after), after, after, false), '');
	});
});
