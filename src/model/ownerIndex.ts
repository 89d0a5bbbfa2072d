// Who holds each socket inode: every {pid, fd} of the processes added. At 100k sockets a
// Map from inode text to arrays of {pid, fd} objects took 115-160 ms to fill on the table
// thread, after ~70 ms of copying the fd pairs over from the worker; this index keeps plain
// numbers in typed arrays instead, so that it is cheap to fill, and a worker can hand it over
// without a copy (postMessage transfer). Owner objects are made only when a socket asks.
import type { ProcessCapture } from '../collect/capture';
import { stripLeadingZeros } from '../procfs/lines';
import { parseStat } from '../procfs/process';
import type { Owner } from './snapshot';

/** The index as plain data: what a worker posts (the typed arrays' buffers in the transfer list). */
export interface OwnerIndexData {
	/** Entries used in pid/fd/next. */
	count: number;
	/** Distinct inodes in keys/heads. */
	keyCount: number;
	pid: Int32Array;
	fd: Int32Array;
	/** Per entry: 1 + the previous entry of the same inode, 0 at the end of the chain. */
	next: Int32Array;
	/** Open-addressing slots: the inode, and 1 + its latest entry (0 = empty slot). */
	keys: Uint32Array;
	heads: Int32Array;
	/** Inodes that are not 32-bit numbers (the kernel's socket inodes always are): by their text. */
	other: Array<[string, Owner[]]>;
}

export class OwnerIndex {
	private count = 0;
	private keyCount = 0;
	private pid: Int32Array;
	private fd: Int32Array;
	private next: Int32Array;
	private keys: Uint32Array;
	private heads: Int32Array;
	private readonly other: Map<string, Owner[]>;

	constructor(data?: OwnerIndexData) {
		if (data) {
			({ count: this.count, keyCount: this.keyCount, pid: this.pid, fd: this.fd, next: this.next, keys: this.keys, heads: this.heads } = data);
			this.other = new Map(data.other);
		} else {
			this.pid = new Int32Array(1024);
			this.fd = new Int32Array(1024);
			this.next = new Int32Array(1024);
			this.keys = new Uint32Array(2048);
			this.heads = new Int32Array(2048);
			this.other = new Map();
		}
	}

	/** Adds a process's socket fds, if it is one a snapshot keeps (see keepsFds). */
	add(p: Pick<ProcessCapture, 'pid' | 'fds' | 'stat'>): void {
		if (keepsFds(p)) this.addFds(p.pid, p.fds);
	}

	/** Adds socket fds of a process the caller has already found readable. */
	addFds(pid: number, fds: ProcessCapture['fds']): void {
		for (const [fd, inode] of fds) this.addOne(pid, fd, inode);
	}

	/**
	 * Adds one socket fd by its link text, `socket:[12345]`, of a process the caller has found
	 * readable: at 100k fds, no [fd, inode] pair and no inode string is made for each.
	 */
	addLink(pid: number, fd: number, link: string): void {
		// The digits between "socket:[" and "]": a 32-bit inode read straight from the link.
		const end = link.length - 1;
		const key = link.charCodeAt(end) === 93 ? digitsValue(link, 8, end) : -1;
		if (key >= 0) this.addKey(pid, fd, key);
		else this.addOne(pid, fd, link.slice(8, -1));
	}

	/** Every {pid, fd} holding `inode`, by pid then fd; undefined when none does. */
	get(inode: string): Owner[] | undefined {
		const key = inodeNumber(inode);
		let list: Owner[];
		if (key < 0) {
			const other = this.other.get(stripLeadingZeros(inode));
			if (!other) return undefined;
			list = other.map((o) => ({ ...o }));
		} else {
			let e = this.heads[this.slotOf(key)];
			if (!e) return undefined;
			list = [];
			for (; e; e = this.next[e - 1]) list.push({ pid: this.pid[e - 1], fd: this.fd[e - 1] });
		}
		if (list.length > 1) list.sort((a, b) => a.pid - b.pid || a.fd - b.fd);
		return list;
	}

	/**
	 * For a caller that reads owners without making them (tableJson.ts): the latest entry (1 +
	 * its index) of inode `key`, a 32-bit number, or 0 when no fd holds it. Entries of one inode
	 * chain through nextEntry; pidAt and fdAt read them (unsorted: get sorts).
	 */
	entryOf(key: number): number {
		return this.heads[this.slotOf(key)];
	}

	nextEntry(e: number): number {
		return this.next[e - 1];
	}

	pidAt(e: number): number {
		return this.pid[e - 1];
	}

	fdAt(e: number): number {
		return this.fd[e - 1];
	}

	/** The index as data, and the buffers to transfer with it (they are unusable here afterwards). */
	data(): { data: OwnerIndexData; transfer: ArrayBuffer[] } {
		const { count, keyCount, pid, fd, next, keys, heads } = this;
		const data: OwnerIndexData = { count, keyCount, pid, fd, next, keys, heads, other: [...this.other] };
		return { data, transfer: [pid.buffer, fd.buffer, next.buffer, keys.buffer, heads.buffer] as ArrayBuffer[] };
	}

	/** Adds every entry of another index (one a worker filled). */
	merge(data: OwnerIndexData): void {
		for (let s = 0; s < data.keys.length; s++) {
			for (let e = data.heads[s]; e; e = data.next[e - 1]) this.addKey(data.pid[e - 1], data.fd[e - 1], data.keys[s]);
		}
		for (const [text, list] of data.other) for (const o of list) this.addOther(o.pid, o.fd, text);
	}

	private addOne(pid: number, fd: number, inode: string): void {
		const key = inodeNumber(inode);
		if (key < 0) this.addOther(pid, fd, stripLeadingZeros(inode));
		else this.addKey(pid, fd, key);
	}

	private addOther(pid: number, fd: number, text: string): void {
		const list = this.other.get(text);
		if (list) list.push({ pid, fd });
		else this.other.set(text, [{ pid, fd }]);
	}

	private addKey(pid: number, fd: number, key: number): void {
		if (this.count === this.pid.length) this.growEntries();
		// Keep the slots at most half full, so that a probe ends after a step or two.
		if (2 * (this.keyCount + 1) > this.keys.length) this.rehash(2 * this.keys.length);
		const e = this.count++;
		this.pid[e] = pid;
		this.fd[e] = fd;
		const slot = this.slotOf(key);
		if (!this.heads[slot]) {
			this.keys[slot] = key;
			this.keyCount++;
		}
		this.next[e] = this.heads[slot];
		this.heads[slot] = e + 1;
	}

	/** The slot holding `key`, or the empty slot where it would go. */
	private slotOf(key: number): number {
		const mask = this.keys.length - 1;
		// Fibonacci hashing: socket inodes are consecutive numbers, which this spreads evenly.
		let s = (Math.imul(key, 0x9e3779b1) >>> 0) & mask;
		while (this.heads[s] && this.keys[s] !== key) s = (s + 1) & mask;
		return s;
	}

	private growEntries(): void {
		const size = 2 * this.pid.length;
		const grow = (a: Int32Array): Int32Array => {
			const b = new Int32Array(size);
			b.set(a);
			return b;
		};
		this.pid = grow(this.pid);
		this.fd = grow(this.fd);
		this.next = grow(this.next);
	}

	private rehash(size: number): void {
		const { keys, heads } = this;
		this.keys = new Uint32Array(size);
		this.heads = new Int32Array(size);
		for (let s = 0; s < keys.length; s++) {
			if (!heads[s]) continue;
			const t = this.slotOf(keys[s]);
			this.keys[t] = keys[s];
			this.heads[t] = heads[s];
		}
	}
}

/**
 * Whether a snapshot keeps this process, and so its fds: buildSnapshot leaves out a process
 * whose stat does not parse.
 */
export function keepsFds(p: Pick<ProcessCapture, 'stat'>): boolean {
	return p.stat !== null && parseStat(p.stat) !== null;
}

/** The inode as a number when it is a decimal of at most 32 bits (leading zeros allowed); -1 otherwise. */
function inodeNumber(s: string): number {
	const t = s.length > 10 ? stripLeadingZeros(s) : s;
	return digitsValue(t, 0, t.length);
}

/** s[start, end) as a number when it is 1-10 decimal digits of at most 32 bits; -1 otherwise. */
function digitsValue(s: string, start: number, end: number): number {
	if (end <= start || end - start > 10) return -1;
	let v = 0;
	for (let i = start; i < end; i++) {
		const c = s.charCodeAt(i) - 48;
		if (c < 0 || c > 9) return -1;
		v = v * 10 + c;
	}
	return v <= 0xffffffff ? v : -1;
}
