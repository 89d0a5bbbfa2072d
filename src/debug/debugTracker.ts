// Which processes VS Code is debugging right now (issue #7). Every debug session is watched
// through a DebugAdapterTracker registered for every debug type: the DAP `process` event's
// `systemProcessId` names the debuggee; an attach configuration's `processId` names it too.
// js-debug (1.117, in VS Code 1.139) sends no `process` event and no pid in any event or
// configuration: it runs each node process in a child session (parentSession = the launcher)
// named `app.js [PID]`, which is where its pid is read from. Children of a debuggee are found
// in the snapshot (ppid).
import * as vscode from 'vscode';
import { withDescendants } from '../model/select';
import type { ProcessInfo } from '../model/snapshot';

export interface DebuggedSession {
	id: string;
	name: string;
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

export class DebugTracker implements vscode.Disposable {
	private readonly _onDidChange = new vscode.EventEmitter<void>();
	/** Fires when a session gains pids or ends. */
	readonly onDidChange = this._onDidChange.event;
	/** sessionId → the session and the pids found for it so far. */
	readonly sessions = new Map<string, DebuggedSession>();
	/** Listening notifications shown (for tests and the API): pid, port, session. */
	readonly notified: Array<{ pid: number; port: number; sessionId: string }> = [];
	private readonly disposables: vscode.Disposable[] = [];

	constructor() {
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
		if (vscode.debug.activeDebugSession) this.discover(vscode.debug.activeDebugSession);
	}

	/** The pids a session's configuration or name gives away (attach processId, js-debug child name). */
	private discover(s: vscode.DebugSession): void {
		const attach = s.configuration.request === 'attach' ? pidOf(s.configuration.processId) : undefined;
		if (attach !== undefined) this.addPid(s, attach);
		const named = pidOfJsDebugSession(s);
		if (named !== undefined) this.addPid(s, named);
	}

	/** Records that `session` debugs `pid` (also used by tests and other sources of pids). */
	addPid(session: { id: string; name: string }, pid: number): void {
		let s = this.sessions.get(session.id);
		if (!s) this.sessions.set(session.id, (s = { id: session.id, name: session.name, pids: new Set() }));
		s.name = session.name;
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

	/** Each session with pids, with its debuggees' descendants in `processes` added. */
	expand(processes: readonly ProcessInfo[]): Array<{ session: DebuggedSession; pids: Set<number> }> {
		return [...this.sessions.values()].filter((s) => s.pids.size).map((session) => ({ session, pids: withDescendants(processes, [...session.pids]) }));
	}

	dispose(): void {
		for (const d of this.disposables) d.dispose();
		this.sessions.clear();
	}
}
