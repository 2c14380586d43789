// Once per `vitest run`: a temporary folder the test files share, removed when the run ends. The bundled sample's
// run is kept there (test/support/sample-run.ts), so the files that stand on it pay for it once, and the replay
// tests keep their state folders there. It is in memory (/dev/shm) when the machine has room there: DynamoDB
// Local writes its database file often, and a disk makes every write wait. In watch mode it is emptied before
// each rerun, so a rerun after an edit runs the sample again.
import { mkdtemp, readdir, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared temporary folder. */
    sharedDir: string;
  }
}

/** Room the tests' databases need in memory, with plenty to spare for Chromium, which also uses /dev/shm. */
const MEMORY_FOLDER_ROOM = 1024 ** 3;

async function temporaryRoot(): Promise<string> {
  const stats = await statfs('/dev/shm').catch(() => undefined);
  return stats && stats.bavail * stats.bsize >= MEMORY_FOLDER_ROOM ? '/dev/shm' : tmpdir();
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(await temporaryRoot(), 'care-market-tests-'));
  project.provide('sharedDir', dir);
  project.onTestsRerun(async () => {
    for (const entry of await readdir(dir)) await rm(join(dir, entry), { recursive: true, force: true });
  });
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
