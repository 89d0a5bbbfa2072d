// A page message with a long socket list, sent as JSON text. VS Code's webview postMessage
// serialises with JSON.stringify and a replacer (it looks for ArrayBuffers in every value):
// at 17k sockets of ~30 fields that is half a million replacer calls, and the panel's first
// page had blocked the extension host ~0.35 s per post (bench/exthost.mjs profile). As text,
// the list is one value to that replacer; our own JSON.stringify, without a replacer, is made
// in slices, one turn of the event loop each (see pack). Both halves live here so they cannot
// drift apart; the unit tests check unpack(pack(m)) = m.
import type { SocketInfo } from '../model/snapshot';
import type { ToWebview } from './protocol';

export type PackedMessage = Extract<ToWebview, { type: 'packed' }>;
type Packable = Extract<ToWebview, { type: 'process' | 'processDelta' }>;

/** Sockets per slice of JSON text: ~2 ms of JSON.stringify each, and ~1 MB. */
export const PACK_SLICE = 2000;

/** The socket list of a message worth packing: a process page's sockets or a delta's upserts. */
function listOf(m: Packable): SocketInfo[] {
	return m.type === 'process' ? m.detail.sockets : m.detail.upserts;
}

/**
 * `m` as a packed message. `between` runs before each slice after the first (the panel gives
 * the event loop a turn there); when it returns false, packing stops and the result is
 * undefined (a newer message made this one stale).
 */
export async function pack(m: Packable, between: () => Promise<boolean> = async () => true): Promise<PackedMessage | undefined> {
	const list = listOf(m);
	const head = JSON.stringify(m.type === 'process' ? { ...m, detail: { ...m.detail, sockets: [] } } : { ...m, detail: { ...m.detail, upserts: [] } });
	const parts: string[] = [];
	for (let i = 0; i < list.length; i += PACK_SLICE) {
		if (i && !(await between())) return undefined;
		parts.push(JSON.stringify(list.slice(i, i + PACK_SLICE)));
	}
	return { type: 'packed', head, parts };
}

/** The message `p` carries. */
export function unpack(p: PackedMessage): Packable {
	const m = JSON.parse(p.head) as Packable;
	const list: SocketInfo[] = [];
	for (const part of p.parts) for (const s of JSON.parse(part) as SocketInfo[]) list.push(s);
	if (m.type === 'process') m.detail.sockets = list;
	else m.detail.upserts = list;
	return m;
}
