// A socket as the process page's table shows it: the texts of its cells, made on the extension
// host, and only what the page needs besides (its id to open it, kind and state for its icon).
// A whole SocketInfo is ~430 bytes of JSON with ~29 fields, most of which the table never shows;
// at 100k sockets the panel's first page of a 17k-socket process was ~7 MB, and copying,
// compressing and collecting those bytes made the extension host's longest blocks
// (bench/exthost.mjs). This row is about half of that (a loopback TCP socket: ~210 bytes
// against ~440), with a dozen values instead of ~30. It also means a refresh that only moves a
// field the table does not show (rto, cwnd, retransmits) sends the page nothing.
import { kindText, localText, remoteText, timerText } from '../model/describe';
import { sameValues } from '../model/diff';
import type { SocketInfo } from '../model/snapshot';
import type { SocketKind } from '../procfs/types';
import type { ColumnKey, RowReader } from './pageWindow';

export interface PageSocket {
	/** The socket's id in the snapshot: the page asks for it by this (showSocket). */
	id: string;
	kind: SocketKind;
	state: string;
	/** `tcp6`, `unix/stream`, ... (describe.ts) */
	kindText: string;
	local: string;
	remote: string;
	txQueue: number;
	rxQueue: number;
	/** `keepalive 7.2s`; empty when no timer runs. */
	timer: string;
	inode: string;
	/** The fds of every owner, `9,10`. */
	fds: string;
}

/**
 * Each cell read straight from a socket, as its row would show it: the window sorts and filters
 * the process's sockets through these and makes rows only for the ones it shows (pageWindow.ts).
 */
const SOCKET_CELLS: Record<ColumnKey, (s: SocketInfo) => string | number> = {
	kind: kindText,
	local: localText,
	remote: remoteText,
	state: (s) => s.state,
	tx: (s) => s.txQueue ?? 0,
	rx: (s) => s.rxQueue ?? 0,
	timer: timerText,
	inode: (s) => s.inode,
	fd: (s) => s.owners.map((o) => o.fd).join(','),
};

/**
 * Made once per socket object: the local source keeps unchanged sockets as the same objects
 * across refreshes, so their rows stay the same objects too, and an unchanged window is told
 * apart without comparing a field (detailPanel.ts). Only the rows a page shows are made.
 */
const made = new WeakMap<SocketInfo, PageSocket>();

/** The row of `s`. */
export function pageSocket(s: SocketInfo): PageSocket {
	let r = made.get(s);
	if (!r) {
		const c = SOCKET_CELLS;
		r = {
			id: s.id,
			kind: s.kind,
			state: s.state,
			kindText: c.kind(s) as string,
			local: c.local(s) as string,
			remote: c.remote(s) as string,
			txQueue: c.tx(s) as number,
			rxQueue: c.rx(s) as number,
			timer: c.timer(s) as string,
			inode: s.inode,
			fds: c.fd(s) as string,
		};
		made.set(s, r);
	}
	return r;
}

/** The window's reader of a snapshot's sockets: cells straight from the socket, a row only when shown. */
export const SOCKET_ROWS: RowReader<SocketInfo> = { cell: (s, key) => SOCKET_CELLS[key](s), row: pageSocket };

/** Whether two rows of one socket read the same in every cell. */
export function samePageSocket(a: PageSocket, b: PageSocket): boolean {
	return sameValues(a, b);
}
