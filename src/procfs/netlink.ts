// /proc/net/netlink (`netlink_native_seq_show`):
// "%pK %-3d %-10u %08x %-8d %-8d %-5d %-8d %-8u %-8lu" = sk Eth Pid Groups Rmem Wmem Dump Locks
// Drops Inode. Lines are right-padded with spaces; extra trailing columns are ignored.
import { addresslessRow, type ParseResult, type ParseWarning, type SocketRow } from './types';
import { decInt, decUint, forEachTokenRow, isDecimal, makeWarning, HEX_TOKEN } from './lines';

const TABLE = 'netlink';

/** Netlink families (include/uapi/linux/netlink.h); 17 is unassigned. */
const FAMILIES: Record<number, string> = {
	0: 'NETLINK_ROUTE',
	1: 'NETLINK_UNUSED',
	2: 'NETLINK_USERSOCK',
	3: 'NETLINK_FIREWALL',
	4: 'NETLINK_SOCK_DIAG',
	5: 'NETLINK_NFLOG',
	6: 'NETLINK_XFRM',
	7: 'NETLINK_SELINUX',
	8: 'NETLINK_ISCSI',
	9: 'NETLINK_AUDIT',
	10: 'NETLINK_FIB_LOOKUP',
	11: 'NETLINK_CONNECTOR',
	12: 'NETLINK_NETFILTER',
	13: 'NETLINK_IP6_FW',
	14: 'NETLINK_DNRTMSG',
	15: 'NETLINK_KOBJECT_UEVENT',
	16: 'NETLINK_GENERIC',
	18: 'NETLINK_SCSITRANSPORT',
	19: 'NETLINK_ECRYPTFS',
	20: 'NETLINK_RDMA',
	21: 'NETLINK_CRYPTO',
	22: 'NETLINK_SMC',
};

export function parseNetlinkTable(text: string): ParseResult<SocketRow> {
	const rows: SocketRow[] = [];
	const warnings: ParseWarning[] = [];
	// Header detected, not assumed: "sk" is not a pointer.
	forEachTokenRow(text, TABLE, 10, HEX_TOKEN, warnings, (t, line, lineNo) => {
		const family = decInt(t[1]);
		// Signed: kernels before 3.x printed autobound port ids as negative numbers (%-6d).
		const portId = decInt(t[2]);
		// Queued bytes cannot be negative; Drops and Inode are printed unsigned.
		const rmem = decUint(t[4]);
		const wmem = decUint(t[5]);
		const dump = decInt(t[6]);
		const locks = decInt(t[7]);
		const drops = decUint(t[8]);
		if (!HEX_TOKEN.test(t[0]) || !HEX_TOKEN.test(t[3]) || [family, portId, rmem, wmem, dump, locks, drops].some(Number.isNaN) || !isDecimal(t[9])) {
			warnings.push(makeWarning(TABLE, lineNo, 'malformed netlink socket record', line));
			return;
		}
		const row: SocketRow = {
			// The table has no uid column; ownership comes from the fd scan only.
			...addresslessRow('netlink', 'UNCONN', t[9]),
			txQueue: wmem,
			rxQueue: rmem,
			protocol: family,
			// Port id, not a pid: it equals the TGID only for a process's first autobound socket
			// and 0 is the kernel's own socket.
			portId,
			// Kept as printed: only the first 32 group bits are shown, as a mask.
			groups: t[3],
			drops,
		};
		const name = FAMILIES[family];
		if (name !== undefined) row.protocolName = name;
		rows.push(row);
	});
	return { rows, warnings };
}
