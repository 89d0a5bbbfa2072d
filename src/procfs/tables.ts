// One entry point for every socket table, so callers iterate TABLE_NAMES without knowing
// which parser reads which file.
import { InetTableParser, parseInetTable, type InetTable } from './inet';
import { parseNetlinkTable } from './netlink';
import { parsePacketTable } from './packet';
import { parseSctpAssocs, parseSctpEps } from './sctp';
import type { ByteOrder, ParseResult, SocketRow, TableName } from './types';
import { parseUnixTable } from './unix';

export interface TableParseOptions {
	byteOrder: ByteOrder;
	clkTck?: number;
}

export function parseTable(name: TableName, text: string, opts: TableParseOptions): ParseResult<SocketRow> {
	if (isInetTable(name)) return parseInetTable(text, name, opts);
	switch (name) {
		case 'unix':
			return parseUnixTable(text);
		case 'packet':
			return parsePacketTable(text);
		case 'netlink':
			return parseNetlinkTable(text);
		case 'sctp/eps':
			return parseSctpEps(text);
		case 'sctp/assocs':
			return parseSctpAssocs(text);
	}
}

/**
 * A table parsed from parts of whole lines, as they are read: `text` returns the rows of the
 * part that are ready, `end` the rest and every warning. The inet tables, the big ones, are
 * parsed part by part; the others are joined and parsed at the end (a unix path can hold a
 * newline, so a part's end is not always a record's).
 */
export interface TableStream {
	text(part: string): SocketRow[];
	end(): ParseResult<SocketRow>;
}

export function tableStream(name: TableName, opts: TableParseOptions): TableStream {
	if (isInetTable(name)) {
		const p = new InetTableParser(name, opts);
		return {
			text: (part) => (p.text(part), p.take()),
			end: () => ({ rows: p.take(), warnings: p.warnings }),
		};
	}
	const parts: string[] = [];
	return {
		text: (part) => (parts.push(part), []),
		end: () => parseTable(name, parts.join(''), opts),
	};
}

/** The tables parseInetTable reads: every one but these five. */
function isInetTable(name: TableName): name is InetTable {
	return name !== 'unix' && name !== 'packet' && name !== 'netlink' && name !== 'sctp/eps' && name !== 'sctp/assocs';
}
