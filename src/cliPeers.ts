// `procnet peers`: connected sockets by remote address, the peer holding the most first, with the
// processes that hold them. The netstat idiom it replaces (`ss -tn | awk '{print $5}' | cut -d: -f1
// | sort | uniq -c | sort -rn`) splits IPv6 addresses at their first colon and loses the owners.
import { nameIn } from './collect/peerNames';
import { visible } from './model/describe';
import { drain } from './model/drain';
import { groupByPeer, statesText } from './model/peers';
import type { Snapshot } from './model/snapshot';

/**
 * The text (or JSON) of `snap`'s peers: the first `count` of them, and how many more there are;
 * with `names` (--resolve), each peer's name from the host's resolver, or none.
 */
export function formatPeers(snap: Snapshot, count: number, json: boolean, names?: ReadonlyMap<string, string | null>): string {
	const nameOf = (peer: string) => (names ? nameIn(names, peer) : undefined);
	const { peers, none } = drain(groupByPeer(snap.sockets, Infinity));
	const procNames = new Map(snap.processes.map((p) => [p.pid, p.name]));
	const shown = peers.slice(0, count);
	if (json) {
		const out = {
			host: snap.host.hostname,
			peers: shown.map((g) => ({
				peer: g.peer,
				...(names ? { name: nameOf(g.peer) } : {}),
				loopback: g.loopback,
				sockets: g.sockets.length,
				states: Object.fromEntries(g.states),
				processes: g.pids.map((pid) => ({ pid, name: procNames.get(pid) ?? null })),
				ids: g.sockets.map((s) => s.id),
			})),
			more: peers.length - shown.length,
			withoutPeer: none.length,
		};
		return JSON.stringify(out) + '\n';
	}
	const connected = peers.reduce((n, g) => n + g.sockets.length, 0);
	const lines = [`${visible(snap.host.hostname)}: ${connected} connected socket${connected === 1 ? '' : 's'} to ${peers.length} peer${peers.length === 1 ? '' : 's'} (${none.length} without a peer: listening, bound, unix...)`];
	if (shown.length) {
		const who = (pids: number[]) => {
			const l = pids.map((pid) => `${visible(procNames.get(pid) ?? '?')} (${pid})`);
			return l.slice(0, 4).join(', ') + (l.length > 4 ? ` +${l.length - 4}` : '') || '(owner unknown)';
		};
		const rows = shown.map((g) => {
			const name = nameOf(g.peer);
			return [String(g.sockets.length), g.peer + (name ? ` (${name})` : '') + (g.loopback ? ' (loopback)' : ''), statesText(g), who(g.pids)];
		});
		const w = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length), ['SOCKETS', 'PEER', 'STATES'][i].length));
		const line = (row: string[]) => `${row[0].padStart(w[0])}  ${row[1].padEnd(w[1])}  ${row[2].padEnd(w[2])}  ${row[3]}`;
		lines.push(line(['SOCKETS', 'PEER', 'STATES', 'PROCESSES']), ...rows.map(line));
	}
	const more = peers.length - shown.length;
	if (more) lines.push(`... ${more} more peer${more === 1 ? '' : 's'} (--count N shows more)`);
	return lines.join('\n') + '\n';
}
