// The npm packages a packaged app keeps outside its asar archive (electron-builder's asarUnpack). The
// OS cannot load a compiled addon (.node) from inside the archive, and the worker bundles run from
// app.asar.unpacked/out/electron, where a bare import resolves from app.asar.unpacked/node_modules:
// only what is unpacked is there. So the native packages are unpacked together with every package
// their code loads at run time, the worker bundles leave exactly these packages external, and bundle
// every other (pure JavaScript) dependency into themselves.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Packages with a compiled addon that the app loads: the store, the engine, and sharp (transformers.js imports it). */
export const NATIVE_PACKAGES = ['better-sqlite3', 'onnxruntime-node', 'sharp'];

/** The package a file under node_modules belongs to (the innermost node_modules wins), or undefined. */
export function packageOfFile(file) {
  const matches = [...file.replaceAll('\\', '/').matchAll(/(?<=^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//g)];
  return matches.at(-1)?.[1];
}

function readManifest(root, name) {
  const file = path.join(root, 'node_modules', name, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/**
 * The native packages and everything their code reaches at run time, sorted. esbuild follows every
 * static require/import from each package's entry (install scripts are not reached, so their
 * dependencies stay packed); a platform binary picked by a computed require (sharp's @img/sharp-<os>)
 * is an installed optionalDependency, added with its own dependencies.
 */
export async function unpackedPackages(root, natives = NATIVE_PACKAGES) {
  const result = await build({
    stdin: { contents: natives.map((name) => `import ${JSON.stringify(name)};`).join('\n'), resolveDir: root, loader: 'js' },
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    outfile: path.join(root, 'unpacked-packages.mjs'),
    logLevel: 'silent',
    external: ['electron'],
    loader: { '.node': 'empty' },
  });
  const found = new Set(natives);
  for (const input of Object.keys(result.metafile.inputs)) {
    const name = packageOfFile(input);
    if (name) found.add(name);
  }
  const pending = [...found];
  while (pending.length > 0) {
    const manifest = readManifest(root, pending.pop());
    for (const dep of Object.keys(manifest?.optionalDependencies ?? {})) {
      if (found.has(dep) || !readManifest(root, dep)) continue;
      found.add(dep);
      pending.push(dep);
      for (const sub of Object.keys(readManifest(root, dep).dependencies ?? {})) {
        if (!found.has(sub) && readManifest(root, sub)) (found.add(sub), pending.push(sub));
      }
    }
  }
  return [...found].sort();
}
