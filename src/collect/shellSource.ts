// A SnapshotSource over any command that gives a POSIX shell on its stdin/stdout: `ssh HOST
// exec sh`, `docker exec -i web-1 sh`, `unshare -n sh`, plain `sh`. One long-lived child per
// source (one ssh connection per host): the collector's functions are sent once, then each
// refresh is one request line and one framed response (remoteScript.ts, remoteCapture.ts).
// A session that dropped or timed out is replaced on the next refresh; dispose() ends it.
import { execFile, spawn, type ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import { buildSnapshot, type ParsedNamespaces } from '../model/join';
import type { Snapshot } from '../model/snapshot';
import type { Capture } from './capture';
import type { CloseResult, CloseTarget } from './closeConnection';
import { CaptureAssembler, FrameReader, parseRecords, RemoteSourceError, type Frame, type FrameReaderHooks } from './remoteCapture';
import { closeCommand, COLLECTOR_SCRIPT, collectCommand, killCommand, resolveCommand, tcpInfoCommand, trafficCommand, type Compression, type RemoteSignal } from './remoteScript';
import { canonicalAddress, parseGetentHosts } from './peerNames';
import { TRAFFIC_FIELDS, type TcpInfoManyResult, type TrafficTarget } from '../model/traffic';
import { parseSsTcpInfo, type TcpInfo, type TcpInfoResult, type TcpInfoTarget } from '../model/ssTcpInfo';
import type { SignalResult } from './processControl';
import type { RemoteJob } from './scanWire';
import type { SnapshotSource } from './source';

export { RemoteSourceError, type RemoteFailure } from './remoteCapture';

export interface ShellSourceOptions {
	/** A refresh that has no complete answer by then fails (and its session is closed). Default 30 s. */
	timeoutMs?: number;
	/** The proc mount to read on the remote; default /proc. */
	procRoot?: string;
	/** Compress responses when the remote has gzip and base64 (default 'gzip'). */
	compression?: Compression;
	/** Environment of the transport command (default: this process's). */
	env?: NodeJS.ProcessEnv;
}

export interface RefreshStats {
	encoding: 'raw' | 'gzip64';
	/** Bytes of the response on the wire (after compression and base64). */
	wireBytes: number;
	/** Bytes of the records once decompressed. */
	bodyBytes: number;
	/** From writing the request to having the capture. */
	ms: number;
	/** From writing the request to the first byte of the answer. */
	firstByteMs: number;
	/** From writing the request to having the whole response decoded (the records, before parsing). */
	receivedMs: number;
	/** Of receivedMs: base64 + gunzip (0 for raw). */
	decodeMs: number;
	/** Of receivedMs: socket tables parsed as they arrived, while the remote was still answering. */
	earlyParseMs: number;
	/** After receivedMs: records → capture (and the tables not parsed on arrival). */
	parseMs: number;
	/** Pid of the transport child that answered. */
	sessionPid: number;
}

type ArgvSource = readonly string[] | (() => Promise<string[]>);

/** A capture, and its socket tables parsed (if asked for and done on arrival): for buildSnapshot. */
export interface ParsedCapture {
	capture: Capture;
	parsed?: ParsedNamespaces;
}

/** What the session's ss commands answer (a TcpInfoManyResult, and TcpInfoResult's failures). */
type SsAnswer = { ok: true; infos: TcpInfo[] } | { ok: false; reason: 'gone' | 'no-ss' | 'error'; message: string };

export class ShellSource implements SnapshotSource {
	private session: Session | undefined;
	private inflight: Promise<ParsedCapture> | undefined;
	/** A session answers one request at a time: refreshes and signals queue up here. */
	private lane: Promise<unknown> = Promise.resolve();
	private disposed = false;
	/** Sessions started so far (a reconnect adds one). */
	sessionsStarted = 0;
	lastStats: RefreshStats | undefined;

	constructor(
		private readonly argv: ArgvSource,
		readonly label: string,
		readonly kind: 'ssh' | 'command',
		private readonly opts: ShellSourceOptions = {},
	) {
		if (Array.isArray(argv) && argv.length === 0) throw new Error('a command source needs a command');
	}

	/** Pid of the live transport child, if a session is open. */
	get sessionPid(): number | undefined {
		return this.session?.alive ? this.session.child.pid : undefined;
	}

	async snapshot(): Promise<Snapshot> {
		const r = await this.captureParsed();
		return buildSnapshot(r.capture, r.parsed);
	}

	/** One refresh: one request/response round trip over the (re)opened session. Concurrent calls share it. */
	async capture(): Promise<Capture> {
		return (await this.shared(false)).capture;
	}

	/**
	 * capture(), with the socket tables parsed as they arrive (they come before the fd listings,
	 * so most of the parse is done while the remote still works): for buildSnapshot(capture, parsed).
	 * The parse is handed to one caller only (buildSnapshot attaches owners to its sockets).
	 */
	async captureParsed(): Promise<ParsedCapture> {
		const r = await this.shared(true);
		const parsed = r.parsed;
		r.parsed = undefined;
		return { capture: r.capture, parsed };
	}

	private shared(parse: boolean): Promise<ParsedCapture> {
		if (this.disposed) return Promise.reject(new RemoteSourceError('disposed', `${this.label}: source disposed`));
		// A caller that joins a refresh started by capture() gets no early parse: buildSnapshot parses.
		this.inflight ??= this.queued(() => this.refresh(parse)).finally(() => (this.inflight = undefined));
		return this.inflight;
	}

	private queued<T>(fn: () => Promise<T>): Promise<T> {
		const run = this.lane.then(fn, fn);
		this.lane = run.catch(() => undefined);
		return run;
	}

	private async openSession(): Promise<Session> {
		if (this.disposed) throw new RemoteSourceError('disposed', `${this.label}: source disposed`);
		if (!this.session?.alive) {
			this.session?.kill();
			const argv = typeof this.argv === 'function' ? await this.argv() : [...this.argv];
			if (this.disposed) throw new RemoteSourceError('disposed', `${this.label}: source disposed`);
			this.session = new Session(argv, this.kind, this.label, this.opts.env);
			this.sessionsStarted++;
		}
		return this.session;
	}

	/**
	 * One action's answer (its Z record) over the session: the command is made for a fresh nonce
	 * (and validated) before any session is opened; a session that fails mid-request is ended, so
	 * the next request opens a new one.
	 */
	private async answer(command: (nonce: string) => string): Promise<ReturnType<typeof parseRecords>[number] | undefined> {
		const nonce = crypto.randomBytes(16).toString('hex');
		const line = command(nonce);
		const s = await this.openSession();
		let frame: Frame;
		try {
			frame = await s.request(nonce, line, 10_000);
		} catch (e) {
			s.kill();
			if (this.session === s) this.session = undefined;
			throw e;
		}
		return parseRecords(frame.body).find((r) => r.tag === 'Z');
	}

	/**
	 * Sends SIGTERM / SIGKILL to PID on the remote through the session, only if PID still started at
	 * `startTicks` there (the check runs on the remote right before kill). Signal '0' only checks
	 * that it is still that process. Pid and ticks are validated as integers by killCommand.
	 */
	signal(pid: number, startTicks: number, signal: RemoteSignal): Promise<SignalResult> {
		if (this.disposed) return Promise.reject(new RemoteSourceError('disposed', `${this.label}: source disposed`));
		return this.queued(async () => {
			// killCommand validates pid, ticks and signal before any session is opened.
			const z = await this.answer((nonce) => killCommand(nonce, this.opts.procRoot ?? '/proc', pid, startTicks, signal));
			const what = z?.args[0];
			const text = z ? z.content.toString('utf8').trim() : '';
			if (what === 'ok') return { ok: true };
			if (what === 'gone') return { ok: false, reason: 'gone', message: `process ${pid} has already exited` };
			if (what === 'reused') return { ok: false, reason: 'reused', message: `pid ${pid} now belongs to another process (it started at a different time); nothing was sent` };
			if (/not permitted/i.test(text)) return { ok: false, reason: 'permission', message: `not permitted to signal process ${pid} (it belongs to another user)` };
			if (/no such process/i.test(text)) return { ok: false, reason: 'gone', message: `process ${pid} has already exited` };
			return { ok: false, reason: 'error', message: `SIG${signal} to ${pid} failed: ${text || 'no answer from the remote'}` };
		});
	}

	/**
	 * Aborts a TCP connection on the remote through the session (procnet_closebody: ss -K there,
	 * only if the owner's fd still is that socket). The target is validated by closeCommand.
	 */
	close(t: CloseTarget): Promise<CloseResult> {
		if (this.disposed) return Promise.reject(new RemoteSourceError('disposed', `${this.label}: source disposed`));
		return this.queued(async () => {
			const what = `${t.src} → ${t.dst}`;
			if (t.pid === null || t.fd === null) return { ok: false, reason: 'not-a-connection', message: `no process on ${this.label} is known to hold ${what}, so it cannot be checked before closing` };
			const pid = t.pid;
			const fd = t.fd;
			const z = await this.answer((nonce) => closeCommand(nonce, this.opts.procRoot ?? '/proc', { ...t, pid, fd }));
			const text = z ? z.content.toString('utf8').trim().slice(0, 300) : '';
			switch (z?.args[0]) {
				case 'ok':
					return { ok: true };
				case 'gone':
					return { ok: false, reason: 'gone', message: `the connection ${what} is already closed` };
				case 'no-ss':
					return { ok: false, reason: 'no-ss', message: `closing a connection needs ss (iproute2) on ${this.label}, and it has none` };
				case 'failed':
					return { ok: false, reason: 'not-permitted', message: `${this.label} refused to close ${what}: it needs root or CAP_NET_ADMIN there (${text})` };
				case 'open':
					return { ok: false, reason: 'not-closed', message: `ss -K on ${this.label} did not close ${what}${text ? ` (${text})` : ''}: its kernel may be built without CONFIG_INET_DIAG_DESTROY` };
				default:
					return { ok: false, reason: 'error', message: `closing ${what} on ${this.label} failed: ${text || 'no answer from the remote'}` };
			}
		});
	}

	/**
	 * Asks the remote's ss about a TCP socket through the session (procnet_tcpinfobody: only if the
	 * owner's fd still is that socket), picking it from the answer by its inode.
	 */
	tcpInfo(t: TcpInfoTarget): Promise<TcpInfoResult> {
		const { pid, fd } = t;
		if (this.disposed) return Promise.reject(new RemoteSourceError('disposed', `${this.label}: source disposed`));
		if (pid === null || fd === null) return Promise.resolve({ ok: false, reason: 'gone', message: `no process on ${this.label} is known to hold it, so it cannot be checked` });
		return this.askSs((nonce) => tcpInfoCommand(nonce, this.opts.procRoot ?? '/proc', { ...t, pid, fd }), `the socket is closed on ${this.label}`).then((r): TcpInfoResult => {
			if (!r.ok) return r;
			const info = r.infos.find((i) => i.inode === t.inode);
			return info ? { ok: true, info } : { ok: false, reason: 'gone', message: `ss on ${this.label} no longer lists this socket` };
		});
	}

	/**
	 * Asks the remote's ss about a process's connections through the session, in one run
	 * (procnet_trafficbody: only if the process's fd still is the socket named); the caller picks
	 * its connections from the answers by inode.
	 */
	traffic(t: TrafficTarget): Promise<TcpInfoManyResult> {
		return this.askSs((nonce) => trafficCommand(nonce, this.opts.procRoot ?? '/proc', t), `the process no longer holds that socket on ${this.label}`, TRAFFIC_FIELDS);
	}

	/**
	 * Names for addresses from the remote's own resolver (procnet_resolve: getent hosts there), in
	 * batches of 64 lookups run at once there. Every address asked is in the answer (null: no name).
	 */
	async resolve(addrs: readonly string[]): Promise<Map<string, string | null>> {
		if (this.disposed) throw new RemoteSourceError('disposed', `${this.label}: source disposed`);
		const list = [...new Set(addrs.map(canonicalAddress).filter((a): a is string => !!a))];
		const out = new Map<string, string | null>();
		for (let i = 0; i < list.length; i += 64) {
			const batch = list.slice(i, i + 64);
			const z = await this.queued(() => this.answer((nonce) => resolveCommand(nonce, batch)));
			if (z?.args[0] === 'no-getent') throw new Error(`${this.label} has no getent to name addresses with`);
			const names = parseGetentHosts(z ? z.content.toString('utf8') : '');
			for (const a of batch) out.set(a, names.get(a) ?? null);
		}
		return out;
	}

	/** One of the session's ss commands (procnet_tcpinfo, procnet_traffic), and its Z record read: ss's answers (`only` those fields: parseSsTcpInfo), or why there are none. */
	private askSs(command: (nonce: string) => string, gone: string, only?: ReadonlySet<string>): Promise<SsAnswer> {
		if (this.disposed) return Promise.reject(new RemoteSourceError('disposed', `${this.label}: source disposed`));
		return this.queued(async (): Promise<SsAnswer> => {
			const z = await this.answer(command);
			const text = z ? z.content.toString('utf8') : '';
			switch (z?.args[0]) {
				case 'ok':
					return { ok: true, infos: parseSsTcpInfo(text, only) };
				case 'gone':
					return { ok: false, reason: 'gone', message: gone };
				case 'no-ss':
					return { ok: false, reason: 'no-ss', message: `${this.label} has no ss (iproute2)` };
				default:
					return { ok: false, reason: 'error', message: `ss on ${this.label} failed: ${text.trim().slice(0, 300) || 'no answer from the remote'}` };
			}
		});
	}

	private async refresh(parse: boolean): Promise<ParsedCapture> {
		const s = await this.openSession();
		const nonce = crypto.randomBytes(16).toString('hex');
		const takenAt = new Date().toISOString();
		const t0 = performance.now();
		const assembler = new CaptureAssembler(parse);
		let frame: Frame;
		try {
			frame = await s.request(nonce, collectCommand(nonce, this.opts.procRoot ?? '/proc', this.opts.compression ?? 'gzip'), this.opts.timeoutMs ?? 30_000, {
				onRecord: (r) => assembler.add(r),
				onPart: () => assembler.parseArrived(),
			});
		} catch (e) {
			// A session that failed mid-answer is out of step: never reuse it.
			s.kill();
			if (this.session === s) this.session = undefined;
			throw e;
		}
		const t1 = performance.now();
		const early = assembler.parseMs;
		const result = assembler.finish({ source: { kind: this.kind, label: this.label }, takenAt });
		const t2 = performance.now();
		this.lastStats = {
			encoding: frame.encoding,
			wireBytes: frame.wireBytes,
			bodyBytes: frame.body.length,
			ms: t2 - t0,
			firstByteMs: (s.firstByteAt ?? t1) - t0,
			receivedMs: t1 - t0,
			decodeMs: frame.decodeMs,
			earlyParseMs: early,
			parseMs: t2 - t1,
			sessionPid: s.child.pid ?? -1,
		};
		return result;
	}

	dispose(): void {
		this.disposed = true;
		this.session?.kill();
		this.session = undefined;
	}

	/** dispose(), then wait until the transport child has exited and been reaped. */
	async disposeAndWait(): Promise<void> {
		const s = this.session;
		this.dispose();
		if (s) await s.exited;
	}
}

/** One transport child and its stdin/stdout; at most one request at a time. */
class Session {
	readonly child: ChildProcess;
	readonly exited: Promise<void>;
	alive = true;
	/** performance.now() of the first byte of the answer to the current (or last) request. */
	firstByteAt: number | undefined;
	private stderr = '';
	private spawnError: Error | undefined;
	private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
	private pending: { reader: FrameReader; resolve: (f: Frame) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
	private killTimer: NodeJS.Timeout | undefined;

	constructor(private readonly argv: string[], private readonly kind: 'ssh' | 'command', private readonly label: string, env?: NodeJS.ProcessEnv) {
		// A process group of its own: ending the session must end what the transport started too
		// (a ProxyCommand, a `docker exec` helper, a remote-less shell's children), not only its leader.
		this.child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env, detached: true });
		let closed!: () => void;
		this.exited = new Promise((r) => (closed = r));
		this.child.on('error', (e) => {
			this.spawnError = e;
			this.alive = false;
			this.fail(this.failure());
			closed();
		});
		this.child.stdin!.on('error', () => undefined); // EPIPE when the child is gone: reported by 'close'
		this.child.stdout!.on('data', (d: Buffer) => this.onData(d));
		this.child.stderr!.on('data', (d: Buffer) => {
			this.stderr = (this.stderr + d.toString('utf8')).slice(-8192);
		});
		this.child.on('exit', (code, signal) => {
			this.exit = { code, signal };
			this.alive = false;
			if (this.killTimer) clearTimeout(this.killTimer);
		});
		// 'close' comes after stdout and stderr ended, so the whole error message is in.
		this.child.on('close', (code, signal) => {
			this.exit ??= { code, signal };
			this.alive = false;
			if (this.killTimer) clearTimeout(this.killTimer);
			this.fail(this.failure());
			closed();
		});
		this.child.stdin!.write(COLLECTOR_SCRIPT);
	}

	/** Writes one request line; resolves with its response, handing records and parts to `hooks` as they complete. */
	request(nonce: string, command: string, timeoutMs: number, hooks: FrameReaderHooks = {}): Promise<Frame> {
		if (!this.alive) return Promise.reject(this.failure());
		if (this.pending) return Promise.reject(new Error('a request is already running on this session'));
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.fail(new RemoteSourceError('timeout', `${this.label}: no complete answer within ${Math.round(timeoutMs / 100) / 10} s; the session was closed and the next refresh reconnects`));
				this.kill();
			}, timeoutMs);
			this.pending = { reader: new FrameReader(nonce, hooks), resolve, reject, timer };
			this.firstByteAt = undefined;
			this.child.stdin!.write(command);
		});
	}

	private onData(d: Buffer): void {
		const p = this.pending;
		if (!p) return; // between requests only a login banner or profile chatter can arrive
		this.firstByteAt ??= performance.now();
		let f: Frame | undefined;
		try {
			f = p.reader.push(d);
		} catch (e) {
			this.fail(e as Error);
			this.kill();
			return;
		}
		if (f) {
			this.pending = undefined;
			clearTimeout(p.timer);
			p.resolve(f);
		}
	}

	private fail(e: Error): void {
		const p = this.pending;
		if (!p) return;
		this.pending = undefined;
		clearTimeout(p.timer);
		p.reject(e);
	}

	private failure(): RemoteSourceError {
		if (this.spawnError) {
			const code = (this.spawnError as { code?: string }).code;
			if (code === 'ENOENT') return new RemoteSourceError('command-not-found', `${this.label}: command not found: ${this.argv[0]}${this.kind === 'ssh' ? ' (is an OpenSSH client installed?)' : ''}`);
			return new RemoteSourceError('transport-exited', `${this.label}: cannot run ${this.argv[0]}: ${this.spawnError.message}`);
		}
		if (this.exit === undefined && this.alive) return new RemoteSourceError('disposed', `${this.label}: session closed`);
		return describeExit(this.kind, this.label, this.argv, this.exit?.code ?? null, this.exit?.signal ?? null, this.stderr);
	}

	/** Ends the session: stdin closed (the remote sh exits on EOF), SIGTERM now, SIGKILL if still there after 2 s. */
	kill(): void {
		const wasAlive = this.alive;
		this.alive = false;
		this.fail(new RemoteSourceError('disposed', `${this.label}: session closed`));
		this.child.stdin!.end();
		if (!wasAlive || this.exit || this.child.pid === undefined) return;
		const pid = this.child.pid;
		const signalGroup = (sig: NodeJS.Signals) => {
			try {
				process.kill(-pid, sig);
			} catch {
				this.child.kill(sig); // the group is gone already; make sure of the leader
			}
		};
		signalGroup('SIGTERM');
		this.killTimer = setTimeout(() => {
			if (!this.exit) signalGroup('SIGKILL');
		}, 2000);
	}
}

/** ssh's diagnostics (exit status 255) → a reason and a sentence; other transports by exit status. */
export function describeExit(kind: 'ssh' | 'command', label: string, argv: readonly string[], code: number | null, signal: string | null, stderr: string): RemoteSourceError {
	const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^@+$/.test(l) && !l.startsWith('Warning: Permanently added'));
	const last = lines.slice(-3).join(' ') || (signal ? `killed by ${signal}` : `exit status ${code}`);
	const err = (reason: ConstructorParameters<typeof RemoteSourceError>[0], what: string) => new RemoteSourceError(reason, `${label}: ${what} (${last})`, stderr);
	if (kind === 'ssh' && code === 255) {
		if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr)) return err('host-key-changed', 'host key mismatch: the host\'s key differs from the one in known_hosts (possible man-in-the-middle); procnet never accepts a changed key — check it, then fix known_hosts (ssh-keygen -R)');
		if (/No .* host key is known for|Host key verification failed/i.test(stderr)) return err('host-key-unknown', 'host key not known and strict host key checking is on; connect once with ssh to verify and record it');
		if (/Could not resolve hostname|Name or service not known|Temporary failure in name resolution|nodename nor servname/i.test(stderr)) return err('unknown-host', 'unknown host: the name does not resolve');
		if (/Connection refused/i.test(stderr)) return err('connection-refused', 'connection refused: nothing listens on the ssh port');
		if (/timed out/i.test(stderr)) return err('connect-timeout', 'connection timed out');
		if (/No route to host|Network is unreachable/i.test(stderr)) return err('unreachable', 'host unreachable');
		if (/Permission denied|Too many authentication failures|no mutual signature|Authentications that can continue/i.test(stderr)) return err('auth-failed', 'authentication failed: no key or agent identity was accepted (procnet runs ssh with BatchMode=yes: no password prompts)');
		if (/Connection closed|Connection reset|kex_exchange_identification|Broken pipe/i.test(stderr)) return err('connection-closed', 'the connection was closed by the remote side');
		return err('ssh-failed', 'ssh failed');
	}
	// sudo -n (an ssh host's "sudo", or a command of sudo's): it never prompts, it says why and exits.
	if (/^sudo: (a password is required|a terminal is required|sorry, you must have a tty)/im.test(stderr)) return err('sudo-refused', `sudo -n would not run sh as root without a password${kind === 'ssh' ? ' there' : ''}: procnet never types one. Let this user run it without one (NOPASSWD in sudoers), or read the host without sudo`);
	if (/^sudo: .*(not in the sudoers|not allowed to|may not run)/im.test(stderr)) return err('sudo-refused', 'sudo refused this user: sudoers does not let it run sh as root');
	if (/(^|\s|:)sudo: (command )?not found/im.test(stderr)) return err('command-not-found', `sudo is not installed${kind === 'ssh' ? ' on the remote host' : ''}`);
	if (code === 127 || /(^|\s|:)(command )?not found/i.test(lines.join('\n'))) return err('command-not-found', kind === 'ssh' ? 'no POSIX sh on the remote host' : `command not found: ${argv.join(' ')}`);
	return err('transport-exited', `${kind === 'ssh' ? 'the ssh session' : argv[0]} ended before answering`);
}

// --- ssh -------------------------------------------------------------------------------------

export interface HostSpec {
	user?: string;
	host: string;
	port?: number;
}

const USER_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
const HOST_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,252}$/;
const V6_RE = /^\[([0-9A-Fa-f:.]{2,45})\]$/;

/**
 * `host`, `user@host`, `host:port`, `user@[::1]:port`: a host name (or ssh config alias) of
 * letters, digits, `._-` not starting with `-`, or a bracketed IPv6 address. Anything else
 * (spaces, shell metacharacters, a leading `-` that ssh would read as an option) is refused.
 */
export function parseHostSpec(spec: string): HostSpec {
	const bad = (why: string) => new RemoteSourceError('bad-host', `invalid ssh host ${JSON.stringify(spec)}: ${why}`);
	if (spec.startsWith('-')) throw bad('it starts with "-"');
	let rest = spec;
	let user: string | undefined;
	const at = rest.lastIndexOf('@');
	if (at >= 0) {
		user = rest.slice(0, at);
		rest = rest.slice(at + 1);
		if (!USER_RE.test(user)) throw bad('the user name may hold only letters, digits, ".", "_" and "-"');
	}
	let port: number | undefined;
	let host: string;
	if (rest.startsWith('[')) {
		const close = rest.indexOf(']');
		if (close < 0) throw bad('unclosed "["');
		const v6 = V6_RE.exec(rest.slice(0, close + 1));
		if (!v6) throw bad('not an IPv6 address in brackets');
		host = v6[1];
		const tail = rest.slice(close + 1);
		if (tail) {
			if (!/^:\d{1,5}$/.test(tail)) throw bad('expected ":port" after "]"');
			port = Number(tail.slice(1));
		}
	} else {
		host = rest;
		const c = rest.lastIndexOf(':');
		if (c >= 0) {
			host = rest.slice(0, c);
			if (!/^\d{1,5}$/.test(rest.slice(c + 1))) throw bad('the port after ":" must be a number (write IPv6 addresses as [addr]:port)');
			port = Number(rest.slice(c + 1));
		}
		if (!HOST_RE.test(host)) throw bad('the host may hold only letters, digits, ".", "_" and "-"');
	}
	if (port !== undefined && (port < 1 || port > 65535)) throw bad('the port must be 1-65535');
	return { user, host, port };
}

export interface SshOptions {
	/** `ssh -F FILE` (default: the user's ~/.ssh/config). */
	configFile?: string;
	/** Default 5. */
	connectTimeoutSec?: number;
	/** Keep-alives: default 5 s × 3. */
	serverAliveIntervalSec?: number;
	serverAliveCountMax?: number;
	/** Set only to override a config that says `no`: procnet never connects with checking off. */
	strictHostKeyChecking?: 'yes' | 'accept-new';
	/** The ssh binary (default `ssh` from PATH). */
	ssh?: string;
	/**
	 * Run the remote sh as root through `sudo -n`, as `sudo ss -tulpn` is run: other users'
	 * processes' fds (sshd's, nginx's, postgres's listeners) are readable only so. Never prompts:
	 * a sudo that wants a password fails at once ('sudo-refused').
	 */
	sudo?: boolean;
}

/**
 * The argv of one ssh session running a shell on HOST. Every value is its own argv entry (no
 * local shell is involved); BatchMode means a missing key fails at once instead of prompting.
 * Forwardings from the user's config are cleared, and a ControlMaster is never started (a
 * persistent master would outlive the session); an existing master is still reused.
 */
export function sshArgv(spec: string | HostSpec, opts: SshOptions = {}): string[] {
	const h = typeof spec === 'string' ? parseHostSpec(spec) : spec;
	return [...sshBaseArgv(h, opts), '--', h.host, opts.sudo ? 'exec sudo -n sh' : 'exec sh'];
}

/**
 * ssh and its options up to the host: what the scan session and a port forward (sshForward.ts)
 * share. `forwarding` leaves ClearAllForwardings out, which would clear the forward's own `-L`.
 */
export function sshBaseArgv(h: HostSpec, opts: SshOptions & { forwarding?: boolean } = {}): string[] {
	const o = (kv: string) => ['-o', kv];
	const argv = [opts.ssh ?? 'ssh', '-T', '-x', '-a', '-e', 'none'];
	if (opts.configFile) argv.push('-F', opts.configFile);
	argv.push(
		...o('BatchMode=yes'),
		...o(`ConnectTimeout=${opts.connectTimeoutSec ?? 5}`),
		...o(`ServerAliveInterval=${opts.serverAliveIntervalSec ?? 5}`),
		...o(`ServerAliveCountMax=${opts.serverAliveCountMax ?? 3}`),
		...(opts.forwarding ? [] : o('ClearAllForwardings=yes')),
		...o('ControlMaster=no'),
		...o('PermitLocalCommand=no'),
	);
	if (opts.strictHostKeyChecking) argv.push(...o(`StrictHostKeyChecking=${opts.strictHostKeyChecking}`));
	if (h.user) argv.push('-l', h.user);
	if (h.port) argv.push('-p', String(h.port));
	return argv;
}

/**
 * sshArgv after asking ssh what the user's config says (checkedSshOptions).
 */
export async function resolveSshArgv(spec: string, opts: SshOptions = {}): Promise<string[]> {
	const h = parseHostSpec(spec);
	return sshArgv(h, await checkedSshOptions(h, opts));
}

/**
 * The options after asking ssh what the user's config says (`ssh -G`, no connection): when it
 * turns host key checking off, procnet uses accept-new instead (new hosts are learned, a changed
 * key is refused). Otherwise the user's setting stands.
 */
export async function checkedSshOptions<T extends SshOptions>(h: HostSpec, opts: T): Promise<T> {
	const base = sshArgv(h, opts);
	// `ssh -G` takes the same options; drop the command at the end.
	const probe = ['-G', ...base.slice(1, -1)];
	const out = await new Promise<string>((resolve) => {
		execFile(base[0], probe, { timeout: 5000 }, (err, stdout) => resolve(err ? '' : stdout));
	});
	const m = /^stricthostkeychecking (\S+)$/m.exec(out);
	if (m && (m[1] === 'false' || m[1] === 'no' || m[1] === 'off')) return { ...opts, strictHostKeyChecking: 'accept-new' };
	return opts;
}

/** How an ssh host's source names itself in errors and labels, on either side of the worker. */
export const sshLabel = (spec: string, sudo?: boolean): string => `ssh ${spec}${sudo ? ' (sudo)' : ''}`;

/** A source for `ssh HOST`; the host is checked now (a RemoteSourceError('bad-host') is thrown here). */
export function sshSource(spec: string, opts: SshOptions & ShellSourceOptions = {}): ShellSource {
	parseHostSpec(spec);
	return new ShellSource(() => resolveSshArgv(spec, opts), sshLabel(spec, opts.sudo), 'ssh', opts);
}

/** The source a worker's remote job names (scanWire.ts). */
export function remoteJobSource(job: RemoteJob): ShellSource {
	return job.kind === 'ssh' ? sshSource(job.spec, { configFile: job.configFile, sudo: job.sudo }) : commandSource(job.argv, job.label);
}

/** A source for any command that runs a POSIX sh on its stdin, e.g. ["docker","exec","-i","web-1","sh"]. */
export function commandSource(argv: readonly string[], label = argv.join(' '), opts: ShellSourceOptions = {}): ShellSource {
	return new ShellSource([...argv], label, 'command', opts);
}
