// The process page sent as changes: the extension host (detailPanel.ts) makes a delta from the
// page it last sent to the next, the page (webview/main.ts) applies it to the page it holds.
// Both halves live here so they cannot drift apart; the unit tests check apply(a, delta(a, b)) = b.
import { samePageSocket, type PageSocket } from './pageSocket';
import type { ToWebview } from './protocol';

type ProcessMessage = Extract<ToWebview, { type: 'process' }>;
export type ProcessDeltaMessage = Extract<ToWebview, { type: 'processDelta' }>;

/**
 * The changes from one page of a process to the next, when that is the smaller message: same
 * target and host, and fewer than half its rows new, changed or gone. Unchanged rows are the
 * same objects from the local source (pageSocket.ts); other sources' are compared cell by cell.
 */
export function processDelta(a: ProcessMessage, b: ProcessMessage): ProcessDeltaMessage | undefined {
	if (JSON.stringify(a.target) !== JSON.stringify(b.target) || a.host !== b.host) return undefined;
	const old = new Map(a.detail.sockets.map((s) => [s.id, s]));
	const upserts: PageSocket[] = [];
	for (const s of b.detail.sockets) {
		const o = old.get(s.id);
		if (!o || (o !== s && !samePageSocket(o, s))) upserts.push(s);
		old.delete(s.id);
	}
	const removedIds = [...old.keys()];
	if ((upserts.length + removedIds.length) * 2 > b.detail.sockets.length) return undefined;
	const { sockets: _all, ...rest } = b.detail;
	return { type: 'processDelta', target: b.target, host: b.host, takenAt: b.takenAt, detail: { ...rest, upserts, removedIds } };
}

/** The page `d` describes, from the page `a` it was made against (undefined: not that page). */
export function applyProcessDelta(a: ProcessMessage, d: ProcessDeltaMessage): ProcessMessage | undefined {
	if (JSON.stringify(a.target) !== JSON.stringify(d.target)) return undefined;
	const byId = new Map(a.detail.sockets.map((s) => [s.id, s]));
	for (const id of d.detail.removedIds) byId.delete(id);
	for (const s of d.detail.upserts) byId.set(s.id, s);
	const { upserts: _u, removedIds: _r, ...detail } = d.detail;
	return { type: 'process', target: d.target, host: d.host, takenAt: d.takenAt, detail: { ...detail, sockets: [...byId.values()] } };
}
