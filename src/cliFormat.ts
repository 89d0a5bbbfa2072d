// Human-readable rendering of a snapshot for `procnet snapshot`: like `ss -tunapx`, but
// grouped by process, with sockets nobody could be named for listed apart with the reason; and of
// what changed between two, for `procnet watch`.
import { socketsOfDiff, type SnapshotDiff } from './model/diff';
import { bytesText, commandLine, containerText, cpuTimeText, kindText, localText, remoteText, timerText, visible } from './model/describe';
import { withRemoteName } from './model/peers';
import type { ProcessInfo, Snapshot, SocketInfo } from './model/snapshot';

function pad(s: string, n: number): string {
	return s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length);
}

/** --resolve: the name the host's resolver gave a socket's peer; null when it has none, undefined when not asked. */
export type SocketPeerName = (s: SocketInfo) => string | null | undefined;

function extras(s: SocketInfo, multiNs: boolean, nameOf?: SocketPeerName): string {
	const bits: string[] = [];
	const name = nameOf?.(s);
	if (name) bits.push(`peer ${name}`);
	if (s.txQueue) bits.push(`tx ${s.txQueue}`);
	if (s.rxQueue) bits.push(`rx ${s.rxQueue}`);
	const timer = timerText(s);
	if (timer) bits.push(`timer ${timer}`);
	if (s.drops) bits.push(`drops ${s.drops}`);
	if (multiNs) bits.push(s.netns);
	if (s.suspect) bits.push(`SUSPECT: ${s.suspect}`);
	return bits.join('  ');
}

/** The widths of the local and remote columns. */
interface EndWidths {
	local: number;
	remote: number;
}

/** The least the end columns take: an IPv4 address and port fit. */
const END_WIDTHS: EndWidths = { local: 28, remote: 28 };

/**
 * The end columns widened to the longest end of `sockets` (as `ss` and `lsof` size theirs), so
 * that an IPv6 address or a long netlink name does not push the rest of its line out of step.
 * At most 48, a full IPv6 address and port: a long unix path takes its own room on its line only.
 */
function endWidths(sockets: Iterable<SocketInfo>, from: EndWidths = END_WIDTHS): EndWidths {
	let { local, remote } = from;
	for (const s of sockets) {
		local = Math.max(local, Math.min(48, localText(s).length + 1));
		remote = Math.max(remote, Math.min(48, remoteText(s).length + 1));
	}
	return { local, remote };
}

/** A socket's kind, state, local and remote ends in the columns of both the table and `watch`'s lines. */
function socketColumns(s: SocketInfo, state: string, w: EndWidths = END_WIDTHS): string {
	return pad(kindText(s), 15) + pad(state, 13) + pad(localText(s), w.local) + pad(remoteText(s), w.remote);
}

function socketLine(s: SocketInfo, multiNs: boolean, fdNote: string, w: EndWidths, nameOf?: SocketPeerName): string {
	return ('  ' + socketColumns(s, s.state, w) + pad(fdNote, 10) + extras(s, multiNs, nameOf)).trimEnd();
}

/** Why `--pid` cannot be honoured: the pids given that `snap` has no process for; undefined when it has them all. */
export function missingPids(snap: Snapshot, pids: readonly number[]): string | undefined {
	const known = new Set(snap.processes.map((p) => p.pid));
	const missing = pids.filter((p) => !known.has(p));
	return missing.length ? `procnet: no process with pid ${missing.join(', ')} on ${snap.host.hostname} (it may have exited, or be hidden from this user by hidepid)\n` : undefined;
}

/**
 * `python3 (pid 13211, root, nginx.service)  45.5 MiB · CPU 3.30 s  /usr/bin/python3 app.py`: the
 * memory and CPU time ps's RSS and TIME columns give, without a second command. A rate needs two
 * reads (`procnet watch`, the panel); the total is what one read has.
 */
function processTitle(p: ProcessInfo): string {
	const cmd = commandLine(p);
	const short = cmd.length > 120 ? cmd.slice(0, 117) + '...' : cmd;
	const place = p.container ? containerText(p.container) : p.unit;
	const usage = `${p.rssBytes !== null ? bytesText(p.rssBytes) + ' · ' : ''}CPU ${cpuTimeText(p.cpuSeconds)}`;
	return `${p.name} (pid ${p.pid}, ${p.user ?? 'uid ' + (p.uid ?? '?')}${place ? ', ' + visible(place) : ''})  ${usage}${short ? '  ' + short : ''}`;
}

export function formatSnapshot(snap: Snapshot, nameOf?: SocketPeerName): string {
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
	const widths = endWidths(snap.sockets);
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
			out.push(socketLine(s, multiNs, note, widths, nameOf));
		}
	}
	if (unowned.length) {
		out.push('');
		const counts = new Map<string, number>();
		for (const s of unowned) counts.set(s.ownerUnknown ?? '?', (counts.get(s.ownerUnknown ?? '?') ?? 0) + 1);
		out.push(`Sockets without a known owner (${[...counts].map(([k, v]) => `${k}: ${v}`).join(', ')})`);
		for (const s of unowned) out.push(socketLine(s, multiNs, `uid ${s.uid ?? '?'}`, widths, nameOf) + `  [${s.ownerUnknown}]`);
	}
	if (snap.warnings.length) {
		out.push('');
		out.push(`${snap.warnings.length} warning(s); the first: ${snap.warnings[0].message}${snap.warnings[0].table ? ` (${snap.warnings[0].table} line ${snap.warnings[0].line})` : ''}`);
	}
	return out.join('\n') + '\n';
}

/** `name (pid N)` for each owner of `s`, by the processes of the snapshot it is from; else why none is known. */
function ownersText(s: SocketInfo, names: Map<number, string>): string {
	if (!s.owners.length) return `[${s.ownerUnknown ?? 'no owner'}]`;
	const pids = [...new Set(s.owners.map((o) => o.pid))];
	return pids.map((pid) => `${names.get(pid) ?? '?'} (pid ${pid})`).join(', ');
}

const namesOf = (snap: Snapshot) => new Map(snap.processes.map((p) => [p.pid, visible(p.name)]));

/**
 * The end columns of `procnet watch`'s lines, for the whole watch: they widen when a read brings a
 * longer end and never narrow, so the lines after it line up (its lines come one read at a time;
 * the table sizes its columns once).
 */
export class WatchColumns {
	widths: EndWidths = END_WIDTHS;
}

/** What changed, one line per socket (`procnet watch`): `- ` closed, `~ ` changed, `+ ` new; or one JSON object per line. */
export function formatChanges(d: SnapshotDiff, before: Snapshot, after: Snapshot, json: boolean, nameOf?: SocketPeerName, columns = new WatchColumns()): string {
	if (!d.closedSockets.length && !d.changedSockets.length && !d.newSockets.length) return '';
	const at = after.takenAt;
	if (json) {
		// --resolve: remoteName as in `snapshot --resolve --json` (null: no name; none without a peer).
		const socket = (s: SocketInfo) => (nameOf ? withRemoteName(s, nameOf(s)) : s);
		const lines: string[] = [];
		for (const s of d.closedSockets) lines.push(JSON.stringify({ at, event: 'closed', socket: socket(s) }));
		for (const c of d.changedSockets) {
			const was: Record<string, unknown> = {};
			for (const f of c.fields) was[f] = c.before[f];
			// A connection whose inode came or went (diff.ts joinContinued): its id before.
			if (c.before.id !== c.after.id) was.id = c.before.id;
			lines.push(JSON.stringify({ at, event: 'changed', fields: c.fields, before: was, socket: socket(c.after) }));
		}
		for (const s of d.newSockets) lines.push(JSON.stringify({ at, event: 'new', socket: socket(s) }));
		return lines.join('\n') + '\n';
	}
	// The reader's local clock time of the read, as `date` prints it.
	const time = new Date(at).toTimeString().slice(0, 8);
	const w = (columns.widths = endWidths(socketsOfDiff(d), columns.widths));
	const was = namesOf(before);
	const now = namesOf(after);
	const line = (mark: string, s: SocketInfo, state: string, names: Map<number, string>, more = '') => {
		const name = nameOf?.(s);
		const tail = [name ? `peer ${name}` : '', more].filter(Boolean).join('  ');
		return (`${time} ${mark} ` + socketColumns(s, state, w) + ownersText(s, names) + (tail ? '  ' + tail : '')).trimEnd();
	};
	const out: string[] = [];
	for (const s of d.closedSockets) out.push(line('-', s, s.state, was));
	for (const c of d.changedSockets) {
		const bits = c.fields.filter((f) => f !== 'state' && f !== 'owners').map((f) => `${f === 'txQueue' ? 'tx' : 'rx'} ${c.before[f]}→${c.after[f]}`);
		if (c.fields.includes('owners')) bits.push(`was ${ownersText(c.before, was)}`);
		const state = c.fields.includes('state') ? `${c.before.state}→${c.after.state}` : c.after.state;
		out.push(line('~', c.after, state, now, bits.join('  ')));
	}
	for (const s of d.newSockets) out.push(line('+', s, s.state, now));
	return out.join('\n') + '\n';
}
