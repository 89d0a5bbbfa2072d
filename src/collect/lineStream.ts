// A child's output read a line at a time as it comes: ss's answer about 100k connections (~90 MB)
// is never held whole, and a long-lived ssh's stderr is looked at line by line.
import type { Readable } from 'node:stream';

/**
 * Sends each complete line of `stream` (utf8, without its '\n') to `onLine` as data arrives.
 * Returns `flush`, which sends a last line that had no '\n' (call it once the stream ended: on the
 * child's 'close', after which no data comes).
 */
export function eachLine(stream: Readable, onLine: (line: string) => void): () => void {
	let pending = '';
	stream.setEncoding('utf8');
	stream.on('data', (d: string) => {
		const lines = (pending + d).split('\n');
		pending = lines.pop()!;
		for (const l of lines) onLine(l);
	});
	return () => {
		if (pending) onLine(pending);
		pending = '';
	};
}
