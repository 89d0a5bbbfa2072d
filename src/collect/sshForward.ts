// A listening port of an ssh host, forwarded to this machine: one `ssh -N -L` child per port, as
// VS Code's Ports view forwards a remote window's ports. The host's scan session (`ssh HOST exec
// sh`) cannot carry it: that child's stdio is the collector's, and its argv clears forwardings.
//
// The forward is ready when the child itself listens on 127.0.0.1:LOCAL, read from its own
// /proc/PID/net/tcp and fd links (the engine's own way of knowing who holds a port). Connecting
// to the port to find out would open a connection to the user's service through the tunnel.
import { spawn, type ChildProcess } from 'child_process';
import { promises as fsp } from 'fs';
import * as net from 'net';
import { hostPort } from '../model/describe';
import { localByteOrder } from '../procfs/address';
import { parseInetTable } from '../procfs/inet';
import { eachLine } from './lineStream';
import { checkedSshOptions, describeExit, parseHostSpec, RemoteSourceError, sshBaseArgv, type SshOptions } from './shellSource';

/** The local end is on loopback only: a forward must not open the remote service to this machine's network. */
export const FORWARD_BIND = '127.0.0.1';

/**
 * Where the remote end connects, on the host itself, for a listener bound to `address`: the
 * wildcards to that family's loopback (what answers on every address answers there), an
 * IPv4-mapped address as IPv4, any other address as it is.
 */
export function forwardDestination(address: string): string {
	if (address === '0.0.0.0') return '127.0.0.1';
	if (address === '::') return '::1';
	if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
	return address;
}

export interface ForwardTarget {
	/** The remote address to connect to (forwardDestination of the listener's). */
	destHost: string;
	destPort: number;
}

/**
 * `ssh -N -L 127.0.0.1:LOCAL:DEST:PORT -- HOST`, every value its own argv entry. Unlike the scan
 * session: no ClearAllForwardings (it clears `-L` too, not only the config's: the config's
 * LocalForward lines for that host open as they would with `ssh -L` by hand), and no connection
 * sharing (ControlPath none), so that the listener belongs to this child and ends with it.
 * LogLevel INFO: ssh then says when the host refuses or fails a forwarded connection.
 */
export function sshForwardArgv(spec: string, opts: SshOptions, localPort: number, t: ForwardTarget): string[] {
	const h = parseHostSpec(spec);
	if (!net.isIP(t.destHost)) throw new RemoteSourceError('bad-host', `not an address to forward to: ${JSON.stringify(t.destHost)}`);
	const port = (p: number) => {
		if (!Number.isInteger(p) || p < 1 || p > 65535) throw new RemoteSourceError('bad-host', `not a port: ${p}`);
		return p;
	};
	return [
		...sshBaseArgv(h, { ...opts, forwarding: true }),
		...['-o', 'ExitOnForwardFailure=no', '-o', 'ControlPath=none', '-o', 'LogLevel=INFO'],
		'-N',
		'-L',
		`${FORWARD_BIND}:${port(localPort)}:${hostPort(t.destHost, port(t.destPort))}`,
		'--',
		h.host,
	];
}

/** ssh's word on a connection through the forward that the far end could not make, as a sentence. */
export function channelFailure(line: string): string | undefined {
	const m = /^channel \d+: open failed: (.*)$/.exec(line.trim());
	if (!m) return undefined;
	const why = m[1];
	if (/administratively prohibited/i.test(why)) return 'the host\'s sshd does not allow forwarding (AllowTcpForwarding or PermitOpen in its sshd_config)';
	if (/connect failed: Connection refused/i.test(why)) return 'nothing listens there any more (connection refused on the host)';
	return why;
}

/** ssh's word that it could not listen on our local port. */
const bindFailed = (stderr: string, port: number) => new RegExp(`^bind \\[?${FORWARD_BIND.replace(/\./g, '\\.')}\\]?:${port}: (.*)$`, 'm').exec(stderr)?.[1];

/** A free port on 127.0.0.1: `prefer` when it can be bound there, else one the kernel picks. */
export async function freeLocalPort(prefer?: number): Promise<number> {
	const tryBind = (port: number) =>
		new Promise<number | undefined>((resolve) => {
			const s = net.createServer();
			s.once('error', () => resolve(undefined));
			s.listen({ port, host: FORWARD_BIND, exclusive: true }, () => {
				const got = (s.address() as net.AddressInfo).port;
				s.close(() => resolve(got));
			});
		});
	if (prefer !== undefined) {
		const got = await tryBind(prefer);
		if (got !== undefined) return got;
	}
	const any = await tryBind(0);
	if (any === undefined) throw new Error(`no free port on ${FORWARD_BIND}`);
	return any;
}

/** Whether process `pid` holds a socket listening on 127.0.0.1:port (its own table, its own fds). */
export async function listensOn(pid: number, port: number, procRoot = '/proc'): Promise<boolean> {
	let text: string;
	let fds: string[];
	try {
		[text, fds] = await Promise.all([fsp.readFile(`${procRoot}/${pid}/net/tcp`, 'utf8'), fsp.readdir(`${procRoot}/${pid}/fd`)]);
	} catch {
		return false; // gone, or not ours to read: not (yet) a forward
	}
	const inodes = new Set<string>();
	for (const r of parseInetTable(text, 'tcp', { byteOrder: localByteOrder() }).rows) {
		if (r.state === 'LISTEN' && r.localPort === port && r.localAddress === FORWARD_BIND) inodes.add(r.inode);
	}
	if (!inodes.size) return false;
	for (const fd of fds) {
		const link = await fsp.readlink(`${procRoot}/${pid}/fd/${fd}`).catch(() => '');
		const m = /^socket:\[(\d+)\]$/.exec(link);
		if (m && inodes.has(m[1])) return true;
	}
	return false;
}

export interface SshForwardOptions extends SshOptions {
	/** The local port to try first (default: the remote port, as the Ports view does). */
	preferLocalPort?: number;
	/** Give up on a forward not listening by then (connect, authenticate, bind). Default 20 s. */
	readyTimeoutMs?: number;
}

/** How a forward ended: asked to (`stop`), or ssh exited on its own, with why. */
export interface ForwardEnd {
	stopped: boolean;
	/** Why ssh exited (its own diagnostics, as for the scan session); 'stopped' when asked to. */
	error: RemoteSourceError | undefined;
}

/** One forwarded port: `localPort` on 127.0.0.1 reaches `destHost:destPort` on the host. */
export class SshForward {
	private readonly failureListeners: Array<(why: string) => void> = [];
	private stopping = false;
	private stderrText = '';
	/** Resolves when the ssh child has exited. */
	readonly ended: Promise<ForwardEnd>;

	constructor(
		private readonly child: ChildProcess,
		readonly spec: string,
		readonly target: ForwardTarget,
		readonly localPort: number,
	) {
		if (child.stderr) {
			eachLine(child.stderr, (l) => {
				const why = channelFailure(l);
				if (why) for (const f of this.failureListeners) f(why);
			});
			// Kept short: a long-lived forward logs a line per failed connection.
			child.stderr.on('data', (d: string) => (this.stderrText = (this.stderrText + d).slice(-8192)));
		}
		this.ended = new Promise((resolve) => {
			const done = (code: number | null, signal: NodeJS.Signals | null) =>
				resolve({ stopped: this.stopping, error: this.stopping ? undefined : describeExit('ssh', `ssh ${spec}`, [], code, signal, this.stderrText) });
			child.once('exit', done);
		});
	}

	get pid(): number {
		return this.child.pid!;
	}

	/** `127.0.0.1:8080`. */
	get localAddress(): string {
		return `${FORWARD_BIND}:${this.localPort}`;
	}

	/** What ssh said last (at most 8 KiB). */
	get stderr(): string {
		return this.stderrText;
	}

	/** A connection through the forward that the host could not make (once per line ssh prints). */
	onConnectionFailed(listener: (why: string) => void): void {
		this.failureListeners.push(listener);
	}

	/** Ends the forward (SIGTERM to its ssh); resolves once it has exited. */
	stop(): Promise<ForwardEnd> {
		this.stopping = true;
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
		return this.ended;
	}
}

/**
 * Starts `ssh -N -L` for one port of `spec` and resolves once the child listens on its local port
 * (tried first: the remote port; taken by then, one the kernel picks). Rejects with a
 * RemoteSourceError saying why when ssh exits first (unreachable, refused, bad key: ssh's own
 * diagnostics, as for the scan session) or is not listening within readyTimeoutMs.
 */
export async function startSshForward(spec: string, target: ForwardTarget, opts: SshForwardOptions = {}): Promise<SshForward> {
	const checked = await checkedSshOptions(parseHostSpec(spec), opts);
	const prefer = opts.preferLocalPort ?? target.destPort;
	// A port the local bind check saw free can be taken before ssh binds it: then once more, the kernel's pick.
	for (const attempt of [prefer, undefined]) {
		const localPort = await freeLocalPort(attempt);
		const argv = sshForwardArgv(spec, checked, localPort, target);
		const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
		const spawnError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
			child.once('spawn', () => resolve(undefined));
			child.once('error', (e) => resolve(e));
		});
		if (spawnError) throw spawnError.code === 'ENOENT' ? new RemoteSourceError('command-not-found', `ssh ${spec}: command not found: ${argv[0]} (is an OpenSSH client installed?)`) : spawnError;
		const forward = new SshForward(child, spec, target, localPort);
		const ready = await waitListening(forward, opts.readyTimeoutMs ?? 20_000);
		if (ready === true) return forward;
		await forward.stop();
		if (ready === 'bind-failed' && attempt !== undefined && attempt !== 0) continue;
		if (ready === 'bind-failed') throw new RemoteSourceError('ssh-failed', `ssh ${spec}: could not listen on ${forward.localAddress}: ${bindFailed(forward.stderr, localPort)}`);
		throw ready;
	}
	throw new Error('unreachable');
}

/** true once the child listens; 'bind-failed' when ssh could not listen on its port; else why not. */
async function waitListening(f: SshForward, timeoutMs: number): Promise<true | 'bind-failed' | RemoteSourceError> {
	let exited: ForwardEnd | undefined;
	void f.ended.then((e) => (exited = e));
	const until = Date.now() + timeoutMs;
	for (let delay = 20; ; delay = Math.min(delay * 2, 200)) {
		if (await listensOn(f.pid, f.localPort)) return true;
		// With ExitOnForwardFailure off (a config LocalForward's port in use must not end ours), ssh stays up after failing ours.
		if (bindFailed(f.stderr, f.localPort) !== undefined) return 'bind-failed';
		if (exited) return exited.error ?? new RemoteSourceError('ssh-failed', `ssh ${f.spec} ended`);
		if (Date.now() > until) return new RemoteSourceError('timeout', `ssh ${f.spec}: the forward was not listening on ${f.localAddress} after ${Math.round(timeoutMs / 1000)} s`);
		await new Promise((r) => setTimeout(r, delay));
	}
}
