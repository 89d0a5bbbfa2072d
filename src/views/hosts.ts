// The hosts the tree shows, one SnapshotStore each: this machine first, then every entry of the
// `procnet.sshHosts` setting (ssh, or any command that gives a POSIX sh), then capture files the
// user opened. Remote sessions are opened lazily by the first refresh and can be suspended (the
// view was hidden a while) without losing the last snapshot; the next refresh reconnects. Each
// remote host is read in a worker thread of its own (WorkerSource with a remote job), as this
// machine is: at 100k sockets its decoding, parse and join blocked this thread for 0.5-1 s.
import * as os from 'os';
import * as vscode from 'vscode';
import { WorkerSource, SCAN_NICE } from '../collect/workerSource';
import { RemoteSourceError } from '../collect/remoteCapture';
import type { RemoteJob } from '../collect/scanWire';
import { parseHostSpec, sshLabel } from '../collect/shellSource';
import type { SnapshotSource } from '../collect/source';
import type { Snapshot } from '../model/snapshot';
import { SnapshotStore } from './snapshotStore';
import { lookupHere, PeerNameCache } from '../collect/peerNames';

export type HostKind = 'local' | 'ssh' | 'command' | 'capture';

/** One entry of procnet.sshHosts, checked. `invalid` entries are still shown (with why) so they can be fixed or removed. */
export type HostConfig =
	| { kind: 'ssh'; name: string; spec: string; sudo?: boolean }
	| { kind: 'command'; name: string; argv: string[] }
	| { kind: 'invalid'; name: string; as: 'ssh' | 'command'; message: string };

export interface HostSettings {
	hosts: HostConfig[];
	sshConfigFile: string | undefined;
}

/**
 * procnet.sshHosts and procnet.sshConfigFile from user (or remote machine) settings only. They
 * name programs procnet runs, so a workspace — a cloned repository — must never set them: the
 * workspace and folder values are ignored even if VS Code reports them.
 */
export function readHostSettings(): HostSettings {
	const cfg = vscode.workspace.getConfiguration('procnet');
	const machineOnly = <T>(key: string): T | undefined => {
		const i = cfg.inspect<T>(key);
		return i?.globalValue ?? i?.defaultValue;
	};
	const raw = machineOnly<unknown>('sshHosts');
	const hosts: HostConfig[] = [];
	const seen = new Set<string>();
	for (const [i, e] of (Array.isArray(raw) ? raw : []).entries()) {
		const c = parseHostEntry(e, i);
		if (seen.has(`${c.kind === 'invalid' ? c.as : c.kind}:${c.name}`)) {
			hosts.push({ kind: 'invalid', name: `${c.name} (#${i + 1})`, as: c.kind === 'invalid' ? c.as : c.kind, message: `another entry of procnet.sshHosts already has the name ${JSON.stringify(c.name)}` });
			continue;
		}
		seen.add(`${c.kind === 'invalid' ? c.as : c.kind}:${c.name}`);
		hosts.push(c);
	}
	const file = machineOnly<unknown>('sshConfigFile');
	const sshConfigFile = typeof file === 'string' && file.trim() ? file.trim().replace(/^~(?=\/|$)/, os.homedir()) : undefined;
	return { hosts, sshConfigFile };
}

/** The name an entry of the setting is known by (what "Remove Host" matches on). */
export function entryName(e: unknown): string | undefined {
	if (typeof e === 'string') return e;
	const o = e && typeof e === 'object' ? (e as { name?: unknown; host?: unknown; sudo?: unknown }) : undefined;
	if (typeof o?.name === 'string' && o.name.trim()) return o.name.trim();
	if (typeof o?.host === 'string' && o.host.trim()) return sudoEntryName(o.host.trim(), o.sudo === true);
	return undefined;
}

export function parseHostEntry(e: unknown, index: number): HostConfig {
	if (typeof e === 'string') {
		try {
			parseHostSpec(e);
			return { kind: 'ssh', name: e, spec: e };
		} catch (err) {
			return { kind: 'invalid', name: e || `(empty #${index + 1})`, as: 'ssh', message: (err as Error).message };
		}
	}
	const o = e && typeof e === 'object' ? (e as { name?: unknown; command?: unknown; host?: unknown; sudo?: unknown }) : undefined;
	if (o && o.host !== undefined) return sshEntry(o, index);
	const name = typeof o?.name === 'string' && o.name.trim() ? o.name.trim() : `(entry #${index + 1})`;
	if (!o || typeof o.name !== 'string' || !o.name.trim()) return { kind: 'invalid', name, as: 'command', message: 'an entry must be "user@host[:port]" or { "name": "...", "command": ["prog", "arg", ...] }: the name is missing' };
	if (!Array.isArray(o.command) || o.command.length === 0 || !o.command.every((a): a is string => typeof a === 'string') || !o.command[0]) {
		return { kind: 'invalid', name, as: 'command', message: '"command" must be a non-empty array of strings, the program first (it is run directly, without a shell)' };
	}
	return { kind: 'command', name, argv: o.command };
}

/** An unnamed `{ "host", "sudo" }` entry's name (entryName and sshEntry agree on it). */
const sudoEntryName = (spec: string, sudo: boolean): string => `${spec}${sudo ? ' (sudo)' : ''}`;

/**
 * `{ "host": "deploy@web-1", "sudo": true, "name"?: "..." }`: an ssh host read as root through
 * `sudo -n` (its name, unless given, is the host's with " (sudo)", so the same machine may be
 * listed both ways).
 */
function sshEntry(o: { name?: unknown; command?: unknown; host?: unknown; sudo?: unknown }, index: number): HostConfig {
	const spec = typeof o.host === 'string' ? o.host.trim() : '';
	const sudo = o.sudo === true;
	const given = typeof o.name === 'string' && o.name.trim() ? o.name.trim() : undefined;
	const name = given ?? (spec ? sudoEntryName(spec, sudo) : `(entry #${index + 1})`);
	const bad = (message: string): HostConfig => ({ kind: 'invalid', name, as: 'ssh', message });
	if (o.command !== undefined) return bad('an entry has either "host" (ssh) or "command", not both');
	if (o.sudo !== undefined && typeof o.sudo !== 'boolean') return bad('"sudo" must be true or false');
	if (!spec) return bad('"host" must be "user@host[:port]" or a Host alias of your ssh config');
	try {
		parseHostSpec(spec);
	} catch (err) {
		return bad((err as Error).message);
	}
	return { kind: 'ssh', name, spec, sudo };
}

/** `Host a b c` lines of an ssh_config, without patterns (`*`, `?`, `!`) and names ssh would not take from us. */
export function sshConfigHosts(text: string): string[] {
	const out: string[] = [];
	for (const line of text.split(/\r?\n/)) {
		const m = /^\s*Host(?:\s*=\s*|\s+)(.*)$/i.exec(line);
		if (!m) continue;
		for (let name of m[1].replace(/\s+#.*$/, '').split(/\s+/)) {
			name = name.replace(/^"(.*)"$/, '$1');
			if (!name || /[*?!]/.test(name) || out.includes(name)) continue;
			try {
				parseHostSpec(name);
				out.push(name);
			} catch {
				/* not a name procnet would pass to ssh */
			}
		}
	}
	return out;
}

/** An entry of the setting that cannot be used: every refresh fails with why. */
class InvalidSource implements SnapshotSource {
	constructor(readonly label: string, private readonly message: string) {}
	snapshot(): Promise<Snapshot> {
		return Promise.reject(new RemoteSourceError('bad-host', this.message));
	}
	dispose(): void {
		/* nothing runs */
	}
}

/** A capture file: one snapshot that never changes. */
class CaptureSource implements SnapshotSource {
	constructor(readonly label: string, private readonly snap: Snapshot) {}
	snapshot(): Promise<Snapshot> {
		return Promise.resolve(this.snap);
	}
	dispose(): void {
		/* nothing runs */
	}
}

export class HostEntry implements vscode.Disposable {
	constructor(
		/** Stable: 'local', 'ssh:NAME', 'cmd:NAME', 'capture:N'. */
		readonly id: string,
		readonly name: string,
		readonly kind: HostKind,
		readonly store: SnapshotStore,
		/** What the tooltip says the host is (the ssh spec, the command line, the file). */
		readonly detail: string,
		/** How the entry is written in procnet.sshHosts (Remove Host), for ssh and command hosts. */
		readonly configKey?: string,
		private readonly remote?: WorkerSource,
		/** An ssh host read as root through sudo -n. */
		readonly sudo = false,
		/** An ssh host's spec and config file: what a port forward (portForwards.ts) connects with. */
		readonly ssh?: { spec: string; configFile?: string },
	) {}

	/** How the panel and the tree's lookups name the host: undefined for this machine. */
	get hostId(): string | undefined {
		return this.kind === 'local' ? undefined : this.id;
	}

	/** Refreshed by the timer: a capture never changes. */
	get live(): boolean {
		return this.kind !== 'capture';
	}

	get isRemote(): boolean {
		return this.kind === 'ssh' || this.kind === 'command';
	}

	/** What measures every process's traffic in the host's scan worker; undefined for a capture. */
	meter(): Pick<WorkerSource, 'trafficAll'> | undefined {
		if (this.kind === 'capture') return undefined;
		return this.remote ?? (this.store.source instanceof WorkerSource ? this.store.source : undefined);
	}

	/** The remote shell (its session opened on demand), for kill, Close Connection and the panel's ss. */
	shell(): Pick<WorkerSource, 'signal' | 'close' | 'tcpInfo' | 'traffic'> | undefined {
		return this.remote;
	}

	private names: PeerNameCache | undefined;

	/**
	 * Names of peer addresses from this host's own resolver (getent here, or through the host's
	 * session); undefined for a capture (a record: its peers' names then are not known) and for
	 * an entry that could not be made.
	 */
	peerNames(): PeerNameCache | undefined {
		if (this.names) return this.names;
		const remote = this.remote;
		if (remote) return (this.names = new PeerNameCache((a) => remote.resolve([...a])));
		if (this.kind === 'local') return (this.names = new PeerNameCache((a) => lookupHere(a)));
		return undefined;
	}

	/** Pid of the ssh / command child while a session is open. */
	get sessionPid(): number | undefined {
		return this.remote?.sessionPid;
	}

	/** Ends the remote session (if any); the last snapshot stays, the next refresh reconnects. */
	suspend(): void {
		void this.remote?.suspend().catch(() => undefined); // a worker gone meanwhile ended its session with it
	}

	dispose(): void {
		this.store.dispose();
	}
}

export class HostRegistry implements vscode.Disposable {
	private readonly _onDidChangeHosts = new vscode.EventEmitter<void>();
	/** A host was added or removed. */
	readonly onDidChangeHosts = this._onDidChangeHosts.event;
	private readonly _onDidChangeStore = new vscode.EventEmitter<HostEntry>();
	/** A host's store has a new snapshot or error. */
	readonly onDidChangeStore = this._onDidChangeStore.event;

	readonly local: HostEntry;
	private remotes: HostEntry[] = [];
	private captures: HostEntry[] = [];
	/** Per remote id: the settings it was made from, so unrelated settings changes keep the session. */
	private readonly made = new Map<string, string>();
	private readonly subs = new Map<HostEntry, vscode.Disposable>();
	private captureSeq = 0;

	/**
	 * @param workerScript the built scanWorker.js that remote hosts are read in (without it, on this thread).
	 * @param nice the nice value of a new remote host's thread (procnet.scanNice; its ssh client inherits it).
	 */
	constructor(localStore: SnapshotStore, private readonly workerScript?: string, private readonly nice: () => number = () => SCAN_NICE) {
		this.local = new HostEntry('local', 'this machine', 'local', localStore, 'local');
		this.watch(this.local);
	}

	all(): HostEntry[] {
		return [this.local, ...this.remotes, ...this.captures];
	}

	/** undefined or 'local' → this machine. */
	get(id: string | undefined): HostEntry | undefined {
		if (id === undefined || id === 'local') return this.local;
		return this.all().find((h) => h.id === id);
	}

	private watch(h: HostEntry): void {
		this.subs.set(h, h.store.onDidChange(() => this._onDidChangeStore.fire(h)));
	}

	private drop(h: HostEntry): void {
		this.subs.get(h)?.dispose();
		this.subs.delete(h);
		this.made.delete(h.id);
		// Ends the ssh / command child now: a removed host leaves no process behind.
		h.dispose();
	}

	/** Brings the remote hosts in line with the settings; new hosts start their first refresh. */
	syncFromSettings(settings: HostSettings = readHostSettings()): void {
		const next: HostEntry[] = [];
		const fresh: HostEntry[] = [];
		for (const c of settings.hosts) {
			const kind = c.kind === 'invalid' ? c.as : c.kind;
			const id = `${kind === 'ssh' ? 'ssh' : 'cmd'}:${c.name}`;
			const key = JSON.stringify([c, kind === 'ssh' ? settings.sshConfigFile ?? null : null]);
			const old = this.remotes.find((h) => h.id === id);
			if (old && this.made.get(id) === key) {
				next.push(old);
				continue;
			}
			if (old) this.drop(old);
			const h = this.make(c, id, settings.sshConfigFile);
			this.made.set(id, key);
			this.watch(h);
			next.push(h);
			fresh.push(h);
		}
		const removed = this.remotes.filter((h) => !next.includes(h));
		for (const h of removed) this.drop(h);
		this.remotes = next;
		if (fresh.length || removed.length) this._onDidChangeHosts.fire();
		for (const h of fresh) void h.store.refresh();
	}

	private make(c: HostConfig, id: string, sshConfigFile: string | undefined): HostEntry {
		if (c.kind === 'invalid') {
			const src = new InvalidSource(c.name, c.message);
			return new HostEntry(id, c.name, c.as, new SnapshotStore(src), c.message, c.name);
		}
		const job: RemoteJob = c.kind === 'ssh' ? { kind: 'ssh', spec: c.spec, configFile: sshConfigFile, sudo: c.sudo } : { kind: 'command', argv: c.argv, label: c.name };
		const src = new WorkerSource(this.workerScript, '/proc', this.nice(), job);
		const detail = c.kind === 'ssh' ? `${sshLabel(c.spec, c.sudo)}${sshConfigFile ? ` (-F ${sshConfigFile})` : ''}` : c.argv.join(' ');
		const ssh = c.kind === 'ssh' ? { spec: c.spec, configFile: sshConfigFile } : undefined;
		return new HostEntry(id, c.name, c.kind, new SnapshotStore(src), detail, c.name, src, c.kind === 'ssh' && !!c.sudo, ssh);
	}

	/**
	 * Parses a capture file's bytes in a worker (as a host is read: a 100k-socket capture had held
	 * this thread for 1.9 s) and adds it as a read-only root. Throws what the parse says is wrong.
	 */
	async openCapture(bytes: Uint8Array, label: string, file: string): Promise<HostEntry> {
		const src = new WorkerSource(this.workerScript, '/proc', this.nice(), { kind: 'capture', bytes, label });
		try {
			return await this.addCapture(await src.snapshot(), file);
		} finally {
			src.dispose();
		}
	}

	/** Adds a read-only root for a capture file (already parsed); returns it after its one refresh. */
	async addCapture(snap: Snapshot, file: string): Promise<HostEntry> {
		const when = snap.takenAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
		const name = `capture: ${snap.host.hostname} ${when}`;
		const h = new HostEntry(`capture:${++this.captureSeq}`, name, 'capture', new SnapshotStore(new CaptureSource(name, snap)), file);
		this.watch(h);
		this.captures.push(h);
		this._onDidChangeHosts.fire();
		await h.store.refresh();
		return h;
	}

	closeCapture(h: HostEntry): void {
		if (!this.captures.includes(h)) return;
		this.captures = this.captures.filter((x) => x !== h);
		this.drop(h);
		this._onDidChangeHosts.fire();
	}

	/** Ends every remote session (the view has been hidden a while); snapshots stay. */
	suspendSessions(): void {
		for (const h of this.remotes) h.suspend();
	}

	dispose(): void {
		for (const h of [...this.remotes, ...this.captures]) this.drop(h);
		this.remotes = [];
		this.captures = [];
		this.subs.get(this.local)?.dispose();
		this._onDidChangeHosts.dispose();
		this._onDidChangeStore.dispose();
	}
}
