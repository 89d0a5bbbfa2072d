// toCsv (the extension's Export, `procnet snapshot --csv`): one row per socket under a header;
// texts from other hosts and users (unix paths, process names) can neither split a row nor run as
// a spreadsheet formula.
import * as assert from 'assert';
import { toCsv } from '../../src/model/csv';
import type { ProcessInfo, Snapshot, SocketInfo } from '../../src/model/snapshot';

const base: SocketInfo = {
	kind: 'unix', ipVersion: null, localAddress: null, localPort: null, remoteAddress: null, remotePort: null, state: 'LISTEN', txQueue: 0, rxQueue: 0, uid: 0,
	inode: '77', path: null, unixType: 'STREAM', id: 'net:[1]|unix|77', netns: 'net:[1]', owners: [], ownerUnknown: null,
} as unknown as SocketInfo;
const proc = (pid: number, name: string) => ({ pid, name }) as ProcessInfo;

/** RFC 4180 rows, parsed back: quoted cells may hold commas, quotes and newlines. */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
			else if (c === '"') quoted = false;
			else cell += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') row.push(cell), (cell = '');
		else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
		else cell += c;
	}
	return rows;
}

describe('toCsv', () => {
	const snap = {
		processes: [proc(10, '=HYPERLINK("http://x")'), proc(11, 'web, "api"')],
		sockets: [
			{ ...base, path: '/tmp/a,b\n"c".sock', owners: [{ pid: 10, fd: 3 }, { pid: 11, fd: 4 }] },
			{ ...base, kind: 'tcp', ipVersion: 4, localAddress: '127.0.0.1', localPort: 3000, remoteAddress: '0.0.0.0', remotePort: 0, path: null, unixType: null, inode: '78', owners: [], ownerUnknown: 'inode-0' },
			{ ...base, path: '-2+3', inode: '79' },
		],
	} as unknown as Snapshot;
	const rows = parseCsv(toCsv(snap));

	it('a header and one row per socket, each as wide as the header', () => {
		assert.strictEqual(rows.length, 4);
		assert.deepStrictEqual(rows[0].slice(0, 3), ['kind', 'ipVersion', 'localAddress']);
		assert.strictEqual(rows[0][rows[0].length - 1], 'owners');
		for (const r of rows) assert.strictEqual(r.length, rows[0].length);
	});

	it('a path with a comma, a newline and quotes comes back whole; owners as name/pid/fd, a formula defused', () => {
		const col = (name: string, r: string[]) => r[rows[0].indexOf(name)];
		assert.strictEqual(col('path', rows[1]), '/tmp/a,b\n"c".sock');
		assert.strictEqual(col('owners', rows[1]), '\'=HYPERLINK("http://x")/10/fd3 web, "api"/11/fd4');
		assert.strictEqual(col('localPort', rows[2]), '3000');
		assert.strictEqual(col('ownerUnknown', rows[2]), 'inode-0');
		assert.strictEqual(col('path', rows[3]), '\'-2+3', 'a cell a spreadsheet would compute starts with a quote');
		assert.strictEqual(col('ipVersion', rows[1]), '', 'null is an empty cell');
	});
});
