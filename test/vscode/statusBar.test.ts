// The optional status-bar watcher in the real extension host: off by default, then watching a
// port this test opens and closes.
import * as assert from 'assert';
import * as net from 'net';
import * as vscode from 'vscode';
import type { ProcnetApi } from '../../src/extension';
import { waitFor } from './wait';

describe('the status-bar watcher', function () {
	this.timeout(30000);
	let api: ProcnetApi;
	const cfg = () => vscode.workspace.getConfiguration('procnet');
	before(async () => {
		api = await vscode.extensions.getExtension<ProcnetApi>('procnet.procnet')!.activate();
	});
	after(async () => {
		await cfg().update('statusBar.watch', undefined, vscode.ConfigurationTarget.Global);
		await cfg().update('statusBar.enabled', undefined, vscode.ConfigurationTarget.Global);
	});

	it('is off by default', () => {
		assert.strictEqual(api.statusBar.enabled, false);
		assert.strictEqual(api.statusBar.state, undefined);
	});

	it('"Watch in Status Bar" on a listening socket turns it on and shows the port as served, then not', async () => {
		const server = net.createServer(() => undefined);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const port = (server.address() as net.AddressInfo).port;
		await api.store.refresh();
		const node = api.tree.processNode(process.pid)!;
		const row = api.tree.getChildren(node).find((n) => n.type === 'socket' && n.socket.localPort === port);
		assert.ok(row);
		await vscode.commands.executeCommand('procnet.watch', row);
		await waitFor('the watcher to turn on (configuration events)', () => api.statusBar.enabled);
		assert.deepStrictEqual(cfg().get('statusBar.watch'), [`port:${port}`]);
		assert.match(api.statusBar.state!.text, new RegExp(`:${port} ✓`));
		assert.strictEqual(api.statusBar.state!.openPid, process.pid);
		await new Promise<void>((r) => server.close(() => r()));
		await api.store.refresh();
		assert.match(api.statusBar.state!.text, new RegExp(`:${port} ✗`));
	});
});
