// Whether a host's whole row must be told to the workbench when that host's index lands
// (processTree.ts), or only the top rows that changed. The workbench redraws a row it is told of
// with every row below it, which drops a tooltip being shown and the state of rows being
// revealed, so a row that did not change is not told. A host's own row changes with its text
// (label, description, icon, loading or error), compared with the text last told for that host.
// Nothing here touches vscode, so the rule is unit-tested (test/unit/toldRows.test.ts).
import type { RootChanges } from './treeIndex';

/**
 * More changed top rows than this are told as their host: VS Code's extension host checks each
 * row told against every other one (ExtHostTreeView._getHandlesToRefresh, quadratic), and a full
 * transfer changes every row (50k port rows when grouped by port at 100k sockets).
 */
export const MAX_TOLD_ROWS = 200;

/** Per host, the text of its row as last told to the workbench. */
export class ToldHostRows<H> {
	private readonly texts = new Map<H, string>();

	/** The whole tree was told: each host's row text as it is now (hosts not given are forgotten). */
	toldAll(rows: Iterable<readonly [H, string]>): void {
		this.texts.clear();
		for (const [h, text] of rows) this.texts.set(h, text);
	}

	/**
	 * Host `h`'s index landed, with `changes` against the view shown before and its row now reading
	 * `text`: whether its whole row must be told (else only `changes.dirty`). Only `h`'s text is
	 * taken as told: another host's row may have changed (its store did) with its own index still
	 * to land, and must be told then (a landing that recorded every host's text kept such a row
	 * from ever being told).
	 */
	landed(h: H, text: string, changes: RootChanges | undefined): boolean {
		const whole = !changes || !changes.sameRoots || changes.dirty.size > MAX_TOLD_ROWS || text !== this.texts.get(h);
		this.texts.set(h, text);
		return whole;
	}
}
