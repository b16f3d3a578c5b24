// Writes src-tauri/tauri.conf.json, the config the Tauri CLI bundles with, from the root
// tauri.conf.json (the one cargo builds the app with).
//
// The CLI expects its config beside the app crate and resolves the paths in it from there, so
// every repository path is rewritten from the root to src-tauri (`ui/dist` -> `../ui/dist`).
// What a build made is added: the `countersign` command line as an external binary (installed
// beside the app: /usr/bin on Linux), and on Linux its man pages and shell completions.
//
//   node packaging/bundle-config.mjs --cli TARGET/release/countersign [--docs DIR]
//
// --cli: the release build of the command line; it is copied beside itself with the Rust
// target triple appended, the name the bundler looks for. --docs: what countersign-cli-docs
// wrote (man1/*.1.gz and completions/). Run by `make package` and the release workflow; the
// output is ignored by git.

import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const crate = join(root, 'src-tauri');

function fail(message) {
  console.error(`bundle-config: ${message}`);
  process.exit(2);
}

function options(argv) {
  const known = new Set(['--cli', '--docs']);
  const found = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!known.has(argv[i]) || argv[i + 1] === undefined) {
      fail(`usage: node packaging/bundle-config.mjs --cli BINARY [--docs DIR] (got ${argv.join(' ')})`);
    }
    found[argv[i].slice(2)] = resolve(argv[i + 1]);
  }
  if (!found.cli) fail('--cli BINARY is required');
  return found;
}

/** A path of the root config, as the config in src-tauri must say it. */
function fromCrate(path) {
  return isAbsolute(path) ? path : `../${path}`;
}

/** The values of a bundler `files` map (destination -> source), rewritten for src-tauri. */
function rewriteFiles(files = {}) {
  return Object.fromEntries(Object.entries(files).map(([to, from]) => [to, fromCrate(from)]));
}

/** The man pages and completions at the places each Linux family looks for them. */
function docsFiles(docs, zshDir) {
  const files = {};
  const pages = readdirSync(join(docs, 'man1')).filter((name) => name.endsWith('.1.gz'));
  if (!pages.includes('countersign.1.gz')) fail(`no countersign.1.gz in ${docs}/man1`);
  for (const page of pages) files[`/usr/share/man/man1/${page}`] = join(docs, 'man1', page);
  const completions = join(docs, 'completions');
  files['/usr/share/bash-completion/completions/countersign'] = join(completions, 'countersign.bash');
  files[`${zshDir}/_countersign`] = join(completions, '_countersign');
  files['/usr/share/fish/vendor_completions.d/countersign.fish'] = join(completions, 'countersign.fish');
  for (const source of Object.values(files)) {
    if (!existsSync(source)) fail(`missing ${source}: run countersign-cli-docs first`);
  }
  return files;
}

const args = options(process.argv.slice(2));
const config = JSON.parse(readFileSync(join(root, 'tauri.conf.json'), 'utf8'));

config.build.frontendDist = fromCrate(config.build.frontendDist);
const pattern = config.app?.security?.pattern;
if (pattern?.options?.dir) pattern.options.dir = fromCrate(pattern.options.dir);

const bundle = config.bundle;
bundle.icon = bundle.icon.map(fromCrate);
const mac = bundle.macOS ?? {};
for (const key of ['entitlements', 'infoPlist']) {
  if (mac[key]) mac[key] = fromCrate(mac[key]);
}

// The bundler takes external binaries as NAME-TRIPLE and installs them as NAME.
if (!existsSync(args.cli)) fail(`no command-line binary at ${args.cli}`);
const triple = execFileSync('rustc', ['--print', 'host-tuple'], { encoding: 'utf8' }).trim();
const extension = process.platform === 'win32' ? '.exe' : '';
const stem = basename(args.cli, extension);
copyFileSync(args.cli, join(dirname(args.cli), `${stem}-${triple}${extension}`));
bundle.externalBin = [join(dirname(args.cli), stem)];

const linux = bundle.linux ?? {};
for (const [format, zshDir] of [
  ['deb', '/usr/share/zsh/vendor-completions'],
  ['rpm', '/usr/share/zsh/site-functions'],
]) {
  const target = linux[format];
  if (!target) continue;
  if (target.desktopTemplate) target.desktopTemplate = fromCrate(target.desktopTemplate);
  target.files = rewriteFiles(target.files);
  if (args.docs) Object.assign(target.files, docsFiles(args.docs, zshDir));
}

writeFileSync(join(crate, 'tauri.conf.json'), `${JSON.stringify(config, null, 2)}\n`);
console.log(`wrote src-tauri/tauri.conf.json (command line: ${bundle.externalBin[0]}-${triple})`);
