import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseServices } from '../../src/procfs/services';
import { parsePortsAttributes, PortNames } from '../../src/model/portNames';
import type { ProcessInfo, SocketInfo } from '../../src/model/snapshot';

const services = parseServices(fs.readFileSync(path.join(__dirname, '../../../test/fixtures/captured/etc_services.txt'), 'utf8'));
const sock = (p: Partial<SocketInfo>): SocketInfo => ({ kind: 'tcp', ipVersion: 4, localAddress: '0.0.0.0', localPort: 22, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', owners: [], ...p }) as unknown as SocketInfo;
const proc = (cmdline: string[]): ProcessInfo => ({ pid: 1, cmdline }) as ProcessInfo;

describe('/etc/services', () => {
	it('reads Debian\'s netbase file (captured): first name per port and protocol, comments and aliases aside', () => {
		assert.strictEqual(services.get('tcp/22'), 'ssh');
		assert.strictEqual(services.get('tcp/443'), 'https');
		assert.strictEqual(services.get('udp/53'), 'domain');
		assert.strictEqual(services.get('tcp/5432'), 'postgresql');
		assert.strictEqual(services.get('udp/22'), undefined, 'ssh is tcp only in this file');
		assert.strictEqual(services.get('tcp/9'), 'discard', 'not its aliases sink or null');
		assert.ok(services.size > 300);
	});

	it('skips what does not read; keeps the first of two names', () => {
		const m = parseServices('# c\nfoo 70000/tcp\nbar x/tcp\nbaz 12/\n  a   12/tcp  # one\nb 12/tcp\n\n');
		assert.deepStrictEqual([...m], [['tcp/12', 'a']]);
	});
});

describe('port names', () => {
	const { labels, errors } = parsePortsAttributes({
		'3000': { label: 'Web app', onAutoForward: 'notify' },
		'9000-9010': { label: 'Workers' },
		'.+/server\\.js$': { label: 'API' },
		'8080': { onAutoForward: 'ignore' },
		'(': { label: 'broken' },
	});
	const names = new PortNames(services, labels);

	it('reads remote.portsAttributes: ports, ranges and command-line patterns with a label; says which key it could not read', () => {
		assert.strictEqual(labels.length, 3, 'the entry without a label names nothing');
		assert.strictEqual(errors.length, 1);
		assert.match(errors[0], /"\(" is neither a port, a range nor a regular expression/);
		assert.deepStrictEqual(parsePortsAttributes(undefined), { labels: [], errors: [] });
	});

	it('a listener: its label, else its service name', () => {
		assert.deepStrictEqual(names.ofSocket(sock({}), []), { port: 22, name: 'ssh', from: 'services' });
		assert.deepStrictEqual(names.ofSocket(sock({ localPort: 3000 }), []), { port: 3000, name: 'Web app', from: 'label' });
		assert.deepStrictEqual(names.ofSocket(sock({ localPort: 9005 }), []), { port: 9005, name: 'Workers', from: 'label' });
		assert.deepStrictEqual(names.ofSocket(sock({ localPort: 4567 }), [proc(['node', '/srv/server.js'])]), { port: 4567, name: 'API', from: 'label' });
		assert.strictEqual(names.ofSocket(sock({ localPort: 4567 }), [proc(['node', 'other.js'])]), undefined);
		assert.deepStrictEqual(names.ofSocket(sock({ kind: 'udp', localPort: 53, state: 'UNCONN' }), []), { port: 53, name: 'domain', from: 'services' });
		assert.deepStrictEqual(names.ofSocket(sock({ kind: 'udplite', localPort: 53, state: 'UNCONN' }), [])?.name, 'domain');
		assert.strictEqual(names.ofSocket(sock({ kind: 'unix', localPort: null }), []), undefined);
	});

	it('a connection: a labelled end, else the lower end with a service name', () => {
		// A client of https on an ephemeral port, and the server end of an ssh login.
		assert.deepStrictEqual(names.ofSocket(sock({ state: 'ESTABLISHED', localPort: 40312, remotePort: 443 }), []), { port: 443, name: 'https', from: 'services' });
		assert.deepStrictEqual(names.ofSocket(sock({ state: 'ESTABLISHED', localPort: 22, remotePort: 51000 }), []), { port: 22, name: 'ssh', from: 'services' });
		// 5432 (postgresql) from port 6000 (x11 in the file): the lower one.
		assert.deepStrictEqual(names.ofSocket(sock({ state: 'ESTABLISHED', localPort: 6000, remotePort: 5432 }), [])?.name, 'postgresql');
		assert.deepStrictEqual(names.ofSocket(sock({ state: 'ESTABLISHED', localPort: 3000, remotePort: 22 }), []), { port: 3000, name: 'Web app', from: 'label' });
		// A pattern names its process's own ports, not the peer's.
		assert.deepStrictEqual(names.ofSocket(sock({ state: 'ESTABLISHED', localPort: 45000, remotePort: 45001 }), [proc(['node', '/srv/server.js'])]), { port: 45000, name: 'API', from: 'label' });
	});
});
