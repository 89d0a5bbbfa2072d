import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parsePacketTable } from '../../src/procfs/packet';

const fixture = (rel: string): string => fs.readFileSync(path.join(__dirname, '../../../test/fixtures', rel), 'utf8');
const HEADER = 'sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n';

describe('parsePacketTable', () => {
	it('reads a header-only table (Linux 6.18 host) as empty, without warnings', () => {
		assert.deepStrictEqual(parsePacketTable(fixture('linux-6.18-host/packet.txt')), { rows: [], warnings: [] });
	});

	describe('text captured on this machine (captured/packet.txt; expected values from `ss -0ae`)', () => {
		const { rows, warnings } = parsePacketTable(fixture('captured/packet.txt'));

		it('reads both sockets and no warning', () => {
			assert.strictEqual(rows.length, 2);
			assert.deepStrictEqual(warnings, []);
		});

		it('decodes the SOCK_RAW ETH_P_ALL socket (ss: p_raw UNCONN *:* ino:7873)', () => {
			assert.deepStrictEqual(rows[0], {
				kind: 'packet',
				ipVersion: null,
				localAddress: null,
				localPort: null,
				remoteAddress: null,
				remotePort: null,
				state: 'UNCONN',
				txQueue: null,
				rxQueue: 0,
				uid: 0,
				inode: '7873',
				path: null,
				unixType: null,
				refCount: 3,
				protocol: 0x0003,
				protocolName: 'ETH_P_ALL',
				ifindex: 0,
				packetType: 'RAW',
			});
		});

		it('decodes the SOCK_DGRAM IPv4 socket bound to lo (ss: p_dgr ip:lo ino:7874; lo is ifindex 1)', () => {
			const r = rows[1];
			assert.deepStrictEqual([r.packetType, r.protocol, r.protocolName, r.ifindex, r.inode], ['DGRAM', 0x0800, 'IPv4', 1, '7874']);
		});
	});

	it('reads the reference §2.5 lines (Rmem → rxQueue)', () => {
		const { rows } = parsePacketTable(
			HEADER + '00000000a00df053 3      3    0003   0     1 1668   0      229504\n' + '00000000290d1d76 3      2    0800   1     1 834    0      229505\n',
		);
		assert.deepStrictEqual(rows.map((r) => [r.rxQueue, r.ifindex, r.inode, r.packetType]), [
			[1668, 0, '229504', 'RAW'],
			[834, 1, '229505', 'DGRAM'],
		]);
	});

	it('names IPv6, ARP and LLDP ethertypes; leaves others unnamed; keeps uid', () => {
		const line = (proto: string, uid: number, inode: number): string => `00000000a00df053 3      3    ${proto}   2     1 0      ${uid}   ${inode}\n`;
		const { rows } = parsePacketTable(HEADER + line('86dd', 1000, 1) + line('0806', 0, 2) + line('88cc', 0, 3) + line('88b5', 0, 4));
		assert.deepStrictEqual(rows.map((r) => [r.protocol, r.protocolName, r.uid]), [
			[0x86dd, 'IPv6', 1000],
			[0x0806, 'ARP', 0],
			[0x88cc, 'LLDP', 0],
			[0x88b5, undefined, 0],
		]);
	});

	it('tolerates an extra trailing column (proposed Drops) and no header', () => {
		const { rows, warnings } = parsePacketTable('00000000a00df053 3      3    0003   0     1 1668   0      229504 17\n');
		assert.deepStrictEqual(warnings, []);
		assert.strictEqual(rows[0].inode, '229504');
		assert.strictEqual(rows[0].rxQueue, 1668);
	});

	it('skips malformed lines with warnings and never throws', () => {
		const { rows, warnings } = parsePacketTable(
			HEADER +
				'00000000a00df053 3 3 0003 0 1\n' + // too short
				'00000000a00df053 3 3 zz03 0 1 0 0 5\n' + // bad ethertype
				'00000000a00df053 3 3 0003 0 1 0 0 12x\n' + // bad inode
				'\0\0\0\n' +
				'00000000a00df053 3 3 0003 0 1 0 0 6\n',
		);
		assert.deepStrictEqual(rows.map((r) => r.inode), ['6']);
		assert.deepStrictEqual(warnings.map((w) => [w.table, w.line]), [['packet', 2], ['packet', 3], ['packet', 4], ['packet', 5]]);
	});
});
