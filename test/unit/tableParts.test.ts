// A table parsed from parts (as tableReader.ts reads it) must give exactly what it gives whole:
// the same sockets, ids, repeats dropped, and warnings with the same line numbers.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { readTable, readTableParts } from '../../src/collect/tableReader';
import { NamespaceParser } from '../../src/model/join';
import type { TableName } from '../../src/procfs/types';
import { fixture } from './fixtures';

const OPTS = { byteOrder: 'LE' as const, clkTck: 100 };

const TABLES: Array<[TableName, string]> = [
	['tcp', fixture('linux-6.18-host/tcp.txt')],
	['tcp6', fixture('vscode/tcp6.txt')],
	['udp', fixture('linux-6.18-host/udp.txt')],
	['tcp', fixture('linux-6.18-host/tcp_sl_width_change.txt')],
	['udp', fixture('prometheus-procfs/proc/net/udp_broken')],
	['unix', fixture('captured/unix_edge.txt')],
];

/** Splits text into parts that end at a newline (the last may not), at the given line cuts. */
function parts(text: string, cuts: number[]): string[] {
	const lines = text.split(/(?<=\n)/);
	const at = [...new Set(cuts.map((c) => c % (lines.length + 1)))].sort((a, b) => a - b);
	const out: string[] = [];
	let from = 0;
	for (const c of [...at, lines.length]) {
		if (c > from) out.push(lines.slice(from, c).join(''));
		from = Math.max(from, c);
	}
	return out;
}

/** A table with damage: a repeated row, a junk line, a short line. */
function damaged(text: string, junkAt: number): string {
	const lines = text.split('\n');
	const i = 1 + (junkAt % Math.max(1, lines.length - 1));
	lines.splice(i, 0, lines[1] ?? '', 'not a record at all', '  7: 0100007F:0016');
	return lines.join('\n');
}

function parseWhole(table: TableName, text: string) {
	const p = new NamespaceParser(OPTS);
	p.add('net:[1]', table, text);
	return p.finish();
}

function parseParts(table: TableName, pieces: string[]) {
	const p = new NamespaceParser(OPTS);
	const s = p.stream('net:[1]', table);
	for (const piece of pieces) s.text(piece);
	s.end();
	return p.finish();
}

describe('tables in parts', () => {
	it('parses a table given in parts of whole lines exactly as the whole text', () => {
		fc.assert(
			fc.property(fc.nat(TABLES.length - 1), fc.array(fc.nat(), { maxLength: 8 }), fc.nat(), fc.boolean(), (t, cuts, junkAt, damage) => {
				const [table, clean] = TABLES[t];
				const text = damage ? damaged(clean, junkAt) : clean;
				const whole = parseWhole(table, text);
				assert.ok(whole.sockets.length + whole.warnings.length > 0, 'the table gives something to compare');
				assert.deepStrictEqual(parseParts(table, parts(text, cuts)), whole);
			}),
			{ numRuns: 400 },
		);
	});

	it('reads a file in parts that end at newlines, across its buffer, with UTF-8 intact', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procnet-parts-'));
		try {
			// Lines around the 256 KiB buffer, a line longer than it (the buffer grows), and UTF-8
			// (unix paths) next to ASCII: what is read must be the file, to the byte.
			const long = 'x'.repeat(300 * 1024);
			const lines = Array.from({ length: 9000 }, (_, i) => `${i}: ${i % 7 ? 'ascii' : '/tmp/é€😀 ünïcode'} ${'-'.repeat(i % 50)}`);
			lines.splice(4000, 0, long);
			const text = lines.join('\n') + '\ntail without newline';
			const file = path.join(dir, 'table');
			fs.writeFileSync(file, text);
			const got: string[] = [];
			assert.strictEqual(readTableParts(file, (p) => got.push(p)), true);
			assert.ok(got.length >= 3, `${got.length} parts`);
			for (const p of got.slice(0, -1)) assert.ok(p.endsWith('\n'));
			assert.strictEqual(got.join(''), text);
			assert.strictEqual(readTable(file), text);
			assert.strictEqual(readTable(path.join(dir, 'absent')), null);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
