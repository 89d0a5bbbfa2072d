// Kill Process: SIGTERM, then SIGKILL offered after a grace period, on this machine or through an
// ssh / command host's session — one flow for both (it had been two near-copies). A signal is
// sent only while the pid still has the start time the snapshot saw, so a pid reused since is
// never hit: here processControl.ts re-reads /proc right before `kill`; on a remote host
// procnet_kill does (remoteScript.ts).
import * as vscode from 'vscode';
import { isAlive, signalProcess, type SignalResult } from '../collect/processControl';
import { commandLine, localText } from '../model/describe';
import { listenersOf } from '../model/select';
import type { ProcessInfo } from '../model/snapshot';
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
	const snap = host.store.snapshot;
	const p = snap?.processes.find((x) => x.pid === pid);
	if (!snap || !p) return undefined;
	// Decided by the host the row is under, never by the snapshot's own source (a capture of this
	// machine says 'local' but its pids are from another time).
	if (host.kind === 'capture') {
		void vscode.window.showErrorMessage('Procnet: a capture is a read-only record; its processes cannot be signalled.');
		return undefined;
	}
	const sig = signallerOf(host);
	// Off this machine a process is identified by its start time; without one nothing is sent.
	if (!sig || (host.kind !== 'local' && p.startTicks === null)) {
		void vscode.window.showErrorMessage(`Procnet: cannot identify ${p.name} (pid ${p.pid}) on ${host.name} by its start time, so it is not signalled.`);
		return 'error';
	}
	const failed = (r: { message: string }) => void vscode.window.showErrorMessage(`Procnet: ${sig.where ? `${host.name}: ` : ''}${r.message}.`);
	if (vscode.workspace.getConfiguration('procnet').get<boolean>('confirmKill', true)) {
		const listening = listenersOf(snap, p.pid).map(localText);
		const answer = await vscode.window.showWarningMessage(
			`Terminate ${p.name} (pid ${p.pid})${sig.where}?`,
			{
				modal: true,
				detail: `${commandLine(p)}\n${listening.length ? `Listening on ${listening.join(', ')}.` : 'It does not listen on any socket.'}\nprocnet sends SIGTERM${sig.where ? ` through its session${sig.where}` : ''}, and offers SIGKILL if it is still running after ${GRACE_MS / 1000} s.`,
			},
			'Terminate',
		);
		if (answer !== 'Terminate') return 'cancelled';
	}
	const r = await sig.send(p, 'TERM');
	if (!r.ok) {
		failed(r);
		return r.reason;
	}
	for (let waited = 0; waited < GRACE_MS && (await sig.alive(p)); waited += sig.pollMs) await new Promise((res) => setTimeout(res, sig.pollMs));
	if (await sig.alive(p)) {
		const force = await vscode.window.showWarningMessage(`${p.name} (pid ${p.pid})${sig.where} is still running after SIGTERM.`, 'Force (SIGKILL)');
		if (!force) return 'still-running';
		const k = await sig.send(p, 'KILL');
		if (!k.ok) failed(k);
		await host.store.refresh();
		return k.ok ? 'killed' : k.reason;
	}
	await host.store.refresh();
	return 'terminated';
}
