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
	let realGetTreeItem: ((n: TreeNode) => vscode.TreeItem) | undefined;
	/** Ids of the rows whose item was taken (by the workbench, or the tree for its host rows), in order. */
	const items: string[] = [];
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
		// The view open (its collapse-all command exists only then), whether or not a suite before opened it.
		await vscode.commands.executeCommand('procnet.processes.focus');
		// Watch the real provider's answers to the workbench (it still does all the work).
		const tree = api.tree;
		realGetChildren = tree.getChildren;
		tree.getChildren = function (this: typeof tree, n?: TreeNode) {
			const children = realGetChildren!.call(this, n);
			asks.push({ parent: n ? n.id : '(root)', children: children.map((c) => c.id) });
			return children;
		};
		realGetTreeItem = tree.getTreeItem;
		tree.getTreeItem = function (this: typeof tree, n: TreeNode) {
			items.push(n.id);
			return realGetTreeItem!.call(this, n);
		};
		subs.push(
			api.view.onDidExpandElement((e) => expanded.push(e.element.id)),
			api.view.onDidCollapseElement((e) => collapsed.push(e.element.id)),
			api.view.onDidChangeSelection((e) => selections.push(e.selection.map((n) => n.id))),
			api.store.onDidChange(() => api.store.error && refreshErrors.push(api.store.error)),
			api.tree.onDidChangeTreeData((e) => told.push(e === undefined ? 'all' : (Array.isArray(e) ? e : [e]).map((n) => n.id))),
		);
	});
	after(async () => {
		await vscode.commands.executeCommand('procnet.resume');
		if (realGetChildren) delete (api.tree as Partial<typeof api.tree>).getChildren; // back to the prototype's
		if (realGetTreeItem) delete (api.tree as Partial<typeof api.tree>).getTreeItem;
		for (const d of subs) d.dispose();
		for (const s of servers) s.close();
	});

	const askedAfter = (mark: number, id: string) => asks.slice(mark).filter((a) => a.parent === id);
	/** What the tree told the workbench changed, in order: 'all' for the whole tree, else the rows' ids. */
	const told: Array<'all' | string[]> = [];
	/** Whether a change told since `mark` covers the row `id` (itself, its host, or the whole tree). */
	const toldAfter = (mark: number, ...ids: string[]) => told.slice(mark).some((t) => t === 'all' || t.some((x) => ids.includes(x)));

	it('reveals this process expanded and selected; two refreshes, with a new socket between, keep its id, selection and expansion', async () => {
		// No timed refresh meanwhile (the test makes its own): a refresh that tells the workbench the
		// host's rows changed (a process started or ended anywhere) while it reveals can leave the
		// row selected but not expanded (CI, twice in the twelfth session, when every refresh told the
		// whole tree; a README known limit). The refreshes this test makes below still check that
		// expansion survives them.
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

		// From a known state: all collapsed. An earlier suite (Show Ports for PID in extension.test.ts)
		// may have left this row expanded and selected, and revealing such a row again fires no
		// expand and no selection event: the wait below would never end (CI, stop 20, when nothing
		// between had made the workbench drop the row). Collapse events reach this host before the
		// command's reply does.
		await vscode.commands.executeCommand('workbench.actions.treeView.procnet.processes.collapseAll');
		let mark = asks.length;
		await api.view.reveal(node, { select: true, focus: false, expand: true });
		await waitFor('the workbench to expand the revealed row', () => expanded.includes(id));
		await waitFor('the workbench to ask for the revealed row\'s sockets', () => askedAfter(mark, id).length > 0);
		await waitFor('the selection to be the revealed row', () => api.view.selection.length === 1 && api.view.selection[0].id === id);
		const selectionsBefore = selections.length;
		const collapsedBefore = collapsed.length;

		// Refresh 1: nothing of ours changed.
		mark = asks.length;
		let toldMark = told.length;
		await api.store.refresh();
		const after1 = api.tree.processNode(process.pid)!;
		assert.strictEqual(after1, node, 'the refresh kept the row object the workbench knows the row by');
		assert.strictEqual(api.tree.getTreeItem(after1).id, id, 'same process, same id after a refresh');
		// Its row is told only if this process's sockets changed (the extension host's own
		// connections may), or the host's rows did; told, the workbench asks for its sockets again.
		if (toldAfter(toldMark, id, api.tree.hostNode()!.id)) await waitFor('the workbench to ask again for the sockets of the row it keeps expanded', () => askedAfter(mark, id).length > 0);

		// The process opens another socket; refresh 2 shows it under the same, still expanded row.
		const second = await listen();
		servers.push(second);
		mark = asks.length;
		toldMark = told.length;
		await api.store.refresh();
		assert.ok(toldAfter(toldMark, id, api.tree.hostNode()!.id), `the row of the process that opened a socket was told (${JSON.stringify(told.slice(toldMark))})`);
		const after2 = api.tree.processNode(process.pid)!;
		assert.strictEqual(after2, node, 'still the same row object');
		assert.strictEqual(api.tree.getTreeItem(after2).id, id, 'same id after the second refresh');
		const secondSocket = children(after2).find((c) => c.type === 'socket' && c.socket.localPort === portOf(second));
		assert.ok(secondSocket, 'the new listener is a row');
		const firstAgain = children(after2).find((c) => c.type === 'socket' && c.socket.localPort === portOf(first));
		assert.strictEqual(firstAgain && api.tree.getTreeItem(firstAgain).id, firstSocketId, 'the old socket keeps its id');
		await waitFor('the workbench to fetch the new socket under the expanded row', () =>
			askedAfter(mark, id).some((a) => a.children.includes(secondSocket.id)),
		);

		assert.deepStrictEqual(collapsed.slice(collapsedBefore), [], `no row was collapsed by the refreshes (${context()})`);
		assert.deepStrictEqual(selections.slice(selectionsBefore), [], `the workbench reported no selection change during the refreshes (${context()})`);
		assert.deepStrictEqual(api.view.selection.map((n) => n.id), [id], `the selection still holds the process row (${context()})`);
		assert.strictEqual(api.tree.getTreeItem(api.view.selection[0]).id, id);
	});

	it('a refresh in which one process opened a socket tells the workbench that row alone: the host\'s rows are not asked for again', async () => {
		const node = api.tree.processNode(process.pid)!;
		const host = api.tree.hostNode()!;
		assert.ok(api.view.selection.some((n) => n.id === node.id) && expanded.includes(node.id), 'the test above left the row expanded and selected');
		// Another process starting or ending anywhere on the machine changes the host's rows, and
		// then its whole subtree is told (tested in test/unit/treeChanges.test.ts): a few tries.
		const tries: string[] = [];
		for (let i = 0; i < 5; i++) {
			const s = await listen();
			servers.push(s);
			const mark = asks.length;
			const toldMark = told.length;
			await api.store.refresh();
			const now = told.slice(toldMark);
			tries.push(JSON.stringify(now));
			if (now.some((t) => t === 'all' || t.includes(host.id))) continue;
			assert.ok(now.some((t) => t !== 'all' && t.includes(node.id)), `the changed row was not told: ${tries.join(' | ')}`);
			const row = api.tree.processNode(process.pid)!;
			const socket = children(row).find((c) => c.type === 'socket' && c.socket.localPort === portOf(s))!;
			await waitFor('the workbench to fetch the new socket under the expanded row', () => askedAfter(mark, node.id).some((a) => a.children.includes(socket.id)));
			assert.deepStrictEqual(asks.slice(mark).filter((a) => a.parent === host.id || a.parent === '(root)'), [], 'the workbench asked for the host\'s rows again');
			assert.deepStrictEqual(api.view.selection.map((n) => n.id), [node.id], 'the row is still selected');
			return;
		}
		assert.fail(`every refresh told the host's rows changed: ${tries.join(' | ')}`);
	});

	it('(control) a collapsed row is not asked for its children on refresh, and collapsing fires the event the test above relies on', async () => {
		const node = api.tree.processNode(process.pid)!;
		const host = api.tree.hostNode()!;
		// From a known state, as in the first test: a collapse-all, a reveal that expands the row (its
		// expand event proves the workbench holds it expanded), then the collapse-all whose event this
		// test relies on. Collapsing a row the workbench no longer shows expanded fires nothing, and
		// whether the tests above left it so depends on what the workbench redrew meanwhile (a wait
		// for this event timed out once in CI and once in 3 local runs, the ninth session).
		await vscode.commands.executeCommand('workbench.actions.treeView.procnet.processes.collapseAll');
		const expandedBefore = expanded.length;
		await api.view.reveal(node, { select: false, focus: false, expand: true });
		await waitFor('the process row to be expanded', () => expanded.slice(expandedBefore).includes(node.id));
		const collapsedBefore = collapsed.length;
		await vscode.commands.executeCommand('workbench.actions.treeView.procnet.processes.collapseAll');
		await waitFor('the collapse event for the process row', () => collapsed.slice(collapsedBefore).includes(node.id));
		// Expand only the host again: its process rows show, collapsed. (The workbench may expand it
		// from the children it already has, without asking: the expand event is the signal.)
		const expandMark = expanded.length;
		await api.view.reveal(host, { select: false, focus: false, expand: true });
		await waitFor('the host row to be expanded', () => expanded.slice(expandMark).includes(host.id));
		const mark = asks.length;
		const itemMark = items.length;
		const toldMark = told.length;
		waitContext = () => `${context()}, told ${JSON.stringify(told.slice(toldMark))}, items taken ${JSON.stringify(items.slice(itemMark))}`;
		// Each refresh changes the row (a new listener), so the workbench is told of it; the second
		// comes once the first was taken in (told twice within 200 ms, the workbench takes both at once).
		// It takes the second only once its walk over expanded rows for the first is over.
		for (let i = 1; i <= 2; i++) {
			servers.push(await listen());
			await api.store.refresh();
			await waitFor(`the workbench to take in refresh ${i}`, () => items.slice(itemMark).filter((x) => x === node.id).length >= i);
		}
		assert.deepStrictEqual(askedAfter(mark, node.id), [], 'a collapsed row was asked for its children');
	});
});
