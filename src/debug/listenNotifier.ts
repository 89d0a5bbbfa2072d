// Tells the user when a debuggee (or one of its children) starts listening on a TCP port, not
// the debugger's own inspector port. New means: not among the session's listeners at the previous
// refresh, or, the first time a session is seen, new in the store's diff (so an attach to a
// program that listens already announces nothing). The session's own record does not depend on
// the diff reaching every refresh. A new listener is announced at the next refresh if it is still
// the program's then: a forked child's inspector port is told apart by js-debug's watchdog
// connecting to it, and a refresh that fell between the child's listen() and that connection had
// announced the inspector port (seen once in CI). Once per top-level session and port (a
// restarted worker listening again on the same port is no news), and only for the ports
// procnet.debug.notifyPorts allows.
import * as vscode from 'vscode';
import type { SocketInfo } from '../model/snapshot';
import { openInBrowser } from '../views/actions';
import type { SnapshotStore } from '../views/snapshotStore';
import { portFilter } from './debuggees';
import type { DebugTracker } from './debugTracker';

/** The address a notification names: wildcards read as loopback (where a browser reaches them). */
function addressText(s: SocketInfo): string {
	let host = s.localAddress ?? '127.0.0.1';
	if (host === '0.0.0.0') host = '127.0.0.1';
	else if (host === '::') host = 'localhost';
	else if (host.startsWith('::ffff:')) host = host.slice(7);
	return `${host.includes(':') ? `[${host}]` : host}:${s.localPort}`;
}

export class ListenNotifier implements vscode.Disposable {
	/** `${rootSessionId}|${port}` already seen. */
	private readonly seen = new Set<string>();
	/**
	 * rootSessionId → ids of the session's program listeners at the previous refresh, and of
	 * those that were new then (announced now if still there).
	 */
	private readonly known = new Map<string, { listeners: Set<string>; fresh: Set<string> }>();
	private readonly disposable: vscode.Disposable;

	constructor(private readonly store: SnapshotStore, private readonly tracker: DebugTracker) {
		this.disposable = vscode.Disposable.from(
			store.onDidChange(() => this.check()),
			tracker.onDidChange(() => {
				// Forget what ended sessions were told about.
				const roots = new Set([...tracker.sessions.values()].map((s) => s.rootId));
				for (const key of this.seen) if (!roots.has(key.slice(0, key.indexOf('|')))) this.seen.delete(key);
				for (const root of this.known.keys()) if (!roots.has(root)) this.known.delete(root);
			}),
		);
	}

	private check(): void {
		const snap = this.store.snapshot;
		if (!snap || !this.tracker.active) return;
		// The new sockets themselves (the snapshot's own objects), not their ids: 100k new sockets
		// would be 100k id texts, made at each read for a full or big transfer's sockets.
		const fresh = new Set<SocketInfo>(this.store.diff?.newSockets ?? []);
		const cfg = vscode.workspace.getConfiguration('procnet');
		const enabled = cfg.get<boolean>('debug.notifyListening', true);
		const allowed = portFilter(cfg.get<unknown>('debug.notifyPorts', []));
		for (const { session, pids, listeners } of this.tracker.listeners(snap)) {
			const before = this.known.get(session.rootId);
			this.known.set(session.rootId, {
				listeners: new Set(listeners.map((s) => s.id)),
				fresh: new Set(listeners.filter((s) => (before ? !before.listeners.has(s.id) : fresh.has(s))).map((s) => s.id)),
			});
			for (const s of listeners) {
				if (!before?.fresh.has(s.id)) continue;
				const owner = s.owners.find((o) => pids.has(o.pid))!;
				const key = `${session.rootId}|${s.localPort}`;
				if (this.seen.has(key)) continue;
				this.seen.add(key);
				if (!enabled || !allowed(s.localPort!)) continue;
				const name = snap.processes.find((p) => p.pid === owner.pid)?.name ?? 'process';
				this.tracker.notified.push({ pid: owner.pid, port: s.localPort!, sessionId: session.id });
				void vscode.window.showInformationMessage(`${name} (pid ${owner.pid}) is listening on ${addressText(s)}`, 'Open in Browser', 'Show Ports').then((choice) => {
					if (choice === 'Open in Browser') return openInBrowser(s);
					if (choice === 'Show Ports') return vscode.commands.executeCommand('procnet.showPortsForPid', owner.pid);
					return undefined;
				});
			}
		}
	}

	dispose(): void {
		this.disposable.dispose();
	}
}
