// How a host's processes are signalled, and the SIGTERM-then-wait that Kill Process (views/kill.ts)
// and `procnet kill-port` (cliKillPort.ts) both do: this machine's directly (processControl.ts
// re-reads the start time right before `kill`), another host's through its session
// (procnet_kill checks it there). One mechanism for the extension and the command line.
import type { ProcessInfo } from '../model/snapshot';
import { isAlive, signalProcess, type SignalResult } from './processControl';
import type { RemoteSignal } from './remoteScript';

export interface Signaller {
	send(p: ProcessInfo, sig: 'TERM' | 'KILL'): Promise<SignalResult>;
	alive(p: ProcessInfo): Promise<boolean>;
	/** How often to look again in the grace period: a remote look is a round trip. */
	pollMs: number;
}

export function localSignaller(root = '/proc'): Signaller {
	return {
		send: async (p, sig) => signalProcess(p.pid, p.startTicks, sig === 'TERM' ? 'SIGTERM' : 'SIGKILL', root),
		alive: async (p) => isAlive(p.pid, p.startTicks, root),
		pollMs: 100,
	};
}

/**
 * Through a session's `signal` (ShellSource's, WorkerSource's). Off this machine a process is
 * identified by its start time: without one nothing is sent.
 */
export function sessionSignaller(signal: (pid: number, startTicks: number, sig: RemoteSignal) => Promise<SignalResult>): Signaller {
	const send = async (p: ProcessInfo, sig: RemoteSignal): Promise<SignalResult> => {
		if (p.startTicks === null) return { ok: false, reason: 'error', message: `the start time of pid ${p.pid} is unknown, so it cannot be checked` };
		try {
			return await signal(p.pid, p.startTicks, sig);
		} catch (e) {
			return { ok: false, reason: 'error', message: (e as Error).message };
		}
	};
	return { send, alive: async (p) => (await send(p, '0')).ok, pollMs: 250 };
}

export interface Terminated {
	/** Gone within the grace period. */
	exited: ProcessInfo[];
	/** Still running after it. */
	running: ProcessInfo[];
	/** Not sent SIGTERM, with why (gone already, reused, not permitted, ...). */
	refused: Array<{ p: ProcessInfo; r: Extract<SignalResult, { ok: false }> }>;
}

/** SIGTERM to each of `ps`, then up to `graceMs` for them to exit, looking every `sig.pollMs`. */
export async function terminate(sig: Signaller, ps: readonly ProcessInfo[], graceMs: number): Promise<Terminated> {
	const sent: ProcessInfo[] = [];
	const refused: Terminated['refused'] = [];
	for (const p of ps) {
		const r = await sig.send(p, 'TERM');
		if (r.ok) sent.push(p);
		else refused.push({ p, r });
	}
	const alive = async () => (await Promise.all(sent.map(async (p) => ((await sig.alive(p)) ? [p] : [])))).flat();
	let running = await alive();
	for (let waited = 0; waited < graceMs && running.length; waited += sig.pollMs) {
		await new Promise((res) => setTimeout(res, sig.pollMs));
		running = await alive();
	}
	return { exited: sent.filter((p) => !running.includes(p)), running, refused };
}
