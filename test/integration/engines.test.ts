// The local engines: they fail fast without Java, and stopping them leaves no Java process behind.
import { afterEach, describe, expect, it } from 'vitest';
import { JavaMissingError, startLocalEngines } from '../../cli/local/engines.js';

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('local engines', () => {
  const path = process.env.PATH;

  afterEach(() => {
    process.env.PATH = path;
  });

  it('fails fast with a clear message when Java is missing', async () => {
    // Prepare
    process.env.PATH = '/nonexistent';

    // Act
    const starting = startLocalEngines();

    // Assess
    await expect(starting).rejects.toBeInstanceOf(JavaMissingError);
    await expect(starting).rejects.toThrow(/Java 17 or later is needed/);
  });

  it('stops DynamoDB Local and waits for its JVM to exit', async () => {
    // Prepare
    const engines = await startLocalEngines();
    const pid = engines.dynamoPid!;
    expect(isRunning(pid)).toBe(true);

    // Act
    await engines.stop();

    // Assess
    expect(isRunning(pid)).toBe(false);
  });
});
