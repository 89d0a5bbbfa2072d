import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseNetlinkTable } from '../../src/procfs/netlink';

const fixture = (rel: string): string => fs.readFileSync(path.join(__dirname, '../../../test/fixtures', rel), 'utf8');
const HEADER = 'sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n';

describe('parseNetlinkTable', () => {
	describe('Linux 6.18 host table (space-padded lines)', () => {
		const { rows, warnings } = parseNetlinkTable(fixture('linux-6.18-host/netlink.txt'));

		it('reads the ten kernel sockets without warnings', () => {
			assert.strictEqual(rows.length, 10);
			assert.deepStrictEqual(warnings, []);
		});

		it('names the families and keeps inodes as text', () => {
			assert.deepStrictEqual(rows.map((r) => [r.protocol, r.protocolName, r.inode]), [
				[0, 'NETLINK_ROUTE', '4'],
				[4, 'NETLINK_SOCK_DIAG', '1438'],
				[6, 'NETLINK_XFRM', '1440'],
				[7, 'NETLINK_SELINUX', '1052'],
				[9, 'NETLINK_AUDIT', '6'],
				[10, 'NETLINK_FIB_LOOKUP', '1041'],
				[11, 'NETLINK_CONNECTOR', '1026'],
				[12, 'NETLINK_NETFILTER', '1439'],
				[15, 'NETLINK_KOBJECT_UEVENT', '8'],
				[16, 'NETLINK_GENERIC', '5'],
			]);
		});

		it('fills the common fields (kernel socket: port id 0, no uid)', () => {
			assert.deepStrictEqual(rows[0], {
				kind: 'netlink',
				ipVersion: null,
				localAddress: null,
				localPort: null,
				remoteAddress: null,
				remotePort: null,
				state: 'UNCONN',
				txQueue: 0,
				rxQueue: 0,
				uid: null,
				inode: '4',
				path: null,
				unixType: null,
				protocol: 0,
				protocolName: 'NETLINK_ROUTE',
				portId: 0,
				groups: '00000000',
				drops: 0,
			});
		});
	});

	it('reads the socket captured on this machine (ss: rtnl:python3/5683 groups=0x00000011)', () => {
		const { rows, warnings } = parseNetlinkTable(fixture('captured/netlink.txt'));
		assert.deepStrictEqual(warnings, []);
		const mine = rows.filter((r) => r.portId !== 0);
		assert.deepStrictEqual(mine.map((r) => [r.protocolName, r.portId, r.groups, r.inode]), [['NETLINK_ROUTE', 5683, '00000011', '7875']]);
	});

	it('reads the reference §2.6 line and rmem/wmem/drops columns', () => {
		const { rows } = parseNetlinkTable(
			HEADER + '00000000d94460ad 0   6047       00000011 0        0        0     2        0        229506\n' +
				'00000000d94460ae 16  4294967295 ffffffff 1280     640      0     2        3        229507\n',
		);
		assert.deepStrictEqual(rows.map((r) => [r.portId, r.groups, r.rxQueue, r.txQueue, r.drops, r.inode]), [
			[6047, '00000011', 0, 0, 0, '229506'],
			[4294967295, 'ffffffff', 1280, 640, 3, '229507'],
		]);
	});

	it('leaves an unassigned family (17) unnamed and tolerates extra trailing columns', () => {
		const { rows, warnings } = parseNetlinkTable('00000000d94460ad 17  0          00000000 0        0        0     2        0        42       extra 9\n');
		assert.deepStrictEqual(warnings, []);
		assert.strictEqual(rows[0].protocol, 17);
		assert.strictEqual(rows[0].protocolName, undefined);
		assert.strictEqual(rows[0].inode, '42');
	});

	it('skips malformed lines with warnings', () => {
		const { rows, warnings } = parseNetlinkTable(
			HEADER +
				'00000000d94460ad 0 0 00000000 0 0 0 2 0\n' + // 9 columns
				'00000000d94460ad 0 0 0000zz00 0 0 0 2 0 5\n' + // bad groups
				'00000000d94460ad x 0 00000000 0 0 0 2 0 5\n' + // bad family
				'00000000d94460ad 0 0 00000000 0 0 0 2 0 6\n',
		);
		assert.deepStrictEqual(rows.map((r) => r.inode), ['6']);
		assert.deepStrictEqual(warnings.map((w) => [w.table, w.line]), [['netlink', 2], ['netlink', 3], ['netlink', 4]]);
	});
});
