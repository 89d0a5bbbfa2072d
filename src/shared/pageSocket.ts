// A socket as the process page's table shows it: the texts of its cells, made on the extension
// host, and only what the page needs besides (its id to open it, kind and state for its icon).
// A whole SocketInfo is ~430 bytes of JSON with ~29 fields, most of which the table never shows;
// at 100k sockets the panel's first page of a 17k-socket process was ~7 MB, and copying,
// compressing and collecting those bytes made the extension host's longest blocks
// (bench/exthost.mjs). This row is about half of that (a loopback TCP socket: ~210 bytes
// against ~440), with a dozen values instead of ~30. It also means a refresh that only moves a
// field the table does not show (rto, cwnd, retransmits) sends the page nothing.
import { kindText, localText, remoteText } from '../model/describe';
import { sameValues } from '../model/diff';
import type { SocketInfo } from '../model/snapshot';
import type { SocketKind } from '../procfs/types';

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
 * Made once per socket object: the local source keeps unchanged sockets as the same objects
 * across refreshes, so their rows stay the same objects too. The table's sort keys and filter
 * texts are kept per row (pageWindow.ts), and an unchanged window is told apart without
 * comparing a field (detailPanel.ts).
 */
const made = new WeakMap<SocketInfo, PageSocket>();

/** The row of `s`. */
export function pageSocket(s: SocketInfo): PageSocket {
	let r = made.get(s);
	if (!r) {
		r = {
			id: s.id,
			kind: s.kind,
			state: s.state,
			kindText: kindText(s),
			local: localText(s),
			remote: remoteText(s),
			txQueue: s.txQueue ?? 0,
			rxQueue: s.rxQueue ?? 0,
			timer: s.timer && s.timer !== 'off' ? `${s.timer} ${(s.timerSeconds ?? 0).toFixed(1)}s` : '',
			inode: s.inode,
			fds: s.owners.map((o) => o.fd).join(','),
		};
		made.set(s, r);
	}
	return r;
}

/** Whether two rows of one socket read the same in every cell. */
export function samePageSocket(a: PageSocket, b: PageSocket): boolean {
	return sameValues(a, b);
}
