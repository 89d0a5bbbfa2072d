// Finds a socket's line in its /proc table on this machine, for the detail panel's "raw
// line" (the snapshot does not carry raw text: that would double what each refresh moves).
// The table is read in parts, asynchronously: at 100k sockets /proc/net/tcp is 10 MB, and
// reading it whole with readFileSync held the extension host's thread for 120-220 ms each time
// a socket page was shown or refreshed. Here the kernel's work runs on libuv's threads and this
// thread only searches each part for the inode's text.
import * as fs from 'fs';
import { StringDecoder } from 'string_decoder';
import type { SocketInfo } from '../model/snapshot';
import { splitWs } from '../procfs/lines';

/** Bytes read at a time. */
export const RAW_PART = 256 * 1024;

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

/** The first line in text[0, end) whose column `col` is `inode`. A cheap prefilter: only lines holding the inode's text are split. */
function lineWithInode(text: string, end: number, inode: string, col: number): string | null {
	for (let from = 0; ; ) {
		const at = text.indexOf(inode, from);
		if (at < 0 || at >= end) return null;
		const start = text.lastIndexOf('\n', at) + 1;
		let stop = text.indexOf('\n', at);
		if (stop < 0) stop = text.length;
		const line = text.slice(start, stop);
		if (splitWs(line)[col] === inode) return line.trimEnd();
		from = stop;
	}
}

/**
 * The socket's line as its table shows it now, or null (no inode, a table procnet does not
 * re-read, the socket gone, the table unreadable). Never throws.
 */
export async function findRawLine(s: SocketInfo, root = '/proc', part = RAW_PART): Promise<string | null> {
	const table = tableOf(s);
	if (!table || s.inode === '0') return null;
	// Read through a holder of the socket so the table is the one of its namespace.
	const via = s.owners[0]?.pid ?? 'self';
	let handle: fs.promises.FileHandle;
	try {
		handle = await fs.promises.open(`${root}/${via}/net/${table}`, 'r');
	} catch {
		return null;
	}
	const col = INODE_COLUMN[table] ?? 9;
	const buf = Buffer.allocUnsafe(part);
	const decoder = new StringDecoder('utf8');
	let carry = '';
	try {
		for (;;) {
			const { bytesRead } = await handle.read(buf, 0, part, null);
			const text = carry + (bytesRead ? decoder.write(buf.subarray(0, bytesRead)) : decoder.end());
			// Only whole lines are searched; the last, unfinished one waits for the next part.
			const whole = bytesRead ? text.lastIndexOf('\n') + 1 : text.length;
			const line = lineWithInode(text, whole, s.inode, col);
			if (line !== null || !bytesRead) return line;
			carry = text.slice(whole);
		}
	} catch {
		return null;
	} finally {
		await handle.close().catch(() => undefined);
	}
}
