// The one message protocol between the extension host (src/views/detailPanel.ts) and the
// detail page (src/webview/main.ts). Both sides switch exhaustively on `type`, so adding a
// message without handling it fails to compile on both sides.
import type { PortName } from '../model/portNames';
import type { TcpInfoResult, TcpThroughput } from '../model/ssTcpInfo';
import type { ProcessTraffic } from '../model/traffic';
import type { ProcessInfo, SocketInfo } from '../model/snapshot';
import type { PageQuery, PageWindow } from './pageWindow';

/** What a panel shows; kept in the page's state so a reloaded window can restore it. */
/** `hostId`: the tree's host (absent = this machine), so a restored panel never shows another host's pid. */
export type PanelTarget = ({ kind: 'process'; pid: number; startTicks: number | null } | { kind: 'socket'; id: string }) & { hostId?: string };

export interface HistoryPoint {
	/** ms since the epoch */
	t: number;
	established: number;
	listening: number;
	other: number;
	/** The process's resident memory and CPU time at t (ProcessInfo's); the page's usage rows read the last points. */
	rssBytes: number | null;
	cpuSeconds: number;
}

export interface ProcessDetail {
	process: ProcessInfo;
	/** parent, grandparent, ... up to pid 1 (or as far as known). */
	ancestors: Array<{ pid: number; name: string }>;
	children: Array<{ pid: number; name: string }>;
	/**
	 * The table's window (pageWindow.ts): the rows `query` asks for, sorted and filtered on the
	 * extension host, not every socket of the process.
	 */
	table: PageWindow;
	/** The query the window answers (the page's last, or the default for a new page). */
	query: PageQuery;
	/** ids of the window's rows that are new since the previous refresh (highlighted) */
	added: string[];
	history: HistoryPoint[];
}

export interface SocketDetail {
	socket: SocketInfo;
	owners: Array<{ pid: number; fd: number; name: string }>;
	/** The socket's line in its /proc table, read when the panel was updated; null if not found. */
	rawLine: string | null;
	/** Whether the page offers Close Connection (a held TCP connection, not in a capture). */
	closable: boolean;
	/** Its port's label (remote.portsAttributes) or service name, if it has one. */
	portName?: PortName;
	/** ss's tcp_info for a TCP socket of this machine, asked when the panel was updated; absent for others. */
	tcp?: TcpInfoResult;
	/** Bytes per second between this answer of ss and the page's previous one about the same socket. */
	tcpThroughput?: TcpThroughput;
}

export type ToWebview =
	| { type: 'process'; target: PanelTarget; host: string; takenAt: string; detail: ProcessDetail }
	| { type: 'socket'; target: PanelTarget; host: string; takenAt: string; detail: SocketDetail }
	| { type: 'gone'; target: PanelTarget; message: string }
	/** The process page as last sent, at a new time: only the time, the chart and the memory and CPU rows changed. */
	| { type: 'processTick'; target: PanelTarget; takenAt: string; history: HistoryPoint[] }
	/**
	 * What the process's TCP connections moved, by ss, after each process page or tick of this
	 * machine (model/traffic.ts); `traffic` null with `note` saying why there is none.
	 */
	| { type: 'traffic'; target: PanelTarget; traffic: ProcessTraffic | null; note?: string }
	/**
	 * Names of peer addresses the page shows (the host's resolver: collect/peerNames.ts), after its
	 * rows: the page keeps them and writes each beside its address. Only addresses with a name.
	 */
	| { type: 'peerNames'; target: PanelTarget; names: Record<string, string> }
	/**
	 * One of `count` pieces of a 'process' message with many rows ("Show more" asked for them), as UTF-8
	 * JSON: piece 0 has `head` (the message with its list empty), every piece one slice of the
	 * list, in order (see packedMessage.ts for why).
	 */
	| { type: 'packed'; id: number; index: number; count: number; head?: Uint8Array; part: Uint8Array };

export type FromWebview =
	| { type: 'ready' }
	/** The sort, filter or number of rows the table wants (checked by the extension host: checkQuery). */
	| { type: 'query'; query: PageQuery }
	| { type: 'showProcess'; pid: number }
	| { type: 'showSocket'; id: string }
	| { type: 'copy'; text: string }
	/** Close Connection on the socket the page shows (the extension host asks the user first). */
	| { type: 'closeConnection'; id: string };

/** Exhaustiveness guard for switches over message unions. */
export function assertNever(x: never): never {
	throw new Error(`unhandled message ${JSON.stringify(x)}`);
}
