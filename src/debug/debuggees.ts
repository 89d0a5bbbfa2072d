// The parts of the debug features that only read a snapshot (no vscode, so unit tests reach
// them): which processes under a debuggee are the program's and which are the debugger's own
// machinery, which listening sockets are the program's and which are the debugger's (inspector)
// ports, whose listener an attach configuration's port names, and the ports the user wants to
// hear about (procnet.debug.notifyPorts).
import type { ProcessInfo, Snapshot, SocketInfo } from '../model/snapshot';

/**
 * js-debug's watchdog: the bootloader js-debug puts in every node process it launches spawns
 * `<node> <js-debug>/src/watchdog.js` as that process's child, which connects to the inspector the
 * bootloader opened on a random loopback port and relays it to the debugger. Seen here under
 * code-server (`…/extensions/ms-vscode.js-debug/src/watchdog.js`); the Marketplace and nightly
 * builds live in `ms-vscode.js-debug-<version>` / `ms-vscode.js-debug-nightly-<version>`, under
 * `dist/src/`. Only argv[1] is looked at: a program run with js-debug's bootloader as `-r` is the
 * user's program, and a user's own watchdog.js is not in a js-debug directory.
 */
const JS_DEBUG_WATCHDOG = /(?:^|[\\/])ms-vscode\.js-debug(?:-[^\\/]*)?[\\/](?:[^\\/]+[\\/])*watchdog\.js$/;

/** Whether a process is a debugger's helper rather than the program being debugged. */
export function isDebuggerHelper(p: Pick<ProcessInfo, 'cmdline'>): boolean {
	return p.cmdline.length >= 2 && JS_DEBUG_WATCHDOG.test(p.cmdline[1]);
}

/**
 * The debuggees and their descendants (by ppid), leaving out debugger helpers and whatever runs
 * under them. A root is kept even if it looks like a helper: someone chose to debug it.
 */
export function debuggeeTree(processes: readonly ProcessInfo[], roots: Iterable<number>): Set<number> {
	const children = new Map<number, ProcessInfo[]>();
	for (const p of processes) {
		if (p.ppid === null) continue;
		const l = children.get(p.ppid);
		if (l) l.push(p);
		else children.set(p.ppid, [p]);
	}
	const out = new Set<number>(roots);
	const queue = [...out];
	while (queue.length) {
		for (const c of children.get(queue.pop()!) ?? []) {
			if (out.has(c.pid) || isDebuggerHelper(c)) continue;
			out.add(c.pid);
			queue.push(c.pid);
		}
	}
	return out;
}

type Tables = Pick<Snapshot, 'processes' | 'sockets'>;

const isTcpListener = (s: SocketInfo) => s.kind === 'tcp' && s.state === 'LISTEN' && s.localPort !== null;

/**
 * Ids of the listening sockets of `pids` that belong to the debugger, not the program: the
 * inspector ports a debugger helper is connected to (js-debug's watchdog, matched by network
 * namespace and port), and `attachPorts` (the port an attach configuration connected to).
 */
export function debuggerListenerIds(snap: Tables, pids: ReadonlySet<number>, attachPorts: readonly number[] = []): Set<string> {
	const helpers = new Set(snap.processes.filter(isDebuggerHelper).map((p) => p.pid));
	const helperPeers = new Set<string>();
	if (helpers.size) {
		for (const s of snap.sockets) {
			if (s.kind === 'tcp' && s.state === 'ESTABLISHED' && s.remotePort !== null && s.owners.some((o) => helpers.has(o.pid))) helperPeers.add(`${s.netns}|${s.remotePort}`);
		}
	}
	const out = new Set<string>();
	for (const s of snap.sockets) {
		if (!isTcpListener(s) || !s.owners.some((o) => pids.has(o.pid))) continue;
		if (attachPorts.includes(s.localPort!) || helperPeers.has(`${s.netns}|${s.localPort}`)) out.add(s.id);
	}
	return out;
}

/** The TCP listeners of `pids` that are the program's (the debugger's own ports left out). */
export function programListeners(snap: Tables, pids: ReadonlySet<number>, attachPorts: readonly number[] = []): SocketInfo[] {
	const debuggers = debuggerListenerIds(snap, pids, attachPorts);
	return snap.sockets.filter((s) => isTcpListener(s) && !debuggers.has(s.id) && s.owners.some((o) => pids.has(o.pid)));
}

/** Whether an attach configuration's address is this machine (its listener can be looked up here). */
export function isLocalAddress(address: string | undefined): boolean {
	if (address === undefined || address === '') return true;
	const a = address.replace(/^\[(.*)\]$/, '$1').toLowerCase();
	return a === 'localhost' || a === '::1' || a === '0.0.0.0' || a === '::' || /^127\.\d+\.\d+\.\d+$/.test(a) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(a);
}

/**
 * The port an attach configuration connects to on this machine: `port` with `address` (js-debug,
 * and most adapters), or `connect: { host, port }` (debugpy). Undefined for a launch, no port, or
 * another host (its listener is not in this machine's tables).
 */
export function attachPortOf(config: { request?: unknown; [key: string]: unknown }): number | undefined {
	if (config.request !== 'attach') return undefined;
	const connect = typeof config.connect === 'object' && config.connect !== null ? (config.connect as Record<string, unknown>) : undefined;
	const port = connect?.port ?? config.port;
	const host = connect ? connect.host : config.address ?? config.host;
	const n = typeof port === 'string' && /^\s*\d+\s*$/.test(port) ? Number(port) : port;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) return undefined;
	if (host !== undefined && typeof host !== 'string') return undefined;
	return isLocalAddress(host) ? n : undefined;
}

/**
 * The process an attach configuration's port leads to: the owner of the TCP listener on that port
 * in `netns` (the debug adapter's namespace; any when null). When the listener is shared (a fork
 * inherited it), the owners whose parent is not an owner too.
 */
export function attachTargets(snap: Tables, port: number, netns: string | null): number[] {
	const owners = new Set<number>();
	for (const s of snap.sockets) {
		if (isTcpListener(s) && s.localPort === port && (netns === null || s.netns === netns)) for (const o of s.owners) owners.add(o.pid);
	}
	const ppid = new Map(snap.processes.map((p) => [p.pid, p.ppid]));
	return [...owners].filter((pid) => !owners.has(ppid.get(pid) ?? -1)).sort((a, b) => a - b);
}

export interface PortRange {
	lo: number;
	hi: number;
}

/** One entry of procnet.debug.notifyPorts: 3000, "3000" or "8000-8100"; undefined if it is not one. */
export function parsePortEntry(v: unknown): PortRange | undefined {
	const valid = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;
	if (typeof v === 'number') return valid(v) ? { lo: v, hi: v } : undefined;
	if (typeof v !== 'string') return undefined;
	const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(v);
	if (!m) return undefined;
	const lo = Number(m[1]);
	const hi = m[2] === undefined ? lo : Number(m[2]);
	return valid(lo) && valid(hi) && lo <= hi ? { lo, hi } : undefined;
}

/**
 * The port test procnet.debug.notifyPorts asks for: an empty list (or no list) allows every port;
 * otherwise only ports in its valid entries. Invalid entries are ignored, so a list of nothing but
 * typos allows nothing rather than everything: the user asked for a restriction.
 */
export function portFilter(setting: unknown): (port: number) => boolean {
	if (!Array.isArray(setting) || setting.length === 0) return () => true;
	const ranges = setting.map(parsePortEntry).filter((r): r is PortRange => r !== undefined);
	return (port) => ranges.some((r) => port >= r.lo && port <= r.hi);
}
