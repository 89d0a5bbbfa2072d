// Short texts for sockets and processes, shared by the CLI table, the tree and the quick pick
// so that one socket reads the same everywhere.
import type { Container } from '../procfs/cgroup';
import { drain } from './drain';
import type { ProcessInfo, SocketInfo } from './snapshot';

export function hostPort(addr: string | null, port: number | null): string {
	if (addr === null) return '';
	const a = addr.includes(':') ? `[${addr}]` : addr;
	return port === null ? a : `${a}:${port}`;
}

/** Control characters (a newline in a unix path, an escape in a name) shown as visible escapes. */
export function visible(s: string): string {
	// eslint-disable-next-line no-control-regex
	return s.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

export function localText(s: SocketInfo): string {
	if (s.kind === 'unix') return s.path === null ? '(unnamed)' : visible(s.path);
	if (s.kind === 'packet') return `${s.protocolName ?? '0x' + (s.protocol ?? 0).toString(16)} if${s.ifindex ?? 0}`;
	if (s.kind === 'netlink') return `${s.protocolName ?? s.protocol} port ${s.portId}`;
	if (s.kind === 'raw') return `${hostPort(s.localAddress, null)} ${s.protocolName ?? ''}`.trim();
	return hostPort(s.localAddress, s.localPort);
}

export function remoteText(s: SocketInfo): string {
	if (s.remoteAddress === null) return '';
	const unset = (s.remoteAddress === '0.0.0.0' || s.remoteAddress === '::') && !s.remotePort;
	return unset ? '*' : hostPort(s.remoteAddress, s.remotePort);
}

/** A socket's running timer, `keepalive 7.2s`; empty when none runs. */
export function timerText(s: SocketInfo): string {
	return s.timer && s.timer !== 'off' ? `${s.timer} ${(s.timerSeconds ?? 0).toFixed(1)}s` : '';
}

export function kindText(s: SocketInfo): string {
	if (s.kind === 'unix') return `unix/${(s.unixType ?? '').toLowerCase()}`;
	return s.ipVersion === 6 ? `${s.kind}6` : s.kind;
}

/** `:3000 :9229 · 4 conn`: the listening ports, then how many other inet sockets. */
export function portSummary(sockets: readonly SocketInfo[]): string {
	return drain(portSummaryOf(sockets, Infinity));
}

/**
 * portSummary, yielding every `step` sockets: the tree makes it while indexing over turns, and
 * one process of the 100k bench holds 16.9k sockets (a 15-20 ms step when made at once).
 */
export function* portSummaryOf(sockets: readonly SocketInfo[], step: number): Generator<void, string> {
	const ports = new Set<string>();
	let conns = 0;
	let other = 0;
	for (let i = 0; i < sockets.length; i++) {
		const s = sockets[i];
		if (s.state === 'LISTEN' && s.localPort !== null) ports.add(`:${s.localPort}`);
		else if (s.kind === 'udp' && s.state === 'UNCONN' && s.localPort) ports.add(`udp:${s.localPort}`);
		else if (s.kind === 'tcp' || s.kind === 'udp' || s.kind === 'sctp') conns++;
		else other++;
		if ((i + 1) % step === 0) yield;
	}
	const parts: string[] = [];
	// In port order whatever the order of the list (the tree no longer sorts whole lists up front).
	const sorted = [...ports].sort((a, b) => Number(a.slice(a.indexOf(':') + 1)) - Number(b.slice(b.indexOf(':') + 1)) || (a < b ? -1 : a > b ? 1 : 0));
	if (ports.size) parts.push(sorted.slice(0, 6).join(' ') + (ports.size > 6 ? ` +${ports.size - 6}` : ''));
	if (conns) parts.push(`${conns} conn`);
	if (other) parts.push(`${other} other`);
	return parts.join(' · ');
}

/** The command line as one line, control characters made visible. */
export function commandLine(p: ProcessInfo): string {
	return visible(p.cmdline.join(' ')).trim();
}

/** `1.50 GiB`, `312 MiB`, `48.0 KiB`: binary units (as ps and top count), three figures. */
export function bytesText(n: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let v = n;
	let u = 0;
	while (v >= 1024 && u < units.length - 1) {
		v /= 1024;
		u++;
	}
	return u === 0 ? `${v} B` : `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[u]}`;
}

/** CPU time as ps's TIME column, but readable at a glance: `0.42 s`, `12.3 s`, `4m 05s`, `2h 03m`. */
export function cpuTimeText(seconds: number): string {
	if (seconds < 10) return `${seconds.toFixed(2)} s`;
	if (seconds < 60) return `${seconds.toFixed(1)} s`;
	const s = Math.floor(seconds);
	if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
	return `${Math.floor(s / 3600)}h ${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

/** A process's CPU time at a moment (ms since the epoch), as the panel's history keeps it. */
export interface CpuSample {
	t: number;
	cpuSeconds: number;
}

/**
 * CPU use between two samples of one process, as a share of one core (top's %CPU: 2.0 is two
 * cores busy); undefined unless the samples are at least half a second apart, since the kernel
 * counts CPU time in ticks of 10 ms and a shorter gap reads mostly rounding.
 */
export function cpuShare(before: CpuSample, after: CpuSample): number | undefined {
	const dt = (after.t - before.t) / 1000;
	if (!(dt >= 0.5)) return undefined;
	return Math.max(0, after.cpuSeconds - before.cpuSeconds) / dt;
}

/** `docker 3f2a9c1b7d0e` (a 64-digit id shortened as docker ps does), `lxc web1`. */
export function containerText(c: Container): string {
	return `${c.runtime} ${/^[0-9a-f]{64}$/.test(c.id) ? c.id.slice(0, 12) : visible(c.id)}`;
}
