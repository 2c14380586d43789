// What the deliveries replay tests share: the deliveries they replay (three monthly deliveries of about forty
// services), `npm start -- --deliveries DIR` run as a person runs it, in a process of its own (the handlers bind
// their engines' endpoints when loaded, so each run is its own process), and the files a run wrote.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { generateDeliveries, type GeneratedDeliveries, writeDeliveries } from '../../cli/deliveries/generate.js';

const REPO = resolve(import.meta.dirname, '../..');

/** Generates the deliveries into `root/deliveries`. */
export async function writeTestDeliveries(root: string): Promise<GeneratedDeliveries> {
  const generated = generateDeliveries({ seed: 20251015, months: 3, locations: 40, last: '2025-10-15' });
  await writeDeliveries(join(root, 'deliveries'), generated);
  return generated;
}

/** Replays `root/deliveries` into `root/out` with its database in `root/state`; what it printed. */
export async function replayDeliveries(root: string, out: string, state: string, ...more: string[]): Promise<string> {
  const args = ['cli/main.ts', 'start', '--deliveries', join(root, 'deliveries'), '--out', join(root, out), '--state', join(root, state), ...more];
  return (await promisify(execFile)(join(REPO, 'node_modules/.bin/tsx'), args, { cwd: REPO, maxBuffer: 64 * 1024 * 1024 })).stdout;
}

/** Every file under a folder, by its path relative to it, with its bytes. */
export async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return new Map(await Promise.all(files.map(async (path) => [path.slice(dir.length + 1), await readFile(path)] as const)));
}
