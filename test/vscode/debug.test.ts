// Debugged processes (issue #7), with VS Code's JavaScript debugger (js-debug) for real: a launch
// of a node program, an attach by pid (SIGUSR1, then js-debug's port 9229), an attach by port, and a
// launch of a program that forks a child. Each program listens on a port the kernel picks, after
// a delay, and prints nothing; it writes the port to a file that only the test reads (the ground
// truth). The tests assert what the extension found: the tracker's pid, the "Debugged processes"
// group and its sockets, the notification (once, with the right pid and port, as the
// procnet.debug.notifyPorts setting allows), the debug status-bar item and its click, and that all
// of it goes when the session stops. Processes the tests start are killed by pid.
import * as assert from 'assert';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ProcnetApi } from '../../src/extension';
import { isDebuggerHelper } from '../../src/debug/debuggees';
import { pidOf, pidOfJsDebugSession, pidOfMessage } from '../../src/debug/debugTracker';
import type { ProcessInfo, SocketInfo } from '../../src/model/snapshot';
import { sleep, waitFor } from './wait';
import type { GroupNode, ProcessNode, SocketNode, TreeNode } from '../../src/views/treeNodes';

// Debug sessions start and stop at the debugger's pace: a minute at most, looked at every 200 ms.
const until = <T>(what: string, f: () => T | undefined | false, ms = 60000) => waitFor(what, f, ms, 200);

/**
 * A program that writes `<name>.started` at once, then listens on 127.0.0.1, port 0, and writes the
 * port the kernel gave it to `<name>.port`: after `delayMs`, or once the test writes `<name>.go`.
 */
function writeApp(dir: string, name: string, start: { delayMs: number } | 'on-go'): string {
	const file = path.join(dir, `${name}.js`);
	const listen = `() => { const s = net.createServer(() => undefined); s.listen(0, '127.0.0.1', () => fs.writeFileSync(at('port'), String(s.address().port))); }`;
	const trigger =
		start === 'on-go'
			? `const go = setInterval(() => { if (fs.existsSync(at('go'))) { clearInterval(go); (${listen})(); } }, 100);`
			: `setTimeout(${listen}, ${start.delayMs});`;
	fs.writeFileSync(
		file,
		[
			"const fs = require('fs'), net = require('net'), path = require('path');",
			`const at = (ext) => path.join(__dirname, ${JSON.stringify(name)} + '.' + ext);`,
			"fs.writeFileSync(at('started'), String(process.pid));",
			trigger,
			'setInterval(() => undefined, 1e6);',
			'',
		].join('\n'),
	);
	return file;
}

describe('debugged processes', function () {
	// Each test waits for a few refreshes; on a loaded host (100k sockets of a benchmark beside it)
	// one refresh took 12-14 s here, and a test up to 85 s.
	this.timeout(240000);
	let api: ProcnetApi;
	let dir: string;
	/** Processes the tests started (directly, or through the debugger), to kill by pid if still there. */
	const started: number[] = [];
	const cfg = () => vscode.workspace.getConfiguration('procnet');

	const localRoots = (): TreeNode[] => {
		const hosts = api.tree.getChildren(undefined);
		return hosts.length ? api.tree.getChildren(hosts[0]) : [];
	};
	const debugGroup = () => localRoots().find((n): n is GroupNode => n.type === 'group' && n.contextValue === 'group.debug');
	const sessionGroups = (): GroupNode[] => {
		const g = debugGroup();
		return g ? (api.tree.getChildren(g) as GroupNode[]) : [];
	};
	const rowsOf = (g: GroupNode) => api.tree.getChildren(g) as ProcessNode[];
	/** The row of `pid` under a debug session, with its listening TCP socket on `port` if asked. */
	const shownRow = (pid: number, port?: number) => {
		for (const g of sessionGroups()) {
			const row = rowsOf(g).find((p) => p.process.pid === pid);
			if (!row) continue;
			if (port === undefined) return row;
			const socks = api.tree.getChildren(row).filter((c): c is SocketNode => c.type === 'socket');
			if (socks.some((s) => s.socket.kind === 'tcp' && s.socket.state === 'LISTEN' && s.socket.localPort === port)) return row;
		}
		return undefined;
	};
	const trackedPids = () => [...api.debug.sessions.values()].flatMap((s) => [...s.pids]);
	/** Polls with a refresh each time (the refresh timer's delay grows with the host's scan cost). */
	const untilRefreshed = <T>(what: string, f: () => T | undefined | false, ms?: number) =>
		until(what, () => {
			void api.store.refresh();
			return f();
		}, ms);
	/**
	 * Asserts that `f` holds within two refreshes of the store from now (the caller knows the socket
	 * is open already). A refresh already running counts too, though its scan may predate the socket.
	 * Between refreshes it waits for the tree, which indexes a big snapshot in slices.
	 */
	const withinTwoRefreshes = async <T>(what: string, f: () => T | undefined | false): Promise<T> => {
		let refreshes = 0;
		const sub = api.store.onDidChange(() => refreshes++);
		try {
			while (refreshes < 2) {
				await api.store.refresh();
				const end = Date.now() + 3000;
				while (Date.now() < end) {
					const v = f();
					if (v) return v;
					await sleep(100);
				}
			}
			throw new Error(`${what}: not shown after ${refreshes} refreshes`);
		} finally {
			sub.dispose();
		}
	};
	const readPort = (name: string) => until(`${name} to listen`, () => fs.existsSync(path.join(dir, `${name}.port`)) && Number(fs.readFileSync(path.join(dir, `${name}.port`), 'utf8')));
	const proc = (pid: number): ProcessInfo | undefined => api.store.snapshot?.processes.find((p) => p.pid === pid);
	const tcpListeners = (pid: number): SocketInfo[] => api.store.snapshot?.sockets.filter((s) => s.kind === 'tcp' && s.state === 'LISTEN' && s.owners.some((o) => o.pid === pid)) ?? [];
	/** Runs the debug status-bar item's click, as VS Code does, and returns what the command returned. */
	const clickStatusBar = () => {
		const c = api.debugStatusBar.command!;
		assert.strictEqual(c.command, 'procnet.showPortsForPid');
		return vscode.commands.executeCommand<number | undefined>(c.command, ...(c.arguments ?? []));
	};
	const stopAndExpectGone = async () => {
		await vscode.debug.stopDebugging();
		await until('the sessions to be forgotten', () => api.debug.sessions.size === 0);
		await api.store.refresh();
		await until('the Debugged processes group to go', () => !debugGroup());
		assert.strictEqual(api.debugStatusBar.visible, false, 'the debug status-bar item is hidden');
		assert.strictEqual(api.debugStatusBar.command, undefined);
	};

	before(async () => {
		api = await vscode.extensions.getExtension<ProcnetApi>('procnet.procnet')!.activate();
		await vscode.commands.executeCommand('procnet.clearFilter');
		await vscode.commands.executeCommand('procnet.allSockets');
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procnet-debug-'));
	});
	afterEach(async () => {
		await vscode.debug.stopDebugging();
		await cfg().update('debug.notifyPorts', undefined, vscode.ConfigurationTarget.Global);
	});
	after(async () => {
		for (const pid of started) {
			// Only if the pid still runs a program of this test's directory (pids are reused).
			let argv = '';
			try {
				argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
			} catch {
				continue;
			}
			if (argv.includes(path.basename(dir))) process.kill(pid, 'SIGKILL');
		}
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('reads pids from DAP process events, attach configurations and js-debug child session names', () => {
		assert.strictEqual(pidOfMessage({ type: 'event', event: 'process', body: { name: 'x', systemProcessId: 4242 } }), 4242);
		assert.strictEqual(pidOfMessage({ type: 'event', event: 'output', body: { systemProcessId: 4242 } }), undefined);
		assert.strictEqual(pidOf('123'), 123);
		assert.strictEqual(pidOf('${command:pickProcess}'), undefined);
		assert.strictEqual(pidOf(0), undefined);
		const parent = {};
		assert.strictEqual(pidOfJsDebugSession({ type: 'pwa-node', name: 'app.js [14651]', parentSession: parent }), 14651);
		assert.strictEqual(pidOfJsDebugSession({ type: 'pwa-node', name: 'app.js [14651] « procnet-debuggee', parentSession: parent }), 14651);
		assert.strictEqual(pidOfJsDebugSession({ type: 'pwa-node', name: 'app.js [14651]' }), undefined, 'top-level sessions are named by the user');
		assert.strictEqual(pidOfJsDebugSession({ type: 'python', name: 'x [1]', parentSession: parent }), undefined);
	});

	it('launch: finds the debuggee, shows it with its listener, notifies once, lists the port in the status bar, and forgets it when the session stops', async () => {
		const file = writeApp(dir, 'app', { delayMs: 1500 });
		const notifiedBefore = api.debug.notified.length;
		const ok = await vscode.debug.startDebugging(undefined, { type: 'node', request: 'launch', name: 'procnet-debuggee', program: file, console: 'internalConsole' });
		assert.ok(ok, 'startDebugging failed');

		const pid = await until('the tracker to find a pid', () => trackedPids()[0]);
		started.push(pid);
		const debuggee = Number(await until('the program to start', () => fs.existsSync(path.join(dir, 'app.started')) && fs.readFileSync(path.join(dir, 'app.started'), 'utf8')));
		assert.strictEqual(pid, debuggee, 'the tracked pid is the program');
		const port = await readPort('app');

		const row = await withinTwoRefreshes('the listener under Debugged processes', () => shownRow(pid, port));
		const group = debugGroup()!;
		assert.strictEqual(api.tree.getTreeItem(group).label, 'Debugged processes');
		assert.strictEqual(localRoots()[0], group, 'the group comes first');
		const sessions = sessionGroups();
		assert.strictEqual(sessions.length, 1);
		assert.match(sessions[0].label, /app\.js/);
		const rows = rowsOf(sessions[0]);
		console.log(`      debug rows: ${rows.map((p) => `${p.process.pid} (ppid ${p.process.ppid}) ${p.process.cmdline.join(' ').slice(0, 120)}`).join('; ')}`);
		assert.ok(row.id.includes('/debug:'), row.id);
		assert.strictEqual(api.tree.processNode(pid)?.id.includes('/debug:'), false, 'the main row of the pid stays the reveal target');
		// js-debug's watchdog runs under the program (the test proves it is there) but is not shown.
		const watchdogs = api.store.snapshot!.processes.filter((p) => p.ppid === pid && isDebuggerHelper(p));
		assert.strictEqual(watchdogs.length, 1, 'js-debug starts one watchdog per launched process');
		assert.deepStrictEqual(rows.map((r) => r.process.pid), [pid], 'only the program, not js-debug\'s watchdog');

		await until('the notification', () => api.debug.notified.some((n) => n.pid === pid && n.port === port));
		await api.store.refresh();
		const mine = api.debug.notified.slice(notifiedBefore);
		assert.deepStrictEqual(mine.map((n) => [n.pid, n.port]), [[pid, port]], 'notified once, for the program\'s port only (not the inspector js-debug opened in it)');

		// The program listens on its port and on the inspector port js-debug's bootloader opened; the
		// status bar lists the first only.
		assert.strictEqual(tcpListeners(pid).length, 2, tcpListeners(pid).map((s) => s.localPort).join(' '));
		await until('the status bar to list the port', () => api.debugStatusBar.state?.text === `$(debug) app.js: ${port}`);
		assert.strictEqual(await clickStatusBar(), pid, 'the click shows the ports of the debuggee');

		await stopAndExpectGone();
	});

	it('attach by pid: finds the debuggee through the port js-debug attached to, shows its listener, honours procnet.debug.notifyPorts, and lets it go on stop', async () => {
		// js-debug turns `processId` into SIGUSR1 (node opens its inspector on 127.0.0.1:9229) and
		// `port: 9229`, and drops processId from the session's configuration.
		const busy = await new Promise<boolean>((resolve) => {
			const probe = net.createServer().once('error', () => resolve(true));
			probe.listen(9229, '127.0.0.1', () => probe.close(() => resolve(false)));
		});
		assert.strictEqual(busy, false, 'port 9229 is taken: js-debug would attach to whatever listens there');
		// Only the privileged ports: the program's (an ephemeral port) must not be announced.
		await cfg().update('debug.notifyPorts', ['1-1023'], vscode.ConfigurationTarget.Global);
		const file = writeApp(dir, 'attached', 'on-go');
		const child = cp.spawn('node', [file], { stdio: 'ignore', env: { PATH: process.env.PATH } });
		started.push(child.pid!);
		await until('the program to start', () => fs.existsSync(path.join(dir, 'attached.started')));
		const notifiedBefore = api.debug.notified.length;

		const ok = await vscode.debug.startDebugging(undefined, { type: 'node', request: 'attach', name: 'procnet-attach', address: '127.0.0.1', processId: String(child.pid) });
		assert.ok(ok, 'startDebugging failed');
		await untilRefreshed('the tracker to find the pid', () => trackedPids().includes(child.pid!));
		assert.deepStrictEqual(trackedPids(), [child.pid], 'that pid and no other');
		assert.deepStrictEqual(tcpListeners(child.pid!).map((s) => s.localPort), [9229], 'the inspector SIGUSR1 opened, and nothing else yet');
		await until('the status bar', () => api.debugStatusBar.state);
		assert.strictEqual(api.debugStatusBar.state!.text, '$(debug) attached.js', 'no program port yet, and not the inspector\'s');

		fs.writeFileSync(path.join(dir, 'attached.go'), '');
		const port = await readPort('attached');
		await withinTwoRefreshes('the listener under Debugged processes', () => shownRow(child.pid!, port));
		assert.deepStrictEqual(rowsOf(sessionGroups()[0]).map((r) => r.process.pid), [child.pid]);
		await until('the status bar to list the port', () => api.debugStatusBar.state?.text === `$(debug) attached.js: ${port}`);
		assert.strictEqual(await clickStatusBar(), child.pid);
		// The notifier saw the new listener in the snapshot the tree shows (both follow the store's
		// change event): it did not announce it, as the setting asked.
		assert.deepStrictEqual(api.debug.notified.slice(notifiedBefore), [], 'nothing announced outside procnet.debug.notifyPorts');

		await stopAndExpectGone();
		// js-debug ends a process it attached to by pid (seen: SIGKILL); if it did not, this test does.
		if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
	});

	it('"Attach Debugger" on a node process\'s row: js-debug attaches by its pid, and the tracker finds it', async () => {
		const busy = await new Promise<boolean>((resolve) => {
			const probe = net.createServer().once('error', () => resolve(true));
			probe.listen(9229, '127.0.0.1', () => probe.close(() => resolve(false)));
		});
		assert.strictEqual(busy, false, 'port 9229 is taken: js-debug would attach to whatever listens there');
		const file = writeApp(dir, 'fromrow', { delayMs: 0 });
		const child = cp.spawn('node', [file], { stdio: 'ignore', env: { PATH: process.env.PATH } });
		started.push(child.pid!);
		const port = await readPort('fromrow');
		const row = await untilRefreshed('its row', () => api.tree.processNode(child.pid!));
		assert.match(String(api.tree.getTreeItem(row).contextValue), /^process\.listening\.node$/, 'the menu offers Attach Debugger on it');
		assert.strictEqual(await vscode.commands.executeCommand('procnet.attachDebugger', row), true);
		await untilRefreshed('the tracker to find the pid', () => trackedPids().includes(child.pid!));
		await untilRefreshed('the inspector SIGUSR1 opened', () => tcpListeners(child.pid!).some((s) => s.localPort === 9229));
		assert.deepStrictEqual(tcpListeners(child.pid!).map((s) => s.localPort!).sort((a, b) => a - b), [port, 9229].sort((a, b) => a - b));
		await stopAndExpectGone();
		if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
	});

	it('"Attach Debugger" refuses a process that does not run node', async () => {
		const child = cp.spawn('/usr/bin/python3', ['-c', 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); time.sleep(60)'], { stdio: 'ignore' });
		started.push(child.pid!);
		const row = await untilRefreshed('its row', () => api.tree.processNode(child.pid!));
		assert.match(String(api.tree.getTreeItem(row).contextValue), /^process\.listening$/, 'no Attach Debugger in its menu');
		let sessions = 0;
		const sub = vscode.debug.onDidStartDebugSession(() => sessions++);
		try {
			assert.strictEqual(await vscode.commands.executeCommand('procnet.attachDebugger', row), false);
			await sleep(500);
			assert.strictEqual(sessions, 0, 'no debug session started');
		} finally {
			sub.dispose();
			process.kill(child.pid!, 'SIGKILL');
		}
	});

	it('attach by port: finds the process that owns the port, shows its listener, notifies it, and lists it in the status bar', async () => {
		const file = writeApp(dir, 'inspected', 'on-go');
		const child = cp.spawn('node', ['--inspect=127.0.0.1:0', file], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH } });
		started.push(child.pid!);
		let stderr = '';
		child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
		const inspector = Number(await until('the inspector port', () => /ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr)?.[1]));
		const notifiedBefore = api.debug.notified.length;

		const ok = await vscode.debug.startDebugging(undefined, { type: 'node', request: 'attach', name: 'procnet-attach-port', address: '127.0.0.1', port: inspector });
		assert.ok(ok, 'startDebugging failed');
		await untilRefreshed('the tracker to find the pid', () => trackedPids().includes(child.pid!));
		assert.deepStrictEqual(trackedPids(), [child.pid]);

		fs.writeFileSync(path.join(dir, 'inspected.go'), '');
		const port = await readPort('inspected');
		await withinTwoRefreshes('the listener under Debugged processes', () => shownRow(child.pid!, port));
		await until('the notification', () => api.debug.notified.length > notifiedBefore);
		assert.deepStrictEqual(api.debug.notified.slice(notifiedBefore).map((n) => [n.pid, n.port]), [[child.pid, port]], 'the program\'s port, not the inspector\'s');
		await until('the status bar to list the port', () => api.debugStatusBar.state?.text === `$(debug) inspected.js: ${port}`);

		await stopAndExpectGone();
		if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
	});

	it('fork: shows the child that listens under the session, notifies its port with its pid once, and hides js-debug\'s watchdogs', async () => {
		// The kernel's ephemeral range, where port 0 lands: the setting allows the child's port.
		const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
		await cfg().update('debug.notifyPorts', [`${lo}-${hi}`], vscode.ConfigurationTarget.Global);
		writeApp(dir, 'worker', { delayMs: 1500 });
		const parentFile = path.join(dir, 'parent.js');
		fs.writeFileSync(parentFile, "require('child_process').fork(require('path').join(__dirname, 'worker.js'));\nsetInterval(() => undefined, 1e6);\n");
		const notifiedBefore = api.debug.notified.length;

		const ok = await vscode.debug.startDebugging(undefined, { type: 'node', request: 'launch', name: 'procnet-fork', program: parentFile, console: 'internalConsole' });
		assert.ok(ok, 'startDebugging failed');
		const parentPid = await until('the tracker to find a pid', () => trackedPids()[0]);
		started.push(parentPid);
		const childPid = Number(await until('the child to start', () => fs.existsSync(path.join(dir, 'worker.started')) && fs.readFileSync(path.join(dir, 'worker.started'), 'utf8')));
		started.push(childPid);
		const port = await readPort('worker');

		await withinTwoRefreshes('the child\'s listener under Debugged processes', () => shownRow(childPid, port));
		assert.strictEqual(proc(childPid)?.ppid, parentPid, 'the child is the launched program\'s');
		// js-debug runs the child in a session of its own, under the parent's: still one group.
		const groups = sessionGroups();
		assert.strictEqual(groups.length, 1, groups.map((g) => g.label).join(', '));
		assert.deepStrictEqual(rowsOf(groups[0]).map((r) => r.process.pid).sort((a, b) => a - b), [parentPid, childPid].sort((a, b) => a - b));
		const helpers = api.store.snapshot!.processes.filter((p) => (p.ppid === parentPid || p.ppid === childPid) && isDebuggerHelper(p));
		assert.strictEqual(helpers.length, 2, 'a watchdog under each node process (what is hidden)');

		await until('the notification', () => api.debug.notified.length > notifiedBefore);
		await api.store.refresh();
		await api.store.refresh();
		assert.deepStrictEqual(api.debug.notified.slice(notifiedBefore).map((n) => [n.pid, n.port]), [[childPid, port]], 'once, for the child\'s port, with its pid');

		await until('the status bar to list the child\'s port', () => api.debugStatusBar.state?.text === `$(debug) parent.js: ${port}`);
		assert.strictEqual(await clickStatusBar(), childPid, 'the click shows the process that listens');

		await stopAndExpectGone();
	});
});
