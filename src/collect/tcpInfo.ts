// What the kernel knows of a TCP socket beyond /proc's table: its tcp_info (round-trip time,
// congestion window, bytes and segments each way, retransmits, rates) and, for a listener, its
// accept queue against its backlog. Only sock_diag netlink gives these, and Node has no netlink,
// so procnet asks `ss -tie` (iproute2), as Close Connection runs `ss -K`: no shell, an argv built
// from the decoded ports, and the socket picked from ss's answer by its inode, so another socket
// on the same ports is never taken for it. A socket of another network namespace is asked about
// from inside it (nsenter through one of its owners).
import { execFile } from 'child_process';
import * as fs from 'fs';
import { parseSsTcpInfo, ssInfoArgv, type TcpInfoResult } from '../model/ssTcpInfo';
import type { SocketInfo } from '../model/snapshot';

export interface TcpInfoOptions {
	procRoot?: string;
	ss?: string;
	nsenter?: string;
	timeoutMs?: number;
}

/** Asks ss about the TCP socket `s` of this machine; never throws. */
export async function readTcpInfo(s: SocketInfo, o: TcpInfoOptions = {}): Promise<TcpInfoResult> {
	const argv = ssInfoArgv(s);
	if (!argv) return { ok: false, reason: 'not-tcp', message: 'not a TCP socket with a port and an inode' };
	const root = o.procRoot ?? '/proc';
	const ns = (pid: number | 'self') => {
		try {
			return fs.readlinkSync(`${root}/${pid}/ns/net`);
		} catch {
			return undefined;
		}
	};
	const owner = s.owners[0]?.pid;
	const theirs = owner !== undefined ? ns(owner) : undefined;
	const ss = o.ss ?? 'ss';
	const [file, args] = theirs !== undefined && theirs !== ns('self') ? [o.nsenter ?? 'nsenter', [`--net=${root}/${owner}/ns/net`, '--', ss, ...argv]] : [ss, argv];
	const r = await new Promise<{ code: number | string; stdout: string; stderr: string }>((resolve) => {
		execFile(file, args, { timeout: o.timeoutMs ?? 3000, killSignal: 'SIGKILL', maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
			resolve({ code: err ? ((err as NodeJS.ErrnoException).code ?? (err as { signal?: string }).signal ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
		});
	});
	if (r.code === 'ENOENT') return { ok: false, reason: 'no-ss', message: `${file} is not installed on this machine (${file === ss ? 'iproute2' : 'util-linux'})` };
	if (r.code !== 0) return { ok: false, reason: 'error', message: `${file} failed (${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 300) || 'no output'}` };
	const info = parseSsTcpInfo(r.stdout).find((i) => i.inode === s.inode);
	return info ? { ok: true, info } : { ok: false, reason: 'gone', message: 'ss no longer lists this socket' };
}
