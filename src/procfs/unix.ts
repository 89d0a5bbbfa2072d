// /proc/net/unix (`unix_seq_show`): "%pK: %08X %08X %08X %04X %02X %5lu" then, for a bound
// socket, ' ' + the name exactly as bound. Names are printed raw (spaces, '\n' and all), so the
// path is "the rest of the line" and a line that is not a record continues the previous name.
import { addresslessRow, type ParseResult, type ParseWarning, type SocketRow } from './types';
import { forEachLine, hexInt, makeWarning, stripLeadingZeros } from './lines';

const TABLE = 'unix';

// Anchored at line start and strict about the field shapes so that the text of a name is only
// taken for a record when it really looks like one. Field widths are not fixed: psutil's emulated
// file prints "000" where the kernel prints "00000000". Group 7 (inode) is decimal.
const RECORD =
	/^\s*([0-9a-fA-F]+): +([0-9A-Fa-f]+) +([0-9A-Fa-f]+) +([0-9A-Fa-f]+) +([0-9A-Fa-f]+) +([0-9A-Fa-f]+) +(\d+)(?: (.*))?$/s;
// Very old kernels (and prometheus' `unix_without_inode` fixture) have no Inode column; only used
// when the header says so, since otherwise a numeric name would be mistaken for an inode.
const RECORD_NO_INODE =
	/^\s*([0-9a-fA-F]+): +([0-9A-Fa-f]+) +([0-9A-Fa-f]+) +([0-9A-Fa-f]+) +([0-9A-Fa-f]+) +([0-9A-Fa-f]+)(?: (.*))?$/s;

/** sizeof(sun_path): no printed name (abstract '@' included) can be longer. */
const SUN_PATH_MAX = 108;
/** `__SO_ACCEPTCON`: the socket is listening. */
const SO_ACCEPTCON = 0x10000;

const TYPES: Record<number, string> = { 1: 'STREAM', 2: 'DGRAM', 5: 'SEQPACKET' };
// St is `socket_state` of the kernel; 02 is also what an embryo (queued, not yet accepted) shows.
const STATES: Record<number, string> = { 1: 'UNCONNECTED', 2: 'CONNECTING', 3: 'CONNECTED', 4: 'DISCONNECTING' };

/** Per-record facts needed after the whole table is read (suspect marking). */
interface RecordInfo {
	row: SocketRow;
	lineNo: number;
	line: string;
	pointerWidth: number;
	/** The previous record's name as it stood when this line was read (null: none/unnamed). */
	prevPath: string | null;
}

/**
 * Parses /proc/net/unix. Rows that may be text forged through a '\n' in another socket's name
 * get `suspect: 'possibly-forged'` (and a warning) so callers never give them an owner.
 */
export function parseUnixTable(text: string): ParseResult<SocketRow> {
	const warnings: ParseWarning[] = [];
	const records: RecordInfo[] = [];
	let re = RECORD;
	let hasInode = true;

	forEachLine(text, (line, lineNo) => {
		const m = re.exec(line);
		if (lineNo === 1 && !m && /[A-Za-z]{3}/.test(line)) {
			// A header. Detected, not assumed: psutil's emulated file starts with a record.
			if (!/\bInode\b/i.test(line) && /\bPath\b/i.test(line)) {
				re = RECORD_NO_INODE;
				hasInode = false;
			}
			return;
		}
		if (m) {
			records.push(toRecord(m, hasInode, line, lineNo, records));
			return;
		}
		const prev = records.length > 0 ? records[records.length - 1].row : null;
		if (prev === null || prev.path === null) {
			warnings.push(makeWarning(TABLE, lineNo, prev === null ? 'not a unix socket record' : 'unexpected text after an unnamed socket', line));
			return;
		}
		// The kernel never prints a NUL (pathnames end at NUL, abstract NULs print as '@'); psutil
		// #766 saw such lines, and its test emulates them as a run of '0's. Neither is a name.
		if (line.includes('\0') || /^0{16,}$/.test(line)) {
			warnings.push(makeWarning(TABLE, lineNo, 'garbage line (NUL bytes or zero fill)', line));
			return;
		}
		// A name cannot outgrow sun_path, so longer "continuations" are something else.
		if (prev.path.length + 1 + line.length > SUN_PATH_MAX) {
			warnings.push(makeWarning(TABLE, lineNo, 'not a unix socket record (too long to continue the previous name)', line));
			return;
		}
		prev.path += '\n' + line;
	});

	markSuspects(records, warnings);
	return { rows: records.map((r) => r.row), warnings };
}

function toRecord(m: RegExpExecArray, hasInode: boolean, line: string, lineNo: number, records: RecordInfo[]): RecordInfo {
	const flags = hexInt(m[4]);
	const type = hexInt(m[5]);
	const st = hexInt(m[6]);
	const rest = hasInode ? m[8] : m[7];
	const row: SocketRow = {
		// Kept as text: 64-bit inode printing is coming, and 0 (no inode) must stay recognisable.
		...addresslessRow('unix', (flags & SO_ACCEPTCON) !== 0 ? 'LISTEN' : (STATES[st] ?? `ST_${m[6]}`), hasInode ? stripLeadingZeros(m[7]) : '0'),
		path: rest === undefined ? null : rest,
		unixType: TYPES[type] ?? `TYPE_${type}`,
		refCount: hexInt(m[2]),
	};
	const prev = records.length > 0 ? records[records.length - 1].row : null;
	return { row, lineNo, line, pointerWidth: m[1].length, prevPath: prev === null ? null : prev.path };
}

/**
 * A name containing '\n' followed by a well-formed line forges a record, and no text rule can
 * tell it apart. What gives it away: it usually repeats a real inode (an attacker wants to hide
 * or impersonate a socket), and it must fit in the previous name's sun_path; the kernel also
 * prints every pointer with the same width, which a forger may not match.
 */
function markSuspects(records: RecordInfo[], warnings: ParseWarning[]): void {
	const byInode = new Map<string, RecordInfo[]>();
	const widthCount = new Map<number, number>();
	for (const r of records) {
		widthCount.set(r.pointerWidth, (widthCount.get(r.pointerWidth) ?? 0) + 1);
		if (r.row.inode === '0') continue; // embryos and inode-less tables legitimately repeat 0
		const list = byInode.get(r.row.inode);
		if (list) list.push(r);
		else byInode.set(r.row.inode, [r]);
	}

	const reasons = new Map<RecordInfo, string>();
	for (const [inode, group] of byInode) {
		if (group.length < 2) continue;
		const fits = group.filter(couldContinuePrevious);
		// When exactly the continuable ones can be told apart, the others are the real sockets;
		// otherwise there is no telling which is real, so none may be trusted.
		const decided = fits.length > 0 && fits.length < group.length;
		const why = decided
			? `inode ${inode} appears on ${group.length} records; this one fits in the previous socket's name, so it may be text of that name`
			: `inode ${inode} appears on ${group.length} records and it cannot be told which is real`;
		for (const r of decided ? fits : group) reasons.set(r, why);
	}

	// A pointer width is only "odd" against a strict majority; with no majority nothing is known.
	let majorityWidth = -1;
	for (const [w, n] of widthCount) if (n * 2 > records.length) majorityWidth = w;
	if (majorityWidth >= 0) {
		for (const r of records) {
			if (r.pointerWidth !== majorityWidth && !reasons.has(r)) {
				reasons.set(r, `pointer column is ${r.pointerWidth} characters wide, the table's other records use ${majorityWidth}`);
			}
		}
	}

	for (const r of records) {
		const reason = reasons.get(r);
		if (reason === undefined) continue;
		r.row.suspect = 'possibly-forged';
		warnings.push(makeWarning(TABLE, r.lineNo, reason, r.line));
	}
	warnings.sort((a, b) => a.line - b.line);
}

function couldContinuePrevious(r: RecordInfo): boolean {
	return r.prevPath !== null && r.prevPath.length + 1 + r.line.length <= SUN_PATH_MAX;
}
