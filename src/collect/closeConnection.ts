// "Close Connection": TCPView's action, and `ss -K`'s. The kernel can abort one TCP socket of any
// process (SOCK_DESTROY over sock_diag netlink; CAP_NET_ADMIN and CONFIG_INET_DIAG_DESTROY), which
// resets the peer and fails the owner's next call with ECONNABORTED; /proc offers no way to ask
// for it, and Node has no netlink, so procnet runs `ss -K` with a filter that matches exactly this
// socket's four-tuple. No shell: ss gets its arguments as an argv, built from the decoded
// addresses and ports (never from text a process chose). Sockets of another network namespace
// are closed from inside it (`nsenter --net=/proc/PID/ns/net`, PID one of their owners).
//
// A four-tuple is unique in a namespace only while the connection lives, so the socket's inode is
// checked in its table right before (a reused tuple is another socket: nothing is closed) and
// right after (what ss said is not taken on trust: the socket must be gone).
import { isClosable } from '../model/select';
import type { SocketInfo } from '../model/snapshot';
import { findRawLine } from './rawLine';
import { packageOf, runSsFor, type SsOptions } from './ssInNamespace';

export type CloseReason = 'not-a-connection' | 'gone' | 'no-ss' | 'not-permitted' | 'not-closed' | 'error';
export type CloseResult = { ok: true } | { ok: false; reason: CloseReason; message: string };

const endpoint = (addr: string, port: number, v6: boolean) => (v6 ? `[${addr}]:${port}` : `${addr}:${port}`);

/**
 * A connection to close, as plain data (it crosses to a remote host's worker): its four-tuple in
 * ss's notation, its inode, and one owner's pid and fd (a remote session checks that this fd
 * still is that socket).
 */
export interface CloseTarget {
	family: 4 | 6;
	src: string;
	dst: string;
	inode: string;
	pid: number | null;
	fd: number | null;
}

/** What closing `s` takes (undefined when it is not a connection a process holds). */
export function closeTarget(s: SocketInfo): CloseTarget | undefined {
	if (!isClosable(s)) return undefined;
	const v6 = s.ipVersion === 6;
	const o = s.owners[0];
	return { family: v6 ? 6 : 4, src: endpoint(s.localAddress!, s.localPort!, v6), dst: endpoint(s.remoteAddress!, s.remotePort!, v6), inode: s.inode, pid: o?.pid ?? null, fd: o?.fd ?? null };
}

/** ss's arguments to abort exactly this connection (undefined when it is not one). */
export function ssCloseArgv(s: SocketInfo): string[] | undefined {
	const t = closeTarget(s);
	// -H -n: no header, no name lookups; -4/-6 -t: only this socket's table.
	return t && ['-K', '-H', '-n', `-${t.family}`, '-t', 'src', t.src, 'dst', t.dst];
}

/** Where /proc is, and the ss and nsenter to run (see ssInNamespace.ts). */
export type CloseOptions = SsOptions;

/** Aborts the TCP connection `s` of this machine; never throws. */
export async function closeConnection(s: SocketInfo, o: CloseOptions = {}): Promise<CloseResult> {
	const root = o.procRoot ?? '/proc';
	const argv = ssCloseArgv(s);
	const what = s.localAddress !== null ? `${endpoint(s.localAddress, s.localPort ?? 0, s.ipVersion === 6)} → ${endpoint(s.remoteAddress ?? '?', s.remotePort ?? 0, s.ipVersion === 6)}` : s.id;
	if (!argv) return { ok: false, reason: 'not-a-connection', message: `${s.kind} ${s.state ?? ''} ${what} is not a TCP connection held by a process, so there is nothing to close`.replace(/ +/g, ' ') };
	if ((await findRawLine(s, root)) === null) return { ok: false, reason: 'gone', message: `the connection ${what} is already closed` };
	const r = await runSsFor(s, argv, o, 5000);
	const file = r.file;
	if (r.code === 'ENOENT') return { ok: false, reason: 'no-ss', message: `closing a connection needs ${file} (${packageOf(file, o)}), which is not installed on this machine` };
	if (r.code !== 0) return { ok: false, reason: 'error', message: `${file} failed (${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 300) || 'no output'}` };
	if (/Operation not permitted|Permission denied/i.test(r.stderr)) return { ok: false, reason: 'not-permitted', message: `the kernel refused to close ${what}: closing another process's connection needs CAP_NET_ADMIN (run VS Code's server as root, or use sudo ss -K)` };
	if ((await findRawLine(s, root)) !== null) {
		return {
			ok: false,
			reason: 'not-closed',
			message: `ss -K did not close ${what}${r.stderr.trim() ? ` (${r.stderr.trim().slice(0, 200)})` : ''}: this kernel may be built without CONFIG_INET_DIAG_DESTROY`,
		};
	}
	return { ok: true };
}
