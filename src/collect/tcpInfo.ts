// What the kernel knows of a TCP socket beyond /proc's table: its tcp_info (round-trip time,
// congestion window, bytes and segments each way, retransmits, rates) and, for a listener, its
// accept queue against its backlog. Only sock_diag netlink gives these, and Node has no netlink,
// so procnet asks `ss -tie` (iproute2), as Close Connection runs `ss -K` (ssInNamespace.ts): an
// argv of the decoded ports, and the socket picked from ss's answer by its inode, so another
// socket on the same ports is never taken for it.
import { parseSsTcpInfo, SsTcpInfoReader, ssInfoArgv, type TcpInfo, type TcpInfoResult } from '../model/ssTcpInfo';
import { byNetns, filterArgv, TOO_MANY_PORTS, TRAFFIC_FIELDS, trafficFilter, type TcpInfoManyResult, type TrafficFilter } from '../model/traffic';
import type { SocketInfo } from '../model/snapshot';
import { packageOf, runSsFor, type SsOptions, type SsRun } from './ssInNamespace';

/** Why a run of ss gave no answer to read (not installed, failed), or undefined when it did. */
function ssFailure(r: SsRun, o: SsOptions): { ok: false; reason: 'no-ss' | 'error'; message: string } | undefined {
	if (r.code === 'ENOENT') return { ok: false, reason: 'no-ss', message: `${r.file} is not installed on this machine (${packageOf(r.file, o)})` };
	if (r.code !== 0) return { ok: false, reason: 'error', message: `${r.file} failed (${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 300) || 'no output'}` };
	return undefined;
}

/** Asks ss about the TCP socket `s` of this machine; never throws. */
export async function readTcpInfo(s: SocketInfo, o: SsOptions = {}): Promise<TcpInfoResult> {
	const argv = ssInfoArgv(s);
	if (!argv) return { ok: false, reason: 'not-tcp', message: 'not a TCP socket with a port and an inode' };
	const r = await runSsFor(s, argv, o, 3000);
	const failed = ssFailure(r, o);
	if (failed) return failed;
	const info = parseSsTcpInfo(r.stdout).find((i) => i.inode === s.inode);
	return info ? { ok: true, info } : { ok: false, reason: 'gone', message: 'ss no longer lists this socket' };
}

/**
 * Asks ss once about many TCP connections of this machine, all in the first one's namespace: by
 * `filter`'s ports (trafficFilter: a process's), or every TCP socket there without one; never
 * throws. The answers are every socket matched: the caller picks its own by inode.
 */
export async function readTcpInfoOf(sockets: readonly SocketInfo[], filter: TrafficFilter | undefined, o: SsOptions = {}): Promise<TcpInfoManyResult> {
	if (!sockets.length) return { ok: true, infos: [] };
	// Read as it comes, only the byte counters kept: ss's answer about 100k connections is ~90 MB.
	const reader = new SsTcpInfoReader(TRAFFIC_FIELDS);
	const r = await runSsFor(sockets[0], filterArgv(filter), o, filter ? 5000 : 20_000, (l) => reader.line(l));
	return ssFailure(r, o) ?? { ok: true, infos: reader.infos };
}

/** A process's connections (readTcpInfoOf by their ports); 'too-many' when their ports are too many for a filter. */
export function readTcpInfoMany(sockets: readonly SocketInfo[], o: SsOptions = {}): Promise<TcpInfoManyResult> {
	if (!sockets.length) return Promise.resolve({ ok: true, infos: [] });
	const filter = trafficFilter(sockets);
	if (!filter) return Promise.resolve(TOO_MANY_PORTS);
	return readTcpInfoOf(sockets, filter, o);
}

/**
 * Asks about `sockets` once per network namespace they are in, with `ask` (this machine's ss, or
 * an ssh host's through its session): by their ports when `byPorts` and there are few enough, else
 * about every TCP socket of the namespace. The first failure is the answer.
 */
export async function readTcpInfoByNamespace(sockets: readonly SocketInfo[], byPorts: boolean, ask: (list: SocketInfo[], filter: TrafficFilter | undefined) => Promise<TcpInfoManyResult>): Promise<TcpInfoManyResult> {
	const infos: TcpInfo[] = [];
	for (const list of byNetns(sockets).values()) {
		const r = await ask(list, byPorts ? trafficFilter(list) : undefined);
		if (!r.ok) return r;
		// Not push(...r.infos): a spread of 100k arguments can overflow the stack.
		for (const i of r.infos) infos.push(i);
	}
	return { ok: true, infos };
}
