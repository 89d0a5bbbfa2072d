// Which processes VS Code is debugging right now (issue #7). Every debug session is watched
// through a DebugAdapterTracker registered for every debug type: the DAP `process` event's
// `systemProcessId` names the debuggee; an attach configuration's `processId` names it too.
// js-debug (1.117, in VS Code 1.139) sends no `process` event and no pid in any event or
// configuration: it runs each node process in a child session (parentSession = the launcher)
// named `app.js [PID]`, which is where its pid is read from. An attach by pid gets no such name
// (`Remote Process [0]`) and js-debug deletes `processId` from the resolved configuration, leaving
// `port` (9229 after its SIGUSR1): the pid is then the owner of the listener on that port, found
// in the next snapshot. Children of a debuggee are found in the snapshot (ppid); js-debug's own
// helper processes among them are left out (debuggees.ts).
import * as vscode from 'vscode';
import type { ProcessInfo, Snapshot, SocketInfo } from '../model/snapshot';
import type { SnapshotStore } from '../views/snapshotStore';
import { attachPortOf, attachTargets, debuggeeTree, programListeners } from './debuggees';

export interface DebuggedSession {
	id: string;
	name: string;
	/** The top-level session this one runs under (itself if none): js-debug makes one per process. */
	rootId: string;
	pids: Set<number>;
	/** An attach configuration's port on this machine: the debuggee owns its listener. */
	attachPort?: number;
}

/** A session as the views see it: every tracked session under one top-level session, merged. */
export interface ExpandedSession {
	session: DebuggedSession;
	/** The debuggees and their descendants, without the debugger's helper processes. */
	pids: Set<number>;
}

/** A pid from a number or a numeric string (`${command:pickProcess}` gives a string), else undefined. */
export function pidOf(v: unknown): number | undefined {
	const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
	return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** The pid a DAP message names, if it is a `process` event with `systemProcessId`. */
export function pidOfMessage(m: unknown): number | undefined {
	const msg = m as { type?: unknown; event?: unknown; body?: { systemProcessId?: unknown } } | undefined;
	if (!msg || msg.type !== 'event' || msg.event !== 'process') return undefined;
	return pidOf(msg.body?.systemProcessId);
}

const JS_DEBUG_TYPES = new Set(['pwa-node', 'node', 'node-terminal', 'pwa-extensionHost', 'extensionHost']);

/** The pid js-debug puts in a child session's name (`app.js [1234]`, later `app.js [1234] « parent`). */
export function pidOfJsDebugSession(s: { type: string; name: string; parentSession?: unknown }): number | undefined {
	if (!s.parentSession || !JS_DEBUG_TYPES.has(s.type)) return undefined;
	const m = /\[(\d+)\](?:\s|$)/.exec(s.name);
	return m ? pidOf(m[1]) : undefined;
}

/** The top-level session a session runs under (js-debug: the launcher, above one session per process). */
function rootOf(s: { id: string; parentSession?: { id: string; parentSession?: unknown } }): string {
	let r: { id: string; parentSession?: unknown } = s;
	while (r.parentSession) r = r.parentSession as { id: string; parentSession?: unknown };
	return r.id;
}

export class DebugTracker implements vscode.Disposable {
	private readonly _onDidChange = new vscode.EventEmitter<void>();
	/** Fires when a session gains pids, starts waiting for one, or ends. */
	readonly onDidChange = this._onDidChange.event;
	/** sessionId → the session and the pids found for it so far. */
	readonly sessions = new Map<string, DebuggedSession>();
	/** Listening notifications shown (for tests and the API): pid, port, session. */
	readonly notified: Array<{ pid: number; port: number; sessionId: string }> = [];
	private readonly disposables: vscode.Disposable[] = [];

	/** @param store this machine's store: attach ports are looked up in its snapshots. */
	constructor(private readonly store?: SnapshotStore) {
		this.disposables.push(
			this._onDidChange,
			vscode.debug.registerDebugAdapterTrackerFactory('*', {
				createDebugAdapterTracker: (session) => {
					this.discover(session);
					return {
						onDidSendMessage: (m: unknown) => {
							const pid = pidOfMessage(m);
							if (pid !== undefined) this.addPid(session, pid);
						},
					};
				},
			}),
			vscode.debug.onDidStartDebugSession((s) => this.discover(s)),
			vscode.debug.onDidTerminateDebugSession((s) => {
				if (this.sessions.delete(s.id)) this._onDidChange.fire();
			}),
		);
		// Registered before anything else listens to the store (the notifier, the status bar), so
		// that a pid found in a snapshot is known when they read that same snapshot.
		if (store) this.disposables.push(store.onDidChange(() => store.snapshot && this.resolveAttachPorts(store.snapshot)));
		if (vscode.debug.activeDebugSession) this.discover(vscode.debug.activeDebugSession);
	}

	/** The pids a session's configuration or name gives away (attach processId, js-debug child name), or the port to look up. */
	private discover(s: vscode.DebugSession): void {
		const attach = s.configuration.request === 'attach' ? pidOf(s.configuration.processId) : undefined;
		if (attach !== undefined) this.addPid(s, attach);
		const named = pidOfJsDebugSession(s);
		if (named !== undefined) this.addPid(s, named);
		const port = attachPortOf(s.configuration);
		if (port !== undefined) {
			const t = this.entry(s);
			if (t.attachPort === port) return;
			t.attachPort = port;
			this._onDidChange.fire();
			if (!t.pids.size && this.store) {
				// The debugger is connected by now: look its listener up at once rather than at the
				// next timer tick, which on a big host may be a minute away.
				if (this.store.snapshot) this.resolveAttachPorts(this.store.snapshot);
				void this.store.refresh();
			}
		}
	}

	private entry(session: { id: string; name: string; parentSession?: vscode.DebugSession }): DebuggedSession {
		let s = this.sessions.get(session.id);
		if (!s) this.sessions.set(session.id, (s = { id: session.id, name: session.name, rootId: rootOf(session), pids: new Set() }));
		s.name = session.name;
		return s;
	}

	/** Gives attach sessions still without a pid the owner of their port's listener, in the debug adapter's network namespace. */
	private resolveAttachPorts(snap: Snapshot): void {
		let netns: string | null | undefined;
		for (const s of this.sessions.values()) {
			if (s.attachPort === undefined || s.pids.size) continue;
			netns ??= snap.processes.find((p) => p.pid === process.pid)?.netns ?? null;
			for (const pid of attachTargets(snap, s.attachPort, netns)) this.addPid(s, pid);
		}
	}

	/** Records that `session` debugs `pid` (also used by tests and other sources of pids). */
	addPid(session: { id: string; name: string; parentSession?: vscode.DebugSession }, pid: number): void {
		const s = this.entry(session);
		if (s.pids.has(pid)) return;
		s.pids.add(pid);
		this._onDidChange.fire();
	}

	/** Forgets a session (as when it terminates). */
	forget(sessionId: string): void {
		if (this.sessions.delete(sessionId)) this._onDidChange.fire();
	}

	/** Whether any session has a known pid. */
	get active(): boolean {
		for (const s of this.sessions.values()) if (s.pids.size) return true;
		return false;
	}

	/** Whether snapshots are wanted: a session has pids, or waits for an attach port's owner. */
	get watching(): boolean {
		for (const s of this.sessions.values()) if (s.pids.size || s.attachPort !== undefined) return true;
		return false;
	}

	/**
	 * One entry per top-level session with pids: js-debug makes a session per process (a forked
	 * child is its own session under its parent's), so without merging a child would be listed,
	 * and notified, twice. The entry takes the id and name of the first session that found a pid
	 * and all the pids of the tree; `pids` adds their descendants, without debugger helpers.
	 */
	expand(processes: readonly ProcessInfo[]): ExpandedSession[] {
		const byRoot = new Map<string, DebuggedSession>();
		for (const s of this.sessions.values()) {
			if (!s.pids.size) continue;
			const m = byRoot.get(s.rootId);
			if (!m) byRoot.set(s.rootId, { ...s, pids: new Set(s.pids) });
			else {
				for (const p of s.pids) m.pids.add(p);
				m.attachPort ??= s.attachPort;
			}
		}
		return [...byRoot.values()].map((session) => ({ session, pids: debuggeeTree(processes, session.pids) }));
	}

	/** `expand`, with each session's TCP listeners that are the program's (the debugger's own ports left out). */
	listeners(snap: Pick<Snapshot, 'processes' | 'sockets'>): Array<ExpandedSession & { listeners: SocketInfo[] }> {
		const attachPorts = (rootId: string) => [...this.sessions.values()].filter((s) => s.rootId === rootId && s.attachPort !== undefined).map((s) => s.attachPort!);
		return this.expand(snap.processes).map((e) => ({ ...e, listeners: programListeners(snap, e.pids, attachPorts(e.session.rootId)) }));
	}

	dispose(): void {
		for (const d of this.disposables) d.dispose();
		this.sessions.clear();
	}
}
