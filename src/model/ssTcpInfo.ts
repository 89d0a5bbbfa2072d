// ss's answer about a TCP socket (`ss -tie`), read: what src/collect/tcpInfo.ts asks for and the
// panel's socket page shows. Pure text in, facts out, so the page can share the types.
import { bytesText } from './describe';
import type { SocketInfo } from './snapshot';

export interface TcpInfo {
	/** ss's name of the state: ESTAB, LISTEN, TIME-WAIT, ... */
	state: string;
	/** Recv-Q and Send-Q as ss gives them: bytes, or for a listener its accept queue and its backlog. */
	recvQ: number;
	sendQ: number;
	inode: string;
	/** The `key:value` items of the info line, as printed (`rtt` → `0.023/0.011`). */
	fields: Record<string, string>;
	/** `send`, `pacing_rate`, `delivery_rate`: the items ss prints as `key value`. */
	rates: Record<string, string>;
	/** Bare words: options (`ts`, `sack`, `ecn`), `app_limited`, the congestion control (`cubic`, `bbr`). */
	flags: string[];
	/** The lines ss printed for the socket. */
	raw: string;
}

const RATE_KEYS = new Set(['send', 'pacing_rate', 'delivery_rate']);

/**
 * Parses `ss -t -i -e -H -n` output: per socket a line `STATE RECV-Q SEND-Q LOCAL PEER ext...`
 * (the state is left out when the filter named one state) and, indented, its info line. Lines
 * that do not read are skipped. One TcpInfo per socket. With `only`, a lean read for many sockets at once
 * (traffic: every connection of a host): only those `key:value` fields, no rates, flags or raw
 * text. At 100k connections ss prints ~90 MB, and the full read held ~1.1 GB at its peak in the
 * CLI's traffic (every field, and each socket's lines kept as its raw text).
 */
export function parseSsTcpInfo(text: string, only?: ReadonlySet<string>): TcpInfo[] {
	const r = new SsTcpInfoReader(only);
	for (const line of text.split('\n')) r.line(line);
	return r.infos;
}

/** parseSsTcpInfo a line at a time, for an answer read as it comes (readTcpInfoOf: never held whole). */
export class SsTcpInfoReader {
	readonly infos: TcpInfo[] = [];
	private cur: TcpInfo | undefined;

	constructor(private readonly only?: ReadonlySet<string>) {}

	line(line: string): void {
		if (line.trim() === '') return;
		const only = this.only;
		const cur = this.cur;
		if (/^\s/.test(line)) {
			if (!cur) return;
			if (!only) cur.raw += `\n${line}`;
			const t = line.trim().split(/\s+/);
			for (let i = 0; i < t.length; i++) {
				const w = t[i];
				if (RATE_KEYS.has(w) && i + 1 < t.length) {
					const v = t[++i];
					if (!only) cur.rates[w] = v;
				} else if (w.includes(':')) {
					const c = w.indexOf(':');
					const key = w.slice(0, c);
					if (only && !only.has(key)) continue;
					// ss's own key names only ever; a line forged into its output (a cgroup path with a
					// newline, printed by -e) must not reach an object's prototype.
					if (key !== '__proto__' && key !== 'constructor' && key !== 'prototype') cur.fields[key] = w.slice(c + 1);
				} else if (!only) cur.flags.push(w);
			}
			return;
		}
		const t = line.trim().split(/\s+/);
		const hasState = !/^\d+$/.test(t[0]);
		const [state, q1, q2] = hasState ? t : ['', ...t];
		const ino = t.find((w) => w.startsWith('ino:'));
		if (!/^\d+$/.test(q1 ?? '') || !/^\d+$/.test(q2 ?? '') || !ino) {
			this.cur = undefined;
			return;
		}
		this.cur = { state, recvQ: Number(q1), sendQ: Number(q2), inode: ino.slice(4), fields: {}, rates: {}, flags: [], raw: only ? '' : line };
		this.infos.push(this.cur);
	}
}

/** ss's arguments for the TCP sockets on `s`'s ports (its own among them), or undefined when `s` is not a TCP socket with a port. */
export function ssInfoArgv(s: SocketInfo): string[] | undefined {
	if (s.kind !== 'tcp' || s.localPort === null || s.inode === '0') return undefined;
	// The remote port always, 0 included (a listener's, an unconnected socket's): asked by its
	// local port alone, ss also answered about every connection accepted on it, 16.9k of them for
	// the bench's busiest server, and parsing that held the extension host ~90 ms at each refresh
	// of the socket's page.
	return ['-t', '-i', '-e', '-H', '-n', `-${s.ipVersion === 6 ? 6 : 4}`, 'state', 'all', 'sport', '=', `:${s.localPort}`, 'dport', '=', `:${s.remotePort ?? 0}`];
}

/**
 * What asking about a socket on another host takes (it crosses to that host's worker as plain
 * data): its family and ports for ss's filter, its inode to pick it from ss's answer, and one
 * owner's pid and fd, which the remote checks still hold that socket, and whose namespace it enters.
 */
export interface TcpInfoTarget {
	family: 4 | 6;
	sport: number;
	/** 0 for a listener. */
	dport: number;
	inode: string;
	pid: number | null;
	fd: number | null;
}

export function tcpInfoTarget(s: SocketInfo): TcpInfoTarget | undefined {
	if (!ssInfoArgv(s)) return undefined;
	const o = s.owners[0];
	return { family: s.ipVersion === 6 ? 6 : 4, sport: s.localPort!, dport: s.remotePort ?? 0, inode: s.inode, pid: o?.pid ?? null, fd: o?.fd ?? null };
}

export type TcpInfoResult = { ok: true; info: TcpInfo } | { ok: false; reason: 'not-tcp' | 'no-ss' | 'gone' | 'error'; message: string };

/** `113975652174bps` → `114 Gbit/s`; anything else as it came. */
export function rateText(v: string): string {
	const m = /^(\d+(?:\.\d+)?)bps$/.exec(v);
	if (!m) return v;
	let n = Number(m[1]);
	const units = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
	let u = 0;
	while (n >= 1000 && u < units.length - 1) {
		n /= 1000;
		u++;
	}
	return `${n >= 100 || u === 0 ? n.toFixed(0) : n.toFixed(1)} ${units[u]}`;
}

/** One of ss's answers about a socket, and when it came (ms since the epoch). */
export interface TcpSample {
	t: number;
	info: TcpInfo;
}

/** What a connection moved between two answers: bytes per second, acknowledged by the peer and received. */
export interface TcpThroughput {
	seconds: number;
	acked: number;
	received: number;
}

/**
 * The throughput of one socket between two samples of it (TCPView's sent and received bytes per
 * interval); undefined for another socket, samples under half a second apart, or counters that
 * went back (they only grow while the socket lives).
 */
export function tcpThroughput(before: TcpSample, after: TcpSample): TcpThroughput | undefined {
	if (before.info.inode !== after.info.inode) return undefined;
	const seconds = (after.t - before.t) / 1000;
	if (!(seconds >= 0.5)) return undefined;
	const n = (i: TcpInfo, k: string) => Number(i.fields[k] ?? 0);
	const acked = n(after.info, 'bytes_acked') - n(before.info, 'bytes_acked');
	const received = n(after.info, 'bytes_received') - n(before.info, 'bytes_received');
	if (!(acked >= 0 && received >= 0)) return undefined;
	return { seconds, acked: acked / seconds, received: received / seconds };
}

/** The socket page's rows for `i`: what a person asks of a connection first, in words; ss's own line follows them on the page. */
export function tcpInfoRows(i: TcpInfo, throughput?: TcpThroughput): Array<[string, string]> {
	const f = i.fields;
	const rows: Array<[string, string]> = [];
	const n = (k: string) => f[k] ?? '0';
	if (i.state === 'LISTEN') rows.push(['Accept queue', `${i.recvQ} waiting to be accepted, backlog ${i.sendQ}`]);
	else rows.push(['Queues', `${i.recvQ} bytes not read by the owner · ${i.sendQ} bytes not acknowledged by the peer`]);
	if (f.rtt) {
		const [avg, dev] = f.rtt.split('/');
		rows.push(['Round trip', `${avg} ms${dev ? ` (deviation ${dev} ms)` : ''}${f.minrtt ? `, lowest ${f.minrtt} ms` : ''}`]);
	}
	if (throughput && i.state !== 'LISTEN') {
		const rate = (b: number) => `${bytesText(Math.round(b))}/s`;
		rows.push(['Throughput', `${rate(throughput.acked)} sent and acknowledged · ${rate(throughput.received)} received, over the last ${throughput.seconds.toFixed(1)} s`]);
	}
	if (f.cwnd) rows.push(['Congestion window', `${f.cwnd} segments${f.mss ? ` of ${f.mss} bytes` : ''}${f.ssthresh ? `, slow-start threshold ${f.ssthresh}` : ''}`]);
	if (i.state !== 'LISTEN') {
		rows.push(['Sent', `${n('bytes_sent')} bytes in ${n('data_segs_out')} data segments, ${n('bytes_acked')} acknowledged`]);
		rows.push(['Received', `${n('bytes_received')} bytes in ${n('data_segs_in')} data segments`]);
		// retrans:CURRENT/TOTAL: segments retransmitted and not yet acknowledged, and in all.
		const [now, total] = (f.retrans ?? '0/0').split('/');
		rows.push(['Retransmitted', `${total ?? now} segments${f.bytes_retrans ? ` (${f.bytes_retrans} bytes)` : ''}, ${now} of them not yet acknowledged${f.lost ? `; ${f.lost} lost` : ''}`]);
		if (f.lastsnd || f.lastrcv || f.lastack) rows.push(['Last sent, received, acknowledged', `${f.lastsnd ?? '?'}, ${f.lastrcv ?? '?'}, ${f.lastack ?? '?'} ms ago`]);
	}
	const rates = (['send', 'pacing_rate', 'delivery_rate'] as const).filter((k) => i.rates[k]).map((k) => `${k.replace('_rate', '')} ${rateText(i.rates[k])}`);
	if (rates.length) rows.push(['Rates', rates.join(' · ')]);
	if (i.flags.length) rows.push(['Options', i.flags.join(' ')]);
	return rows;
}
