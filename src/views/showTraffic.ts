// "Procnet: Show Traffic by Process…": nethogs in a quick pick. Every two seconds the host is read
// and its TCP connections' byte counters are asked of ss in the scan worker (trafficMeter.ts); the
// pick lists each process with its rates each way since the reading before, the busiest first,
// and keeps the row the user is on as the order changes. Enter opens the process's page.
import * as vscode from 'vscode';
import { bytesText, visible } from '../model/describe';
import type { TrafficRow } from '../model/traffic';
import type { HostEntry } from './hosts';

const INTERVAL_MS = 2000;

interface ProcessPick extends vscode.QuickPickItem {
	pid: number;
}

const rate = (n: number | null) => (n === null ? '…' : `${bytesText(Math.round(n))}/s`);

function item(r: TrafficRow, measured: boolean): ProcessPick {
	return {
		pid: r.pid,
		label: `${visible(r.name)} (${r.pid})`,
		description: measured ? `$(arrow-up) ${rate(r.sentRate)}  $(arrow-down) ${rate(r.receivedRate)}` : 'measuring…',
		detail: `${r.connections} TCP connection${r.connections === 1 ? '' : 's'} · ${bytesText(r.sent)} sent and ${bytesText(r.received)} received on them in all`,
	};
}

/**
 * Shows the pick until it is accepted or hidden; measures only meanwhile. Resolves to the pid
 * accepted (after `open` was called with it), or undefined.
 */
export async function showTraffic(host: HostEntry, open: (host: HostEntry, pid: number) => void): Promise<number | undefined> {
	const meter = host.meter();
	if (!meter) {
		void vscode.window.showErrorMessage(`Procnet: ${host.name} is a capture, a record with no live counters to measure.`);
		return undefined;
	}
	const qp = vscode.window.createQuickPick<ProcessPick>();
	const title = `Procnet: TCP Traffic by Process on ${host.name}`;
	qp.title = title;
	qp.placeholder = 'Measuring: the first rates in 2 s…';
	qp.matchOnDescription = true;
	qp.matchOnDetail = true;
	qp.busy = true;
	// A monitor: it stays up while one works elsewhere, until Escape or Enter.
	qp.ignoreFocusOut = true;
	let hidden = false;
	let wake: (() => void) | undefined;
	const chosen = new Promise<number | undefined>((resolve) => {
		qp.onDidAccept(() => {
			const sel = qp.activeItems[0];
			if (!sel) return;
			resolve(sel.pid);
			qp.hide();
		});
		qp.onDidHide(() => {
			hidden = true;
			wake?.();
			resolve(undefined);
			qp.dispose();
		});
	});
	qp.show();
	void (async () => {
		while (!hidden) {
			// The timer's refreshes read the host too (the view open beside it): read it only when
			// none did within the interval, rather than a second scan on top of each of them.
			if (Date.now() - host.store.scannedAt >= INTERVAL_MS) await host.store.refresh().catch(() => undefined);
			if (hidden) return;
			const r = await meter.trafficAll().catch((e: Error) => ({ ok: false as const, message: e.message }));
			if (hidden) return;
			if (!r.ok) {
				qp.busy = false;
				qp.items = [];
				qp.placeholder = `Cannot measure ${host.name}'s traffic: ${r.message}`;
				return;
			}
			// A row the user moved to stays the active one as the order changes; on the first row,
			// the active one is the busiest, as top's first line is.
			const active = qp.activeItems[0];
			const on = active && qp.items.indexOf(active) > 0 ? active.pid : undefined;
			const items = r.rows.map((x) => item(x, r.seconds !== null));
			qp.items = items;
			const again = items.find((i) => i.pid === on);
			if (again) qp.activeItems = [again];
			qp.busy = r.seconds === null;
			const conns = `${r.connections} TCP connection${r.connections === 1 ? '' : 's'}`;
			qp.title = r.seconds === null ? `${title} · ${conns} · measuring…` : `${title} · ${conns} · rates over ${r.seconds.toFixed(1)} s`;
			qp.placeholder = r.seconds === null ? 'Measuring: the first rates in 2 s…' : items.length ? 'Busiest first; type to filter, Enter opens the process' : 'No process holds a TCP connection';
			await new Promise<void>((ok) => {
				wake = ok;
				setTimeout(ok, INTERVAL_MS);
			});
		}
	})();
	const pid = await chosen;
	if (pid !== undefined) open(host, pid);
	return pid;
}
