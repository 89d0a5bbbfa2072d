// One entry point for every socket table, so callers iterate TABLE_NAMES without knowing
// which parser reads which file.
import { parseInetTable, type InetTable } from './inet';
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
		default:
			return parseInetTable(text, name satisfies InetTable, opts);
	}
}
