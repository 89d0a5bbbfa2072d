// Bundles the extension host entry and the CLI (both Node, CommonJS) and the webview page
// (browser, IIFE). One build() per entry keeps the options for each runtime in one place.
// Everything the webview page loads sits in dist/webview/ (the panel's only dist/ resource root):
// its script, and the codicon font and stylesheet copied from @vscode/codicons, since the .vsix
// ships no node_modules.
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints esbuild errors in the `file:line:col: error: message` form VS Code's $esbuild-watch matcher reads. */
const problemMatcher = {
	name: 'problem-matcher',
	setup(build) {
		build.onStart(() => console.log('[watch] build started'));
		build.onEnd((result) => {
			for (const { text, location } of result.errors) {
				console.error(`✘ [ERROR] ${text}`);
				if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
			}
			console.log('[watch] build finished');
		});
	},
};

/**
 * Gives the extension one namespace object for the `vscode` module. esbuild wraps an external
 * CommonJS module once per file that imports it (`__toESM(require("vscode"))`), and each wrap
 * defines a getter for every name of VS Code's API: 16 files made 16 copies, 25-50 ms of the
 * extension's activation (a plain Node measure with 500-1500 names). Every import of `vscode`
 * now resolves to one module that re-exports it, so the names are copied once.
 */
const vscodeOnce = {
	name: 'vscode-once',
	setup(build) {
		build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' }));
		build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: 'export * from "vscode";', loader: 'js' }));
	},
};

const common = {
	bundle: true,
	minify: production,
	sourcemap: !production,
	sourcesContent: false,
	logLevel: 'silent',
	plugins: watch ? [problemMatcher] : [],
};

const entries = [
	{ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: [...common.plugins, vscodeOnce] },
	// The CLI's --version: the package's, fixed at build time (the bundle is run from anywhere).
	{ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' }, define: { PROCNET_VERSION: JSON.stringify(require('./package.json').version) } },
	{ ...common, entryPoints: ['src/collect/scanWorker.ts'], outfile: 'dist/scanWorker.js', platform: 'node', format: 'cjs', target: 'node20' },
	{ ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview/main.js', platform: 'browser', format: 'iife', target: 'es2022' },
];

/** codicon.css + codicon.ttf (+ the font's licence) → dist/webview/codicons/, where the panel's CSP and resource roots allow them. */
function copyCodicons() {
	const from = path.dirname(require.resolve('@vscode/codicons/dist/codicon.css'));
	const to = path.join(__dirname, 'dist', 'webview', 'codicons');
	fs.mkdirSync(to, { recursive: true });
	for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(from, f), path.join(to, f));
	fs.copyFileSync(path.join(from, '..', 'LICENSE'), path.join(to, 'LICENSE'));
}

async function main() {
	copyCodicons();
	const present = entries.filter((e) => fs.existsSync(e.entryPoints[0]));
	const contexts = await Promise.all(present.map((e) => esbuild.context(e)));
	if (watch) {
		await Promise.all(contexts.map((c) => c.watch()));
		return;
	}
	const results = await Promise.allSettled(contexts.map((c) => c.rebuild()));
	await Promise.all(contexts.map((c) => c.dispose()));
	const failed = results.filter((r) => r.status === 'rejected');
	if (failed.length) {
		for (const f of failed) console.error(f.reason?.message ?? f.reason);
		process.exitCode = 1;
	}
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
