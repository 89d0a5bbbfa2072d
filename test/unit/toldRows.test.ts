// When a host's index lands, its whole row is told to the workbench only if its top rows are not
// the same ones, too many changed, or its own text changed since it was last told
// (src/views/toldRows.ts). The texts are per host: with two hosts, a landing of one must not take
// the other's changed text as told (the bug fixed in 13409ce, where every landing recorded every
// host's text, so another host's new text was never told).
import * as assert from 'assert';
import { MAX_TOLD_ROWS, ToldHostRows } from '../../src/views/toldRows';
import type { RootChanges } from '../../src/views/treeIndex';

const same = (dirty: string[] = []): RootChanges => ({ sameRoots: true, dirty: new Set(dirty), shownRow: new Map() });

describe('ToldHostRows: when a host row is told whole', () => {
	it('a landing of one host does not take another host\'s changed text as told', () => {
		const told = new ToldHostRows<string>();
		told.toldAll([['local', 'local·live'], ['ssh', 'ssh·connecting']]);
		// The ssh host's store changed (connected), its index still being made; this machine's lands first.
		assert.strictEqual(told.landed('local', 'local·live', same(['p1'])), false, 'this machine\'s row did not change');
		// Then the ssh host's own index lands: its row's text differs from what was told.
		assert.strictEqual(told.landed('ssh', 'ssh·live', same()), true, 'the ssh host\'s new text is told');
		assert.strictEqual(told.landed('ssh', 'ssh·live', same()), false, 'and only once');
	});

	it('tells the whole row when the rows are not the same ones, when there are no changes to go by, or when too many changed', () => {
		const told = new ToldHostRows<string>();
		told.toldAll([['h', 't']]);
		assert.strictEqual(told.landed('h', 't', { ...same(), sameRoots: false }), true);
		assert.strictEqual(told.landed('h', 't', undefined), true);
		const many = Array.from({ length: MAX_TOLD_ROWS + 1 }, (_, i) => `p${i}`);
		assert.strictEqual(told.landed('h', 't', same(many)), true);
		assert.strictEqual(told.landed('h', 't', same(many.slice(1))), false, `${MAX_TOLD_ROWS} changed rows are told one by one`);
	});

	it('a host never told (added since the whole tree was told, or forgotten by it) is told whole', () => {
		const told = new ToldHostRows<string>();
		told.toldAll([['a', 'x'], ['b', 'y']]);
		assert.strictEqual(told.landed('c', 'z', same()), true);
		told.toldAll([['a', 'x']]);
		assert.strictEqual(told.landed('b', 'y', same()), true, 'b was forgotten when the tree was told without it');
		assert.strictEqual(told.landed('a', 'x', same()), false);
	});
});
