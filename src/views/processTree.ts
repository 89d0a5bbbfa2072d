// The "Processes & Sockets" tree: host → processes that hold sockets (listeners first) →
// their sockets, plus one node for sockets nobody could be named for, with the reason.
import * as vscode from 'vscode';
import { commandLine, kindText, localText, portSummary, remoteText } from '../model/describe';
import { processKey, type ProcessInfo, type Snapshot, type SocketInfo } from '../model/snapshot';
import type { SnapshotStore } from './snapshotStore';
import type { HostNode, MessageNode, ProcessNode, SocketNode, TreeNode, UnownedNode } from './treeNodes';

const UNKNOWN_REASON: Record<string, string> = {
	'inode-0': 'held by the kernel, no fd (TIME_WAIT, SYN_RECV, not yet accepted, orphaned)',
	'permission-denied': "its owner may be a process whose fds this user may not read",
	'not-found': 'no readable fd holds it (kernel socket, another pid namespace, or it changed mid-scan)',
};

export class ProcessTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
	private readonly _onDidChangeTreeData = new vscode.EventEmitter<TreeNode | undefined | void>();
	readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
	private readonly disposables: vscode.Disposable[] = [];

	private readonly host: HostNode = { type: 'host', id: 'host' };
	private processes: ProcessNode[] = [];
	private byPid = new Map<number, ProcessNode>();
	private unowned: UnownedNode | undefined;

	constructor(private readonly store: SnapshotStore) {
		this.disposables.push(this._onDidChangeTreeData, store.onDidChange(() => this.rebuild()));
		this.rebuild();
	}

	/** The process row of `pid` in the current snapshot, if it holds sockets. */
	processNode(pid: number): ProcessNode | undefined {
		return this.byPid.get(pid);
	}

	private rebuild(): void {
		const snap = this.store.snapshot;
		this.processes = [];
		this.byPid = new Map();
		this.unowned = undefined;
		if (snap) this.index(snap);
		this._onDidChangeTreeData.fire();
	}

	private index(snap: Snapshot): void {
		const procs = new Map<number, ProcessInfo>(snap.processes.map((p) => [p.pid, p]));
		const held = new Map<number, SocketInfo[]>();
		const unowned: SocketInfo[] = [];
		for (const s of snap.sockets) {
			if (!s.owners.length) unowned.push(s);
			for (const pid of new Set(s.owners.map((o) => o.pid))) {
				const l = held.get(pid);
				if (l) l.push(s);
				else held.set(pid, [s]);
			}
		}
		for (const [pid, sockets] of held) {
			const p = procs.get(pid);
			if (!p) continue;
			sockets.sort(socketOrder);
			const node: ProcessNode = { type: 'process', id: `proc:${processKey(p)}`, process: p, sockets };
			this.processes.push(node);
			this.byPid.set(pid, node);
		}
		const listens = (n: ProcessNode) => (n.sockets[0]?.state === 'LISTEN' ? 0 : 1);
		this.processes.sort((a, b) => listens(a) - listens(b) || a.process.name.localeCompare(b.process.name) || a.process.pid - b.process.pid);
		if (unowned.length) this.unowned = { type: 'unowned', id: 'unowned', sockets: unowned.sort(socketOrder) };
	}

	getChildren(node?: TreeNode): TreeNode[] {
		if (!node) return [this.host];
		switch (node.type) {
			case 'host': {
				if (this.store.error) return [message('error', `Cannot read sockets: ${this.store.error}`)];
				if (!this.store.snapshot) return [message('loading', 'Reading /proc…')];
				const out: TreeNode[] = [...this.processes];
				if (this.unowned) out.push(this.unowned);
				return out;
			}
			case 'process':
				return node.sockets.map((s) => this.socketNode(s, node));
			case 'unowned':
				return node.sockets.map((s) => this.socketNode(s, node));
			default:
				return [];
		}
	}

	private socketNode(s: SocketInfo, parent: ProcessNode | UnownedNode): SocketNode {
		const fd = parent.type === 'process' ? s.owners.find((o) => o.pid === parent.process.pid)?.fd : undefined;
		return { type: 'socket', id: `${parent.id}/${s.id}`, socket: s, parent, fd };
	}

	getParent(node: TreeNode): TreeNode | undefined {
		switch (node.type) {
			case 'host':
				return undefined;
			case 'socket':
				return node.parent;
			default:
				return this.host;
		}
	}

	getTreeItem(node: TreeNode): vscode.TreeItem {
		switch (node.type) {
			case 'host':
				return this.hostItem();
			case 'process':
				return processItem(node);
			case 'socket':
				return socketItem(node);
			case 'unowned': {
				const item = new vscode.TreeItem('Sockets without a known owner', vscode.TreeItemCollapsibleState.Collapsed);
				item.id = node.id;
				item.description = String(node.sockets.length);
				item.iconPath = new vscode.ThemeIcon('question');
				item.contextValue = 'unowned';
				item.tooltip = 'Sockets no readable process holds. Each row says why; procnet never guesses an owner from a port number.';
				return item;
			}
			case 'message': {
				const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
				item.id = node.id;
				item.iconPath = new vscode.ThemeIcon(node.id === 'error' ? 'error' : 'loading~spin');
				item.tooltip = node.detail ?? node.text;
				return item;
			}
		}
	}

	private hostItem(): vscode.TreeItem {
		const snap = this.store.snapshot;
		const remote = vscode.env.remoteName;
		const name = snap?.host.hostname ?? 'this machine';
		const item = new vscode.TreeItem(remote ? `${remote}: ${name}` : name, vscode.TreeItemCollapsibleState.Expanded);
		item.id = this.host.id;
		item.iconPath = new vscode.ThemeIcon(remote ? 'remote' : 'vm');
		item.contextValue = 'host';
		if (snap) {
			item.description = `${this.processes.length} processes · ${snap.sockets.length} sockets`;
			item.tooltip = new vscode.MarkdownString().appendText(`${snap.host.hostname} · Linux ${snap.host.kernel} · ${snap.source.label}\nTaken ${snap.takenAt}`);
		}
		return item;
	}

	dispose(): void {
		for (const d of this.disposables) d.dispose();
	}
}

function message(id: string, text: string): MessageNode {
	return { type: 'message', id, text };
}

/** Listeners first, then by kind and local address. */
function socketOrder(a: SocketInfo, b: SocketInfo): number {
	const la = a.state === 'LISTEN' ? 0 : 1, lb = b.state === 'LISTEN' ? 0 : 1;
	return la - lb || a.kind.localeCompare(b.kind) || (a.localPort ?? 0) - (b.localPort ?? 0) || a.id.localeCompare(b.id);
}

function processItem(node: ProcessNode): vscode.TreeItem {
	const p = node.process;
	const item = new vscode.TreeItem(`${p.name} (${p.pid})`, vscode.TreeItemCollapsibleState.Collapsed);
	item.id = node.id;
	item.description = portSummary(node.sockets);
	item.iconPath = new vscode.ThemeIcon(node.sockets.some((s) => s.state === 'LISTEN') ? 'server-process' : 'terminal');
	item.contextValue = 'process';
	const md = new vscode.MarkdownString();
	md.appendMarkdown('**').appendText(`${p.name} (pid ${p.pid})`).appendMarkdown('**\n\n');
	md.appendCodeblock(commandLine(p) || '(no command line)', 'shell');
	md.appendText(`\nuser ${p.user ?? p.uid ?? '?'} · ppid ${p.ppid ?? '?'} · started ${p.startTime ?? '?'}\nnetns ${p.netns ?? '?'}${p.cwd ? ` · cwd ${p.cwd}` : ''}`);
	item.tooltip = md;
	return item;
}

function socketIcon(s: SocketInfo): vscode.ThemeIcon {
	if (s.state === 'LISTEN') return new vscode.ThemeIcon('radio-tower', new vscode.ThemeColor('charts.green'));
	switch (s.kind) {
		case 'unix':
			return new vscode.ThemeIcon('plug');
		case 'udp':
		case 'udplite':
			return new vscode.ThemeIcon('broadcast');
		case 'netlink':
			return new vscode.ThemeIcon('symbol-event');
		case 'packet':
		case 'raw':
			return new vscode.ThemeIcon('zap');
		default:
			return new vscode.ThemeIcon(s.state === 'ESTABLISHED' ? 'arrow-swap' : 'circle-outline');
	}
}

function socketItem(node: SocketNode): vscode.TreeItem {
	const s = node.socket;
	const remote = remoteText(s);
	const item = new vscode.TreeItem(`${kindText(s)} ${localText(s)}${remote && remote !== '*' ? ` → ${remote}` : ''}`, vscode.TreeItemCollapsibleState.None);
	item.id = node.id;
	const bits = [s.state];
	if (s.txQueue) bits.push(`tx ${s.txQueue}`);
	if (s.rxQueue) bits.push(`rx ${s.rxQueue}`);
	if (s.timer && s.timer !== 'off') bits.push(`${s.timer} ${(s.timerSeconds ?? 0).toFixed(1)}s`);
	if (node.parent.type === 'unowned') bits.push(s.ownerUnknown ?? '');
	item.description = bits.join(' · ');
	item.iconPath = socketIcon(s);
	item.contextValue = s.state === 'LISTEN' && s.kind === 'tcp' ? 'socket.listen.tcp' : `socket.${s.kind}`;
	const lines = [`${kindText(s)} ${s.state}`, `local  ${localText(s)}`];
	if (remote) lines.push(`remote ${remote}`);
	lines.push(`inode ${s.inode}${node.fd !== undefined ? ` · fd ${node.fd}` : ''} · uid ${s.uid ?? '?'} · ${s.netns}`);
	if (s.owners.length > 1) lines.push(`shared by ${s.owners.map((o) => `pid ${o.pid} fd ${o.fd}`).join(', ')}`);
	if (s.ownerUnknown) lines.push(`no known owner: ${UNKNOWN_REASON[s.ownerUnknown]}`);
	if (s.suspect) lines.push(`suspect: ${s.suspect}`);
	item.tooltip = lines.join('\n');
	return item;
}
