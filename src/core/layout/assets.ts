// Static files of the shell (CSS, the small enhancement script), served with a content hash
// in the URL so phones on slow lines cache them for a year.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static');
const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml', '.json': 'application/manifest+json', '.png': 'image/png' };

export type Asset = { body: Buffer; type: string; hash: string };
const assets = new Map<string, Asset>();

function load(name: string): Asset | undefined {
  let a = assets.get(name);
  if (a) return a;
  const file = path.join(DIR, name);
  if (!file.startsWith(DIR) || !fs.existsSync(file)) return undefined;
  const body = fs.readFileSync(file);
  a = { body, type: TYPES[path.extname(name)] ?? 'application/octet-stream', hash: crypto.createHash('sha256').update(body).digest('hex').slice(0, 10) };
  assets.set(name, a);
  return a;
}

export function assetUrl(name: string): string {
  const a = load(name);
  return `/static/${name}?v=${a?.hash ?? '0'}`;
}

export function getAsset(name: string): Asset | undefined {
  if (!/^[a-z0-9-]+\.[a-z]+$/.test(name)) return undefined;
  return load(name);
}

/** The shell's files of a kind (by extension), for the service worker to keep. */
export function assetNames(extensions: string[]): string[] {
  return fs
    .readdirSync(DIR)
    .filter((n) => /^[a-z0-9-]+\.[a-z]+$/.test(n) && extensions.includes(path.extname(n)))
    .sort();
}
