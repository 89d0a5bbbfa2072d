// Finds a socket's line in its /proc table on this machine, for the detail panel's "raw
// line" (the snapshot does not carry raw text: that would double what each refresh moves).
import * as fs from 'fs';
import type { SocketInfo } from '../model/snapshot';
import { splitWs } from '../procfs/lines';

function tableOf(s: SocketInfo): string | null {
	switch (s.kind) {
		case 'tcp':
		case 'udp':
		case 'udplite':
		case 'raw':
		case 'icmp':
			return s.ipVersion === 6 ? `${s.kind}6` : s.kind;
		case 'unix':
		case 'packet':
		case 'netlink':
			return s.kind;
		default:
			return null;
	}
}

/** Column of the inode in each table's rows. */
const INODE_COLUMN: Record<string, number> = { unix: 6, packet: 8, netlink: 9 };

export function findRawLine(s: SocketInfo, root = '/proc'): string | null {
	const table = tableOf(s);
	if (!table || s.inode === '0') return null;
	// Read through a holder of the socket so the table is the one of its namespace.
	const via = s.owners[0]?.pid ?? 'self';
	let text: string;
	try {
		text = fs.readFileSync(`${root}/${via}/net/${table}`, 'utf8');
	} catch {
		return null;
	}
	const col = INODE_COLUMN[table] ?? 9;
	// Cheap prefilter: only lines holding the inode text are split.
	let from = 0;
	for (;;) {
		const at = text.indexOf(s.inode, from);
		if (at < 0) return null;
		const start = text.lastIndexOf('\n', at) + 1;
		let end = text.indexOf('\n', at);
		if (end < 0) end = text.length;
		const line = text.slice(start, end);
		if (splitWs(line)[col] === s.inode) return line.trimEnd();
		from = end;
	}
}
