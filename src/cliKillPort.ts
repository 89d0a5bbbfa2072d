// `procnet kill-port`: the command-line "port 3000 is already in use" fix (`npx kill-port`,
// `fuser -k 3000/tcp`), as the extension's Kill Process on Port does it: only a listener's owners
// are candidates (parents first), each gets SIGTERM while it still has the start time the read
// saw, and those still running after a grace period get SIGKILL. On this machine directly, or on
// an ssh host through one session (procnet_kill there checks the start time too).
import type { SignalResult } from './collect/processControl';
import { visible } from './model/describe';
import { listenersOn, portOwners } from './model/select';
import type { ProcessInfo, Snapshot } from './model/snapshot';

/** How the host's processes are signalled (this machine's, or through a session). */
export interface KillIo {
	send(p: ProcessInfo, sig: 'TERM' | 'KILL'): Promise<SignalResult>;
	alive(p: ProcessInfo): Promise<boolean>;
	/** How often to look again in the grace period. */
	pollMs: number;
	out(text: string): void;
	err(text: string): void;
}

/**
 * Terminates what listens on `ports` of `protocol` in `snap`: 0 when every owner found is gone in
 * the end; 1 when a port had no listener or no owner procnet can see, or a process could not be
 * signalled or outlived SIGKILL.
 */
export async function killPorts(snap: Snapshot, ports: readonly number[], protocol: 'tcp' | 'udp', graceMs: number, io: KillIo): Promise<number> {
	let code = 0;
	const targets = new Map<number, { p: ProcessInfo; ports: number[] }>();
	for (const port of ports) {
		const owners = portOwners(snap, port, protocol);
		if (owners.length) {
			for (const p of owners) {
				const t = targets.get(p.pid);
				if (t) t.ports.push(port);
				else targets.set(p.pid, { p, ports: [port] });
			}
			continue;
		}
		code = 1;
		const held = listenersOn(snap, port, protocol);
		io.err(held.length ? `procnet: ${port}/${protocol} is held, but no process procnet can see owns it (${held[0].ownerUnknown ?? 'owner not known'}; try as root)\n` : `procnet: nothing listens on ${port}/${protocol} on ${visible(snap.host.hostname)}\n`);
	}
	const who = ({ p, ports: on }: { p: ProcessInfo; ports: number[] }) => `${visible(p.name)} (pid ${p.pid}) on ${on.map((x) => `${x}/${protocol}`).join(', ')}`;
	const sent: Array<{ p: ProcessInfo; ports: number[] }> = [];
	for (const t of targets.values()) {
		const r = await io.send(t.p, 'TERM');
		if (r.ok) sent.push(t);
		else if (r.reason === 'gone') io.out(`gone already: ${who(t)}\n`);
		else {
			code = 1;
			io.err(`procnet: ${who(t)}: ${r.message}\n`);
		}
	}
	let running = sent;
	const alive = async () => (await Promise.all(running.map(async (t) => ((await io.alive(t.p)) ? [t] : [])))).flat();
	for (let waited = 0; ; waited += io.pollMs) {
		const still = await alive();
		for (const t of running) if (!still.includes(t)) io.out(`terminated ${who(t)}\n`);
		running = still;
		if (!running.length || waited >= graceMs) break;
		await new Promise((r) => setTimeout(r, io.pollMs));
	}
	for (const t of running) {
		const r = await io.send(t.p, 'KILL');
		if (!r.ok && r.reason !== 'gone') {
			code = 1;
			io.err(`procnet: ${who(t)} outlived SIGTERM and SIGKILL failed: ${r.message}\n`);
			continue;
		}
		// SIGKILL cannot be caught; a moment for the kernel to reap it.
		for (let i = 0; i < 20 && (await io.alive(t.p)); i++) await new Promise((res) => setTimeout(res, 50));
		if (await io.alive(t.p)) {
			code = 1;
			io.err(`procnet: ${who(t)} is still running after SIGKILL\n`);
		} else io.out(`killed ${who(t)} (SIGKILL: still running ${graceMs / 1000} s after SIGTERM)\n`);
	}
	return code;
}
