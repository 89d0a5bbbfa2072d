// Runs `ss` about a socket of this machine in the socket's own network namespace: Close Connection
// (`ss -K`) and the socket page's tcp_info (`ss -tie`) both need it. No shell: ss gets an argv
// the caller built from decoded numbers and addresses. A socket of another namespace is reached
// from inside it (`nsenter --net=/proc/PID/ns/net`, PID one of its owners).
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import type { SocketInfo } from '../model/snapshot';
import { eachLine } from './lineStream';

export interface SsOptions {
	/** Where /proc is (tests, --proc-root); the socket must be this machine's. */
	procRoot?: string;
	/** The ss and nsenter to run (PATH by default). */
	ss?: string;
	nsenter?: string;
	timeoutMs?: number;
	/** Most output taken when it is kept whole (8 MiB by default: a page's few sockets); a LineSink's has no limit. */
	maxBuffer?: number;
}

/** runSsFor's output a line at a time (stdout then is not kept): an answer about 100k sockets is ~90 MB. */
export type LineSink = (line: string) => void;

export interface SsRun {
	/** What ran: ss, or nsenter for another namespace's socket. */
	file: string;
	/** 0, a spawn error's code (ENOENT), a signal, or the exit status. */
	code: number | string | null;
	stdout: string;
	stderr: string;
}

function netnsOf(pid: number | 'self', root: string): string | undefined {
	try {
		return fs.readlinkSync(`${root}/${pid}/ns/net`);
	} catch {
		return undefined;
	}
}

/** Runs ss with `argv` where `s` lives; never throws. With `onLine`, stdout goes there a line at a time. */
export function runSsFor(s: SocketInfo, argv: string[], o: SsOptions, defaultTimeoutMs: number, onLine?: LineSink): Promise<SsRun> {
	const root = o.procRoot ?? '/proc';
	// Its namespace is entered through an owner when it is not ours.
	const owner = s.owners[0]?.pid;
	const theirs = owner !== undefined ? netnsOf(owner, root) : undefined;
	const ss = o.ss ?? 'ss';
	const [file, args] = theirs !== undefined && theirs !== netnsOf('self', root) ? [o.nsenter ?? 'nsenter', [`--net=${root}/${owner}/ns/net`, '--', ss, ...argv]] : [ss, argv];
	if (onLine) return streamed(file, args, o.timeoutMs ?? defaultTimeoutMs, onLine);
	return new Promise((resolve) => {
		execFile(file, args, { timeout: o.timeoutMs ?? defaultTimeoutMs, killSignal: 'SIGKILL', maxBuffer: o.maxBuffer ?? 8 << 20 }, (err, stdout, stderr) => {
			const code = err ? ((err as NodeJS.ErrnoException).code ?? (err as { signal?: string }).signal ?? 1) : 0;
			resolve({ file, code, stdout: String(stdout), stderr: String(stderr) });
		});
	});
}

/** runSsFor with stdout read as it comes: each line to `onLine`, none kept; stderr kept (short). */
function streamed(file: string, args: string[], timeoutMs: number, onLine: LineSink): Promise<SsRun> {
	return new Promise((resolve) => {
		const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let stderr = '';
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGKILL');
		}, timeoutMs);
		const flush = eachLine(child.stdout, onLine);
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (d: string) => (stderr = (stderr + d).slice(-65536)));
		let spawnError: NodeJS.ErrnoException | undefined;
		child.once('error', (e: NodeJS.ErrnoException) => (spawnError = e));
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			flush();
			// As execFile's error would say: the spawn error's code (ENOENT), the signal, or the exit status.
			const c = spawnError ? (spawnError.code ?? 1) : timedOut ? 'SIGKILL' : signal ?? code ?? 1;
			resolve({ file, code: c === 0 ? 0 : c, stdout: '', stderr });
		});
	});
}

/** Which package a missing program comes from, for the message. */
export function packageOf(file: string, o: SsOptions): string {
	return file === (o.ss ?? 'ss') ? 'iproute2' : 'util-linux';
}
