// The count behind "Asking the host's resolver for N peers' names" (src/views/askedPeers.ts):
// each address once per host while any ask for it is out. Summed per ask, as before dd08801, a
// refresh landing while the last one's names were out counted the same peers twice.
import * as assert from 'assert';
import { AskedPeers } from '../../src/views/askedPeers';

describe('AskedPeers: the peers being named for a peer: filter', () => {
	it('counts an address asked again before its answer once, and until the last ask for it is answered', () => {
		const asked = new AskedPeers<string>();
		const first = asked.ask('h', ['10.0.0.1', '10.0.0.2']);
		// A refresh lands: the same two unnamed, and one more.
		const second = asked.ask('h', ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
		assert.strictEqual(asked.size, 3);
		first();
		assert.strictEqual(asked.size, 3, 'the second ask is still out for all three');
		first();
		assert.strictEqual(asked.size, 3, 'an answer told twice counts once');
		second();
		assert.strictEqual(asked.size, 0);
	});

	it('answers in any order; an address of two hosts is two to name', () => {
		const asked = new AskedPeers<string>();
		const a = asked.ask('a', ['10.0.0.1']);
		const b = asked.ask('b', ['10.0.0.1', '10.0.0.9']);
		const a2 = asked.ask('a', ['10.0.0.5']);
		assert.strictEqual(asked.size, 4);
		b();
		assert.strictEqual(asked.size, 2);
		a2();
		assert.strictEqual(asked.size, 1);
		// A host whose asks were all answered is asked again: counted afresh.
		const a3 = asked.ask('a', ['10.0.0.1']);
		a();
		assert.strictEqual(asked.size, 1, 'the later ask for 10.0.0.1 is out still');
		a3();
		assert.strictEqual(asked.size, 0);
		assert.strictEqual(asked.ask('c', []) && asked.size, 0, 'an ask of nothing counts nothing');
	});
});
