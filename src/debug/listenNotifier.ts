// Tells the user when a debuggee (or one of its children) starts listening on a TCP port: the
// sockets new since the previous refresh of this machine's store (store.diff.newSockets), in
// state LISTEN, owned by a pid of a debug session. Once per session, pid and port.
import * as vscode from 'vscode';
import type { SocketInfo } from '../model/snapshot';
import { openInBrowser } from '../views/actions';
import type { SnapshotStore } from '../views/snapshotStore';
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
	/** `${sessionId}|${pid}|${port}` already notified. */
	private readonly seen = new Set<string>();
	private readonly disposable: vscode.Disposable;

	constructor(private readonly store: SnapshotStore, private readonly tracker: DebugTracker) {
		this.disposable = vscode.Disposable.from(
			store.onDidChange(() => this.check()),
			tracker.onDidChange(() => {
				// Forget what ended sessions were told about.
				for (const key of this.seen) if (!tracker.sessions.has(key.slice(0, key.indexOf('|')))) this.seen.delete(key);
			}),
		);
	}

	private check(): void {
		const snap = this.store.snapshot;
		const fresh = (this.store.diff?.newSockets ?? []).filter((s) => s.kind === 'tcp' && s.state === 'LISTEN' && s.localPort !== null);
		if (!snap || !fresh.length || !this.tracker.active) return;
		const enabled = vscode.workspace.getConfiguration('procnet').get<boolean>('debug.notifyListening', true);
		for (const { session, pids } of this.tracker.expand(snap.processes)) {
			for (const s of fresh) {
				const owner = s.owners.find((o) => pids.has(o.pid));
				if (!owner) continue;
				const key = `${session.id}|${owner.pid}|${s.localPort}`;
				if (this.seen.has(key)) continue;
				this.seen.add(key);
				if (!enabled) continue;
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
