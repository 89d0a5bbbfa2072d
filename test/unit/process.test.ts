import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseCmdline, parseStat, parseStatus } from '../../src/procfs/process';

const fixture = (rel: string): string => fs.readFileSync(path.join(__dirname, '../../../test/fixtures', rel), 'utf8');

describe('parseStat', () => {
	it('reads a comm with ") (", a space, a backslash and a newline (captured; ps: pid 6669 ppid 6665 nlwp 1)', () => {
		assert.deepStrictEqual(parseStat(fixture('captured/proc_comm_stat.txt')), {
			pid: 6669,
			comm: 'a) (b\\c\nd)',
			state: 'R',
			ppid: 6665,
			numThreads: 1,
			startTicks: 60729,
			rssPages: 3591,
			utimeTicks: 4,
			stimeTicks: 2,
		});
	});

	it('reads a zombie (captured: state Z, parent is the capture script, rss 0)', () => {
		assert.deepStrictEqual(parseStat(fixture('captured/proc_zombie_stat.txt')), {
			pid: 6711,
			comm: 'python3',
			state: 'Z',
			ppid: 6669,
			numThreads: 1,
			startTicks: 60743,
			rssPages: 0,
			utimeTicks: 5,
			stimeTicks: 1,
		});
	});

	it('counts fields from the last ")" with proc(5) numbering (14 utime, 15 stime, 20 threads, 22 starttime, 24 rss)', () => {
		// Field k after the comm holds the value k, so an off-by-one shows up as a wrong number.
		const tail = Array.from({ length: 50 }, (_, i) => String(i + 3)).slice(1).join(' ');
		const s = parseStat(`42 (x) y) ) S ${tail}\n`);
		assert.ok(s);
		assert.deepStrictEqual([s.pid, s.comm, s.state, s.ppid, s.utimeTicks, s.stimeTicks, s.numThreads, s.startTicks, s.rssPages], [42, 'x) y) ', 'S', 4, 14, 15, 20, 22, 24]);
	});

	it('returns null for text it cannot read', () => {
		assert.strictEqual(parseStat(''), null);
		assert.strictEqual(parseStat('42 no parens S 1 2 3'), null);
		assert.strictEqual(parseStat('42 (short) S 1 2 3'), null);
		assert.strictEqual(parseStat('abc (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 7'), null);
		assert.strictEqual(parseStat('x) 42 (y'), null);
	});
});

describe('parseStatus', () => {
	it('reads the captured status: unescapes Name, reads Uid, PPid, NSpid', () => {
		assert.deepStrictEqual(parseStatus(fixture('captured/proc_comm_status.txt')), {
			name: 'a) (b\\c\nd)',
			uids: [0, 0, 0, 0],
			ppid: 6665,
			nsPids: [6669],
		});
	});

	it('unescapes only "\\n" and "\\\\", keeps raw tabs and leading spaces, reads nested NSpid', () => {
		const text = 'Name:\t  a\\\\n\\n\tb\\x\nUmask:\t0022\nPPid:\t7\nUid:\t1000\t1001\t1002\t1003\nNSpid:\t4711\t12\t1\n';
		assert.deepStrictEqual(parseStatus(text), { name: '  a\\n\n\tb\\x', uids: [1000, 1001, 1002, 1003], ppid: 7, nsPids: [4711, 12, 1] });
	});

	it('gives nulls for missing or unreadable fields', () => {
		assert.deepStrictEqual(parseStatus(''), { name: null, uids: null, ppid: null, nsPids: null });
		assert.deepStrictEqual(parseStatus('Uid:\t1000\t1000\nPPid:\tx\nNSpid:\t\n'), { name: null, uids: null, ppid: null, nsPids: null });
	});
});

describe('parseCmdline', () => {
	it('splits the captured argv: empty args kept, newline and space inside args kept', () => {
		assert.deepStrictEqual(parseCmdline(fixture('captured/proc_args_cmdline.bin')), [
			'/root/.pyenv/versions/3.11.7/bin/python3',
			'-c',
			'import time; time.sleep(30)',
			'',
			'two\nlines',
			'with space',
			'',
		]);
	});

	it('reads the captured zombie\'s empty cmdline as no arguments', () => {
		assert.deepStrictEqual(parseCmdline(fixture('captured/proc_zombie_cmdline.bin')), []);
	});

	it('returns text without NUL (rewritten argv) as one argument', () => {
		assert.deepStrictEqual(parseCmdline('nginx: worker process'), ['nginx: worker process']);
	});

	it('handles a missing trailing NUL, a lone NUL and consecutive NULs', () => {
		assert.deepStrictEqual(parseCmdline('a\0b'), ['a', 'b']);
		assert.deepStrictEqual(parseCmdline('\0'), ['']);
		assert.deepStrictEqual(parseCmdline('a\0\0\0'), ['a', '', '']);
	});
});
