// The sockets a WorkerSource holds across refreshes, by id. A Map keyed by the id texts held one
// text per socket, and at 100k sockets those texts were half of what the first, full transfer
// left alive on the extension host for its scavenges to copy (socketColumns.ts). Here an id that
// is a prefix and a number (namespace|table|inode, nearly every socket) is keyed by the two: one
// map per prefix, keyed by the number, so a held socket holds no text of its own. A full
// transfer's socket gives its two parts without making its text; other ids are keyed whole.
import type { SocketInfo } from '../model/snapshot';
import { columnTableOf, splitIdNumber, splitIdPrefix, splitText, type ColumnTable } from './socketColumns';

export class SocketIndex {
	/** By prefix, then by the number that ends the id. */
	private readonly split = new Map<string, Map<number, SocketInfo>>();
	/** Ids that are not a prefix and a number (splitText), by their text. */
	private readonly whole = new Map<string, SocketInfo>();
	private count = 0;
	/** Column sockets held per column table: a table stays alive while any of its rows is held. */
	private readonly tables = new Map<ColumnTable, number>();
	private rowsAlive = 0;

	get size(): number {
		return this.count;
	}

	/**
	 * The rows of every column table a held socket reads from, held or not: what holding these
	 * sockets keeps alive. Well above `size`, most of those rows are gone (WorkerSource then asks
	 * for a full transfer, whose fresh tables replace them all).
	 */
	get tableRows(): number {
		return this.rowsAlive;
	}

	private hold(s: SocketInfo): void {
		const t = columnTableOf(s);
		if (!t) return;
		const k = this.tables.get(t) ?? 0;
		if (!k) this.rowsAlive += t.rows;
		this.tables.set(t, k + 1);
	}

	private release(s: SocketInfo | undefined): void {
		const t = s && columnTableOf(s);
		if (!t) return;
		const k = this.tables.get(t)! - 1;
		if (k) this.tables.set(t, k);
		else {
			this.tables.delete(t);
			this.rowsAlive -= t.rows;
		}
	}

	/** Whether a socket is held under the id of `s`. */
	has(s: SocketInfo): boolean {
		return this.get(s) !== undefined;
	}

	/** The socket held under the id of `s` (the same socket, or an earlier state of it). */
	get(s: SocketInfo): SocketInfo | undefined {
		const prefix = splitIdPrefix(s);
		if (prefix !== undefined) return this.split.get(prefix)?.get(splitIdNumber(s));
		return this.getId(s.id);
	}

	getId(id: string): SocketInfo | undefined {
		const m = splitText(id);
		return m ? this.split.get(m.prefix)?.get(m.n) : this.whole.get(id);
	}

	/** Holds `s` under its id, in place of whatever was held under it. */
	set(s: SocketInfo): void {
		let prefix = splitIdPrefix(s);
		let n = 0;
		if (prefix !== undefined) n = splitIdNumber(s);
		else {
			const id = s.id;
			const m = splitText(id);
			if (!m) {
				const had = this.whole.get(id);
				this.whole.set(id, s);
				this.hold(s);
				if (had) this.release(had);
				else this.count++;
				return;
			}
			prefix = m.prefix;
			n = m.n;
		}
		let byNumber = this.split.get(prefix);
		if (!byNumber) this.split.set(prefix, (byNumber = new Map()));
		const had = byNumber.get(n);
		byNumber.set(n, s);
		this.hold(s);
		if (had) this.release(had);
		else this.count++;
	}

	/** Lets go of what is held under the id of `s`; whether anything was. */
	delete(s: SocketInfo): boolean {
		const prefix = splitIdPrefix(s);
		if (prefix !== undefined) return this.deleteSplit(prefix, splitIdNumber(s));
		return this.deleteId(s.id);
	}

	deleteId(id: string): boolean {
		const m = splitText(id);
		if (m) return this.deleteSplit(m.prefix, m.n);
		const had = this.whole.get(id);
		if (!had) return false;
		this.whole.delete(id);
		this.release(had);
		this.count--;
		return true;
	}

	private deleteSplit(prefix: string, n: number): boolean {
		const byNumber = this.split.get(prefix);
		const had = byNumber?.get(n);
		if (!had) return false;
		byNumber!.delete(n);
		if (!byNumber!.size) this.split.delete(prefix);
		this.release(had);
		this.count--;
		return true;
	}

	/**
	 * Every socket held: by prefix in the order each prefix was first held, each prefix's in the
	 * order they were held, then those with other ids.
	 */
	list(): SocketInfo[] {
		const out: SocketInfo[] = new Array(this.count);
		let i = 0;
		// forEach, not for…of: run once per refresh, this is not optimised code, where a for…of
		// makes an iterator result per socket (2.4 MiB of a refresh's garbage at 100k, sampled).
		const put = (s: SocketInfo) => void (out[i++] = s);
		this.split.forEach((byNumber) => byNumber.forEach(put));
		this.whole.forEach(put);
		return out;
	}
}

/**
 * A test for "this socket has id `id`" that makes no id text of a full transfer's socket: at
 * 100k sockets a search by id through every socket would otherwise make 100k texts.
 */
export function hasId(id: string): (s: SocketInfo) => boolean {
	const m = splitText(id);
	if (!m) return (s) => splitIdPrefix(s) === undefined && s.id === id;
	const { prefix, n } = m;
	return (s) => {
		const p = splitIdPrefix(s);
		return p === undefined ? s.id === id : splitIdNumber(s) === n && p === prefix;
	};
}
