// A snapshot's sockets as CSV, one row per socket with its owners in one cell: the extension's
// Export and `procnet snapshot --csv` (tcpvcon's -c, lsof's -F for spreadsheets and scripts).
// Every text here may come from another host or user (a unix path, a process name), so each cell
// is quoted when it could split a row, and one that a spreadsheet would run as a formula is defused.
import type { Snapshot, SocketInfo } from './snapshot';

const CSV_COLUMNS = ['kind', 'ipVersion', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'state', 'txQueue', 'rxQueue', 'uid', 'inode', 'netns', 'path', 'unixType', 'ownerUnknown'] as const;

/**
 * RFC 4180 rows under a header; a cell starting with = + - @ or a tab or CR gets a leading '.
 * With `nameOf` (--resolve), a last column `remote_name`: the host's resolver's name of the
 * peer, empty when none.
 */
export function toCsv(snap: Snapshot, nameOf?: (s: SocketInfo) => string | null | undefined): string {
	return [...csvLines(snap, nameOf)].join('');
}

/** toCsv's text a line at a time, each with its newline (Export yields to the event loop between them). */
export function* csvLines(snap: Snapshot, nameOf?: (s: SocketInfo) => string | null | undefined): Generator<string> {
	const names = new Map(snap.processes.map((p) => [p.pid, p.name]));
	const cell = (v: unknown) => {
		const t = v === null || v === undefined ? '' : String(v);
		// Quote everything that could split a row, and defuse spreadsheet formulas.
		const safe = /^[=+\-@\t\r]/.test(t) ? `'${t}` : t;
		return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
	};
	yield [...CSV_COLUMNS, 'owners', ...(nameOf ? ['remote_name'] : [])].join(',') + '\n';
	for (const s of snap.sockets) {
		const cells = [...CSV_COLUMNS.map((c) => cell(s[c])), cell(s.owners.map((o) => `${names.get(o.pid) ?? '?'}/${o.pid}/fd${o.fd}`).join(' '))];
		if (nameOf) cells.push(cell(nameOf(s)));
		yield cells.join(',') + '\n';
	}
}
