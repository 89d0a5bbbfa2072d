// Kill Process: SIGTERM, then SIGKILL offered after a grace period, on this machine or through an
// ssh / command host's session — one flow for both (collect/signaller.ts, shared with `procnet
// kill-port`). A signal is sent only while the pid still has the start time the snapshot saw, so
// a pid reused since is never hit.
import * as vscode from 'vscode';
import { localSignaller, sessionSignaller, terminate, type Signaller } from '../collect/signaller';
import { commandLine, localText } from '../model/describe';
import { listenersOf } from '../model/select';
import type { ProcessInfo, Snapshot } from '../model/snapshot';
import type { HostEntry } from './hosts';

const GRACE_MS = 3000;

/** ' on HOST', or '' on this machine, for the messages. */
function whereOf(host: HostEntry): string {
	return host.kind === 'local' ? '' : ` on ${host.name}`;
}

function signallerOf(host: HostEntry): Signaller | undefined {
	if (host.kind === 'local') return localSignaller();
	const shell = host.shell();
	return shell ? sessionSignaller((pid, startTicks, sig) => shell.signal(pid, startTicks, sig)) : undefined;
}

/**
 * Terminates process `pid` of `host` (as its snapshot holds it): 'terminated', 'killed' (after
 * SIGKILL), 'still-running', 'cancelled', or why it was not signalled ('reused', 'gone',
 * 'permission', 'error'); undefined when there is no such process to signal (a capture's
 * processes are a record).
 */
export async function killProcess(host: HostEntry, pid: number | undefined): Promise<string | undefined> {
	return (await killProcesses(host, pid === undefined ? [] : [pid]))?.[0];
}

/**
 * killProcess for the processes `pids` of one host at once (rows selected together): one
 * confirmation naming them all, SIGTERM to each, one grace period, and one offer of SIGKILL for
 * those still running. Its outcomes are killProcess's, one per process found, in `pids` order;
 * undefined when none of them is there to signal.
 */
export async function killProcesses(host: HostEntry, pids: readonly number[]): Promise<string[] | undefined> {
	const snap = host.store.snapshot;
	const byPid = new Map(snap?.processes.map((p) => [p.pid, p]));
	const ps = [...new Set(pids)].flatMap((pid) => byPid.get(pid) ?? []);
	if (!snap || ps.length === 0) return undefined;
	// Decided by the host the row is under, never by the snapshot's own source (a capture of this
	// machine says 'local' but its pids are from another time).
	if (host.kind === 'capture') {
		void vscode.window.showErrorMessage('Procnet: a capture is a read-only record; its processes cannot be signalled.');
		return undefined;
	}
	const sig = signallerOf(host);
	const outcome = new Map<ProcessInfo, string>();
	// Off this machine a process is identified by its start time; without one nothing is sent.
	for (const p of ps) {
		if (!sig || (host.kind !== 'local' && p.startTicks === null)) {
			void vscode.window.showErrorMessage(`Procnet: cannot identify ${p.name} (pid ${p.pid}) on ${host.name} by its start time, so it is not signalled.`);
			outcome.set(p, 'error');
		}
	}
	const targets = ps.filter((p) => !outcome.has(p));
	const done = () => ps.map((p) => outcome.get(p)!);
	if (!sig || targets.length === 0) return done();
	const where = whereOf(host);
	const failed = (p: ProcessInfo, r: { message: string }) => void vscode.window.showErrorMessage(`Procnet: ${where ? `${host.name}: ` : ''}${targets.length > 1 ? `${p.name} (pid ${p.pid}): ` : ''}${r.message}.`);
	if (vscode.workspace.getConfiguration('procnet').get<boolean>('confirmKill', true) && !(await confirm(snap, targets, where))) {
		for (const p of targets) outcome.set(p, 'cancelled');
		return done();
	}
	const { exited, running, refused } = await terminate(sig, targets, GRACE_MS);
	for (const { p, r } of refused) {
		failed(p, r);
		outcome.set(p, r.reason);
	}
	for (const p of exited) outcome.set(p, 'terminated');
	if (running.length) {
		const who = running.length === 1 ? `${running[0].name} (pid ${running[0].pid})${where} is` : `${running.length} processes${where} are`;
		const force = await vscode.window.showWarningMessage(`${who} still running after SIGTERM.`, 'Force (SIGKILL)');
		for (const p of running) {
			if (!force) {
				outcome.set(p, 'still-running');
				continue;
			}
			const k = await sig.send(p, 'KILL');
			if (!k.ok) failed(p, k);
			outcome.set(p, k.ok ? 'killed' : k.reason);
		}
		if (!force) return done();
	}
	if (exited.length || running.length) await host.store.refresh();
	return done();
}

/** Asks before SIGTERM: the process and what it listens on, or the list of them. */
async function confirm(snap: Snapshot, ps: readonly ProcessInfo[], where: string): Promise<boolean> {
	const listening = (p: ProcessInfo) => listenersOf(snap, p.pid).map(localText);
	const how = `procnet sends SIGTERM${where ? ` through its session${where}` : ''}, and offers SIGKILL if ${ps.length > 1 ? 'any is' : 'it is'} still running after ${GRACE_MS / 1000} s.`;
	let title: string;
	let detail: string;
	if (ps.length === 1) {
		const [p] = ps;
		const l = listening(p);
		title = `Terminate ${p.name} (pid ${p.pid})${where}?`;
		detail = `${commandLine(p)}\n${l.length ? `Listening on ${l.join(', ')}.` : 'It does not listen on any socket.'}\n${how}`;
	} else {
		const SHOWN = 15;
		const lines = ps.slice(0, SHOWN).map((p) => {
			const l = listening(p);
			return `${p.name} (pid ${p.pid})${l.length ? `, listening on ${l.slice(0, 4).join(', ')}${l.length > 4 ? ', …' : ''}` : ''}`;
		});
		if (ps.length > SHOWN) lines.push(`and ${ps.length - SHOWN} more`);
		title = `Terminate ${ps.length} processes${where}?`;
		detail = `${lines.join('\n')}\n${how}`;
	}
	return (await vscode.window.showWarningMessage(title, { modal: true, detail }, 'Terminate')) === 'Terminate';
}
