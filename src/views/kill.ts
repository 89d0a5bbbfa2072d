// Kill Process: SIGTERM, then SIGKILL offered after a grace period, on this machine or through an
// ssh / command host's session — one flow for both (it had been two near-copies). A signal is
// sent only while the pid still has the start time the snapshot saw, so a pid reused since is
// never hit: here processControl.ts re-reads /proc right before `kill`; on a remote host
// procnet_kill does (remoteScript.ts).
import * as vscode from 'vscode';
import { isAlive, signalProcess, type SignalResult } from '../collect/processControl';
import { commandLine, localText } from '../model/describe';
import { listenersOf } from '../model/select';
import type { ProcessInfo, Snapshot } from '../model/snapshot';
import type { HostEntry } from './hosts';

const GRACE_MS = 3000;

/** How a host's processes are signalled: this machine's directly, another's through its session. */
interface Signaller {
	send(p: ProcessInfo, sig: 'TERM' | 'KILL'): Promise<SignalResult>;
	alive(p: ProcessInfo): Promise<boolean>;
	/** How often to look again in the grace period: a remote look is a round trip. */
	pollMs: number;
	/** ' on HOST', or '' on this machine, for the messages. */
	where: string;
}

function signallerOf(host: HostEntry): Signaller | undefined {
	if (host.kind === 'local') {
		return {
			send: async (p, sig) => signalProcess(p.pid, p.startTicks, sig === 'TERM' ? 'SIGTERM' : 'SIGKILL'),
			alive: async (p) => isAlive(p.pid, p.startTicks),
			pollMs: 100,
			where: '',
		};
	}
	const shell = host.shell();
	if (!shell) return undefined;
	const send = async (p: ProcessInfo, sig: 'TERM' | 'KILL' | '0'): Promise<SignalResult> => {
		try {
			return await shell.signal(p.pid, p.startTicks!, sig);
		} catch (e) {
			return { ok: false, reason: 'error', message: (e as Error).message };
		}
	};
	return { send, alive: async (p) => (await send(p, '0')).ok, pollMs: 250, where: ` on ${host.name}` };
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
	const failed = (p: ProcessInfo, r: { message: string }) => void vscode.window.showErrorMessage(`Procnet: ${sig.where ? `${host.name}: ` : ''}${targets.length > 1 ? `${p.name} (pid ${p.pid}): ` : ''}${r.message}.`);
	if (vscode.workspace.getConfiguration('procnet').get<boolean>('confirmKill', true) && !(await confirm(snap, targets, sig.where))) {
		for (const p of targets) outcome.set(p, 'cancelled');
		return done();
	}
	const sent: ProcessInfo[] = [];
	for (const p of targets) {
		const r = await sig.send(p, 'TERM');
		if (r.ok) sent.push(p);
		else {
			failed(p, r);
			outcome.set(p, r.reason);
		}
	}
	const alive = async () => (await Promise.all(sent.map(async (p) => ((await sig.alive(p)) ? [p] : [])))).flat();
	let running = await alive();
	for (let waited = 0; waited < GRACE_MS && running.length; waited += sig.pollMs) {
		await new Promise((res) => setTimeout(res, sig.pollMs));
		running = await alive();
	}
	for (const p of sent) if (!running.includes(p)) outcome.set(p, 'terminated');
	if (running.length) {
		const who = running.length === 1 ? `${running[0].name} (pid ${running[0].pid})${sig.where} is` : `${running.length} processes${sig.where} are`;
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
	if (sent.length) await host.store.refresh();
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
