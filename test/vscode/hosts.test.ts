// Other machines in the tree, for real: a real sshd on 127.0.0.1 (test/integration/sshd.ts)
// whose "remote" host is this machine, so the ssh root must show the extension host's own
// listener under the same pid; unreachable hosts; removing a host ends its ssh child; a
// workspace cannot add hosts; capture files as read-only roots.
import * as assert from 'assert';
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { standaloneScript } from '../../src/collect/remoteScript';
import type { ProcnetApi } from '../../src/extension';
import type { HostNode, MessageNode, ProcessNode, SocketNode, TreeNode } from '../../src/views/treeNodes';
import { pickItems } from '../../src/views/showPortsForPid';
import { sleep, waitFor } from './wait';
import { sshdAvailable, startSshd, type TestSshd } from '../integration/sshd';
import { childrenNamed } from '../integration/helpers';

const cfg = () => vscode.workspace.getConfiguration('procnet');
/** ssh processes whose parent is this extension host (the sessions and forwards procnet started). */
const sshChildren = () => childrenNamed(process.pid, 'ssh');
/** Each such child as `pid state argv`, for a failure's message: which one was left, and whether it is a zombie nobody reaped. */
const describeSshChildren = () =>
	sshChildren().map((pid) => {
		try {
			const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
			const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
			return `${pid} ${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]} ${argv || '(no argv: exited, not reaped)'}`;
		} catch {
			return `${pid} gone`;
		}
	});

describe('other hosts in the tree (real sshd on 127.0.0.1)', function () {
	this.timeout(90000);
	let api: ProcnetApi;
	let sshd: TestSshd | undefined;
	let server: net.Server;
	const port = () => (server.address() as net.AddressInfo).port;
	const roots = () => api.tree.getChildren(undefined) as HostNode[];
	const rootNamed = (name: string) => roots().find((n) => n.host.name === name);
	const socketsOf = (n: TreeNode) => api.tree.getChildren(n).filter((c): c is SocketNode => c.type === 'socket');
	/** The host once its store answered (snapshot or error). */
	const settled = (name: string, timeoutMs?: number) =>
		waitFor(`${name} to answer`, () => {
			const r = rootNamed(name);
			return r && (r.host.store.snapshot || r.host.store.error) ? r : undefined;
		}, timeoutMs);

	before(async function () {
		if (!sshdAvailable()) {
			console.log('      (skipped: needs root and /usr/sbin/sshd)');
			this.skip();
		}
		api = await vscode.extensions.getExtension<ProcnetApi>('procnet.procnet')!.activate();
		server = await new Promise<net.Server>((r) => {
			const s = net.createServer(() => undefined);
			s.listen(0, '127.0.0.1', () => r(s));
		});
		sshd = await startSshd({ allowTcpForwarding: true });
		await vscode.commands.executeCommand('procnet.clearFilter');
		await vscode.commands.executeCommand('procnet.allSockets');
		await cfg().update('sshConfigFile', sshd.configFile, vscode.ConfigurationTarget.Global);
		await cfg().update('confirmKill', false, vscode.ConfigurationTarget.Global);
	});

	after(async function () {
		if (!api) return;
		await cfg().update('sshHosts', undefined, vscode.ConfigurationTarget.Global);
		await cfg().update('sshConfigFile', undefined, vscode.ConfigurationTarget.Global);
		await cfg().update('confirmKill', undefined, vscode.ConfigurationTarget.Global);
		await waitFor('no remote roots', () => roots().length === 1 || undefined, 5000).catch(() => undefined);
		server?.close();
		await sshd?.stop();
	});

	it('"Add SSH Host" refuses a host that ssh would read as an option, and bad characters', async () => {
		for (const bad of ['-oProxyCommand=touch /tmp/procnet-pwned', 'root@host;id', 'a b', 'host:99999']) {
			assert.strictEqual(await vscode.commands.executeCommand('procnet.addSshHost', bad), undefined, bad);
		}
		assert.strictEqual(cfg().inspect('sshHosts')?.globalValue, undefined, 'nothing was written');
		assert.strictEqual(roots().length, 1);
	});

	it('shows an ssh host as a second root: this machine over ssh, with the extension host\'s own listener under the same pid', async () => {
		assert.strictEqual(await vscode.commands.executeCommand('procnet.addSshHost', 'procnet-test'), 'procnet-test');
		assert.deepStrictEqual(cfg().inspect('sshHosts')?.globalValue, ['procnet-test']);
		const remote = await settled('procnet-test', 40000);
		assert.strictEqual(remote.host.store.error, undefined, remote.host.store.error);
		assert.strictEqual(roots()[0].host.kind, 'local', 'this machine stays first');
		assert.strictEqual(roots()[1], remote);

		const item = api.tree.getTreeItem(remote);
		assert.strictEqual(item.label, 'procnet-test');
		// Its kind alone: its counts, which change at nearly every refresh, are above the tree (a row
		// whose text changes is redrawn with all its rows), after this machine's.
		assert.strictEqual(item.description, 'ssh');
		const counts = await waitFor('the ssh host\'s counts above the tree', () => /^This machine: \d+ process(?:es)? · \d+ sockets?\. procnet-test: (\d+) process(?:es)? · (\d+) sockets?\./.exec(String(api.view.message)) ?? undefined);
		assert.ok(Number(counts[1]) > 0 && Number(counts[2]) > 0, String(api.view.message));
		assert.strictEqual((item.iconPath as vscode.ThemeIcon).id, 'remote');
		assert.strictEqual(item.contextValue, 'host.ssh');

		const node = await waitFor('the extension host on the ssh root', () => api.tree.processNodeOn(remote.host.id, process.pid));
		const local = api.tree.processNode(process.pid);
		assert.ok(local, 'and on this machine\'s root');
		assert.notStrictEqual(node.id, local.id, 'ids include the host');
		assert.strictEqual(node.process.startTicks, local.process.startTicks, 'the same process');
		const row = socketsOf(node).find((s) => s.socket.localPort === port());
		assert.ok(row, `no :${port()} under the ssh root's ${node.process.name} (${process.pid})`);
		assert.strictEqual(row.socket.state, 'LISTEN');
		// This machine's store may not have scanned since the listener opened: ask for a scan that does.
		await api.store.refresh();
		const localRow = socketsOf(api.tree.processNode(process.pid)!).find((s) => s.socket.localPort === port());
		assert.ok(localRow, `no :${port()} on this machine's root`);
		assert.strictEqual(row.socket.inode, localRow.socket.inode);
		assert.notStrictEqual(row.id, localRow.id);
		// An ssh host's listener: Open in Browser goes through a forward to this machine, Forward Port starts one.
		assert.strictEqual(api.tree.getTreeItem(row).contextValue, 'socket.tcp.listen.remote.ssh');
		assert.match(String(api.tree.getTreeItem(node).contextValue), /^process\.listening\.remote$/);

		// The session is one ssh child of this extension host.
		const sessionPid = remote.host.sessionPid;
		assert.ok(sessionPid, 'a live session');
		assert.ok(sshChildren().includes(sessionPid), `ssh ${sessionPid} is a child of the extension host`);

		// Details and copy work for the remote rows. A connection of this process's to its own
		// listener, for the page's traffic (asked through the session).
		const client = net.connect(port(), '127.0.0.1');
		await new Promise((r) => client.once('connect', r));
		client.write(Buffer.alloc(3000, 1));
		await new Promise((r) => setTimeout(r, 200));
		await remote.host.store.refresh();
		await vscode.commands.executeCommand('procnet.showDetails', node);
		await api.panel.settled();
		const traffic = api.panel.traffic;
		assert.strictEqual(traffic?.target.hostId, remote.host.id);
		const conn = traffic?.traffic?.top.find((c) => c.local === `127.0.0.1:${client.localPort}`);
		assert.ok(conn, `the client end in the remote page's traffic: ${JSON.stringify(traffic)}`);
		assert.strictEqual(conn.sent, 3000);
		client.destroy();
		const m = api.panel.current;
		assert.strictEqual(m?.type, 'process');
		if (m?.type === 'process') {
			assert.strictEqual(m.target.hostId, remote.host.id);
			assert.match(m.host, /\(procnet-test\)$/);
			// The page's row of the tree's socket, its cells as describe.ts writes them.
			assert.ok(m.detail.table.rows.some((s) => s.id === row.socket.id && s.local === `127.0.0.1:${port()}` && s.state === 'LISTEN'));
		}
		await vscode.commands.executeCommand('procnet.showDetails', row);
		await api.panel.settled(); // a local socket's raw line would have been read by now
		const s = api.panel.current;
		assert.strictEqual(s?.type, 'socket');
		if (s?.type === 'socket') {
			assert.strictEqual(s.detail.socket.inode, row.socket.inode);
			assert.strictEqual(s.detail.rawLine, null, 'no raw line re-read for another host');
			// ss asked through the host's session: the listener by its inode, with Node's default backlog.
			const tcp = s.detail.tcp;
			assert.ok(tcp?.ok, JSON.stringify(tcp));
			assert.deepStrictEqual([tcp.info.inode, tcp.info.state, tcp.info.sendQ], [row.socket.inode, 'LISTEN', 511]);
		}
		await vscode.commands.executeCommand('procnet.copyPid', node);
		assert.strictEqual(await vscode.env.clipboard.readText(), String(process.pid));
		// Show Ports for PID's pick lists the ssh host's processes too, after this machine's, named by their host.
		const items = pickItems(api.hosts.all(), api.tree);
		const mine = items.filter((i) => i.pid === process.pid);
		assert.deepStrictEqual(mine.map((i) => i.hostId), [undefined, remote.host.id], 'this machine\'s row first, then the ssh host\'s');
		assert.match(String(mine[1].description), /^on procnet-test · /);
		const firstRemote = items.findIndex((i) => i.hostId !== undefined);
		assert.ok(firstRemote > 0 && items.slice(firstRemote).every((i) => i.hostId !== undefined), 'every local row before any remote one');
	});

	it('refreshes remote hosts too, sharing one session', async () => {
		const remote = rootNamed('procnet-test')!;
		const pid = remote.host.sessionPid;
		// A new snapshot object, not a new takenAt: the remote clock gives whole seconds.
		const before = remote.host.store.snapshot!;
		await vscode.commands.executeCommand('procnet.refresh');
		assert.notStrictEqual(remote.host.store.snapshot!, before);
		assert.strictEqual(remote.host.sessionPid, pid, 'the same ssh session answered');
		// Refreshes asked for while one runs never stack: they share one follow-up scan.
		void remote.host.store.refresh();
		const b = remote.host.store.refresh();
		assert.strictEqual(remote.host.store.refresh(), b, 'askers during a scan share one follow-up');
		await b;
		assert.strictEqual(remote.host.sessionPid, pid, 'still the same ssh session');
	});

	it('kills a process on the ssh host through its session, after the start-time check', async () => {
		const remote = rootNamed('procnet-test')!;
		const child = spawn(process.execPath, ['-e', "require('net').createServer().listen(0,'127.0.0.1');setInterval(()=>{},1e6)"], { stdio: 'ignore' });
		const exited = new Promise((r) => child.once('exit', r));
		try {
			let node: ProcessNode | undefined;
			for (let i = 0; i < 40 && !node; i++) {
				await remote.host.store.refresh();
				node = api.tree.processNodeOn(remote.host.id, child.pid!);
				if (!node) await sleep(200);
			}
			assert.ok(node, 'the child with a listener appears on the ssh root');
			const shell = remote.host.shell()!;
			// A stale identity (another start time) is refused on the remote, and nothing is sent.
			const stale = await shell.signal(child.pid!, node.process.startTicks! + 1, 'TERM');
			assert.strictEqual(stale.ok ? 'ok' : stale.reason, 'reused');
			assert.strictEqual(child.exitCode ?? child.signalCode, null, 'still running');
			// Nothing unvalidated reaches the session.
			await assert.rejects(shell.signal(Number.NaN, 1, 'TERM'), /refusing to signal pid NaN/);
			await assert.rejects(shell.signal(1, 1, 'TERM'), /refusing to signal pid 1/);
			await assert.rejects(shell.signal(child.pid!, 1.5, 'TERM'), /bad start time/);
			await assert.rejects(shell.signal(child.pid!, 1, 'HUP; id' as never), /bad signal/);
			const result = await vscode.commands.executeCommand('procnet.killProcess', node);
			assert.strictEqual(result, 'terminated');
			await exited;
			assert.strictEqual(child.signalCode, 'SIGTERM');
		} finally {
			child.kill('SIGKILL');
		}
	});

	it('closes a connection on the ssh host through its session ("Close Connection" on its row)', async () => {
		const remote = rootNamed('procnet-test')!;
		const server = net.createServer((c) => c.on('error', () => undefined));
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const port = (server.address() as net.AddressInfo).port;
		const client = net.connect(port, '127.0.0.1');
		await new Promise<void>((r) => client.once('connect', r));
		const seen = new Promise<string>((r) => client.once('error', (e: NodeJS.ErrnoException) => r(e.code ?? e.message)));
		await cfg().update('confirmKill', false, vscode.ConfigurationTarget.Global);
		try {
			await remote.host.store.refresh();
			const node = api.tree.processNodeOn(remote.host.id, process.pid)!;
			const row = api.tree.getChildren(node).find((n): n is SocketNode => n.type === 'socket' && n.socket.localPort === client.localPort && n.socket.remotePort === port);
			assert.ok(row, 'the client end under the extension host on the ssh root');
			assert.strictEqual(api.tree.getTreeItem(row).contextValue, 'socket.tcp.connected.remote');
			assert.strictEqual(await vscode.commands.executeCommand('procnet.closeConnection', row), 'closed');
			assert.strictEqual(await seen, 'ECONNABORTED');
		} finally {
			await cfg().update('confirmKill', undefined, vscode.ConfigurationTarget.Global);
			client.destroy();
			server.close();
		}
	});

	it('shows why an unreachable host fails, as a row under it with Retry, within seconds', async () => {
		await cfg().update('sshHosts', ['procnet-test', '127.0.0.1:1', 'procnet-nonexistent.invalid', 'procnet-badkey', { name: 'no-such-program', command: ['procnet-no-such-program-xyz', 'sh'] }], vscode.ConfigurationTarget.Global);
		const expect: Array<[string, string, RegExp]> = [
			['127.0.0.1:1', 'connection-refused', /^connection refused/],
			['procnet-nonexistent.invalid', 'unknown-host', /^unknown host/],
			['procnet-badkey', 'auth-failed', /^authentication failed/],
			['no-such-program', 'command-not-found', /^command not found: procnet-no-such-program-xyz/],
		];
		const t0 = Date.now();
		for (const [name, reason, text] of expect) {
			const root = await settled(name, 15000);
			const [err] = api.tree.getChildren(root) as MessageNode[];
			assert.strictEqual(err?.type, 'message', `${name}: ${JSON.stringify(err)}`);
			assert.strictEqual(err.reason, reason, `${name}: ${err.text}`);
			assert.match(err.text, text);
			const item = api.tree.getTreeItem(err);
			assert.strictEqual(item.contextValue, 'error.host', 'Retry is offered');
			assert.match(String(api.tree.getTreeItem(root).description), new RegExp(`· ${reason}$`));
			assert.strictEqual(api.tree.getParent(err), root);
		}
		assert.ok(Date.now() - t0 < 15000, `took ${Date.now() - t0} ms`);
		// The good host kept its session through the settings change.
		assert.ok(rootNamed('procnet-test')!.host.store.snapshot);
		// Retry runs the host's refresh again (and fails the same way).
		const refused = rootNamed('127.0.0.1:1')!;
		await vscode.commands.executeCommand('procnet.retryHost', api.tree.getChildren(refused)[0]);
		assert.strictEqual(refused.host.store.errorReason, 'connection-refused');
	});

	it('suspends sessions (view hidden a while) and reconnects on the next refresh', async () => {
		const remote = rootNamed('procnet-test')!;
		const pid = remote.host.sessionPid!;
		api.hosts.suspendSessions();
		assert.strictEqual(remote.host.sessionPid, undefined);
		await waitFor(`ssh ${pid} to exit`, () => !sshChildren().includes(pid) || undefined, 5000);
		assert.ok(remote.host.store.snapshot, 'the last snapshot stays');
		await remote.host.store.refresh();
		assert.strictEqual(remote.host.store.error, undefined);
		assert.ok(remote.host.sessionPid && remote.host.sessionPid !== pid, 'a new session');
	});

	it('"Read as Root (sudo -n)" on the ssh host\'s row rewrites its entry with sudo, and the new row reads through sudo; "Read as the Login User" turns it back', async () => {
		const remote = await settled('procnet-test');
		assert.strictEqual(api.tree.getTreeItem(remote).contextValue, 'host.ssh');
		// Its entry alone changes, in its place.
		const before = cfg().inspect<unknown[]>('sshHosts')!.globalValue!;
		const at = before.indexOf('procnet-test');
		assert.ok(at >= 0);
		assert.deepStrictEqual(await vscode.commands.executeCommand('procnet.readAsRoot', remote), { host: 'procnet-test', sudo: true });
		assert.deepStrictEqual(cfg().inspect('sshHosts')?.globalValue, before.map((e, i) => (i === at ? { host: 'procnet-test', sudo: true } : e)));
		const root = await settled('procnet-test (sudo)', 40000);
		assert.strictEqual(root.host.store.error, undefined, root.host.store.error);
		assert.strictEqual(rootNamed('procnet-test'), undefined, 'the plain row went with its entry');
		assert.strictEqual(api.tree.getTreeItem(root).contextValue, 'host.ssh.sudo');
		// The session's sh is sudo's child (the test logs in as root, whom sudo lets in without a password).
		const snap = root.host.store.snapshot!;
		const sudo = snap.processes.find((p) => p.name === 'sudo' && /sudo -n sh/.test(p.cmdline.join(' ')));
		assert.ok(sudo, 'a "sudo -n sh" process on the host');
		assert.strictEqual(await vscode.commands.executeCommand('procnet.readAsUser', root), 'procnet-test');
		assert.deepStrictEqual(cfg().inspect('sshHosts')?.globalValue, before);
		const back = await settled('procnet-test', 40000);
		assert.strictEqual(back.host.store.error, undefined, back.host.store.error);
		assert.strictEqual(rootNamed('procnet-test (sudo)'), undefined);
	});

	it('"Read This Machine as Root (sudo -n)" adds this machine as a command host through sudo -n, once, which reads it (and the local row says whether VS Code runs as root)', async () => {
		const local = roots()[0];
		assert.strictEqual(api.tree.getTreeItem(local).contextValue, process.getuid!() === 0 ? 'host.local' : 'host.local.user');
		const before = cfg().inspect<unknown[]>('sshHosts')!.globalValue!;
		assert.strictEqual(await vscode.commands.executeCommand('procnet.readThisMachineAsRoot'), 'this machine (sudo)');
		assert.strictEqual(await vscode.commands.executeCommand('procnet.readThisMachineAsRoot'), 'this machine (sudo)');
		assert.deepStrictEqual(cfg().inspect('sshHosts')?.globalValue, [...before, { name: 'this machine (sudo)', command: ['sudo', '-n', 'sh'] }], 'added once');
		const root = await settled('this machine (sudo)', 40000);
		assert.strictEqual(root.host.store.error, undefined, root.host.store.error);
		assert.strictEqual(root.host.kind, 'command');
		await waitFor('the extension host under it', () => api.tree.processNodeOn(root.host.id, process.pid));
		assert.strictEqual(await vscode.commands.executeCommand('procnet.removeHost', root), true);
		assert.deepStrictEqual(cfg().inspect('sshHosts')?.globalValue, before);
	});

	it('"Forward Port to This Machine" on an ssh host\'s listener: the page comes through 127.0.0.1, the row says where, Open in Simple Browser reuses it, Stop Forwarding ends it', async () => {
		const token = `procnet-fwd-${Math.random().toString(36).slice(2)}`;
		const web = http.createServer((_req, res) => res.end(token));
		await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
		const webPort = (web.address() as net.AddressInfo).port;
		try {
			const remote = await settled('procnet-test');
			await remote.host.store.refresh();
			const rowOf = () => {
				const node = api.tree.processNodeOn(remote.host.id, process.pid);
				return node && socketsOf(node).find((s) => s.socket.state === 'LISTEN' && s.socket.localPort === webPort);
			};
			const row = await waitFor(`:${webPort} under the ssh root`, rowOf);
			assert.strictEqual(api.tree.getTreeItem(row).contextValue, 'socket.tcp.listen.remote.ssh');
			const fwd = (await vscode.commands.executeCommand('procnet.forwardPort', row)) as { localPort: number; pid: number };
			assert.ok(fwd, 'a forward');
			// The "remote" is this machine, where the port is held: another local port was taken.
			assert.notStrictEqual(fwd.localPort, webPort);
			assert.ok(sshChildren().includes(fwd.pid), 'the forward is an ssh child of the extension host');
			const body = await new Promise<string>((resolve, reject) => {
				http.get({ host: '127.0.0.1', port: fwd.localPort, agent: false }, (res) => {
					let b = '';
					res.on('data', (d: Buffer) => (b += d.toString()));
					res.on('end', () => resolve(b));
				}).once('error', reject);
			});
			assert.strictEqual(body, token, 'the page came through the forward');
			const item = await waitFor('the row marked forwarded', () => {
				const r = rowOf();
				const it = r && api.tree.getTreeItem(r);
				return it?.contextValue === 'socket.tcp.listen.remote.ssh.forwarded' ? it : undefined;
			});
			assert.match(String(item.description), new RegExp(`forwarded to 127\\.0\\.0\\.1:${fwd.localPort}`));
			const tip = (await api.tree.resolveTreeItem(item, rowOf()!)).tooltip;
			assert.match(String(tip), new RegExp(`forwarded to this machine: 127\\.0\\.0\\.1:${fwd.localPort}`));
			assert.deepStrictEqual(api.forwards.list().map((f) => [f.hostName, f.destHost, f.destPort, f.localPort]), [['procnet-test', '127.0.0.1', webPort, fwd.localPort]]);
			// Counted in the status bar while it runs (a click offers Stop Forwarding).
			assert.strictEqual(api.forwardStatus.state?.text, '$(plug) 1 forwarded');
			assert.match(String(api.forwardStatus.state?.tooltip), new RegExp(`^procnet-test 127\\.0\\.0\\.1:${webPort} → 127\\.0\\.0\\.1:${fwd.localPort}$`, 'm'));
			// Open in Simple Browser on the row: the forward's address, the same forward.
			const opened = (await vscode.commands.executeCommand('procnet.openInSimpleBrowser', rowOf())) as { url: string };
			assert.strictEqual(opened.url, `http://127.0.0.1:${fwd.localPort}/`);
			assert.strictEqual(api.forwards.list().length, 1, 'no second forward');
			// On this machine's root, the forward's ssh is the listener of the local port.
			await api.store.refresh();
			const local = api.store.snapshot!.sockets.find((s) => s.kind === 'tcp' && s.state === 'LISTEN' && s.localPort === fwd.localPort);
			assert.deepStrictEqual(local?.owners.map((o) => o.pid), [fwd.pid]);
			assert.strictEqual(local?.localAddress, '127.0.0.1', 'the local end is on loopback only');
			// Its row on this machine's root says whose forward it is.
			const sshRow = await waitFor('the forward\'s ssh on this machine\'s root', () => api.tree.processNode(fwd.pid));
			const end = socketsOf(sshRow).find((n) => n.socket.state === 'LISTEN' && n.socket.localPort === fwd.localPort)!;
			assert.match(String(api.tree.getTreeItem(end).description), new RegExp(`forward of procnet-test 127\\.0\\.0\\.1:${webPort}`));
			// Stop Forwarding on the row.
			assert.strictEqual(await vscode.commands.executeCommand('procnet.stopForwarding', rowOf()), 1);
			assert.ok(!sshChildren().includes(fwd.pid), 'its ssh has exited');
			assert.deepStrictEqual(api.forwards.list(), []);
			assert.strictEqual(api.forwardStatus.state, undefined, 'no item without a forward');
			await waitFor('the row no longer forwarded', () => api.tree.getTreeItem(rowOf()!).contextValue === 'socket.tcp.listen.remote.ssh' || undefined);
			// A forward left running for the next test: removing the host ends it.
			const again = (await vscode.commands.executeCommand('procnet.forwardPort', rowOf())) as { pid: number };
			assert.ok(again && sshChildren().includes(again.pid));
		} finally {
			web.close();
			await vscode.commands.executeCommand('workbench.action.closeAllEditors');
		}
	});

	it('"Remove Host" ends the host\'s ssh session and its forwards: no ssh child is left', async () => {
		const remote = rootNamed('procnet-test')!;
		const pid = remote.host.sessionPid;
		assert.ok(pid && sshChildren().includes(pid));
		assert.strictEqual(api.forwards.list().length, 1, 'the forward the test before left');
		assert.strictEqual(await vscode.commands.executeCommand('procnet.removeHost', remote), true);
		assert.strictEqual(rootNamed('procnet-test'), undefined);
		assert.ok(!(cfg().inspect<unknown[]>('sshHosts')?.globalValue ?? []).includes('procnet-test'));
		await cfg().update('sshHosts', undefined, vscode.ConfigurationTarget.Global);
		await waitFor('only this machine', () => roots().length === 1 || undefined, 5000);
		await waitFor('no ssh child of the extension host', () => sshChildren().length === 0 || undefined, 5000).catch((e: Error) => {
			throw new Error(`${e.message}; left: ${describeSshChildren().join('; ')} (the session was ${pid})`);
		});
		assert.deepStrictEqual(api.forwards.list(), []);
	});

	it('ignores procnet.sshHosts set by the workspace: no root, nothing run', async () => {
		const folder = vscode.workspace.workspaceFolders?.[0];
		assert.ok(folder, 'the test workspace is a folder');
		const marker = path.join(os.tmpdir(), `procnet-workspace-ran-${process.pid}`);
		const evil = [{ name: 'from-workspace', command: ['sh', '-c', `touch ${marker}; exec sh`] }];
		const settingsFile = path.join(folder.uri.fsPath, '.vscode', 'settings.json');
		const previous = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : undefined;
		try {
			try {
				await cfg().update('sshHosts', evil, vscode.ConfigurationTarget.Workspace);
			} catch (e) {
				// VS Code itself refuses to write a machine-scoped setting to the workspace; a cloned
				// repository's .vscode/settings.json can still hold it, so write the file as one would.
				console.log(`      (VS Code refused the workspace write: ${(e as Error).message.slice(0, 100)}; writing .vscode/settings.json)`);
				fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
				fs.writeFileSync(settingsFile, JSON.stringify({ 'procnet.sshHosts': evil, 'procnet.sshConfigFile': '/tmp/procnet-evil-config' }, null, 1));
			}
			await sleep(2500); // the file watcher and configuration event
			await vscode.commands.executeCommand('procnet.refresh');
			assert.strictEqual(rootNamed('from-workspace'), undefined, 'no root for a workspace host');
			assert.deepStrictEqual(roots().map((r) => r.host.kind), ['local']);
			assert.ok(!fs.existsSync(marker), 'the workspace command never ran');
		} finally {
			if (previous === undefined) fs.rmSync(settingsFile, { force: true });
			else fs.writeFileSync(settingsFile, previous);
			fs.rmSync(marker, { force: true });
			await cfg().update('sshHosts', undefined, vscode.ConfigurationTarget.Workspace).then(undefined, () => undefined);
		}
	});

	it('opens capture files (JSON and the recipe\'s framed text) as read-only roots, and closes them', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procnet-capture-'));
		try {
			const json = path.join(dir, 'host.json');
			const cli = path.join(vscode.extensions.getExtension('procnet.procnet')!.extensionPath, 'dist', 'cli.js');
			fs.writeFileSync(json, execFileSync(process.execPath, [cli, 'capture'], { maxBuffer: 256 << 20 }));
			const framed = path.join(dir, 'recipe.txt');
			fs.writeFileSync(framed, execFileSync('sh', ['-c', standaloneScript()], { maxBuffer: 256 << 20 }));
			const ids: string[] = [];
			for (const file of [json, framed]) {
				const id = await vscode.commands.executeCommand<string>('procnet.openCapture', vscode.Uri.file(file));
				assert.ok(id, `${file} opened`);
				ids.push(id);
				const root = roots().find((r) => r.host.id === id)!;
				const item = api.tree.getTreeItem(root);
				assert.match(String(item.label), new RegExp(`^capture: ${os.hostname().replace(/[.]/g, '\\.')} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`));
				assert.strictEqual(item.contextValue, 'host.capture');
				assert.match(String(item.description), /^capture · \d+ processes · \d+ sockets$/);
				const mine = api.tree.processNodeOn(id, process.pid) as ProcessNode;
				assert.ok(mine, 'the extension host is in the capture');
				assert.ok(socketsOf(mine).some((s) => s.socket.localPort === port()));
				assert.match(String(api.tree.getTreeItem(mine).contextValue), /\.capture$/, 'no Kill on a capture');
				// Kill on a capture row is refused even when invoked directly; so is measuring its traffic (no pick opens).
				assert.strictEqual(await vscode.commands.executeCommand('procnet.killProcess', mine), undefined);
				assert.strictEqual(await vscode.commands.executeCommand('procnet.showTraffic', root), undefined);
			}
			assert.deepStrictEqual(roots().map((r) => r.host.kind), ['local', 'capture', 'capture']);
			for (const id of ids) await vscode.commands.executeCommand('procnet.closeCapture', roots().find((r) => r.host.id === id));
			assert.deepStrictEqual(roots().map((r) => r.host.kind), ['local']);
			// Not a capture: a clear error, no root.
			const junk = path.join(dir, 'junk.txt');
			fs.writeFileSync(junk, 'hello');
			assert.strictEqual(await vscode.commands.executeCommand('procnet.openCapture', vscode.Uri.file(junk)), undefined);
			assert.strictEqual(roots().length, 1);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('ssh config Host parsing for "Add SSH Host"', () => {
	it('offers plain Host names, not patterns or names ssh would read as options', () => {
		const { sshConfigHosts, parseHostEntry } = require('../../src/views/hosts') as typeof import('../../src/views/hosts');
		const text = ['Host a b.example', '  HostName 10.0.0.1', 'Host *', 'Host web-?', 'Host !bad good', 'host=lower', 'Host -oProxyCommand=x', 'Match all', 'Host "quoted"'].join('\n');
		assert.deepStrictEqual(sshConfigHosts(text), ['a', 'b.example', 'good', 'lower', 'quoted']);
		assert.strictEqual(parseHostEntry('-x', 0).kind, 'invalid');
		assert.deepStrictEqual(parseHostEntry({ name: 'c', command: ['docker', 'exec', '-i', 'c', 'sh'] }, 0), { kind: 'command', name: 'c', argv: ['docker', 'exec', '-i', 'c', 'sh'] });
		assert.strictEqual(parseHostEntry({ name: 'c', command: 'docker exec' }, 0).kind, 'invalid');
		assert.strictEqual(parseHostEntry({ command: ['sh'] }, 0).kind, 'invalid');
		// An ssh host read as root: named after the host with " (sudo)" unless named; checked as a string entry is.
		const { entryName } = require('../../src/views/hosts') as typeof import('../../src/views/hosts');
		assert.deepStrictEqual(parseHostEntry({ host: 'deploy@web-1', sudo: true }, 0), { kind: 'ssh', name: 'deploy@web-1 (sudo)', spec: 'deploy@web-1', sudo: true });
		assert.strictEqual(entryName({ host: 'deploy@web-1', sudo: true }), 'deploy@web-1 (sudo)');
		assert.deepStrictEqual(parseHostEntry({ host: 'web-1', sudo: true, name: 'web as root' }, 0), { kind: 'ssh', name: 'web as root', spec: 'web-1', sudo: true });
		assert.deepStrictEqual(parseHostEntry({ host: 'web-1' }, 0), { kind: 'ssh', name: 'web-1', spec: 'web-1', sudo: false });
		assert.match((parseHostEntry({ host: '-oProxyCommand=x', sudo: true }, 0) as { message: string }).message, /starts with "-"/);
		assert.strictEqual(parseHostEntry({ host: 'web-1', sudo: 'yes' }, 0).kind, 'invalid');
		assert.strictEqual(parseHostEntry({ host: 'web-1', command: ['sh'] }, 0).kind, 'invalid');
	});
});
