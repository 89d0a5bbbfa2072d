// A status-bar item while a debug session has a pid: the TCP ports its debuggee and that
// debuggee's descendants listen on, "$(debug) app.js: 3000, 41234" (the debugger's own inspector
// ports left out: they answer "is my service up?" with noise). Several sessions are joined with
// " · ". A click runs "Show Ports for PID" for the first session's process that listens (the
// forked server rather than the launcher that only waits for it), or its debuggee when none does.
// Hidden when no session has a pid. Independent of the optional watcher (procnet.statusBar.*).
import * as vscode from 'vscode';
import { ownedBy } from '../model/select';
import { shortCommand } from '../model/shortCommand';
import type { Snapshot } from '../model/snapshot';
import type { SnapshotStore } from '../views/snapshotStore';
import type { DebugTracker } from './debugTracker';

export interface DebugStatusState {
	text: string;
	tooltip: string;
	/** The pid a click shows the ports of. */
	pid: number;
}

/** What the item shows for a snapshot, or undefined when it is hidden. */
export function describeDebugged(tracker: DebugTracker, snap: Snapshot | undefined): DebugStatusState | undefined {
	if (!snap || !tracker.active) return undefined;
	const sessions = tracker.listeners(snap);
	if (!sessions.length) return undefined;
	const procs = new Map(snap.processes.map((p) => [p.pid, p]));
	const parts: string[] = [];
	const lines: string[] = [];
	let pid: number | undefined;
	for (const { session, pids, listeners } of sessions) {
		const debuggee = [...session.pids].find((p) => procs.has(p)) ?? [...session.pids][0];
		const p = procs.get(debuggee);
		// The script is what tells this node apart from the others; the session name is the fallback
		// for a debuggee that exited or is not scanned yet.
		const name = (p && (shortCommand(p) || p.name)) || session.name;
		const ports = [...new Set(listeners.map((s) => s.localPort!))].sort((a, b) => a - b);
		parts.push(ports.length ? `${name}: ${ports.join(', ')}` : name);
		lines.push(`${session.name}: ${ports.length ? `listening on ${ports.join(', ')}` : 'not listening on any TCP port'} (pid ${[...session.pids].join(', ')} and descendants)`);
		const owns = (q: number) => listeners.some((s) => ownedBy(s, q));
		const lowest = [...listeners].sort((a, b) => a.localPort! - b.localPort!)[0];
		pid ??= owns(debuggee) ? debuggee : lowest?.owners.find((o) => pids.has(o.pid))?.pid ?? debuggee;
	}
	lines.push('', 'Click: Show Ports for PID');
	return { text: `$(debug) ${parts.join(' · ')}`, tooltip: lines.join('\n'), pid: pid! };
}

export class DebugStatusBar implements vscode.Disposable {
	/** Next to the watcher's item (priority 20), on its right. */
	private readonly item = vscode.window.createStatusBarItem('procnet.debug', vscode.StatusBarAlignment.Left, 19);
	private readonly disposables: vscode.Disposable[] = [];
	/** What the item shows (for tests and the API); undefined while hidden. */
	state: DebugStatusState | undefined;

	constructor(private readonly store: SnapshotStore, private readonly tracker: DebugTracker) {
		this.item.name = 'Procnet: ports of debugged processes';
		this.disposables.push(
			this.item,
			store.onDidChange(() => this.update()),
			tracker.onDidChange(() => this.update()),
		);
		this.update();
	}

	/** Whether the item is shown. */
	get visible(): boolean {
		return this.state !== undefined;
	}

	/** The command a click runs (for tests). */
	get command(): vscode.Command | undefined {
		return this.state ? (this.item.command as vscode.Command) : undefined;
	}

	update(): void {
		this.state = describeDebugged(this.tracker, this.store.snapshot);
		if (!this.state) {
			this.item.hide();
			return;
		}
		this.item.text = this.state.text;
		this.item.tooltip = this.state.tooltip;
		this.item.command = { command: 'procnet.showPortsForPid', title: 'Show Ports for PID', arguments: [this.state.pid] };
		this.item.show();
	}

	dispose(): void {
		for (const d of this.disposables) d.dispose();
	}
}
