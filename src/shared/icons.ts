// Which codicon (and theme colour) stands for a socket or a process, without `vscode`: the detail
// page draws them from @vscode/codicons' font. Mirrors the tree's socketIcon/processItem in
// src/views/processTree.ts, so a row looks the same in the tree and in the panel's table.
import type { SocketInfo } from '../model/snapshot';

/** A theme colour id, as `vscode.ThemeColor` takes it; the page uses `--vscode-charts-*`. */
export type IconColour = 'charts.green' | 'charts.yellow' | 'charts.red';

export interface Icon {
	/** codicon name: `radio-tower` for the class `codicon-radio-tower` */
	name: string;
	colour?: IconColour;
}

const MARK_COLOUR: Record<'new' | 'changed' | 'closed', IconColour> = { new: 'charts.green', changed: 'charts.yellow', closed: 'charts.red' };

/** The icon of a socket row by kind and state; `mark` (new / changed / closed since the last refresh) colours it. */
export function socketIcon(s: Pick<SocketInfo, 'kind' | 'state'>, mark?: 'new' | 'changed' | 'closed'): Icon {
	const colour = mark ? MARK_COLOUR[mark] : s.state === 'LISTEN' ? 'charts.green' : undefined;
	if (mark === 'closed') return { name: 'close', colour };
	if (s.state === 'LISTEN') return { name: 'radio-tower', colour };
	switch (s.kind) {
		case 'unix':
			return { name: 'plug', colour };
		case 'udp':
		case 'udplite':
			return { name: 'broadcast', colour };
		case 'netlink':
			return { name: 'symbol-event', colour };
		case 'packet':
		case 'raw':
			return { name: 'zap', colour };
		default:
			return { name: s.state === 'ESTABLISHED' ? 'arrow-swap' : 'circle-outline', colour };
	}
}

/** A process that listens is a server; any other holds connections. */
export function processIcon(sockets: ReadonlyArray<Pick<SocketInfo, 'state'>>): Icon {
	return { name: sockets.some((s) => s.state === 'LISTEN') ? 'server-process' : 'terminal' };
}
