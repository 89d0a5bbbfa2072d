import * as assert from 'assert';
import { describeWatches, parseWatch } from '../../src/model/watch';
import type { Snapshot } from '../../src/model/snapshot';

describe('status-bar watches', () => {
	it('parses pids and ports, and nothing else', () => {
		assert.deepStrictEqual(parseWatch('1234'), { kind: 'pid', pid: 1234 });
		assert.deepStrictEqual(parseWatch('pid:7'), { kind: 'pid', pid: 7 });
		assert.deepStrictEqual(parseWatch(':3000'), { kind: 'port', port: 3000 });
		assert.deepStrictEqual(parseWatch('port:65535'), { kind: 'port', port: 65535 });
		for (const bad of ['', '0', 'port:0', 'port:70000', '1;reboot', 'pid:-1', 'x']) assert.strictEqual(parseWatch(bad), undefined, bad);
	});

	it('shows a watched process\'s listening ports and whether watched ports are served', () => {
		const snap = {
			processes: [{ pid: 10, name: 'node', startTicks: 1 }],
			sockets: [
				{ state: 'LISTEN', localPort: 3000, owners: [{ pid: 10, fd: 3 }] },
				{ state: 'ESTABLISHED', localPort: 3000, owners: [{ pid: 10, fd: 4 }] },
			],
		} as unknown as Snapshot;
		const s = describeWatches([{ kind: 'pid', pid: 10 }, { kind: 'port', port: 3000 }, { kind: 'port', port: 5432 }, { kind: 'pid', pid: 99 }], snap);
		assert.strictEqual(s.text, '$(radio-tower) node :3000 · :3000 ✓ · :5432 ✗ · 99 exited');
		assert.strictEqual(s.openPid, 10);
		assert.match(s.tooltip, /:5432: nothing listens/);
	});
});
