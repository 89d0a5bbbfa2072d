// Signalling a process safely: pids are reused, so right before a signal the process's start
// time is read again and compared with the one the user saw. No shell is involved.
import * as fs from 'fs';
import { parseStat } from '../procfs/process';

export type SignalResult =
	| { ok: true }
	| { ok: false; reason: 'gone' | 'reused' | 'permission' | 'error'; message: string };

/** The start time (clock ticks after boot) of `pid` now, or null if it does not exist. */
export function currentStartTicks(pid: number, root = '/proc'): number | null {
	try {
		return parseStat(fs.readFileSync(`${root}/${pid}/stat`, 'utf8'))?.startTicks ?? null;
	} catch {
		return null;
	}
}

export function isAlive(pid: number, startTicks: number | null, root = '/proc'): boolean {
	const now = currentStartTicks(pid, root);
	return now !== null && (startTicks === null || now === startTicks);
}

/**
 * Sends `signal` to `pid` only if it is still the process that started at `startTicks`.
 * The check and the kill are two steps (Linux has no "kill if start time" call short of
 * pidfd, which Node does not expose); the window between them is microseconds, not the
 * seconds a confirmation dialog takes.
 */
export function signalProcess(pid: number, startTicks: number | null, signal: 'SIGTERM' | 'SIGKILL', root = '/proc'): SignalResult {
	if (!Number.isInteger(pid) || pid <= 1) return { ok: false, reason: 'error', message: `refusing to signal pid ${pid}` };
	const now = currentStartTicks(pid, root);
	if (now === null) return { ok: false, reason: 'gone', message: `process ${pid} has already exited` };
	if (startTicks !== null && now !== startTicks) return { ok: false, reason: 'reused', message: `pid ${pid} now belongs to another process (it started at a different time); nothing was sent` };
	try {
		process.kill(pid, signal);
		return { ok: true };
	} catch (e) {
		const code = (e as { code?: string }).code;
		if (code === 'ESRCH') return { ok: false, reason: 'gone', message: `process ${pid} has already exited` };
		if (code === 'EPERM') return { ok: false, reason: 'permission', message: `not permitted to signal process ${pid} (it belongs to another user; try as root)` };
		return { ok: false, reason: 'error', message: `${signal} to ${pid} failed: ${(e as Error).message}` };
	}
}
