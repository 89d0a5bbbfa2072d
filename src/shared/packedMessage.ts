// A page message with a long socket list, sent as UTF-8 JSON in byte arrays. VS Code's webview
// postMessage serialises with JSON.stringify and a replacer (it looks for ArrayBuffers in every
// value): at 17k sockets of ~30 fields that is half a million replacer calls, and the panel's
// first page had blocked the extension host ~0.35 s per post (bench/exthost.mjs profile). As
// JSON text in a string it was still ~0.37 s: that replacer's stringify and then the RPC
// layer's each escaped every quote of 8 MB again. Byte arrays are what that replacer takes out
// and sends as they are. Our own JSON.stringify, without a replacer, is made a slice per turn
// of the event loop, and each slice is posted in a turn of its own (see pack). Both halves
// live here so they cannot drift apart; the unit tests check that the Unpacker gives back m.
// Since the page gets only the window it shows (pageWindow.ts), only a window "Show more" made
// longer than PACK_SLICE rows is packed.
import type { PageSocket } from './pageSocket';
import type { ToWebview } from './protocol';

export type PackedMessage = Extract<ToWebview, { type: 'packed' }>;
export type Packable = Extract<ToWebview, { type: 'process' }>;

/**
 * Rows per slice. Measured with whole sockets, which the page had before its rows
 * (pageSocket.ts): JSON.stringify took ~10 µs a socket in the extension host, so 500 made a
 * turn of ~5 ms and ~230 KB. Rows are about half the bytes.
 */
export const PACK_SLICE = 500;

/** Whether `m` carries a socket list (a process page's rows). */
export function isPackable(m: ToWebview): m is Packable {
	return m.type === 'process';
}

/** The socket list `m` carries. */
export function listOf(m: Packable): PageSocket[] {
	return m.detail.table.rows;
}

/** `m` with `list` as its socket list. */
function withList(m: Packable, list: PageSocket[]): Packable {
	return { ...m, detail: { ...m.detail, table: { ...m.detail.table, rows: list } } };
}

/**
 * `m` as packed messages: the first carries the head, each one slice of the list (the panel
 * posts them a turn apart, so VS Code copies ~100-230 KB per turn into its connection instead of
 * megabytes at once). `between` runs before each slice after the first (the panel gives the event
 * loop a turn there); when it returns false, packing stops and the result is undefined (a
 * newer message made this one stale). `id` tells one packed message's pieces from another's.
 */
export async function pack(m: Packable, id: number, between: () => Promise<boolean> = async () => true): Promise<PackedMessage[] | undefined> {
	const list = listOf(m);
	const utf8 = new TextEncoder();
	const count = Math.max(1, Math.ceil(list.length / PACK_SLICE));
	const out: PackedMessage[] = [];
	for (let i = 0; i < count; i++) {
		if (i && !(await between())) return undefined;
		const slice = list.slice(i * PACK_SLICE, (i + 1) * PACK_SLICE);
		const piece: PackedMessage = { type: 'packed', id, index: i, count, part: utf8.encode(JSON.stringify(slice)) };
		if (i === 0) piece.head = utf8.encode(JSON.stringify(withList(m, [])));
		out.push(piece);
	}
	return out;
}

/** The page's half: gathers the pieces of one packed message, in order, and gives it back whole. */
export class Unpacker {
	private pending: { id: number; head: Uint8Array; parts: Uint8Array[] } | undefined;

	/** The whole message once `p` was its last piece; pieces of an older message than the one begun are dropped. */
	add(p: PackedMessage): Packable | undefined {
		if (p.index === 0 && p.head) this.pending = { id: p.id, head: p.head, parts: [] };
		const m = this.pending;
		if (!m || m.id !== p.id || m.parts.length !== p.index) return undefined;
		m.parts.push(p.part);
		if (p.index < p.count - 1) return undefined;
		this.pending = undefined;
		return unpack(m.head, m.parts);
	}
}

function unpack(head: Uint8Array, parts: Uint8Array[]): Packable {
	const utf8 = new TextDecoder();
	const list: PageSocket[] = [];
	for (const part of parts) for (const s of JSON.parse(utf8.decode(part)) as PageSocket[]) list.push(s);
	return withList(JSON.parse(utf8.decode(head)) as Packable, list);
}
