// The ports of ssh hosts forwarded to this machine: one `ssh -N -L` per port (collect/sshForward.ts),
// kept until stopped, until its host leaves the tree, or until the extension ends. The tree marks a
// forwarded listener, and Open in Browser on an ssh host's listener goes through its forward.
import * as vscode from 'vscode';
import { FORWARD_BIND, forwardDestination, startSshForward, type SshForward } from '../collect/sshForward';
import { hostPort } from '../model/describe';
import type { SocketInfo } from '../model/snapshot';
import type { HostEntry, HostRegistry } from './hosts';

/** One forward, as the Stop Forwarding pick and the tests see it. */
export interface ForwardInfo {
	key: string;
	hostId: string;
	hostName: string;
	destHost: string;
	destPort: number;
	localPort: number;
	pid: number;
}

interface Live {
	host: HostEntry;
	forward: SshForward;
}

/** A forward's key: one per host and destination. */
const forwardKey = (hostId: string, destHost: string, destPort: number) => JSON.stringify([hostId, destHost, destPort]);

/** Why a socket of a host cannot be forwarded, or undefined when it can. */
export function notForwardable(host: HostEntry, s: SocketInfo): string | undefined {
	if (host.kind === 'local') return 'it is a port of this machine already';
	if (host.kind === 'capture') return 'a capture is a record: nothing listens there now';
	if (host.kind === 'command' || !host.ssh) return `${host.name} is reached by a command, not ssh: forward it the command's own way (docker run -p, kubectl port-forward)`;
	if (s.kind !== 'tcp' || s.state !== 'LISTEN' || s.localAddress === null || s.localPort === null) return 'only a listening TCP socket can be forwarded';
	return undefined;
}

export class PortForwards implements vscode.Disposable {
	private readonly live = new Map<string, Live>();
	private readonly starting = new Map<string, Promise<SshForward>>();
	private readonly _onDidChange = new vscode.EventEmitter<void>();
	/** A forward started or ended. */
	readonly onDidChange = this._onDidChange.event;
	private readonly subs: vscode.Disposable[];

	constructor(private readonly hosts: HostRegistry) {
		// A host removed, or remade from changed settings, takes its forwards with it.
		this.subs = [this._onDidChange, hosts.onDidChangeHosts(() => this.dropGone())];
	}

	/** The local port an ssh host's listener is forwarded to, if it is (not its accepted connections, which share its port). */
	localPortOf(host: HostEntry, s: SocketInfo): number | undefined {
		const key = this.keyOf(host, s);
		return key === undefined ? undefined : this.live.get(key)!.forward.localPort;
	}

	/**
	 * For a listener of this machine: which forward's local end it is (`procnet-test
	 * 127.0.0.1:8080`), when its owner is that forward's ssh; else undefined.
	 */
	forwardHeldBy(s: SocketInfo): string | undefined {
		if (s.kind !== 'tcp' || s.state !== 'LISTEN' || s.localAddress !== FORWARD_BIND) return undefined;
		for (const { host, forward } of this.live.values()) {
			if (forward.localPort === s.localPort && s.owners.some((o) => o.pid === forward.pid)) return `${host.name} ${hostPort(forward.target.destHost, forward.target.destPort)}`;
		}
		return undefined;
	}

	list(): ForwardInfo[] {
		return [...this.live].map(([key, { host, forward }]) => ({
			key,
			hostId: host.id,
			hostName: host.name,
			destHost: forward.target.destHost,
			destPort: forward.target.destPort,
			localPort: forward.localPort,
			pid: forward.pid,
		}));
	}

	/**
	 * The forward of a listener of an ssh host: the one already running, or a new one (the same
	 * local port number when it is free here). Throws why it cannot be (notForwardable, ssh's reason).
	 */
	async forward(host: HostEntry, s: SocketInfo): Promise<SshForward> {
		const why = notForwardable(host, s);
		if (why) throw new Error(why);
		const target = { destHost: forwardDestination(s.localAddress!), destPort: s.localPort! };
		const key = forwardKey(host.id, target.destHost, target.destPort);
		const running = this.live.get(key);
		if (running?.host === host) return running.forward;
		// Two clicks on Open in Browser start one forward.
		const pending = this.starting.get(key);
		if (pending) return pending;
		const start = startSshForward(host.ssh!.spec, target, { configFile: host.ssh!.configFile });
		this.starting.set(key, start);
		let forward: SshForward;
		try {
			forward = await start;
		} finally {
			this.starting.delete(key);
		}
		if (this.disposed || this.hosts.get(host.id) !== host) {
			void forward.stop();
			throw new Error(`${host.name} is no longer in the tree`);
		}
		this.live.set(key, { host, forward });
		const what = `${host.name}'s port ${target.destPort}`;
		// Each reason once per forward: a browser retrying would repeat it for every connection.
		const told = new Set<string>();
		forward.onConnectionFailed((reason) => {
			if (told.has(reason)) return;
			told.add(reason);
			void vscode.window.showWarningMessage(`Procnet: a connection through the forward of ${what} (${forward.localAddress}) failed: ${reason}.`);
		});
		void forward.ended.then((end) => {
			if (this.live.get(key)?.forward !== forward) return;
			this.live.delete(key);
			this._onDidChange.fire();
			if (!end.stopped && !this.disposed) void vscode.window.showWarningMessage(`Procnet: the forward of ${what} to ${forward.localAddress} ended: ${end.error?.message ?? 'ssh exited'}`);
		});
		this._onDidChange.fire();
		return forward;
	}

	/** Ends the forwards given (keys from list()); resolves once their ssh children have exited. */
	async stop(keys: readonly string[]): Promise<number> {
		const ending = keys.map((k) => this.live.get(k)).filter((l): l is Live => !!l);
		for (const k of keys) this.live.delete(k);
		if (ending.length) this._onDidChange.fire();
		await Promise.all(ending.map((l) => l.forward.stop()));
		return ending.length;
	}

	/** The key of a listener's forward (for stop), if it has one: an ssh host's listener, forwarded from this very host entry. */
	keyOf(host: HostEntry, s: SocketInfo): string | undefined {
		if (host.kind !== 'ssh' || !this.live.size || s.kind !== 'tcp' || s.state !== 'LISTEN' || s.localAddress === null || s.localPort === null) return undefined;
		const key = forwardKey(host.id, forwardDestination(s.localAddress), s.localPort);
		return this.live.get(key)?.host === host ? key : undefined;
	}

	private dropGone(): void {
		const gone = [...this.live].filter(([, l]) => this.hosts.get(l.host.id) !== l.host).map(([k]) => k);
		if (gone.length) void this.stop(gone);
	}

	private disposed = false;

	dispose(): void {
		this.disposed = true;
		// The extension is ending: SIGTERM to every forward's ssh, not waited for.
		for (const l of this.live.values()) void l.forward.stop();
		this.live.clear();
		for (const d of this.subs) d.dispose();
	}
}
