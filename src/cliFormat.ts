// Human-readable rendering of a snapshot for `procnet snapshot`: like `ss -tunapx`, but
// grouped by process, with sockets nobody could be named for listed apart with the reason.
import { commandLine, kindText, localText, remoteText, timerText } from './model/describe';
import type { ProcessInfo, Snapshot, SocketInfo } from './model/snapshot';

function pad(s: string, n: number): string {
	return s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length);
}

function extras(s: SocketInfo, multiNs: boolean): string {
	const bits: string[] = [];
	if (s.txQueue) bits.push(`tx ${s.txQueue}`);
	if (s.rxQueue) bits.push(`rx ${s.rxQueue}`);
	const timer = timerText(s);
	if (timer) bits.push(`timer ${timer}`);
	if (s.drops) bits.push(`drops ${s.drops}`);
	if (multiNs) bits.push(s.netns);
	if (s.suspect) bits.push(`SUSPECT: ${s.suspect}`);
	return bits.join('  ');
}

function socketLine(s: SocketInfo, multiNs: boolean, fdNote: string): string {
	return ('  ' + pad(kindText(s), 15) + pad(s.state, 13) + pad(localText(s), 28) + pad(remoteText(s), 28) + pad(fdNote, 10) + extras(s, multiNs)).trimEnd();
}

function processTitle(p: ProcessInfo): string {
	const cmd = commandLine(p);
	const short = cmd.length > 120 ? cmd.slice(0, 117) + '...' : cmd;
	return `${p.name} (pid ${p.pid}, ${p.user ?? 'uid ' + (p.uid ?? '?')})${short ? '  ' + short : ''}`;
}

export function formatSnapshot(snap: Snapshot): string {
	const out: string[] = [];
	const multiNs = new Set(snap.sockets.map((s) => s.netns)).size > 1;
	const byPid = new Map<number, Array<{ s: SocketInfo; fd: number }>>();
	const unowned: SocketInfo[] = [];
	for (const s of snap.sockets) {
		if (s.owners.length === 0) {
			unowned.push(s);
			continue;
		}
		for (const o of s.owners) {
			const l = byPid.get(o.pid);
			if (l) l.push({ s, fd: o.fd });
			else byPid.set(o.pid, [{ s, fd: o.fd }]);
		}
	}
	out.push(`host ${snap.host.hostname} (Linux ${snap.host.kernel}) · ${snap.source.label} · ${snap.takenAt} · ${snap.sockets.length} sockets, ${byPid.size} processes with sockets`);
	const procs = snap.processes.filter((p) => byPid.has(p.pid));
	// Listeners first, as a person scanning for "who serves this port" expects.
	const listens = (p: ProcessInfo) => byPid.get(p.pid)!.some((x) => x.s.state === 'LISTEN');
	procs.sort((a, b) => Number(listens(b)) - Number(listens(a)) || a.pid - b.pid);
	for (const p of procs) {
		out.push('');
		out.push(processTitle(p));
		for (const { s, fd } of byPid.get(p.pid)!) {
			const shared = s.owners.filter((o) => o.pid !== p.pid).map((o) => o.pid);
			const note = `fd ${fd}` + (shared.length ? ` (also pid ${[...new Set(shared)].join(',')})` : '');
			out.push(socketLine(s, multiNs, note));
		}
	}
	if (unowned.length) {
		out.push('');
		const counts = new Map<string, number>();
		for (const s of unowned) counts.set(s.ownerUnknown ?? '?', (counts.get(s.ownerUnknown ?? '?') ?? 0) + 1);
		out.push(`Sockets without a known owner (${[...counts].map(([k, v]) => `${k}: ${v}`).join(', ')})`);
		for (const s of unowned) out.push(socketLine(s, multiNs, `uid ${s.uid ?? '?'}`) + `  [${s.ownerUnknown}]`);
	}
	if (snap.warnings.length) {
		out.push('');
		out.push(`${snap.warnings.length} warning(s); the first: ${snap.warnings[0].message}${snap.warnings[0].table ? ` (${snap.warnings[0].table} line ${snap.warnings[0].line})` : ''}`);
	}
	return out.join('\n') + '\n';
}
