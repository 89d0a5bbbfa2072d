// The nodes of the "Processes & Sockets" tree. Nodes are plain objects keyed by stable ids
// (process: pid + start time; socket: namespace + inode), so expansion and selection survive
// refreshes and `reveal` can find a process again.
import type { ProcessInfo, SocketInfo } from '../model/snapshot';

export interface HostNode {
	type: 'host';
	id: string;
}

export interface ProcessNode {
	type: 'process';
	id: string;
	process: ProcessInfo;
	sockets: SocketInfo[];
}

export interface SocketNode {
	type: 'socket';
	id: string;
	socket: SocketInfo;
	/** The process row this socket is shown under; undefined under "without a known owner". */
	parent: ProcessNode | UnownedNode;
	/** The fd of the parent process holding it. */
	fd?: number;
}

export interface UnownedNode {
	type: 'unowned';
	id: string;
	sockets: SocketInfo[];
}

export interface MessageNode {
	type: 'message';
	id: string;
	text: string;
	detail?: string;
}

export type TreeNode = HostNode | ProcessNode | SocketNode | UnownedNode | MessageNode;
