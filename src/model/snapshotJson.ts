// A snapshot as JSON in pieces, for `procnet snapshot --json` and the view's Export. At 100k
// sockets one JSON.stringify of the whole builds one 46 MB string (62 MB pretty-printed, which
// Export did: ~510 ms of one block of the extension host here, with its UTF-8 copy). In pieces,
// the CLI writes each as it is made and Export yields to the event loop between them.
import { withRemoteName } from './peers';
import type { SocketInfo } from './snapshot';

/**
 * One piece of the text. `array` marks a JSON array of some of a top-level array's elements:
 * what belongs in the document is the inside of its brackets, after a comma when it is not the
 * array's first piece ('next'). Handing over the bracketed text lets the CLI drop the brackets
 * from the bytes it writes rather than copy a 100 KB string to slice them off.
 */
export interface JsonPiece {
	text: string;
	array?: 'first' | 'next';
}

export interface JsonPieceOptions {
	/** With --resolve or Export's names: each socket with a peer gets `remoteName`. */
	nameOf?: (s: SocketInfo) => string | null | undefined;
	/**
	 * Each top-level key and each element of a top-level array on its own line (Export: a file an
	 * editor can open, where one 46 MB line would not do). The CLI's output is one line.
	 */
	lines?: boolean;
}

/**
 * Elements per array piece: ~460 bytes a socket, so a piece's string stays under V8's 128 KiB
 * large-object size. Copying a larger string into a Buffer cost more than making it: at 100k
 * sockets, stringify + encode took ~250 ms in pieces of 200-250 sockets against ~400 ms in pieces
 * of 2000, and ~490 ms with a stringify per socket joined with commas.
 */
export const JSON_PIECE = 200;

/** The pieces of `snap` as JSON, in its own key order; they end with the closing brace and a newline. */
export function* snapshotJsonPieces(snap: object, opts: JsonPieceOptions = {}): Generator<JsonPiece> {
	const { nameOf, lines } = opts;
	const named = nameOf ? (s: SocketInfo) => withRemoteName(s, nameOf(s)) : undefined;
	const nl = lines ? '\n' : '';
	let first = true;
	yield { text: '{' };
	for (const [key, value] of Object.entries(snap)) {
		if (value === undefined) continue;
		yield { text: `${first ? '' : ','}${nl}${JSON.stringify(key)}:` };
		first = false;
		// Only the sockets are many enough to need pieces, unless every element gets a line.
		if (!Array.isArray(value) || (key !== 'sockets' && !lines)) {
			yield { text: JSON.stringify(value) };
			continue;
		}
		yield { text: '[' };
		const map = key === 'sockets' ? named : undefined;
		for (let i = 0; i < value.length; i += JSON_PIECE) {
			const slice = value.slice(i, i + JSON_PIECE);
			const chunk: unknown[] = map ? (slice as SocketInfo[]).map(map) : slice;
			// A line each: '\n' before every element (the comma ends the line before).
			const text = lines ? `[\n${chunk.map((e) => JSON.stringify(e)).join(',\n')}]` : JSON.stringify(chunk);
			yield { text, array: i ? 'next' : 'first' };
		}
		yield { text: `${value.length && lines ? '\n' : ''}]` };
	}
	yield { text: `${nl}}\n` };
}

/** The document text of a piece (for a caller that does not drop the brackets from bytes). */
export function pieceText(p: JsonPiece): string {
	if (!p.array) return p.text;
	return (p.array === 'next' ? ',' : '') + p.text.slice(1, -1);
}
