// A crash or a throttling error injected at every step of deciding and publishing national-scale escalations,
// on DynamoDB Local and fauxqs with a subscriber queue for every party, then a rerun: every expected recipient
// must still receive each subject exactly once, with the audit and the episode naming each, and nothing may go
// to the dead-letter queue. On an engine of its own, apart from the full-scale runs (see escalation-national).
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { decideAll } from '../../functions/escalate/escalate.js';
import { drainOutbox } from '../../shared/application/outbox.js';
import type { EscalationNotice } from '../../shared/domain/notice-folding.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { AS_OF, nationalEngines, SMALL_SCALE, Throttled } from '../support/national.js';


class Crash extends Error {
  override readonly name = 'Crash';
}

type PortName = 'escalations' | 'outbox' | 'notifier';
interface Fault {
  step: string;
  port: PortName;
  method: string;
  when: 'before' | 'halfway' | 'after';
  /** The call of that method that fails. */
  call: number;
  kind: 'crash' | 'throttle';
}

const STEPS: Omit<Fault, 'call' | 'kind'>[] = [
  { step: 'staging and recording a decision', port: 'escalations', method: 'recordDecision', when: 'before' },
  { step: 'once a decision is recorded, before the reply', port: 'escalations', method: 'recordDecision', when: 'after' },
  { step: 'claiming a notice (its disclosures)', port: 'outbox', method: 'claim', when: 'before' },
  { step: 'once a notice is claimed, before publishing', port: 'outbox', method: 'claim', when: 'after' },
  { step: 'publishing', port: 'notifier', method: 'publish', when: 'before' },
  { step: 'halfway through publishing', port: 'notifier', method: 'publish', when: 'halfway' },
  { step: 'after publishing, before a notice is marked', port: 'outbox', method: 'markPublished', when: 'before' },
  { step: 'once a notice is marked, before the reply', port: 'outbox', method: 'markPublished', when: 'after' },
];
// Publishing is one call per run; the other steps are one call per subject or per notice: fail the second.
const FAULTS: Fault[] = STEPS.flatMap((s) => (['crash', 'throttle'] as const).map((kind) => ({ ...s, kind, call: s.method === 'publish' ? 1 : 2 })));

// Each scenario decides and publishes twice; on a loaded 2-core machine that can take a minute.
describe('national-scale escalations, a fault at any step', { timeout: 300_000 }, () => {
  const engines = nationalEngines();
  const { newWorld, readQueues, expectConsistent } = engines;

  describe('a fault at any step, then a rerun', () => {
    /**
     * The ports of a process hit by the fault at its call: a crash kills the process there (that call and
     * every later one throws); a throttling error fails that one call and the process goes on.
     */
    function faultyPorts(fault: Fault) {
      const process = { dead: false, calls: 0, inFlight: new Set<Promise<unknown>>() };
      const fail = (): never => {
        if (fault.kind === 'crash') {
          process.dead = true;
          throw new Crash(`crashed ${fault.step} (call ${fault.call})`);
        }
        throw new Throttled(`throttled ${fault.step} (call ${fault.call})`);
      };
      const faulty = <T extends object>(target: T, port: PortName): T =>
        new Proxy(target, {
          get(object, property) {
            const member = Reflect.get(object, property, object) as unknown;
            if (typeof member !== 'function') return member;
            return async (...args: unknown[]) => {
              if (process.dead) throw new Crash('the process has died');
              const hit = port === fault.port && property === fault.method && ++process.calls === fault.call;
              if (hit && fault.when === 'before') fail();
              const half = (notices: EscalationNotice[]) => notices.slice(0, Math.ceil(notices.length / 2));
              const work = (hit && fault.when === 'halfway' ? (member as (n: EscalationNotice[]) => Promise<unknown>).call(object, half(args[0] as EscalationNotice[])) : (member as (...a: unknown[]) => Promise<unknown>).apply(object, args));
              process.inFlight.add(work);
              const result = await work.finally(() => process.inFlight.delete(work));
              return hit ? fail() : result;
            };
          },
        });
      const ports = engines.ports();
      return {
        ports: { ...ports, escalations: faulty(ports.escalations, 'escalations'), outbox: faulty(ports.outbox, 'outbox'), notifier: faulty(ports.notifier, 'notifier') },
        hit: () => process.calls >= fault.call,
        /** Work the dead process had already handed to DynamoDB or SNS still lands; wait for it. */
        settled: async () => {
          while (process.inFlight.size > 0) await Promise.allSettled([...process.inFlight]);
        },
      };
    }

    it.each(FAULTS)('$kind $step (call $call): every recipient gets each subject once, and the audit matches', async (fault) => {
      // Prepare
      const world = await newWorld(SMALL_SCALE);
      const faulty = faultyPorts(fault);

      // Act: the run that meets the fault, then the next daily run and a sweep by the publisher
      await decideAll(faulty.ports, AS_OF, DEFAULT_PROTOCOL)
        .then(() => drainOutbox(faulty.ports, AS_OF, DEFAULT_PROTOCOL))
        .catch((error: unknown) => expect(error).toBeInstanceOf(Crash));
      await faulty.settled();
      await decideAll(engines.ports(), AS_OF, DEFAULT_PROTOCOL);
      await drainOutbox(engines.ports(), AS_OF, DEFAULT_PROTOCOL);
      const received = await readQueues();

      // Assess
      expect(faulty.hit()).toBe(true);
      await expectConsistent(received, world);
      const { Messages = [] } = await engines.aws().sqs.send(new ReceiveMessageCommand({ QueueUrl: engines.aws().deadLetterQueueUrl, MaxNumberOfMessages: 10 }));
      const ours = Messages.filter((m) => Object.keys(world.expected).some((subjectId) => m.Body?.includes(subjectId)));
      expect(ours).toEqual([]);
    });
  });
});
