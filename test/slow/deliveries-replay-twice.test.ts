// `npm start -- --deliveries DIR` twice from empty engines, each in its own process, as a person runs it: the
// second replay writes the same bytes as the first (the files hold no message ids or wall-clock times). Two
// full replays, so it runs with `npm run test:slow`; the rest of the replay's checks are in `npm test`
// (test/integration/deliveries-replay.test.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { filesUnder, replayDeliveries, writeTestDeliveries } from '../support/deliveries.js';

describe('replaying the same deliveries twice', () => {
  let root: string;
  let first: Map<string, Buffer>;
  let second: Map<string, Buffer>;

  beforeAll(async () => {
    root = await mkdtemp(join(inject('sharedDir'), 'care-market-deliveries-twice-'));
    await writeTestDeliveries(root);
    await replayDeliveries(root, 'first', 'state-first');
    await replayDeliveries(root, 'second', 'state-second');
    [first, second] = await Promise.all([filesUnder(join(root, 'first')), filesUnder(join(root, 'second'))]);
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('writes byte-identical files when the same deliveries are replayed again from empty engines', () => {
    // Assess
    expect(first.size).toBeGreaterThan(0);
    expect(second.size).toBe(first.size);
    for (const [path, bytes] of first) expect(second.get(path)?.equals(bytes), path).toBe(true);
  });
});
