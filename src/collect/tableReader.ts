// Reads a /proc socket table a part at a time. At 100k sockets /proc/net/tcp is 10 MB: read
// whole, it was 10 MB of fresh buffer, then a 10 MB string, and on these VMs memory touched
// for the first time costs ~15 µs a page, so the read took 2-3 times as long as `cat`'s.
// Parts of whole lines from one small reused buffer cost what the kernel's read costs, and a
// parser can take each part as it comes (NamespaceParser.stream).
import { isAscii } from 'buffer';
import * as fs from 'fs';

/** The reused buffer: 256 KiB, grown only for a line longer than that. */
let buf = Buffer.allocUnsafe(256 << 10);

/**
 * Hands `part` the file's text in parts that each end with a newline (but the last), in order.
 * False when the file cannot be opened (a table the kernel does not have, a process gone);
 * throws when a read fails part way, after the parts read so far.
 */
export function readTableParts(path: string, part: (text: string) => void): boolean {
	return readTableBytes(path, (bytes) => part(partText(bytes)));
}

/**
 * readTableParts as bytes: each part is a view of the reused buffer, good until `part` returns
 * (a caller that keeps it copies it).
 */
export function readTableBytes(path: string, part: (bytes: Buffer) => void): boolean {
	let fd: number;
	try {
		fd = fs.openSync(path, 'r');
	} catch {
		return false;
	}
	try {
		let kept = 0;
		for (;;) {
			if (kept === buf.length) {
				const bigger = Buffer.allocUnsafe(2 * buf.length);
				buf.copy(bigger, 0, 0, kept);
				buf = bigger;
			}
			let r: number;
			try {
				r = fs.readSync(fd, buf, kept, buf.length - kept, null);
			} catch (e) {
				throw new Error(`reading ${path} failed: ${(e as Error).message}`);
			}
			const end = kept + r;
			if (r === 0) {
				if (end) part(buf.subarray(0, end));
				return true;
			}
			const nl = buf.lastIndexOf(10, end - 1);
			if (nl < 0) {
				kept = end;
				continue;
			}
			part(buf.subarray(0, nl + 1));
			kept = end - nl - 1;
			buf.copy(buf, 0, nl + 1, end);
		}
	} finally {
		fs.closeSync(fd);
	}
}

/** A whole table as text; null when it cannot be opened. */
export function readTable(path: string): string | null {
	const parts: string[] = [];
	return readTableParts(path, (t) => parts.push(t)) ? parts.join('') : null;
}

/**
 * A part's text. Only unix socket paths can hold bytes above 0x7F; every other table is ASCII,
 * which latin1 turns into a string without the UTF-8 decoder's work. A part ends at a newline,
 * so it never splits a UTF-8 sequence.
 */
export function partText(bytes: Buffer): string {
	return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}
