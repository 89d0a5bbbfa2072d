// Debugged processes (issue #7): a real js-debug launch of a node program that listens on a port
// chosen at run time; the tracker finds its pid, the tree shows it under "Debugged processes"
// with its listener, the notification is recorded, and all of it goes when the session stops.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ProcnetApi } from '../../src/extension';
import { pidOf, pidOfJsDebugSession, pidOfMessage } from '../../src/debug/debugTracker';
import type { GroupNode, ProcessNode, SocketNode, TreeNode } from '../../src/views/treeNodes';

async function until<T>(what: string, f: () => T | undefined | false, ms = 15000): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = f();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

describe('debugged processes', function () {
	this.timeout(40000);
	let api: ProcnetApi;
	let dir: string;
	const localRoots = (): TreeNode[] => {
		const hosts = api.tree.getChildren(undefined);
		return hosts.length ? api.tree.getChildren(hosts[0]) : [];
	};
	const debugGroup = () => localRoots().find((n): n is GroupNode => n.type === 'group' && n.contextValue === 'group.debug');

	before(async () => {
		api = await vscode.extensions.getExtension<ProcnetApi>('procnet.procnet')!.activate();
		await vscode.commands.executeCommand('procnet.clearFilter');
		await vscode.commands.executeCommand('procnet.allSockets');
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procnet-debug-'));
	});
	after(async () => {
		await vscode.debug.stopDebugging();
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

	it('finds a js-debug debuggee, shows it with its listener, notifies once, and forgets it when the session stops', async () => {
		const file = path.join(dir, 'app.js');
		// Listens on a port the kernel picks, after 1.5 s, and prints nothing.
		fs.writeFileSync(file, "setTimeout(() => require('net').createServer(() => undefined).listen(0, '127.0.0.1'), 1500);\nsetInterval(() => undefined, 1e6);\n");
		const started = await vscode.debug.startDebugging(undefined, { type: 'node', request: 'launch', name: 'procnet-debuggee', program: file, console: 'internalConsole' });
		assert.ok(started, 'startDebugging failed');

		const pid = await until('the tracker to find a pid', () => [...api.debug.sessions.values()].flatMap((s) => [...s.pids])[0]);
		const mine = `${path.basename(dir)}/app.js`;
		// The pid that really owns a listener of this program (refresh: the timer runs while debugging, but do not wait for it).
		const listener = await until('the debuggee to listen', () => {
			void api.store.refresh();
			const snap = api.store.snapshot;
			const p = snap?.processes.find((x) => x.cmdline.some((a) => a.endsWith(mine))); // js-debug passes a relative path
			return p && snap!.sockets.find((s) => s.kind === 'tcp' && s.state === 'LISTEN' && s.owners.some((o) => o.pid === p.pid));
		});
		const owner = listener.owners[0].pid;
		assert.strictEqual(pid, owner, 'the tracked pid is the process that listens');

		const group = await until('the Debugged processes group', debugGroup);
		assert.strictEqual(api.tree.getTreeItem(group).label, 'Debugged processes');
		assert.strictEqual(localRoots()[0], group, 'the group comes first');
		const sessions = api.tree.getChildren(group) as GroupNode[];
		assert.strictEqual(sessions.length, 1);
		assert.match(sessions[0].label, /app\.js/);
		const procs = api.tree.getChildren(sessions[0]) as ProcessNode[];
		const procRow = procs.find((p) => p.process.pid === owner)!;
		// The debuggee, and any child of it that holds sockets (none here, but node may start helpers).
		assert.ok(procs.some((p) => p.process.pid === owner), procs.map((p) => `${p.process.pid} ppid ${p.process.ppid} ${p.process.cmdline.join(' ')}`).join('; '));
		console.log(`      debug rows: ${procs.map((p) => `${p.process.pid} (ppid ${p.process.ppid}) ${p.process.cmdline.join(' ').slice(0, 120)}`).join('; ')}`);
		assert.ok(procRow.id.includes('/debug:'), procRow.id);
		const socks = api.tree.getChildren(procRow).filter((c): c is SocketNode => c.type === 'socket');
		assert.ok(socks.some((s) => s.socket.state === 'LISTEN' && s.socket.localPort === listener.localPort));
		assert.strictEqual(api.tree.processNode(owner)?.id.includes('/debug:'), false, 'the main row of the pid stays the reveal target');

		await until('the notification', () => api.debug.notified.some((n) => n.pid === owner && n.port === listener.localPort));
		await api.store.refresh();
		assert.strictEqual(api.debug.notified.filter((n) => n.pid === owner && n.port === listener.localPort).length, 1, 'notified once');

		await vscode.debug.stopDebugging();
		await until('the sessions to be forgotten', () => api.debug.sessions.size === 0);
		await api.store.refresh();
		assert.strictEqual(debugGroup(), undefined);
	});
});
