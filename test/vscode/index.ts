// Mocha runner loaded by VS Code's extension host (extensionTestsPath → out/test/vscode/index.js).
// Runs every out/test/vscode/**/*.test.js (or *.bench.js, see BENCH) with the spec reporter. The extension host forwards
// console output to the workbench, where test/vscode/run.mjs picks it up via codeAutomationLog.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

// Benchmarks (*.bench.js) only when PROCNET_VSCODE_BENCH=1 (bench/exthost.mjs): they measure, not assert.
const BENCH = process.env.PROCNET_VSCODE_BENCH === '1';

function findTests(dir: string): string[] {
	const out: string[] = [];
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...findTests(p));
		else if (BENCH ? e.name.endsWith('.bench.js') : e.name.endsWith('.test.js')) out.push(p);
	}
	return out.sort();
}

export async function run(): Promise<void> {
	// PROCNET_VSCODE_GREP narrows the run (npm run soak runs only the soak).
	const grep = process.env.PROCNET_VSCODE_GREP;
	const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30000, ...(grep ? { grep } : {}) });
	const files = findTests(__dirname);
	if (files.length === 0) throw new Error(`no *.test.js under ${__dirname}`);
	for (const f of files) mocha.addFile(f);
	const failures = await new Promise<number>((resolve, reject) => {
		try {
			mocha.run((n) => resolve(n));
		} catch (e) {
			reject(e);
		}
	});
	if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
