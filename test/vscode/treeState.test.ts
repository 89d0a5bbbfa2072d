// The tree keeps a revealed process expanded and selected across refreshes (issue #4: stable ids,
// pid + start time for a process, namespace + inode for a socket), observed through what the
// extension host API shows of the workbench's tree: the TreeItem ids, TreeView.selection, the
// expand/collapse events, and which rows the workbench asks children of (it asks only for rows it
// shows expanded). The UI test checks the same in the DOM (aria-expanded, aria-selected).
import * as assert from 'assert';
import * as net from 'net';
import * as vscode from 'vscode';
import type { ProcnetApi } from '../../src/extension';
import type { TreeNode } from '../../src/views/treeNodes';

function listen(): Promise<net.Server> {
	return new Promise((resolve) => {
		const s = net.createServer(() => undefined);
		s.listen(0, '127.0.0.1', () => resolve(s));
	});
}
const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

/** Polls `cond` until it holds (refreshes are slow on a loaded machine: no fixed sleeps). */
let waitContext = () => '';
async function waitFor(what: string, cond: () => boolean, timeoutMs = 120000): Promise<void> {
	const t0 = Date.now();
	while (!cond()) {
		if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${waitContext()})`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

describe('the tree keeps expansion and selection across refreshes', function () {
	this.timeout(300000);
	let api: ProcnetApi;
	const subs: vscode.Disposable[] = [];
	const servers: net.Server[] = [];
	/** Every getChildren call the workbench made, in order: the parent's id ('(root)' for none) and the ids returned. */
	const asks: Array<{ parent: string; children: string[] }> = [];
	const expanded: string[] = [];
	const collapsed: string[] = [];
	let realGetChildren: ((n?: TreeNode) => TreeNode[]) | undefined;
	/** The test's own reads of the tree: not recorded as the workbench's. */
	const children = (n?: TreeNode) => realGetChildren!.call(api.tree, n);
	/** Selection changes the workbench reported, for the failure messages. */
	const selections: string[][] = [];
	/** Failed refreshes meanwhile (a slow, loaded machine), for the failure messages. */
	const refreshErrors: string[] = [];
	const context = (waitContext = () => `selection changes ${JSON.stringify(selections)}, collapsed ${JSON.stringify(collapsed)}, failed refreshes ${JSON.stringify(refreshErrors)}`);

	before(async () => {
		api = await vscode.extensions.getExtension<ProcnetApi>('procnet.procnet')!.activate();
		await vscode.commands.executeCommand('procnet.clearFilter');
		await vscode.commands.executeCommand('procnet.allSockets');
		// Watch the real provider's answers to the workbench (it still does all the work).
		const tree = api.tree;
		realGetChildren = tree.getChildren;
		tree.getChildren = function (this: typeof tree, n?: TreeNode) {
			const children = realGetChildren!.call(this, n);
			asks.push({ parent: n ? n.id : '(root)', children: children.map((c) => c.id) });
			return children;
		};
		subs.push(
			api.view.onDidExpandElement((e) => expanded.push(e.element.id)),
			api.view.onDidCollapseElement((e) => collapsed.push(e.element.id)),
			api.view.onDidChangeSelection((e) => selections.push(e.selection.map((n) => n.id))),
			api.store.onDidChange(() => api.store.error && refreshErrors.push(api.store.error)),
		);
	});
	after(async () => {
		await vscode.commands.executeCommand('procnet.resume');
		if (realGetChildren) delete (api.tree as Partial<typeof api.tree>).getChildren; // back to the prototype's
		for (const d of subs) d.dispose();
		for (const s of servers) s.close();
	});

	const askedAfter = (mark: number, id: string) => asks.slice(mark).filter((a) => a.parent === id);

	it('reveals this process expanded and selected; two refreshes, with a new socket between, keep its id, selection and expansion', async () => {
		// No timed refresh meanwhile (the test makes its own): each refresh tells the workbench the
		// whole tree changed, and one landing while it reveals can leave the row selected but not
		// expanded (CI, twice in the twelfth session, after the soak test's 23k sockets; a README
		// known limit). The refreshes this test makes below still check that expansion survives them.
		await vscode.commands.executeCommand('procnet.pause');
		await api.tree.whenIndexed();
		const first = await listen();
		servers.push(first);
		await api.store.refresh();
		const node = api.tree.processNode(process.pid);
		assert.ok(node, 'no row for the extension host');
		const id = api.tree.getTreeItem(node).id!;
		assert.ok(id, 'the process row has no TreeItem id');
		const firstSocket = children(node).find((c) => c.type === 'socket' && c.socket.localPort === portOf(first));
		assert.ok(firstSocket, 'no row for the listener');
		const firstSocketId = api.tree.getTreeItem(firstSocket).id;

		let mark = asks.length;
		await api.view.reveal(node, { select: true, focus: false, expand: true });
		await waitFor('the workbench to expand the revealed row', () => expanded.includes(id));
		await waitFor('the workbench to ask for the revealed row\'s sockets', () => askedAfter(mark, id).length > 0);
		await waitFor('the selection to be the revealed row', () => api.view.selection.length === 1 && api.view.selection[0].id === id);
		const selectionsBefore = selections.length;

		// Refresh 1: nothing of ours changed.
		mark = asks.length;
		await api.store.refresh();
		const after1 = api.tree.processNode(process.pid)!;
		assert.notStrictEqual(after1, node, 'the refresh built new nodes (so only the ids can carry the state)');
		assert.strictEqual(api.tree.getTreeItem(after1).id, id, 'same process, same id after a refresh');
		await waitFor('the workbench to ask again for the sockets of the row it keeps expanded', () => askedAfter(mark, id).length > 0);

		// The process opens another socket; refresh 2 shows it under the same, still expanded row.
		const second = await listen();
		servers.push(second);
		mark = asks.length;
		await api.store.refresh();
		const after2 = api.tree.processNode(process.pid)!;
		assert.strictEqual(api.tree.getTreeItem(after2).id, id, 'same id after the second refresh');
		const secondSocket = children(after2).find((c) => c.type === 'socket' && c.socket.localPort === portOf(second));
		assert.ok(secondSocket, 'the new listener is a row');
		const firstAgain = children(after2).find((c) => c.type === 'socket' && c.socket.localPort === portOf(first));
		assert.strictEqual(firstAgain && api.tree.getTreeItem(firstAgain).id, firstSocketId, 'the old socket keeps its id');
		await waitFor('the workbench to fetch the new socket under the expanded row', () =>
			askedAfter(mark, id).some((a) => a.children.includes(secondSocket.id)),
		);

		assert.deepStrictEqual(collapsed, [], `no row was collapsed by the refreshes (${context()})`);
		assert.deepStrictEqual(selections.slice(selectionsBefore), [], `the workbench reported no selection change during the refreshes (${context()})`);
		assert.deepStrictEqual(api.view.selection.map((n) => n.id), [id], `the selection still holds the process row (${context()})`);
		assert.strictEqual(api.tree.getTreeItem(api.view.selection[0]).id, id);
	});

	it('(control) a collapsed row is not asked for its children on refresh, and collapsing fires the event the test above relies on', async () => {
		const node = api.tree.processNode(process.pid)!;
		const host = api.tree.hostNode()!;
		await vscode.commands.executeCommand('workbench.actions.treeView.procnet.processes.collapseAll');
		await waitFor('the collapse event for the process row', () => collapsed.includes(node.id));
		// Expand only the host again: its process rows show, collapsed. (The workbench may expand it
		// from the children it already has, without asking: the expand event is the signal.)
		const expandMark = expanded.length;
		await api.view.reveal(host, { select: false, focus: false, expand: true });
		await waitFor('the host row to be expanded', () => expanded.slice(expandMark).includes(host.id));
		const mark = asks.length;
		await api.store.refresh();
		await api.store.refresh();
		// Two refreshes the workbench has taken in (it asked the host's children after each): the
		// first one's walk over expanded rows is over by the time the second asks for the host.
		await waitFor('the workbench to take in both refreshes', () => askedAfter(mark, host.id).length >= 2);
		assert.deepStrictEqual(askedAfter(mark, node.id), [], 'a collapsed row was asked for its children');
	});
});
