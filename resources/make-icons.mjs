// Renders icon.svg into the icons electron-builder packages: icon.png (512x512, Linux and the
// window), icon.ico (Windows, PNG-compressed entries) and icon.icns (macOS, PNG entries).
// Uses Chromium through playwright-core for the rendering; the .ico and .icns containers are
// written here. Usage: node resources/make-icons.mjs [path to chromium]   (default /usr/bin/chromium)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const here = import.meta.dirname;
const svg = readFileSync(path.join(here, 'icon.svg'), 'utf8');
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
// ICNS entry types holding PNG data, by pixel size (the @2x types reuse the doubled size).
const ICNS_TYPES = [
  ['icp4', 16], ['icp5', 32], ['icp6', 64], ['ic07', 128], ['ic08', 256], ['ic09', 512], ['ic10', 1024],
  ['ic11', 32], ['ic12', 64], ['ic13', 256], ['ic14', 512],
];

async function render(sizes) {
  const browser = await chromium.launch({ executablePath: process.argv[2] ?? '/usr/bin/chromium' });
  try {
    const page = await browser.newPage();
    const out = new Map();
    for (const size of sizes) {
      await page.setViewportSize({ width: size, height: size });
      const sized = svg.replace('width="1024" height="1024"', `width="${size}" height="${size}"`);
      await page.setContent(`<html><body style="margin:0;background:transparent">${sized}</body></html>`);
      out.set(size, await page.locator('svg').screenshot({ omitBackground: true, type: 'png' }));
    }
    return out;
  } finally {
    await browser.close();
  }
}

function ico(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(pngs.length, 4);
  const entries = [];
  let offset = 6 + 16 * pngs.length;
  for (const [size, png] of pngs) {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...pngs.map(([, png]) => png)]);
}

function icns(chunks) {
  const parts = chunks.map(([type, png]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

const sizes = [...new Set([...ICO_SIZES, ...ICNS_TYPES.map(([, s]) => s), 512])].sort((a, b) => a - b);
const pngs = await render(sizes);
writeFileSync(path.join(here, 'icon.png'), pngs.get(512));
writeFileSync(path.join(here, 'icon.ico'), ico(ICO_SIZES.map((s) => [s, pngs.get(s)])));
writeFileSync(path.join(here, 'icon.icns'), icns(ICNS_TYPES.map(([type, s]) => [type, pngs.get(s)])));
console.log('resources: wrote icon.png, icon.ico, icon.icns');
