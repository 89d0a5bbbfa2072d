// Small text helpers shared by every table parser. Tables can be tens of megabytes, so lines
// are walked with indexOf instead of split('\n') (no array of every line held at once).
import type { ParseWarning } from './types';

/**
 * Calls `fn` for each line of `text` (without the trailing newline); `lineNo` is 1-based,
 * counted on from `before` lines (a table read in parts). Returns the number of the last line.
 */
export function forEachLine(text: string, fn: (line: string, lineNo: number) => void, before = 0): number {
	let start = 0;
	let lineNo = before;
	const n = text.length;
	while (start < n) {
		let end = text.indexOf('\n', start);
		if (end === -1) end = n;
		lineNo++;
		fn(text.slice(start, end), lineNo);
		start = end + 1;
	}
	return lineNo;
}

/** Splits on runs of spaces and tabs (the kernel pads with spaces; sctp/assocs has a TAB). */
export function splitWs(line: string): string[] {
	const out: string[] = [];
	const n = line.length;
	let i = 0;
	while (i < n) {
		let c = line.charCodeAt(i);
		while (i < n && (c === 32 || c === 9 || c === 13)) c = line.charCodeAt(++i);
		if (i >= n) break;
		const s = i;
		while (i < n && c !== 32 && c !== 9 && c !== 13) c = line.charCodeAt(++i);
		out.push(line.slice(s, i));
	}
	return out;
}

/** "00123" and "123" name the same inode; the canonical text is the latter (and "0" for zeros alone). */
export function stripLeadingZeros(s: string): string {
	let i = 0;
	while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
	return i ? s.slice(i) : s;
}

export function makeWarning(table: string, line: number, reason: string, text: string): ParseWarning {
	return { table, line, reason, text: text.length > 200 ? text.slice(0, 200) + '…' : text };
}

const HEX = /^[0-9a-fA-F]+$/;
/** A token of hex digits only (kernel pointers, bitmaps). */
export const HEX_TOKEN = HEX;
const DEC = /^[0-9]+$/;

/** Parses hex; NaN for anything that is not plain hex digits (parseInt would accept "12zz"). */
export function hexInt(s: string): number {
	return s.length > 0 && s.length <= 13 && HEX.test(s) ? parseInt(s, 16) : NaN;
}

/** Parses a decimal integer (optionally negative); NaN for anything else. */
export function decInt(s: string): number {
	const neg = s.charCodeAt(0) === 45; // '-'
	const body = neg ? s.slice(1) : s;
	if (body.length === 0 || body.length > 16 || !DEC.test(body)) return NaN;
	const v = parseInt(body, 10);
	return neg ? -v : v;
}

/** Parses an unsigned decimal integer (a column the kernel prints with %u/%lu); NaN for anything else, '-' included. */
export function decUint(s: string): number {
	return s.length > 0 && s.length <= 16 && DEC.test(s) ? parseInt(s, 10) : NaN;
}

/** True when `s` is a decimal number, of any length (inodes are kept as such strings). */
export function isDecimal(s: string): boolean {
	return s.length > 0 && DEC.test(s);
}

/** A table's first line is a header when it does not start like a record; callers pass the test. */
export function isHeader(line: string, firstToken: RegExp): boolean {
	return !firstToken.test(line);
}

/**
 * The loop of the pointer-first tables (packet, netlink): split each line on whitespace, skip
 * a header (a first line that does not start like a record), count lines with too few columns
 * as warnings, and hand the rest to `fn`.
 */
export function forEachTokenRow(
	text: string,
	table: string,
	minColumns: number,
	recordStart: RegExp,
	warnings: ParseWarning[],
	fn: (t: string[], line: string, lineNo: number) => void,
): void {
	forEachLine(text, (line, lineNo) => {
		const t = splitWs(line);
		if (t.length === 0) return;
		if (lineNo === 1 && !recordStart.test(t[0])) return;
		if (t.length < minColumns) {
			warnings.push(makeWarning(table, lineNo, `expected at least ${minColumns} columns, got ${t.length}`, line));
			return;
		}
		fn(t, line, lineNo);
	});
}
