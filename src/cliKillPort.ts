// `procnet kill-port`: the command-line "port 3000 is already in use" fix (`npx kill-port`,
// `fuser -k 3000/tcp`), as the extension's Kill Process on Port does it: only a listener's owners
// are candidates (parents first), each gets SIGTERM while it still has the start time the read
// saw, and those still running after a grace period get SIGKILL. On this machine directly, or on
// an ssh host through one session (procnet_kill there checks the start time too).
import { terminate, type Signaller } from './collect/signaller';
import { visible } from './model/describe';
import { portsOwners } from './model/select';
import type { ProcessInfo, Snapshot } from './model/snapshot';

/** What the command writes to. */
export interface KillOut {
	out(text: string): void;
	err(text: string): void;
}

/**
 * Terminates what listens on `ports` of `protocol` in `snap`: 0 when every owner found is gone in
 * the end; 1 when a port had no listener or no owner procnet can see, or a process could not be
 * signalled or outlived SIGKILL.
 */
export async function killPorts(snap: Snapshot, ports: readonly number[], protocol: 'tcp' | 'udp', graceMs: number, sig: Signaller, io: KillOut): Promise<number> {
	let code = 0;
	const { owners, idle } = portsOwners(snap, ports, protocol);
	for (const { port, held } of idle) {
		code = 1;
		io.err(held ? `procnet: ${port}/${protocol} is held, but no process procnet can see owns it (${held}; try as root)\n` : `procnet: nothing listens on ${port}/${protocol} on ${visible(snap.host.hostname)}\n`);
	}
	const portsOf = new Map(owners.map((o) => [o.p, o.ports]));
	const who = (p: ProcessInfo) => `${visible(p.name)} (pid ${p.pid}) on ${portsOf.get(p)!.map((x) => `${x}/${protocol}`).join(', ')}`;
	const { exited, running, refused } = await terminate(sig, owners.map((o) => o.p), graceMs);
	for (const { p, r } of refused) {
		if (r.reason === 'gone') io.out(`gone already: ${who(p)}\n`);
		else {
			code = 1;
			io.err(`procnet: ${who(p)}: ${r.message}\n`);
		}
	}
	for (const p of exited) io.out(`terminated ${who(p)}\n`);
	for (const p of running) {
		const r = await sig.send(p, 'KILL');
		if (!r.ok && r.reason !== 'gone') {
			code = 1;
			io.err(`procnet: ${who(p)} outlived SIGTERM and SIGKILL failed: ${r.message}\n`);
			continue;
		}
		// SIGKILL cannot be caught; a moment for the kernel to reap it.
		for (let i = 0; i < 20 && (await sig.alive(p)); i++) await new Promise((res) => setTimeout(res, 50));
		if (await sig.alive(p)) {
			code = 1;
			io.err(`procnet: ${who(p)} is still running after SIGKILL\n`);
		} else io.out(`killed ${who(p)} (SIGKILL: still running ${graceMs / 1000} s after SIGTERM)\n`);
	}
	return code;
}
