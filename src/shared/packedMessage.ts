// A page message with a long socket list, sent as UTF-8 JSON in byte arrays. VS Code's webview
// postMessage serialises with JSON.stringify and a replacer (it looks for ArrayBuffers in every
// value): at 17k sockets of ~30 fields that is half a million replacer calls, and the panel's
// first page had blocked the extension host ~0.35 s per post (bench/exthost.mjs profile). As
// JSON text in a string it was still ~0.37 s: that replacer's stringify and then the RPC
// layer's each escaped every quote of 8 MB again. Byte arrays are what that replacer takes out
// and sends as they are. Our own JSON.stringify, without a replacer, is made a slice per turn
// of the event loop (see pack). Both halves live here so they cannot drift apart; the unit
// tests check unpack(pack(m)) = m.
import type { SocketInfo } from '../model/snapshot';
import type { ToWebview } from './protocol';

export type PackedMessage = Extract<ToWebview, { type: 'packed' }>;
type Packable = Extract<ToWebview, { type: 'process' | 'processDelta' }>;

/**
 * Sockets per slice. In the extension host, JSON.stringify took ~10 µs a socket (its sockets
 * come from the scan worker by structured clone): 500 make a turn of ~5 ms and ~230 KB.
 */
export const PACK_SLICE = 500;

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
	const utf8 = new TextEncoder();
	const head = utf8.encode(JSON.stringify(m.type === 'process' ? { ...m, detail: { ...m.detail, sockets: [] } } : { ...m, detail: { ...m.detail, upserts: [] } }));
	const parts: Uint8Array[] = [];
	for (let i = 0; i < list.length; i += PACK_SLICE) {
		if (i && !(await between())) return undefined;
		parts.push(utf8.encode(JSON.stringify(list.slice(i, i + PACK_SLICE))));
	}
	return { type: 'packed', head, parts };
}

/** The message `p` carries. */
export function unpack(p: PackedMessage): Packable {
	const utf8 = new TextDecoder();
	const m = JSON.parse(utf8.decode(p.head)) as Packable;
	const list: SocketInfo[] = [];
	for (const part of p.parts) for (const s of JSON.parse(utf8.decode(part)) as SocketInfo[]) list.push(s);
	if (m.type === 'process') m.detail.sockets = list;
	else m.detail.upserts = list;
	return m;
}
