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
 * across refreshes, so their rows stay the same objects too, which processDelta tells apart
 * without comparing a field.
 */
const made = new WeakMap<SocketInfo, PageSocket>();

/**
 * The row of `s`. Given the rows the page shows now (`shown`, by id), a new socket object that
 * reads the same in every cell keeps its shown row: a full transfer (a new scan worker) makes
 * every socket a new object, and without this the panel compared all 17k rows of a process in
 * one 60-70 ms block (processDelta) to post a page that had not changed (bench/exthost.mjs
 * --full-at). This comparison runs where the rows are made, in the panel's turns.
 */
export function pageSocket(s: SocketInfo, shown?: Pick<ReadonlyMap<string, PageSocket>, 'get'>): PageSocket {
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
		const before = shown?.get(r.id);
		if (before && samePageSocket(before, r)) r = before;
		made.set(s, r);
	}
	return r;
}

/** Whether two rows of one socket read the same in every cell. */
export function samePageSocket(a: PageSocket, b: PageSocket): boolean {
	return sameValues(a, b);
}

/**
 * The rows a page shows, by id, for pageSocket: made on the first lookup. pageSocket looks up only
 * a socket object it has made no row for, so a refresh whose sockets are all objects it has seen
 * (a steady refresh keeps unchanged ones) never makes this map (17k entries for the bench's big
 * process).
 */
export function shownById(rows: readonly PageSocket[]): Pick<ReadonlyMap<string, PageSocket>, 'get'> {
	let byId: Map<string, PageSocket> | undefined;
	return {
		get: (id) => {
			if (!byId) {
				byId = new Map();
				for (const r of rows) byId.set(r.id, r);
			}
			return byId.get(id);
		},
	};
}
