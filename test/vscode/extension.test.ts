// Runs inside the real VS Code extension host (code-server 4.139.1 = VS Code 1.139.1, Node 24),
// with this repo loaded as the extension under development (package.json main → dist/extension.js).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ProcnetApi } from '../../src/extension';

const pkg = require('../../../package.json') as { publisher: string; name: string; contributes: { commands: { command: string }[] } };
const EXTENSION_ID = `${pkg.publisher}.${pkg.name}`; // procnet.procnet

describe('procnet in a real VS Code extension host', () => {
	let ext: vscode.Extension<ProcnetApi>;

	before(() => {
		const found = vscode.extensions.getExtension<ProcnetApi>(EXTENSION_ID);
		assert.ok(found, `extension ${EXTENSION_ID} is not known to this extension host`);
		ext = found;
	});

	it('describes the host it runs in', () => {
		console.log(
			`      VS Code ${vscode.version}, uiKind=${vscode.UIKind[vscode.env.uiKind]}, remoteName=${vscode.env.remoteName}, ` +
				`appHost=${vscode.env.appHost}, extensionKind=${vscode.ExtensionKind[ext.extensionKind]}, ` +
				`extensionUri=${ext.extensionUri.toString()}, node ${process.version}, pid ${process.pid}`,
		);
	});

	it('activates', async () => {
		await ext.activate();
		assert.strictEqual(ext.isActive, true);
	});

	it('runs as a workspace extension in the remote (server-side) Node extension host, next to /proc, with the UI elsewhere', () => {
		assert.strictEqual(ext.extensionKind, vscode.ExtensionKind.Workspace);
		// code-server reports the remote authority it serves as remoteName ("127.0.0.1:PORT");
		// Remote-SSH reports "ssh-remote". Either way: set, so this is a remote window.
		assert.ok(vscode.env.remoteName, 'vscode.env.remoteName is not set: not a remote extension host');
		assert.strictEqual(vscode.env.uiKind, vscode.UIKind.Web, 'the workbench is a browser page');
		assert.strictEqual(ext.extensionUri.scheme, 'file', "the extension is loaded from the server machine's disk");
		assert.ok(process.versions.node, 'a Node extension host, not a web worker');
		assert.ok(require('fs').existsSync(`/proc/${process.pid}/net/tcp`), "the extension host reads this machine's /proc");
	});

	it('registers every contributed command', async () => {
		const all = new Set(await vscode.commands.getCommands(true));
		for (const id of ['procnet.showPortsForPid', 'procnet.refresh']) assert.ok(all.has(id), `command ${id} is not registered`);
		for (const { command } of pkg.contributes.commands) assert.ok(all.has(command), `contributed command ${command} is not registered`);
	});

	it('procnet.refresh runs without throwing', async () => {
		await vscode.commands.executeCommand('procnet.refresh');
	});

	it('procnet.showPortsForPid with a numeric pid reveals that process (the extension host itself: it holds sockets)', async () => {
		const api = ext.exports;
		const result = await vscode.commands.executeCommand<unknown>('procnet.showPortsForPid', process.pid);
		// Contract (src/extension.ts): resolves to the pid of the process it revealed, undefined if none.
		assert.strictEqual(result, process.pid, `showPortsForPid(${process.pid}) resolved to ${JSON.stringify(result)}`);
		assert.ok(api.store.snapshot, 'no snapshot after the command');
		const node = api.tree.processNode(process.pid);
		assert.ok(node, `tree has no row for the extension host (pid ${process.pid})`);
		assert.ok(node.sockets.length > 0, 'the extension host holds no sockets?');
	});

	it('procnet.showPortsForPid with something that is not a pid resolves to undefined', async () => {
		assert.strictEqual(await vscode.commands.executeCommand<unknown>('procnet.showPortsForPid', 'not-a-pid; rm -rf /'), undefined);
	});
});
