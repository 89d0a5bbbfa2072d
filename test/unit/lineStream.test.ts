// eachLine (src/collect/lineStream.ts): lines cut anywhere by the chunks they arrive in, a UTF-8
// character split between two chunks, and a last line without '\n'. ss's streamed answer and a
// forward's stderr go through it for real in the integration tests.
import * as assert from 'assert';
import { PassThrough } from 'stream';
import { eachLine } from '../../src/collect/lineStream';

/** Writes `chunks` to a stream read by eachLine; resolves with the lines, flushed at the end. */
function linesOf(chunks: Buffer[]): Promise<string[]> {
	const s = new PassThrough();
	const out: string[] = [];
	const flush = eachLine(s, (l) => out.push(l));
	return new Promise((resolve) => {
		s.on('end', () => {
			flush();
			resolve(out);
		});
		for (const c of chunks) s.write(c);
		s.end();
	});
}

describe('eachLine', () => {
	it('gives whole lines whatever the chunks cut, the last one without a newline too', async () => {
		const text = 'ESTAB 0 0 127.0.0.1:80 127.0.0.1:5000\n\t bytes_sent:12 bytes_received:7\nlast';
		for (const size of [1, 2, 3, 7, 1000]) {
			const chunks: Buffer[] = [];
			for (let i = 0; i < text.length; i += size) chunks.push(Buffer.from(text.slice(i, i + size)));
			assert.deepStrictEqual(await linesOf(chunks), ['ESTAB 0 0 127.0.0.1:80 127.0.0.1:5000', '\t bytes_sent:12 bytes_received:7', 'last'], `chunks of ${size}`);
		}
	});

	it('keeps a UTF-8 character whole when a chunk ends inside it, and empty lines as lines', async () => {
		const bytes = Buffer.from('channel 2: open failed: «ünreachable»\n\nx\n');
		const at = bytes.indexOf(Buffer.from('ü')) + 1; // inside ü's two bytes
		assert.deepStrictEqual(await linesOf([bytes.subarray(0, at), bytes.subarray(at)]), ['channel 2: open failed: «ünreachable»', '', 'x']);
	});

	it('flushes nothing when the text ended with a newline, and once only', async () => {
		const s = new PassThrough();
		const out: string[] = [];
		const flush = eachLine(s, (l) => out.push(l));
		s.write('a\nb');
		await new Promise((r) => setImmediate(r));
		assert.deepStrictEqual(out, ['a']);
		flush();
		flush();
		assert.deepStrictEqual(out, ['a', 'b']);
	});
});
