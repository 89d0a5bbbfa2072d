// Real sockets and real processes for the integration tests, and a runner for the built CLI.
import { execFile, spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import type * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { Snapshot, SocketInfo } from '../../src/model/snapshot';

export const REPO = path.join(__dirname, '../../..');
export const CLI = path.join(REPO, 'dist/cli.js');

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** Runs `node dist/cli.js ...args` as its own process, as a user would. */
export function runCli(args: string[], opts: { wrap?: string[]; timeoutMs?: number; env?: NodeJS.ProcessEnv; rawArgv?: string[] } = {}): Promise<CliResult> {
	// rawArgv: node and the CLI passed as trailing arguments to a wrapper script instead.
	const argv = opts.rawArgv ? [...(opts.wrap ?? []), ...opts.rawArgv, ...args] : [...(opts.wrap ?? []), process.execPath, CLI, ...args];
	return new Promise((resolve) => {
		execFile(argv[0], argv.slice(1), { maxBuffer: 512 * 1024 * 1024, timeout: opts.timeoutMs ?? 60_000, env: opts.env ? { ...process.env, ...opts.env } : process.env }, (err, stdout, stderr) => {
			const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
			resolve({ code, stdout, stderr });
		});
	});
}

export async function snapshotJson(args: string[] = [], opts: { wrap?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<Snapshot> {
	const r = await runCli(['snapshot', '--json', ...args], opts);
	if (r.code !== 0) throw new Error(`procnet exited ${r.code}: ${r.stderr}`);
	return JSON.parse(r.stdout) as Snapshot;
}

export function tempDir(prefix: string): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A python3 process that opens sockets Node cannot (a unix datagram socket, a TCP listener that
 * never accepts), prints one JSON line describing them, then sleeps until killed.
 */
export interface PyHelper {
	child: ChildProcess;
	info: Record<string, unknown>;
	stop(): void;
}

export function startPython(script: string, wrap: string[] = []): Promise<PyHelper> {
	// The system python, not a per-user shim (pyenv's lives under /root, closed to other users).
	const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
	const argv = [...wrap, python, '-u', '-c', script];
	const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
	return new Promise((resolve, reject) => {
		let buf = '';
		let err = '';
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`helper did not start: ${err}`));
		}, 10_000);
		child.stderr!.on('data', (d) => (err += d));
		child.stdout!.on('data', (d) => {
			buf += d;
			const nl = buf.indexOf('\n');
			if (nl >= 0) {
				clearTimeout(timer);
				resolve({ child, info: JSON.parse(buf.slice(0, nl)) as Record<string, unknown>, stop: () => child.kill('SIGKILL') });
			}
		});
		child.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`helper exited ${code}: ${err}`));
		});
	});
}

export function findInet(snap: Snapshot, kind: string, local: string, port: number, pred: (s: SocketInfo) => boolean = () => true): SocketInfo[] {
	return snap.sockets.filter((s) => s.kind === kind && s.localAddress === local && s.localPort === port && pred(s));
}

export function ownerPids(s: SocketInfo): number[] {
	return [...new Set(s.owners.map((o) => o.pid))].sort((a, b) => a - b);
}

/** The lines a child prints, one per call, in order, whether they came before or after the call. */
export function lineReader(child: ChildProcess): () => Promise<string> {
	let buf = '';
	const queue: string[] = [];
	const waiters: Array<(l: string) => void> = [];
	child.stdout!.on('data', (d) => {
		buf += d;
		for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
			const l = buf.slice(0, nl);
			buf = buf.slice(nl + 1);
			const w = waiters.shift();
			if (w) w(l);
			else queue.push(l);
		}
	});
	return () => new Promise((r) => (queue.length ? r(queue.shift()!) : waiters.push(r)));
}

/** Resolves with the error code (or 'end', 'close') a socket sees next: how a test sees a connection closed under it. */
export const outcome = (s: net.Socket) =>
	new Promise<string>((r) => {
		s.once('error', (e: NodeJS.ErrnoException) => r(e.code ?? e.message));
		s.once('end', () => r('end'));
		s.once('close', () => r('close'));
	});

/** A running `procnet watch`, its output lines gathered as they arrive. */
export class Watcher {
	readonly child: ChildProcess;
	readonly lines: string[] = [];
	stderr = '';
	readonly exited: Promise<number | null>;
	constructor(args: string[]) {
		this.child = spawn(process.execPath, [CLI, 'watch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
		let buf = '';
		this.child.stdout!.on('data', (d) => {
			buf += String(d);
			const parts = buf.split('\n');
			buf = parts.pop()!;
			this.lines.push(...parts);
		});
		this.child.stderr!.on('data', (d) => (this.stderr += String(d)));
		this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
	}
	/** The first line from `from` on that `test` accepts; fails after `ms`. */
	async line(test: (l: string) => boolean, what: string, from = 0, ms = 20000): Promise<string> {
		for (const end = Date.now() + ms; Date.now() < end; ) {
			const l = this.lines.slice(from).find(test);
			if (l !== undefined) return l;
			await new Promise((r) => setTimeout(r, 50));
		}
		throw new Error(`no line for ${what} in ${ms} ms; lines: ${JSON.stringify(this.lines)}; stderr: ${this.stderr}`);
	}
	async started(): Promise<void> {
		for (const end = Date.now() + 20000; !/watching/.test(this.stderr); ) {
			if (Date.now() > end || this.child.exitCode !== null) throw new Error(`the watch did not start: ${this.stderr}`);
			await new Promise((r) => setTimeout(r, 50));
		}
	}
	stop(): void {
		this.child.kill('SIGKILL');
	}
}

/** What this machine's getent says of an address: tests take the expected name from the system, never a guess. */
export function getentName(addr: string): string | null {
	const r = spawnSync('getent', ['hosts', addr], { encoding: 'utf8' });
	return r.status === 0 ? (r.stdout.trim().split(/\s+/)[1] ?? null) : null;
}

/** The processes whose parent is `ppid` (and whose comm is `comm`, when given: the ssh sessions and forwards a test or the extension started). */
export function childrenNamed(ppid: number, comm?: string): number[] {
	const out: number[] = [];
	for (const d of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
			const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (parent === ppid && (comm === undefined || stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === comm)) out.push(Number(d));
		} catch {
			// exited meanwhile
		}
	}
	return out;
}
