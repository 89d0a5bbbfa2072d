// The peers a host's resolver is being asked about for a `peer:` filter (processTree.ts), so that
// the line above the tree can say how many names are still to come, and the filter is not called
// empty before they are in. A refresh can land while the last one's names are still out and ask
// again for the same peers: each address is counted once per host, however many asks are out for
// it, and stops being counted when the last of them is answered. Nothing here touches vscode, so
// the rule is unit-tested (test/unit/askedPeers.test.ts).

/** Per host, the addresses being asked about, each with how many asks are out for it. */
export class AskedPeers<H> {
	private readonly byHost = new Map<H, Map<string, number>>();

	/** Marks `addrs` asked of `host`'s resolver; call what it returns when that ask is answered (once; later calls do nothing). */
	ask(host: H, addrs: readonly string[]): () => void {
		let asking = this.byHost.get(host);
		if (!asking) this.byHost.set(host, (asking = new Map()));
		for (const a of addrs) asking.set(a, (asking.get(a) ?? 0) + 1);
		const held = asking;
		let done = false;
		return () => {
			if (done) return;
			done = true;
			for (const a of addrs) {
				const n = (held.get(a) ?? 0) - 1;
				if (n > 0) held.set(a, n);
				else held.delete(a);
			}
			if (!held.size) this.byHost.delete(host);
		};
	}

	/** How many addresses are being asked about, each once per host. */
	get size(): number {
		let n = 0;
		for (const m of this.byHost.values()) n += m.size;
		return n;
	}
}
