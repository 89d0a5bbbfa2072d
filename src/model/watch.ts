// What the status-bar watcher shows: pinned pids (their listening ports) and ports (whether
// something listens). Pure, so it is tested without a window.
import { listenersOf } from './select';
import type { Snapshot } from './snapshot';

export type Watch = { kind: 'pid'; pid: number } | { kind: 'port'; port: number };

/** "1234" / "pid:1234" → a pid; ":3000" / "port:3000" → a port; anything else is ignored. */
export function parseWatch(s: string): Watch | undefined {
	const t = s.trim();
	let m = /^(?:pid:)?([1-9]\d{0,9})$/.exec(t);
	if (m) return { kind: 'pid', pid: Number(m[1]) };
	m = /^(?::|port:)(\d{1,5})$/.exec(t);
	if (m && Number(m[1]) > 0 && Number(m[1]) < 65536) return { kind: 'port', port: Number(m[1]) };
	return undefined;
}

export interface WatchState {
	text: string;
	tooltip: string;
	/** The pid a click should open, if any watched process is alive. */
	openPid: number | undefined;
}

/** What the item shows for these watches in this snapshot (pure: tested without a window). */
export function describeWatches(watches: readonly Watch[], snap: Snapshot | undefined): WatchState {
	if (!snap) return { text: '$(radio-tower) procnet…', tooltip: 'Procnet: reading /proc…', openPid: undefined };
	const parts: string[] = [];
	const tips: string[] = [];
	let openPid: number | undefined;
	for (const w of watches) {
		if (w.kind === 'pid') {
			const p = snap.processes.find((x) => x.pid === w.pid);
			if (!p) {
				parts.push(`${w.pid} exited`);
				tips.push(`pid ${w.pid}: not running`);
				continue;
			}
			openPid ??= p.pid;
			const ports = [...new Set(listenersOf(snap, p.pid).filter((s) => s.localPort !== null).map((s) => `:${s.localPort}`))];
			parts.push(`${p.name} ${ports.join(' ') || 'not listening'}`);
			tips.push(`${p.name} (pid ${p.pid}): ${ports.length ? `listening on ${ports.join(' ')}` : 'no listening socket'}`);
		} else {
			const l = snap.sockets.find((s) => s.state === 'LISTEN' && s.localPort === w.port);
			const owner = l?.owners[0] ? snap.processes.find((p) => p.pid === l.owners[0].pid) : undefined;
			parts.push(`:${w.port} ${l ? '✓' : '✗'}`);
			tips.push(`:${w.port}: ${l ? `listening${owner ? ` (${owner.name}, pid ${owner.pid})` : ''}` : 'nothing listens'}`);
			if (owner) openPid ??= owner.pid;
		}
	}
	return { text: `$(radio-tower) ${parts.join(' · ') || 'nothing watched'}`, tooltip: tips.join('\n') || 'Pin a process or watch a port from the Procnet tree.', openPid };
}

