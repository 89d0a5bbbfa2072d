// `procnet free-port`: which ports of a range a server could bind now, and what holds the others
// (freePorts.ts says what "free" means). Its exit status answers the question for scripts:
// `procnet free-port 3000 && npm start`.
import { visible } from './model/describe';
import { holdText, holderPids, isFree, searchPorts, type FreePortQuery, type PortStatus } from './model/freePorts';
import type { Snapshot } from './model/snapshot';

export interface FreePortOutput {
	text: string;
	/** 0 when a free port was found, 1 when none of the range is free. */
	code: number;
}

/** The lines of a search (or its JSON), and its exit status. */
export function formatFreePorts(snap: Snapshot, q: FreePortQuery, count: number, json: boolean): FreePortOutput {
	const list = searchPorts(snap, q, count);
	const names = new Map(snap.processes.map((p) => [p.pid, p.name]));
	const holders = (st: PortStatus) => holderPids(st).map((pid) => ({ pid, name: names.get(pid) ?? null }));
	const free = list.filter(isFree);
	const code = free.length ? 0 : 1;
	if (json) {
		const ports = list.map((st) => ({
			port: st.port,
			free: isFree(st),
			ephemeral: st.ephemeral,
			listeners: st.listeners.map((s) => s.id),
			others: st.others.map((s) => s.id),
			holders: holders(st),
		}));
		const out = { host: snap.host.hostname, protocol: q.protocol, netns: q.netns, ephemeralRange: q.ephemeral ?? null, free: free.map((st) => st.port), ports };
		return { text: JSON.stringify(out) + '\n', code };
	}
	const { from, to } = q.range;
	const where = q.netns ? `network namespace ${q.netns}` : 'every network namespace';
	const eph = q.ephemeral ? `; ephemeral range ${q.ephemeral.from}-${q.ephemeral.to}` : '';
	const lines = [`${q.protocol} ${from === to ? `port ${from}` : `ports ${from}-${to}`} on ${visible(snap.host.hostname)}, ${where}${eph}`];
	for (const st of list) {
		if (isFree(st)) {
			lines.push(`${String(st.port).padEnd(6)} free${st.ephemeral ? ' (in the ephemeral range: a client connection may take it)' : ''}`);
			continue;
		}
		const who = holders(st).map((h) => `${visible(h.name ?? '?')} (pid ${h.pid})`);
		const state = st.listeners.length ? 'in use' : 'busy  ';
		lines.push(`${String(st.port).padEnd(6)} ${state} ${holdText(st)}${who.length ? ' · ' + who.join(', ') : st.listeners.length ? ' · owner not known' : ''}`);
	}
	if (!free.length) lines.push(`no free ${q.protocol} port in ${from}-${to}`);
	return { text: lines.join('\n') + '\n', code };
}
