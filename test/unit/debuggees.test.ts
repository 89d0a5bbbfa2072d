// The snapshot-only parts of the debug features (src/debug/debuggees.ts). The processes and
// sockets below are the ones `ps` and procnet showed during a js-debug launch of parent.js that
// forks app.js (code-server 4.139.1, js-debug 1.117.0): each node process js-debug launches gets a
// watchdog child connected to an inspector listener its bootloader opened on a random port.
import * as assert from 'assert';
import { attachPortOf, attachTargets, debuggeeTree, debuggerListenerIds, isDebuggerHelper, isLocalAddress, parsePortEntry, portFilter, programListeners } from '../../src/debug/debuggees';
import type { ProcessInfo, SocketInfo } from '../../src/model/snapshot';

const WATCHDOG = '/work/main/.vscode-test/code-server-4.139.1-node24/node_modules/code-server/lib/vscode/extensions/ms-vscode.js-debug/src/watchdog.js';
const NS = 'net:[4026531840]';

function proc(pid: number, ppid: number, cmdline: string[]): ProcessInfo {
	return { pid, ppid, name: 'node', cmdline, uid: 0, user: 'root', startTime: null, startTicks: pid, netns: NS, fdAccess: 'ok', cwd: null, rssBytes: null, cpuSeconds: 0, cgroup: null, unit: null, container: null };
}
let inode = 100;
function tcp(pid: number, state: 'LISTEN' | 'ESTABLISHED', local: number, remote: number | null, netns = NS): SocketInfo {
	const i = String(inode++);
	return {
		id: `${netns}|tcp|${i}`, kind: 'tcp', ipVersion: 4, localAddress: '127.0.0.1', localPort: local, remoteAddress: remote === null ? '0.0.0.0' : '127.0.0.1', remotePort: remote ?? 0,
		state, inode: i, netns, owners: [{ pid, fd: 20 }], ownerUnknown: null,
	} as unknown as SocketInfo;
}

// parent.js 32007 (inspector 53577, its watchdog 32029 connected), app.js 32045 forked by it
// (inspector 53413 with watchdog 32067, and the app's own listener 39087); 500 is unrelated.
const processes = [
	proc(31956, 1, ['/usr/bin/node', 'extensionHost']),
	proc(32007, 31956, ['/usr/bin/node', './../../procnet-explore-vJM4VI/parent.js']),
	proc(32029, 32007, ['/usr/bin/node', WATCHDOG]),
	proc(32045, 32007, ['/usr/bin/node', '/tmp/procnet-explore-vJM4VI/app.js']),
	proc(32067, 32045, ['/usr/bin/node', WATCHDOG]),
	proc(32100, 32067, ['/usr/bin/node', '-e', 'something the watchdog started']),
	proc(500, 1, ['/usr/bin/node', 'other.js']),
];
const sockets = [
	tcp(32007, 'LISTEN', 53577, null),
	tcp(32007, 'ESTABLISHED', 53577, 43898),
	tcp(32029, 'ESTABLISHED', 43898, 53577),
	tcp(32045, 'LISTEN', 53413, null),
	tcp(32045, 'ESTABLISHED', 53413, 59774),
	tcp(32067, 'ESTABLISHED', 59774, 53413),
	tcp(32045, 'LISTEN', 39087, null),
	tcp(500, 'LISTEN', 8080, null),
];
const snap = { processes, sockets };

describe('debuggees', () => {
	it('knows js-debug\'s watchdog by the script it runs, wherever js-debug is installed, and nothing else', () => {
		assert.strictEqual(isDebuggerHelper(processes[2]), true);
		for (const p of [
			'/home/u/.vscode/extensions/ms-vscode.js-debug-nightly-2025.1.2/dist/src/watchdog.js',
			'/home/u/.vscode-server/extensions/ms-vscode.js-debug-1.117.0/dist/src/watchdog.js',
			'/usr/share/code/resources/app/extensions/ms-vscode.js-debug/src/watchdog.js',
			'C:\\Users\\u\\.vscode\\extensions\\ms-vscode.js-debug-1.117.0\\dist\\src\\watchdog.js',
		]) assert.strictEqual(isDebuggerHelper({ cmdline: ['node', p] }), true, p);
		for (const argv of [
			['/usr/bin/node', '/srv/app/watchdog.js'], // the user's own watchdog
			['/usr/bin/node', '/srv/ms-vscode.js-debugger-clone/watchdog.js'],
			['/usr/bin/node', '-r', WATCHDOG.replace('watchdog', 'bootloader'), 'server.js'], // a program run under the bootloader
			['/usr/bin/node', 'server.js', WATCHDOG], // a path as an argument
			[WATCHDOG],
			[],
		]) assert.strictEqual(isDebuggerHelper({ cmdline: argv }), false, argv.join(' '));
	});

	it('follows a debuggee\'s descendants but not into debugger helpers', () => {
		assert.deepStrictEqual([...debuggeeTree(processes, [32007])].sort(), [32007, 32045]);
		assert.deepStrictEqual([...debuggeeTree(processes, [32045])].sort(), [32045]);
		assert.deepStrictEqual([...debuggeeTree(processes, [32067])].sort(), [32067, 32100], 'a root is kept even if it is a helper');
	});

	it('tells the inspector ports a helper is connected to from the program\'s own listeners', () => {
		const pids = debuggeeTree(processes, [32007]);
		const ids = debuggerListenerIds(snap, pids);
		assert.deepStrictEqual([...ids].sort(), [sockets[0].id, sockets[3].id].sort());
		assert.deepStrictEqual(programListeners(snap, pids).map((s) => s.localPort), [39087]);
		// The port an attach configuration connected to is the debugger's too.
		assert.deepStrictEqual(programListeners(snap, pids, [39087]).map((s) => s.localPort), []);
		// Another namespace's connection to the same port number is not a connection to this listener.
		const elsewhere = { processes, sockets: [...sockets.filter((s) => s.owners[0].pid !== 32067), tcp(32067, 'ESTABLISHED', 59774, 53413, 'net:[4026532000]')] };
		assert.deepStrictEqual(programListeners(elsewhere, pids).map((s) => s.localPort).sort(), [39087, 53413]);
	});

	it('finds the process an attach configuration\'s port leads to', () => {
		assert.deepStrictEqual(attachTargets(snap, 39087, NS), [32045]);
		assert.deepStrictEqual(attachTargets(snap, 39087, 'net:[4026532000]'), [], 'only in the debug adapter\'s namespace');
		assert.deepStrictEqual(attachTargets(snap, 39087, null), [32045]);
		assert.deepStrictEqual(attachTargets(snap, 43898, NS), [], 'a connection is not a listener');
		// A listener shared by a parent and the child that inherited it: the parent.
		const shared = tcp(32007, 'LISTEN', 9229, null);
		shared.owners.push({ pid: 32045, fd: 21 });
		assert.deepStrictEqual(attachTargets({ processes, sockets: [shared] }, 9229, NS), [32007]);
	});

	it('reads the local port of an attach configuration', () => {
		assert.strictEqual(attachPortOf({ request: 'attach', port: 9229 }), 9229);
		assert.strictEqual(attachPortOf({ request: 'attach', address: '127.0.0.1', port: '9230' }), 9230);
		assert.strictEqual(attachPortOf({ request: 'attach', address: 'localhost', port: 9229 }), 9229);
		assert.strictEqual(attachPortOf({ request: 'attach', connect: { host: '::1', port: 5678 } }), 5678);
		assert.strictEqual(attachPortOf({ request: 'attach', address: '10.0.0.5', port: 9229 }), undefined, 'another machine');
		assert.strictEqual(attachPortOf({ request: 'launch', port: 9229 }), undefined);
		assert.strictEqual(attachPortOf({ request: 'attach', processId: '123' }), undefined);
		assert.strictEqual(attachPortOf({ request: 'attach', port: 70000 }), undefined);
		assert.strictEqual(attachPortOf({ request: 'attach', port: '${command:port}' }), undefined);
		for (const a of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '0.0.0.0', '::', undefined]) assert.strictEqual(isLocalAddress(a), true, String(a));
		for (const a of ['10.0.0.1', 'example.com', '::ffff:10.0.0.1', '128.0.0.1']) assert.strictEqual(isLocalAddress(a), false, a);
	});

	it('parses procnet.debug.notifyPorts: ports and ranges; empty means every port', () => {
		assert.deepStrictEqual(parsePortEntry(3000), { lo: 3000, hi: 3000 });
		assert.deepStrictEqual(parsePortEntry('3000'), { lo: 3000, hi: 3000 });
		assert.deepStrictEqual(parsePortEntry(' 8000 - 8100 '), { lo: 8000, hi: 8100 });
		for (const bad of [0, 65536, 1.5, -1, '', '0', '8100-8000', '1-70000', 'http', '3000,3001', '30 00', null, {}, [3000]]) assert.strictEqual(parsePortEntry(bad), undefined, JSON.stringify(bad));

		const all = portFilter([]);
		assert.strictEqual(all(1) && all(3000) && all(65535), true);
		assert.strictEqual(portFilter(undefined)(3000), true, 'no setting');
		const some = portFilter([3000, '8000-8100', '9229']);
		for (const p of [3000, 8000, 8050, 8100, 9229]) assert.strictEqual(some(p), true, String(p));
		for (const p of [2999, 3001, 7999, 8101, 9228, 41234]) assert.strictEqual(some(p), false, String(p));
		assert.strictEqual(portFilter(['nope'])(3000), false, 'a list of typos restricts to nothing, not to everything');
		assert.strictEqual(portFilter(['nope', 3000])(3000), true);
	});
});
