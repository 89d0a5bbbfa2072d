// A status-bar item while ports of ssh hosts are forwarded here (`$(plug) 2 forwarded`), as VS
// Code's own Ports view counts its forwards there: a forward is an ssh process that runs until it
// is stopped, so it should not be easy to forget. A click offers Stop Forwarding Port….
import * as vscode from 'vscode';
import { FORWARD_BIND } from '../collect/sshForward';
import { hostPort } from '../model/describe';
import type { PortForwards } from './portForwards';

export class ForwardStatusBar implements vscode.Disposable {
	private readonly item = vscode.window.createStatusBarItem('procnet.forwards', vscode.StatusBarAlignment.Left, 18);
	private readonly sub: vscode.Disposable;

	constructor(private readonly forwards: PortForwards) {
		this.item.name = 'Procnet: Forwarded Ports';
		this.item.command = 'procnet.stopForwarding';
		this.sub = forwards.onDidChange(() => this.update());
		this.update();
	}

	/** What the item shows now (undefined while hidden): for the tests. */
	state: { text: string; tooltip: string } | undefined;

	private update(): void {
		const list = this.forwards.list();
		if (!list.length) {
			this.state = undefined;
			this.item.hide();
			return;
		}
		const text = `$(plug) ${list.length} forwarded`;
		const tooltip = [
			`Procnet: ${list.length === 1 ? 'a port' : `${list.length} ports`} of ssh hosts forwarded to this machine (click to stop):`,
			...list.map((f) => `${f.hostName} ${hostPort(f.destHost, f.destPort)} → ${FORWARD_BIND}:${f.localPort}`),
		].join('\n');
		this.state = { text, tooltip };
		this.item.text = text;
		this.item.tooltip = tooltip;
		this.item.show();
	}

	dispose(): void {
		this.sub.dispose();
		this.item.dispose();
	}
}
