// The benchmark's figures against the targets: one object for out/bench.json and a table for a person,
// each miss named with what caused it.
import type { Bundle } from './bundles.js';
import type { LatencyResult } from './latency.js';
import { TARGETS } from './measure.js';
import type { PhaseResult, PipelineResult } from './phases.js';

export interface BenchInput {
  market: { locations: number; providers: number; groups: number; councils: number; signals: number; bySource: Record<string, number>; seconds: number };
  floor: PhaseResult;
  pipeline: PipelineResult;
  latency: LatencyResult;
  bundles: Record<string, Bundle>;
  /** Peaks in MiB; the bench process's also as its high-water mark at the end of each phase, in order. */
  memory: { benchMb: number; benchMbByPhase: Record<string, number>; generatorMb: number; engineMb: number };
  load: { before: number[]; after: number[]; cores: number };
  totalSeconds: number;
}

const per1000 = (items: number, signals: number) => Math.round((items / signals) * 1000);

export function report(input: BenchInput) {
  const { floor, pipeline, latency, bundles, memory } = input;
  const ratio = Number((pipeline.seconds / floor.seconds).toFixed(2));
  const nodeProcesses = { bench: memory.benchMb, generator: memory.generatorMb, ...Object.fromEntries(Object.entries(bundles).map(([name, b]) => [`import ${name}`, b.peakRssMb])) };
  const [heaviest, peakRssMb] = Object.entries(nodeProcesses).sort((a, b) => b[1] - a[1])[0]!;
  // The first phase by whose end the bench process had reached its peak.
  const benchPhase = Object.entries(memory.benchMbByPhase).find(([, mb]) => mb >= memory.benchMb)?.[0] ?? 'bundles';
  const benchIn = `bench, in its ${benchPhase} phase`;
  const heaviestIn = heaviest === 'bench' ? benchIn : `${heaviest}; ${benchIn}: ${memory.benchMb} MB`;
  const largest = Object.entries(bundles).sort((a, b) => b[1].kb - a[1].kb)[0]!;
  const figures = {
    ratio,
    p95Ms: latency.p95Ms,
    peakRssMb,
    bundles: Object.fromEntries(Object.entries(bundles).map(([name, b]) => [name, { kb: b.kb, coldImportMs: b.coldImportMs }])),
    market: input.market,
    floor: { seconds: round(floor.seconds), itemsWritten: floor.itemsWritten, writeRequests: floor.writeRequests },
    pipeline: {
      seconds: round(pipeline.seconds),
      ingestSeconds: round(pipeline.ingestSeconds),
      recomputeSeconds: round(pipeline.recomputeSeconds),
      itemsWritten: pipeline.itemsWritten,
      writeRequests: pipeline.writeRequests,
      signalsStored: pipeline.stored,
      signalsAlreadyPresent: pipeline.alreadyPresent,
      assessments: pipeline.assessments,
      resentBackfill: { signals: pipeline.resend.signals, seconds: round(pipeline.resend.seconds), stored: pipeline.resend.stored, writeRequests: pipeline.resend.writeRequests },
    },
    itemsWrittenPer1000Signals: { load: per1000(pipeline.itemsWritten, pipeline.signals), floor: per1000(floor.itemsWritten, floor.signals), oneAtATime: latency.itemsWrittenPer1000 },
    latency,
    memory: { peakRssMbByNodeProcess: nodeProcesses, benchMbByPhase: memory.benchMbByPhase, javaEngineMb: memory.engineMb },
    load: input.load,
    totalSeconds: round(input.totalSeconds),
  };
  const rows = [
    row('full ingest + scoring / floor', ratio, TARGETS.ratio, `${round(pipeline.seconds)} s (${pipeline.itemsWritten} items) against ${round(floor.seconds)} s (${floor.itemsWritten} items)`, 'the stores read before they write and add entries one item per request, where the floor sends 25 items per request; scoring is on top'),
    row('p95 signal to escalation decision (ms)', latency.p95Ms, TARGETS.p95Ms, `p50 ${latency.p50Ms}, p99 ${latency.p99Ms}, over ${latency.signals}`, 'a new signal waits on about ten dependent DynamoDB round trips (its read and update, the location with the baseline, its links and signals with its provider\'s, the siblings\' and the group\'s stored assessments, the assessments\' write, then the decision\'s reads and writes), and a provider of many homes reads each sibling\'s assessment'),
    row('peak RSS of a Node process (MB)', peakRssMb, TARGETS.peakRssMb, `${heaviestIn}; Java engine ${memory.engineMb} MB apart`, heaviest === 'generator' ? 'the test-data generator holds too much of the market at once' : `the ${benchIn} holds too much at once`),
    row(`largest bundle (KB): ${largest[0]}`, largest[1].kb, TARGETS.bundleKb, `cold import ${largest[1].coldImportMs} ms`, 'its dependencies'),
    row(
      'whole run (s)',
      round(input.totalSeconds),
      TARGETS.wholeRunSeconds,
      `generating ${round(input.market.seconds)}, floor ${round(floor.seconds)}, ingest ${round(pipeline.ingestSeconds)}, scoring ${round(pipeline.recomputeSeconds)}, re-send ${round(pipeline.resend.seconds)}, latency ${round(latency.seconds)}`,
      'the market is written twice, each time into a fresh engine (the floor, then the pipeline), and Node and the Java engine share the cores, each busy through both loads',
    ),
  ];
  console.log('');
  console.table(rows.map(({ cause, ...r }) => r));
  for (const r of rows.filter((r) => r.met === 'no')) console.log(`Missed: ${r.figure}: ${r.cause}.`);
  console.table(Object.entries(bundles).map(([name, b]) => ({ function: name, kb: b.kb, coldImportMs: b.coldImportMs, rssMb: b.peakRssMb })));
  console.log(`Items written per 1,000 signals: ${figures.itemsWrittenPer1000Signals.load} loading, ${figures.itemsWrittenPer1000Signals.oneAtATime} one signal at a time (signal, assessments, decisions).`);
  console.log(`Load average ${input.load.before.join(', ')} before and ${input.load.after.join(', ')} after, on ${input.load.cores} cores; ${round(input.totalSeconds)} s in all.`);
  return figures;
}

const round = (n: number) => Math.round(n * 10) / 10;

function row(figure: string, value: number, target: number, detail: string, cause: string) {
  return { figure, value, target, met: value <= target ? 'yes' : 'no', detail, cause };
}
