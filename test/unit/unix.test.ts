import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseUnixTable } from '../../src/procfs/unix';
import type { SocketRow } from '../../src/procfs/types';

const fixture = (rel: string): string => fs.readFileSync(path.join(__dirname, '../../../test/fixtures', rel), 'utf8');
const HEADER = 'Num       RefCount Protocol Flags    Type St Inode Path\n';
const byInode = (rows: SocketRow[], inode: string): SocketRow[] => rows.filter((r) => r.inode === inode);

describe('parseUnixTable', () => {
	describe('prometheus/procfs fixture (values asserted in net_unix_test.go)', () => {
		const { rows, warnings } = parseUnixTable(fixture('prometheus-procfs/proc/net/unix'));

		it('reads every record and no warning', () => {
			assert.strictEqual(rows.length, 5);
			assert.deepStrictEqual(warnings, []);
		});

		it('decodes the postgres listener: RefCount 2, Flags 1<<16, Type 1, State 1, Inode 3442596', () => {
			const r = rows[0];
			assert.strictEqual(r.kind, 'unix');
			assert.strictEqual(r.refCount, 2);
			assert.strictEqual(r.state, 'LISTEN');
			assert.strictEqual(r.unixType, 'STREAM');
			assert.strictEqual(r.inode, '3442596');
			assert.strictEqual(r.path, '/var/run/postgresql/.s.PGSQL.5432');
			assert.strictEqual(r.ipVersion, null);
			assert.strictEqual(r.localAddress, null);
			assert.strictEqual(r.localPort, null);
			assert.strictEqual(r.remoteAddress, null);
			assert.strictEqual(r.remotePort, null);
			assert.strictEqual(r.txQueue, null);
			assert.strictEqual(r.rxQueue, null);
			assert.strictEqual(r.uid, null);
			assert.strictEqual(r.suspect, undefined);
		});

		it('decodes types, ref counts and states of the other rows', () => {
			assert.deepStrictEqual(
				rows.map((r) => [r.refCount, r.unixType, r.state, r.inode, r.path]),
				[
					[2, 'STREAM', 'LISTEN', '3442596', '/var/run/postgresql/.s.PGSQL.5432'],
					[10, 'SEQPACKET', 'LISTEN', '10061', '/run/udev/control'],
					[7, 'DGRAM', 'UNCONNECTED', '12392', '/dev/log'],
					[3, 'STREAM', 'CONNECTED', '4787297', '/var/run/postgresql/.s.PGSQL.5432'],
					[3, 'STREAM', 'CONNECTED', '5091797', null],
				],
			);
		});

		it('gives the last row (no trailing text) a null path', () => {
			assert.strictEqual(rows[4].path, null);
		});
	});

	it('reads the inode-less layout of prometheus unix_without_inode (inode "0", paths kept)', () => {
		const { rows, warnings } = parseUnixTable(fixture('prometheus-procfs/proc/net/unix_without_inode'));
		assert.deepStrictEqual(warnings, []);
		assert.deepStrictEqual(
			rows.map((r) => [r.inode, r.state, r.path]),
			[
				['0', 'LISTEN', '/var/run/postgresql/.s.PGSQL.5432'],
				['0', 'LISTEN', '/run/udev/control'],
				['0', 'UNCONNECTED', '/dev/log'],
				['0', 'CONNECTED', '/var/run/postgresql/.s.PGSQL.5432'],
				['0', 'CONNECTED', null],
			],
		);
	});

	it('reads the Linux 6.18 host table (right-aligned inodes "  1509")', () => {
		const { rows, warnings } = parseUnixTable(fixture('linux-6.18-host/unix.txt'));
		assert.deepStrictEqual(warnings, []);
		assert.deepStrictEqual(rows.map((r) => [r.inode, r.state, r.path, r.refCount]), [
			['1509', 'CONNECTED', null, 3],
			['1508', 'CONNECTED', null, 3],
		]);
	});

	it('reads psutil\'s emulated file: no header, short "000" fields, garbage line as a warning', () => {
		const { rows, warnings } = parseUnixTable(fixture('psutil/proc_net_unix_emulated.txt'));
		assert.deepStrictEqual(rows.map((r) => [r.inode, r.unixType, r.state, r.path]), [
			['462170', 'STREAM', 'CONNECTED', '@/tmp/dbus-Qw2hMPIU3n'],
			['35010', 'STREAM', 'CONNECTED', '@/tmp/dbus-tB2X8h69BQ'],
			['34424', 'STREAM', 'CONNECTED', '@/tmp/dbus-cHy80Y8O'],
		]);
		assert.strictEqual(warnings.length, 1);
		assert.strictEqual(warnings[0].table, 'unix');
		assert.strictEqual(warnings[0].line, 4);
		assert.match(warnings[0].reason, /garbage/);
		assert.ok(rows.every((r) => r.suspect === undefined));
	});

	describe('text captured on this machine (captured/unix_edge.txt; expected values from `ss -xae`)', () => {
		const { rows, warnings } = parseUnixTable(fixture('captured/unix_edge.txt'));
		const dir = '/tmp/procnet-cap-f7zicsde';
		const one = (inode: string): SocketRow => {
			const found = byInode(rows, inode);
			assert.strictEqual(found.length, 1, `exactly one row for inode ${inode}`);
			return found[0];
		};

		it('reads 12 records (13 lines: one is the continuation of a name)', () => {
			assert.strictEqual(rows.length, 12);
		});

		it('keeps a path with a space whole (ss: u_str LISTEN ".../with space.sock" 7865)', () => {
			const r = byInode(rows, '7865').find((x) => x.suspect === undefined);
			assert.ok(r);
			assert.strictEqual(r.path, `${dir}/with space.sock`);
			assert.strictEqual(r.state, 'LISTEN');
			assert.strictEqual(r.unixType, 'STREAM');
		});

		it('joins a name containing a newline (ss: ".../new\\nline.sock" 7866)', () => {
			assert.strictEqual(one('7866').path, `${dir}/new\nline.sock`);
			assert.strictEqual(one('7866').state, 'LISTEN');
		});

		it('keeps a relative path and reads SEQPACKET (ss: u_seq LISTEN relative.sock 7869)', () => {
			assert.deepStrictEqual([one('7869').path, one('7869').unixType, one('7869').state], ['relative.sock', 'SEQPACKET', 'LISTEN']);
		});

		it('keeps abstract names with "@" as printed (ss: @procnet-abstract@name 7867, u_dgr UNCONN @9b5e0 7868)', () => {
			assert.deepStrictEqual([one('7867').path, one('7867').state], ['@procnet-abstract@name', 'LISTEN']);
			assert.deepStrictEqual([one('7868').path, one('7868').unixType, one('7868').state], ['@9b5e0', 'DGRAM', 'UNCONNECTED']);
		});

		it('reads the unaccepted embryo: St 02, inode 0, the listener\'s path → CONNECTING', () => {
			const embryo = one('0');
			assert.strictEqual(embryo.state, 'CONNECTING');
			assert.strictEqual(embryo.path, `${dir}/pending.sock`);
			assert.strictEqual(embryo.suspect, undefined);
			// ss: the listener has Recv-Q 1 and peer 7871, the connected, unnamed client.
			assert.deepStrictEqual([one('7870').state, one('7870').path], ['LISTEN', `${dir}/pending.sock`]);
			assert.deepStrictEqual([one('7871').state, one('7871').path], ['CONNECTED', null]);
		});

		it('flags the record forged through "@evil\\n..." (it repeats inode 7865) and not the real 7865', () => {
			const dup = byInode(rows, '7865');
			assert.strictEqual(dup.length, 2);
			const forged = dup.find((r) => r.path === '/fake/path');
			const real = dup.find((r) => r.path === `${dir}/with space.sock`);
			assert.ok(forged && real);
			assert.strictEqual(forged.suspect, 'possibly-forged');
			assert.strictEqual(real.suspect, undefined);
			// ss (netlink) shows 7872 as one DGRAM socket named "@evil\n0000…7865 /fake/path"; /proc can only show "@evil".
			assert.deepStrictEqual([one('7872').path, one('7872').unixType, one('7872').suspect], ['@evil', 'DGRAM', undefined]);
			assert.strictEqual(rows.filter((r) => r.suspect !== undefined).length, 1);
			assert.strictEqual(warnings.length, 1);
			assert.strictEqual(warnings[0].line, 14);
			assert.match(warnings[0].reason, /inode 7865/);
		});
	});

	describe('pitfalls', () => {
		it('takes the rest of the line after one space as the path, spaces included', () => {
			const t = HEADER + '00000000469f1f14: 00000002 00000000 00010000 0001 01 229493 /run/x/with  two  spaces .sock \n';
			const { rows } = parseUnixTable(t);
			assert.strictEqual(rows[0].path, '/run/x/with  two  spaces .sock ');
			assert.strictEqual(rows[0].inode, '229493');
		});

		it('reads the reference §2.4 lines: newline continuation, abstract, autobind, embryo, relative', () => {
			const t =
				HEADER +
				'0000000090d1bc9a: 00000003 00000000 00000000 0001 03  1508\n' +
				'00000000c5c00759: 00000002 00000000 00010000 0001 01 229497 /tmp/unixsocks/new\n' +
				'line.sock\n' +
				'000000007973221e: 00000002 00000000 00010000 0001 01 229496 @my-abstract@name\n' +
				'0000000061c18e5b: 00000002 00000000 00000000 0002 01 229503 @9e7fa\n' +
				'000000008310a91e: 00000003 00000000 00000000 0001 02     0 /tmp/unixsocks/pending.sock\n' +
				'0000000013cdf103: 00000002 00000000 00010000 0001 01 334275 relative.sock\n';
			const { rows, warnings } = parseUnixTable(t);
			assert.deepStrictEqual(warnings, []);
			assert.deepStrictEqual(rows.map((r) => [r.inode, r.state, r.unixType, r.path]), [
				['1508', 'CONNECTED', 'STREAM', null],
				['229497', 'LISTEN', 'STREAM', '/tmp/unixsocks/new\nline.sock'],
				['229496', 'LISTEN', 'STREAM', '@my-abstract@name'],
				['229503', 'UNCONNECTED', 'DGRAM', '@9e7fa'],
				['0', 'CONNECTING', 'STREAM', '/tmp/unixsocks/pending.sock'],
				['334275', 'LISTEN', 'STREAM', 'relative.sock'],
			]);
		});

		it('joins several continuation lines, including an empty one (a name ending in "\\n")', () => {
			const t = HEADER + '00000000c5c00759: 00000002 00000000 00010000 0001 01 229497 /tmp/a\nb\n\nc\n\n';
			const { rows, warnings } = parseUnixTable(t);
			assert.deepStrictEqual(warnings, []);
			assert.strictEqual(rows[0].path, '/tmp/a\nb\n\nc\n');
		});

		it('reads a name that starts with a newline (record ends in one space → empty path, then continued)', () => {
			const t = HEADER + '00000000c5c00759: 00000002 00000000 00000000 0002 01 5000 \nstarts-with-newline\n';
			const { rows, warnings } = parseUnixTable(t);
			assert.deepStrictEqual(warnings, []);
			assert.strictEqual(rows[0].path, '\nstarts-with-newline');
		});

		it('decodes the remaining St values and unknown types/states', () => {
			const t =
				'0000000000000001: 00000001 00000000 00000000 0001 04 10\n' +
				'0000000000000002: 00000001 00000000 00000000 0003 01 11\n' +
				'0000000000000003: 00000001 00000000 00000000 0001 07 12\n';
			const { rows } = parseUnixTable(t);
			assert.deepStrictEqual(rows.map((r) => [r.state, r.unixType]), [
				['DISCONNECTING', 'STREAM'],
				['UNCONNECTED', 'TYPE_3'],
				['ST_07', 'STREAM'],
			]);
		});

		describe('forged records (reference §2.4: "@evil" followed by a fake record)', () => {
			const evil = '000000007fb9beec: 00000002 00000000 00000000 0002 01 334273 @evil\n';
			const fake = '0000000000000000: 00000002 00000000 00000000 0002 01 99999 /fake/path\n';
			const real = '00000000aa11bb22: 00000002 00000000 00000000 0002 01 99999 /run/real.sock\n';
			const other = '00000000cc33dd44: 00000003 00000000 00000000 0001 03  1508\n';

			it('flags the forged copy of a real inode, not the real socket', () => {
				const { rows, warnings } = parseUnixTable(HEADER + other + real + evil + fake);
				assert.strictEqual(rows.length, 4);
				const [realRow, fakeRow] = byInode(rows, '99999');
				assert.strictEqual(realRow.path, '/run/real.sock');
				assert.strictEqual(realRow.suspect, undefined);
				assert.strictEqual(fakeRow.path, '/fake/path');
				assert.strictEqual(fakeRow.suspect, 'possibly-forged');
				assert.strictEqual(rows[2].path, '@evil');
				assert.strictEqual(rows[2].suspect, undefined);
				assert.strictEqual(warnings.length, 1);
				assert.strictEqual(warnings[0].line, 5);
				assert.match(warnings[0].reason, /inode 99999 appears on 2 records/);
			});

			it('also flags it when the forged line comes before the real one', () => {
				const { rows } = parseUnixTable(HEADER + evil + fake + other + real);
				assert.deepStrictEqual(byInode(rows, '99999').map((r) => [r.path, r.suspect]), [
					['/fake/path', 'possibly-forged'],
					['/run/real.sock', undefined],
				]);
			});

			it('flags every copy when each of them could be text of the previous name', () => {
				const evil2 = '000000007fb9beed: 00000002 00000000 00000000 0002 01 334274 @evil2\n';
				const { rows, warnings } = parseUnixTable(HEADER + evil + fake + evil2 + fake);
				assert.deepStrictEqual(byInode(rows, '99999').map((r) => r.suspect), ['possibly-forged', 'possibly-forged']);
				assert.strictEqual(warnings.length, 2);
				assert.match(warnings[0].reason, /cannot be told which is real/);
			});

			it('flags every copy when none could be a continuation (the previous rows are unnamed)', () => {
				const realNoPrev = '00000000aa11bb23: 00000002 00000000 00000000 0002 01 99999\n';
				const { rows } = parseUnixTable(HEADER + other + realNoPrev + other.replace('1508', '1509') + realNoPrev);
				assert.deepStrictEqual(byInode(rows, '99999').map((r) => r.suspect), ['possibly-forged', 'possibly-forged']);
			});

			it('does not treat a copy as a continuation when the name would outgrow sun_path (108)', () => {
				const longName = '/' + 'x'.repeat(60);
				const longPrev = `000000007fb9beec: 00000002 00000000 00000000 0002 01 334273 ${longName}\n`;
				// 61 + 1 + 71 > 108: the line after longPrev cannot be part of its name, so the other copy is the forgery.
				const { rows } = parseUnixTable(HEADER + longPrev + real + evil + fake);
				assert.deepStrictEqual(byInode(rows, '99999').map((r) => [r.path, r.suspect]), [
					['/run/real.sock', undefined],
					['/fake/path', 'possibly-forged'],
				]);
			});

			it('cannot see a forgery that repeats no inode and matches the pointer width (documented limit)', () => {
				const { rows, warnings } = parseUnixTable(HEADER + evil + fake);
				assert.deepStrictEqual(rows.map((r) => [r.inode, r.path, r.suspect]), [
					['334273', '@evil', undefined],
					['99999', '/fake/path', undefined],
				]);
				assert.deepStrictEqual(warnings, []);
			});

			it('flags a record whose pointer width differs from the majority', () => {
				const shortPtr = '0: 00000002 00000000 00000000 0002 01 77777 /fake/short\n';
				const { rows, warnings } = parseUnixTable(HEADER + other + real + evil + shortPtr);
				assert.deepStrictEqual(rows.map((r) => r.suspect), [undefined, undefined, undefined, 'possibly-forged']);
				assert.strictEqual(warnings.length, 1);
				assert.match(warnings[0].reason, /pointer column is 1 characters wide.*16/);
			});
		});

		describe('bad input', () => {
			it('warns about a non-record line with no record before it', () => {
				const { rows, warnings } = parseUnixTable(HEADER + 'hello world\n' + '0000000000000001: 00000001 00000000 00000000 0001 03 42\n');
				assert.strictEqual(rows.length, 1);
				assert.strictEqual(rows[0].inode, '42');
				assert.deepStrictEqual(warnings.map((w) => [w.line, w.text]), [[2, 'hello world']]);
			});

			it('warns about text after an unnamed socket (it has no name to continue)', () => {
				const { rows, warnings } = parseUnixTable(HEADER + '0000000000000001: 00000001 00000000 00000000 0001 03 42\nstray\n');
				assert.strictEqual(rows[0].path, null);
				assert.deepStrictEqual(warnings.map((w) => w.line), [3]);
			});

			it('warns about NUL-byte lines (psutil #766) instead of joining them to a name', () => {
				const t = HEADER + '0000000000000001: 00000002 00000000 00010000 0001 01 42 /run/a.sock\n\0\0\0\0 \0\0\n';
				const { rows, warnings } = parseUnixTable(t);
				assert.strictEqual(rows[0].path, '/run/a.sock');
				assert.strictEqual(warnings.length, 1);
				assert.match(warnings[0].reason, /garbage/);
			});

			it('warns about a "continuation" that would make the name longer than sun_path (108)', () => {
				const name = '/' + 'n'.repeat(99);
				const t = HEADER + `0000000000000001: 00000002 00000000 00010000 0001 01 42 ${name}\nseventeen-chars!!\nshort\n`;
				const { rows, warnings } = parseUnixTable(t);
				// 100 + 1 + 17 > 108 cannot be one name; the next line still can (100 + 1 + 5).
				assert.strictEqual(rows[0].path, name + '\nshort');
				assert.deepStrictEqual(warnings.map((w) => w.line), [3]);
			});

			it('warns about a first line that is neither a header nor a record', () => {
				const { rows, warnings } = parseUnixTable('\0\0\0\n0000000000000001: 00000001 00000000 00000000 0001 03 42\n');
				assert.strictEqual(rows.length, 1);
				assert.deepStrictEqual(warnings.map((w) => w.line), [1]);
			});

			it('returns nothing for empty text or a header alone', () => {
				assert.deepStrictEqual(parseUnixTable(''), { rows: [], warnings: [] });
				assert.deepStrictEqual(parseUnixTable(HEADER), { rows: [], warnings: [] });
			});

			it('keeps a 20-digit (64-bit) inode as exact text', () => {
				const { rows } = parseUnixTable('0000000000000001: 00000001 00000000 00000000 0001 03 18446744073709551615\n');
				assert.strictEqual(rows[0].inode, '18446744073709551615');
			});

			it('never throws on random bytes', () => {
				let seed = 12345;
				const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
				const alphabet = '0123456789abcdefABCDEF: @/\n\0\t-x';
				for (let n = 0; n < 300; n++) {
					let s = n % 3 === 0 ? HEADER : '';
					const len = Math.floor(rnd() * 400);
					for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
					const res = parseUnixTable(s);
					assert.ok(Array.isArray(res.rows) && Array.isArray(res.warnings));
				}
			});
		});
	});
});
