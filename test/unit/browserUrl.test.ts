import * as assert from 'assert';
import { browserUrl, schemeOf } from '../../src/model/browserUrl';
import { parsePortsAttributes, PortNames } from '../../src/model/portNames';
import type { SocketInfo } from '../../src/model/snapshot';

const listener = (localAddress: string, localPort: number) => ({ kind: 'tcp', state: 'LISTEN', localAddress, localPort, remotePort: 0 }) as unknown as SocketInfo;

describe('the address a browser opens for a listener', () => {
	it('loopback for a wildcard, brackets for IPv6, the IPv4 of a mapped address; the default port left out', () => {
		assert.strictEqual(browserUrl(listener('0.0.0.0', 3000)), 'http://localhost:3000/');
		assert.strictEqual(browserUrl(listener('::', 3000)), 'http://localhost:3000/');
		assert.strictEqual(browserUrl(listener('::1', 8080)), 'http://[::1]:8080/');
		assert.strictEqual(browserUrl(listener('::ffff:127.0.0.1', 8080)), 'http://127.0.0.1:8080/');
		assert.strictEqual(browserUrl(listener('127.0.0.1', 80)), 'http://127.0.0.1/');
		assert.strictEqual(browserUrl(listener('127.0.0.1', 443), 'https'), 'https://127.0.0.1/');
		assert.strictEqual(browserUrl(listener('127.0.0.1', 80), 'https'), 'https://127.0.0.1:80/');
	});

	it('https when remote.portsAttributes says so (the Ports view\'s protocol), or the port is https\'s; else http', () => {
		const { labels } = parsePortsAttributes({ '3000': { label: 'app', protocol: 'https' }, '4000': { label: 'api', protocol: 'gopher' }, '5000': { label: 'plain', protocol: 'http' } });
		const names = new PortNames(new Map([['tcp/443', 'https'], ['tcp/8443', 'https-alt'], ['tcp/80', 'http']]), labels);
		const scheme = (port: number) => schemeOf(port, names.ofSocket(listener('0.0.0.0', port), []));
		assert.deepStrictEqual([3000, 4000, 5000, 443, 8443, 80, 9000].map(scheme), ['https', 'http', 'http', 'https', 'https', 'http', 'http']);
		assert.strictEqual(names.name('tcp', 3000, [])?.protocol, 'https');
		assert.strictEqual(names.name('tcp', 4000, [])?.protocol, undefined, 'a protocol VS Code does not know is not taken');
		// 443 labelled http by its user: the label wins.
		const own = new PortNames(new Map([['tcp/443', 'https']]), parsePortsAttributes({ '443': { label: 'dev', protocol: 'http' } }).labels);
		assert.strictEqual(schemeOf(443, own.ofSocket(listener('0.0.0.0', 443), [])), 'http');
	});
});
