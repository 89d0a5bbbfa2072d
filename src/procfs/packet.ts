// /proc/net/packet (`packet_seq_show`): "%pK %-6d %-4d %04x   %-5d %1d %-6u %-6u %-6lu" =
// sk RefCnt Type Proto Iface R Rmem User Inode. A Drops column has been proposed upstream, so
// anything after Inode is ignored rather than rejected.
import { addresslessRow, type ParseResult, type ParseWarning, type SocketRow } from './types';
import { decInt, decUint, forEachTokenRow, hexInt, isDecimal, makeWarning, HEX_TOKEN } from './lines';

const TABLE = 'packet';

const PACKET_TYPES: Record<number, string> = { 2: 'DGRAM', 3: 'RAW' };

/** Ethertypes worth a name in the UI; the number is always kept in `protocol`. */
const ETHERTYPES: Record<number, string> = {
	0x0003: 'ETH_P_ALL',
	0x0800: 'IPv4',
	0x0806: 'ARP',
	0x86dd: 'IPv6',
	0x88cc: 'LLDP',
};

export function parsePacketTable(text: string): ParseResult<SocketRow> {
	const rows: SocketRow[] = [];
	const warnings: ParseWarning[] = [];
	// Header detected, not assumed: "sk" is not a pointer.
	forEachTokenRow(text, TABLE, 9, HEX_TOKEN, warnings, (t, line, lineNo) => {
		const refCount = decInt(t[1]);
		const type = decInt(t[2]);
		const proto = hexInt(t[3]);
		const ifindex = decInt(t[4]);
		const running = decInt(t[5]);
		// Rmem, User and Inode are printed unsigned.
		const rmem = decUint(t[6]);
		const uid = decUint(t[7]);
		if (!HEX_TOKEN.test(t[0]) || [refCount, type, proto, ifindex, running, rmem, uid].some(Number.isNaN) || !isDecimal(t[8])) {
			warnings.push(makeWarning(TABLE, lineNo, 'malformed packet socket record', line));
			return;
		}
		const row: SocketRow = {
			// Packet sockets have no connection state; ss shows them as UNCONN.
			...addresslessRow('packet', 'UNCONN', t[8]),
			rxQueue: rmem,
			uid,
			refCount,
			protocol: proto,
			ifindex,
			packetType: PACKET_TYPES[type] ?? `TYPE_${type}`,
		};
		const name = ETHERTYPES[proto];
		if (name !== undefined) row.protocolName = name;
		rows.push(row);
	});
	return { rows, warnings };
}
