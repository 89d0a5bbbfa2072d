// Composition root: builds the hosts (this machine's source and store, the ssh / command hosts of
// the settings, opened captures), the views, and registers them. Every piece is a disposable
// pushed to context.subscriptions; no work happens until a view or a command activates the
// extension.
import * as path from 'path';
import * as vscode from 'vscode';
import { WorkerSource, SCAN_NICE } from './collect/workerSource';
import { DebugStatusBar } from './debug/debugStatusBar';
import { DebugTracker } from './debug/debugTracker';
import { ListenNotifier } from './debug/listenNotifier';
import { registerActions } from './views/actions';
import { DetailPanel } from './views/detailPanel';
import { registerHostCommands } from './views/hostCommands';
import { HostRegistry, type HostEntry } from './views/hosts';
import { registerForwardCommands } from './views/forwardCommands';
import { ForwardStatusBar } from './views/forwardStatusBar';
import { PortFinderHint } from './views/portFinderHint';
import { PortForwards } from './views/portForwards';
import { ProcessTreeProvider } from './views/processTree';
import { RefreshTimer } from './views/refreshTimer';
import { findFreePort } from './views/findFreePort';
import { showTraffic } from './views/showTraffic';
import { killPort } from './views/killPort';
import { showPortsForPid } from './views/showPortsForPid';
import { SnapshotStore } from './views/snapshotStore';
import { hostNodeOf, rowHostOf, type TreeNode } from './views/treeNodes';
import { registerViewCommands } from './views/viewCommands';
import { WatchStatusBar } from './views/watchStatusBar';
import { readTreeOptions, syncViewChrome } from './views/viewState';

/** Remote sessions end after the view and panel have been hidden this long; the next refresh reconnects. */
const SUSPEND_AFTER_HIDDEN_MS = 60_000;

/** What activate() returns: lets tests (and other extensions) reach the live model. */
export interface ProcnetApi {
	/** This machine's store. */
	store: SnapshotStore;
	hosts: HostRegistry;
	tree: ProcessTreeProvider;
	panel: DetailPanel;
	view: vscode.TreeView<TreeNode>;
	timer: RefreshTimer;
	statusBar: WatchStatusBar;
	/** The debug sessions' pids (issue #7) and the listening notifications shown (`debug.notified`). */
	debug: DebugTracker;
	/** The status-bar item with the debugged processes' listening ports (`debugStatusBar.state`). */
	debugStatusBar: DebugStatusBar;
	/** The ports of ssh hosts forwarded to this machine. */
	forwards: PortForwards;
	/** The status-bar item counting them (`forwardStatus.state`). */
	forwardStatus: ForwardStatusBar;
}

export function activate(context: vscode.ExtensionContext): ProcnetApi {
	const scanNice = () => vscode.workspace.getConfiguration('procnet').get<number>('scanNice', SCAN_NICE);
	const worker = path.join(context.extensionPath, 'dist', 'scanWorker.js');
	const local = new WorkerSource(worker, '/proc', scanNice());
	const store = new SnapshotStore(local);
	const hosts = new HostRegistry(store, worker, scanNice);
	// Before the tree is built, so the first paint already has every configured host.
	hosts.syncFromSettings();
	const tree = new ProcessTreeProvider(hosts, readTreeOptions(context.workspaceState));
	const forwards = new PortForwards(hosts);
	const forwardStatus = new ForwardStatusBar(forwards);
	// canSelectMany: Kill Process acts on every selected row at once (one confirmation); the other
	// row actions take the row they were invoked on.
	const view = vscode.window.createTreeView('procnet.processes', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
	// A row can be gone by the time VS Code resolves it (a refresh, a closed capture): then there
	// is nothing to reveal, which is not an error worth a notification.
	const reveal = (node: TreeNode | undefined) => node && view.reveal(node, { select: true, focus: false, expand: true }).then(undefined, () => undefined);
	const revealPid = (hostId: string | undefined, pid: number) => void reveal(tree.processNodeOn(hostId, pid));
	const revealHost = (h: HostEntry) => void reveal(tree.hostNode(h.id));
	const panel = new DetailPanel(context.extensionUri, hosts, revealPid, context.workspaceState, () => tree.options);
	/** A process of a host in the tree and in the panel (Find Free Port's held ports). */
	const showOwner = (h: HostEntry, pid: number) => {
		const { hostId } = h;
		revealPid(hostId, pid);
		const p = h.store.snapshot?.processes.find((x) => x.pid === pid);
		if (p) panel.show({ kind: 'process', pid, startTicks: p.startTicks, hostId });
	};
	const timer = new RefreshTimer(
		() => hosts.all().filter((h) => h.live).map((h) => h.store),
		() => vscode.workspace.getConfiguration('procnet').get<number>('refreshInterval', 0),
	);
	const statusBar = new WatchStatusBar(store);
	const debug = new DebugTracker(store);
	const notifier = new ListenNotifier(store, debug);
	const debugStatusBar = new DebugStatusBar(store, debug);
	// About this machine only: VS Code's port finder reads the /proc of the extension host's machine.
	const portFinderHint = new PortFinderHint(store, context.globalState);
	let suspendTimer: NodeJS.Timeout | undefined;
	const updateVisibility = () => {
		// The status-bar item watches even when the view is closed: it is what is being looked at then.
		// So does a debug session: its debuggee's new listeners are noticed even with the view hidden.
		const visible = view.visible || panel.visible || statusBar.enabled || debug.watching;
		timer.setVisible(visible);
		clearTimeout(suspendTimer);
		suspendTimer = undefined;
		// An idle ssh connection per host is cheap but not free (and holds a login open): end it
		// when nobody has looked for a while.
		if (!visible) suspendTimer = setTimeout(() => hosts.suspendSessions(), SUSPEND_AFTER_HIDDEN_MS);
	};
	panel.onDidChangeVisibility = updateVisibility;
	updateVisibility();
	syncViewChrome(view, tree);
	void vscode.commands.executeCommand('setContext', 'procnet.paused', false);

	context.subscriptions.push(
		store,
		hosts,
		tree,
		view,
		panel,
		timer,
		statusBar,
		debug,
		notifier,
		debugStatusBar,
		portFinderHint,
		tree.setDebugTracker(debug),
		forwards,
		forwardStatus,
		tree.setForwards(forwards),
		debug.onDidChange(updateVisibility),
		{ dispose: () => clearTimeout(suspendTimer) },
		view.onDidChangeVisibility(updateVisibility),
		tree.onDidChangeStatus(() => syncViewChrome(view, tree)),
		hosts.onDidChangeHosts(() => timer.sync()),
		vscode.workspace.onDidChangeConfiguration((e) => {
			// remote.portsAttributes: VS Code's port labels, which the tree shows beside the numbers.
			if (e.affectsConfiguration('procnet') || e.affectsConfiguration('remote.portsAttributes')) void tree.setOptions(readTreeOptions(context.workspaceState));
			if (e.affectsConfiguration('procnet.sshHosts') || e.affectsConfiguration('procnet.sshConfigFile')) hosts.syncFromSettings();
			if (e.affectsConfiguration('procnet.statusBar')) updateVisibility();
			if (e.affectsConfiguration('procnet.scanNice')) local.setNice(scanNice());
			// Names turned off and on again are asked afresh (a resolver fixed meanwhile, /etc/hosts edited).
			if (e.affectsConfiguration('procnet.resolvePeerNames')) for (const h of hosts.all()) h.peerNames()?.clear();
		}),
		vscode.commands.registerCommand('procnet.showDetails', (node?: TreeNode) => {
			const target = node ?? view.selection[0];
			if (!target) return;
			const { hostId } = hostNodeOf(target).host;
			if (target.type === 'process') panel.show({ kind: 'process', pid: target.process.pid, startTicks: target.process.startTicks, hostId });
			else if (target.type === 'socket') panel.show({ kind: 'socket', id: target.socket.id, hostId });
		}),
		vscode.commands.registerCommand('procnet.refresh', () => Promise.all(hosts.all().map((h) => h.store.refresh())).then(() => undefined)),
		vscode.commands.registerCommand('procnet.pause', () => timer.setPaused(true)),
		vscode.commands.registerCommand('procnet.resume', () => timer.setPaused(false)),
		vscode.commands.registerCommand('procnet.showPortsForPid', async (arg?: unknown) => {
			const node = await showPortsForPid(hosts, tree, view, arg);
			if (!node) return undefined;
			panel.show({ kind: 'process', pid: node.process.pid, startTicks: node.process.startTicks, hostId: hostNodeOf(node).host.hostId });
			return node.process.pid;
		}),
		vscode.commands.registerCommand('procnet.killPort', (arg?: unknown) => killPort(hosts.local, arg)),
		// From a host row: that host; from the palette, keybindings and tasks (a port or range): this machine.
		vscode.commands.registerCommand('procnet.findFreePort', (arg?: unknown) => {
			const row = rowHostOf(arg);
			return findFreePort(row ?? hosts.local, showOwner, row ? undefined : arg);
		}),
		// From a host row: that host; from the palette: this machine.
		vscode.commands.registerCommand('procnet.showTraffic', (arg?: unknown) => showTraffic(rowHostOf(arg) ?? hosts.local, showOwner)),
		vscode.commands.registerCommand('procnet.openWatched', async () => {
			const pid = statusBar.state?.openPid;
			if (pid === undefined) return vscode.commands.executeCommand('procnet.showPortsForPid');
			const p = store.snapshot?.processes.find((x) => x.pid === pid);
			if (p) panel.show({ kind: 'process', pid, startTicks: p.startTicks });
			return pid;
		}),
		vscode.commands.registerCommand('procnet.watch', async (node?: TreeNode) => {
			const t = node ?? view.selection[0];
			const entry = t?.type === 'process' ? `pid:${t.process.pid}` : t?.type === 'socket' && t.socket.localPort !== null ? `port:${t.socket.localPort}` : undefined;
			if (!entry) return;
			const cfg = vscode.workspace.getConfiguration('procnet');
			const list = cfg.get<string[]>('statusBar.watch', []);
			if (!list.includes(entry)) await cfg.update('statusBar.watch', [...list, entry], vscode.ConfigurationTarget.Global);
			if (!statusBar.enabled) await cfg.update('statusBar.enabled', true, vscode.ConfigurationTarget.Global);
		}),
		vscode.commands.registerCommand('procnet.revealInTree', (pid?: unknown) => typeof pid === 'number' && revealPid(undefined, pid)),
		...registerViewCommands(tree, context.workspaceState),
		...registerActions(hosts, tree, view, forwards),
		...registerForwardCommands(forwards, view),
		...registerHostCommands(hosts, revealHost),
	);
	void store.refresh();
	return { store, hosts, tree, panel, view, timer, statusBar, debug, debugStatusBar, forwards, forwardStatus };
}

export function deactivate(): void {
	/* everything is in context.subscriptions */
}
