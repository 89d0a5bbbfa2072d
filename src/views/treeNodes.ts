// The nodes of the "Processes & Sockets" tree. Ids are stable across refreshes (process: pid +
// start time; socket: namespace + inode), so expansion and selection survive a refresh and
// `reveal` can find a process again.
import type { ProcessInfo, SocketInfo } from '../model/snapshot';

/** How a row changed since the previous refresh (TCPView's green / yellow / red). */
export type Mark = 'new' | 'changed' | 'closed' | undefined;

export interface HostNode {
	type: 'host';
	id: string;
}

export interface ProcessNode {
	type: 'process';
	id: string;
	process: ProcessInfo;
	sockets: SocketInfo[];
	mark: Mark;
	parent: HostNode | GroupNode;
}

export interface SocketNode {
	type: 'socket';
	id: string;
	socket: SocketInfo;
	parent: ProcessNode | GroupNode;
	/** The fd of the parent process holding it. */
	fd?: number;
	mark: Mark;
}

/** A grouping row: a port, a namespace, "without a known owner" and its reasons, or "N more". */
export interface GroupNode {
	type: 'group';
	id: string;
	label: string;
	description?: string;
	tooltip?: string;
	icon: string;
	contextValue: string;
	parent: HostNode | GroupNode;
	children: () => TreeNode[];
}

export interface MessageNode {
	type: 'message';
	id: string;
	text: string;
	icon: string;
}

export type TreeNode = HostNode | ProcessNode | SocketNode | GroupNode | MessageNode;
