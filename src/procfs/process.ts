// Per-process files: /proc/[pid]/stat, /proc/[pid]/status, /proc/[pid]/cmdline. Pure text in,
// facts out; a process may vanish or be half torn down (zombie) between reads, so bad or empty
// text gives null/empty values rather than an exception.
import type { ProcStat, ProcStatus } from './types';
import { decInt } from './lines';

/**
 * Parses /proc/[pid]/stat: "pid (comm) state ppid ...". The comm is anything up to 15 bytes,
 * including ')', '(' and spaces, so it spans from the first '(' to the LAST ')'; only the fields
 * after that are split on whitespace.
 */
export function parseStat(text: string): ProcStat | null {
	const open = text.indexOf('(');
	const close = text.lastIndexOf(')');
	if (open < 0 || close < open) return null;
	const pid = decInt(text.slice(0, open).trim());
	// Fields are numbered from 1 in proc(5): pid is 1, comm 2, so after the ')' token k is field k+3.
	const f = text.slice(close + 1).trim().split(/\s+/);
	const field = (n: number): string | undefined => f[n - 3];
	const state = field(3);
	const ppid = decInt(field(4) ?? '');
	const numThreads = decInt(field(20) ?? '');
	const startTicks = decInt(field(22) ?? '');
	const rssPages = decInt(field(24) ?? '');
	const utimeTicks = decInt(field(14) ?? '');
	const stimeTicks = decInt(field(15) ?? '');
	if (state === undefined || [pid, ppid, numThreads, startTicks, rssPages, utimeTicks, stimeTicks].some(Number.isNaN)) return null;
	return { pid, comm: text.slice(open + 1, close), state, ppid, startTicks, numThreads, rssPages, utimeTicks, stimeTicks };
}

/**
 * Parses the few /proc/[pid]/status fields procnet needs. Name is printed with
 * `seq_escape_str(..., "\n\\")`: only '\n' and '\' are escaped (as `\n` and `\\`), so a comm with
 * a newline still stays on one line; everything else (tabs, spaces) is raw.
 */
export function parseStatus(text: string): ProcStatus {
	const out: ProcStatus = { name: null, uids: null, ppid: null, nsPids: null };
	for (const line of text.split('\n')) {
		const colon = line.indexOf(':');
		if (colon < 0) continue;
		const key = line.slice(0, colon);
		let value = line.slice(colon + 1);
		if (key === 'Name') {
			// Exactly one TAB follows the colon; the comm itself may start with spaces or tabs.
			value = value.startsWith('\t') ? value.slice(1) : value.replace(/^ +/, '');
			out.name = unescapeName(value);
			continue;
		}
		const nums = value.trim().split(/\s+/).filter((s) => s !== '').map(decInt);
		if (nums.length === 0 || nums.some(Number.isNaN)) continue;
		if (key === 'Uid' && nums.length >= 4) out.uids = nums.slice(0, 4);
		else if (key === 'PPid') out.ppid = nums[0];
		else if (key === 'NSpid') out.nsPids = nums;
	}
	return out;
}

function unescapeName(s: string): string {
	let out = '';
	for (let i = 0; i < s.length; i++) {
		const c = s[i];
		if (c === '\\' && i + 1 < s.length) {
			const n = s[i + 1];
			if (n === 'n') {
				out += '\n';
				i++;
				continue;
			}
			if (n === '\\') {
				out += '\\';
				i++;
				continue;
			}
		}
		out += c;
	}
	return out;
}

/**
 * Parses /proc/[pid]/cmdline: argv joined by NUL, with a NUL after the last argument. A process
 * that overwrote its argv area (setproctitle: `nginx: worker process`) may leave no NUL at all;
 * that text is then one argument. Empty arguments in the middle are real ("" in argv) and kept.
 */
export function parseCmdline(text: string): string[] {
	if (text === '') return [];
	if (!text.includes('\0')) return [text];
	const args = text.split('\0');
	if (text.endsWith('\0')) args.pop();
	return args;
}
