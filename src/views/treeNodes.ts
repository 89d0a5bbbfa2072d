// The nodes of the "Processes & Sockets" tree. Ids are stable across refreshes (process: pid +
// start time; socket: namespace + inode), so expansion and selection survive a refresh and
// `reveal` can find a process again. A top row keeps its object across refreshes too (treeIndex.ts,
// adoptRoots): the workbench is told of a changed row by that object.
import type { ProcessInfo, SocketInfo } from '../model/snapshot';
import type { HostEntry } from './hosts';

/** How a row changed since the previous refresh (TCPView's green / yellow / red). */
export type Mark = 'new' | 'changed' | 'closed' | undefined;

/** One root per host: this machine first, then ssh / command hosts, then captures. Every id below it starts with its id. */
export interface HostNode {
	type: 'host';
	id: string;
	host: HostEntry;
}

export interface ProcessNode {
	type: 'process';
	id: string;
	process: ProcessInfo;
	sockets: SocketInfo[];
	/** portSummary of its sockets, made while indexing (VS Code asks for a row's item each time it is told the row changed). */
	summary: string;
	mark: Mark;
	parent: HostNode | GroupNode;
	/** '' on this machine, '.remote' on ssh / command hosts, '.capture' in a capture (see contextValue). */
	contextSuffix: string;
}

export interface SocketNode {
	type: 'socket';
	id: string;
	socket: SocketInfo;
	parent: ProcessNode | GroupNode;
	/** The fd of the parent process holding it. */
	fd?: number;
	mark: Mark;
	contextSuffix: string;
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
	/** A process only for the "N more sockets" row. */
	parent: HostNode | GroupNode | ProcessNode;
	/**
	 * Its rows, made when it is expanded. Given the node itself rather than closing over it: a
	 * refresh may carry its fields over to the node object the workbench already holds (treeIndex.ts,
	 * adoptRoots), and the rows must name that object as their parent.
	 */
	children: (self: GroupNode) => TreeNode[];
}

export interface MessageNode {
	type: 'message';
	id: string;
	text: string;
	icon: string;
	parent: HostNode;
	description?: string;
	tooltip?: string;
	/** e.g. `error.host` (Retry) */
	contextValue?: string;
	/** The typed failure (RemoteSourceError.reason) an error row stands for. */
	reason?: string;
}

/** The host row a node belongs to. */
export function hostNodeOf(node: TreeNode): HostNode {
	let n: TreeNode = node;
	while (n.type !== 'host') n = n.parent;
	return n;
}

/**
 * The host of a command's argument when it is a tree row (a context-menu invocation passes its
 * node); undefined for anything else (the palette passes nothing, keybindings a value).
 */
export function rowHostOf(arg: unknown): HostEntry | undefined {
	return arg && typeof arg === 'object' && 'type' in arg ? hostNodeOf(arg as TreeNode).host : undefined;
}

export type TreeNode = HostNode | ProcessNode | SocketNode | GroupNode | MessageNode;
