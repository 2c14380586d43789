import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../cli/backtest/backtest.js';
import { generateHistory, type HistoryOptions, type MarketHistory } from '../../cli/backtest/history.js';
import { addMonths } from '../../shared/domain/dates.js';
import { Group, Location, Provider, Signal, signalKey } from '../../shared/domain/model.js';
import { riskModel } from '../../shared/domain/risk-model.js';

const OPTIONS: HistoryOptions = { seed: 424242, locations: 1500, from: '2021-01-01', months: 48 };
const history = generateHistory(OPTIONS);

const signalByKey = (h: MarketHistory) => new Map(h.signals.map((s) => [signalKey(s), s]));

describe('generateHistory', () => {
  it('gives the same history for the same seed and a different one for another seed', () => {
    // Prepare
    const again = { ...OPTIONS };
    const other = { ...OPTIONS, seed: OPTIONS.seed + 1 };

    // Act
    const same = generateHistory(again);
    const different = generateHistory(other);

    // Assess
    expect(JSON.stringify(same)).toBe(JSON.stringify(history));
    expect(JSON.stringify(different.events)).not.toBe(JSON.stringify(history.events));
  });

  it('builds a market of the asked size, mostly single-location providers, care homes and home care', () => {
    // Prepare
    const perProvider = new Map<string, number>();
    for (const l of history.locations) perProvider.set(l.providerId, (perProvider.get(l.providerId) ?? 0) + 1);
    const share = (kinds: string[]) => history.locations.filter((l) => kinds.includes(l.serviceKind)).length / history.locations.length;

    // Act
    const singles = [...perProvider.values()].filter((n) => n === 1).length / perProvider.size;

    // Assess
    expect(history.locations).toHaveLength(OPTIONS.locations);
    expect(singles).toBeGreaterThan(0.6);
    expect([...perProvider.values()].some((n) => n >= 6)).toBe(true);
    expect(share(['nursing-home', 'residential-home'])).toBeGreaterThan(0.4);
    expect(share(['home-care'])).toBeGreaterThan(0.35);
    expect(history.groups.length).toBeGreaterThan(0);
  });

  it('makes every location, provider, group and signal valid against the model', () => {
    // Prepare
    const invalid = (schema: { safeParse: (v: unknown) => { success: boolean } }, items: readonly unknown[]) => items.filter((item) => !schema.safeParse(item).success);

    // Act
    const bad = {
      locations: invalid(Location, history.locations),
      providers: invalid(Provider, history.providers),
      groups: invalid(Group, history.groups),
      signals: invalid(Signal, history.signals),
    };

    // Assess
    expect(bad).toEqual({ locations: [], providers: [], groups: [], signals: [] });
    expect(new Set(history.signals.map(signalKey)).size).toBe(history.signals.length);
    expect(history.signals.every((s) => s.receivedOn >= s.describedOn)).toBe(true);
  });

  it('has failures of each kind, at least a fifth of them with no precursor at all', () => {
    // Prepare
    const { events } = history;

    // Act
    const sudden = events.filter((e) => !e.hadPrecursor);

    // Assess
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(['inadequate', 'closure', 'insolvency']));
    expect(sudden.length / events.length).toBeGreaterThanOrEqual(0.2);
    expect(sudden.every((e) => e.precursors.length === 0 && e.precursorsFrom === null)).toBe(true);
    for (const e of events.filter((e) => e.hadPrecursor)) {
      expect(e.precursors.length).toBeGreaterThan(0);
      // The run-up starts 3 to 18 months before the event.
      expect(e.precursorsFrom! <= addMonths(e.on, -3) && e.precursorsFrom! >= addMonths(e.on, -18)).toBe(true);
    }
    expect(events.every((e) => e.on >= history.from && e.on <= history.to)).toBe(true);
  });

  it('names outcome signals that exist, describe the event day or later, and are the event itself', () => {
    // Prepare
    const byKey = signalByKey(history);

    // Act
    const outcomes = history.events.map((e) => ({ event: e, signals: e.outcomeSignalKeys.map((k) => byKey.get(k)) }));

    // Assess
    for (const { event, signals } of outcomes) {
      expect(signals.length).toBeGreaterThan(0);
      for (const signal of signals) {
        expect(signal).toBeDefined();
        expect(signal!.describedOn >= event.on).toBe(true);
        const facts = signal!.facts;
        if (event.kind === 'inadequate') expect(facts.kind === 'rating' && facts.overall).toBe('Inadequate');
        if (event.kind === 'closure') expect(facts.kind === 'registration' && facts.status).toBe('Deregistered');
        if (event.kind === 'insolvency') expect(facts.kind === 'financial-indicator' && ['administration', 'liquidation'].includes(facts.companyStatus)).toBe(true);
      }
    }
  });

  it('sends no signal about a location dated on or after its event, other than the event itself', () => {
    // Prepare
    const eventOn = new Map(history.events.map((e) => [e.locationId, e]));

    // Act
    const late = history.signals.filter((s) => {
      const event = s.subject.type === 'location' ? eventOn.get(s.subject.id) : undefined;
      return event !== undefined && s.describedOn >= event.on && !event.outcomeSignalKeys.includes(signalKey(s));
    });

    // Assess
    expect(late).toEqual([]);
  });

  it('gives healthy locations passing dips that recover', () => {
    // Prepare
    const failed = new Set(history.events.map((e) => e.locationId));
    const healthyDips = history.dips.filter((d) => !failed.has(d.locationId));
    const providerOf = new Map(history.locations.map((l) => [l.locationId, l.providerId]));

    // Act
    const lateFilingRecovered = healthyDips
      .filter((d) => d.kind === 'late-filing')
      .some((d) =>
        history.signals.some((s) => s.subject.id === providerOf.get(d.locationId) && s.describedOn > d.to && s.facts.kind === 'financial-indicator' && s.facts.accountsOverdueDays === 0),
      );
    const occupancyRecovered = healthyDips
      .filter((d) => d.kind === 'occupancy')
      .some((d) => {
        const returns = history.signals.filter((s) => s.subject.id === d.locationId && s.facts.kind === 'capacity-return');
        const occupancy = (s: Signal) => (s.facts.kind === 'capacity-return' ? s.facts.usedBeds / s.facts.maxCapacity : 0);
        const during = returns.filter((s) => s.describedOn >= d.from && s.describedOn <= d.to).map(occupancy);
        const after = returns.filter((s) => s.describedOn > d.to).map(occupancy);
        return during.length > 0 && after.length > 0 && Math.max(...after) > Math.min(...during) + 0.05;
      });

    // Assess
    expect(new Set(healthyDips.map((d) => d.kind))).toEqual(new Set(['occupancy', 'concern', 'late-filing', 'credit', 'manager-gap', 'embargo-lifted', 'contract-reinstated']));
    expect(healthyDips.every((d) => d.from <= d.to)).toBe(true);
    expect(lateFilingRecovered).toBe(true);
    expect(occupancyRecovered).toBe(true);
  });

  it('imports nothing from the scoring code or its configuration, directly or through its own modules', () => {
    // Prepare
    const forbidden = /shared\/(config\/|domain\/(scoring|roll-up|score-market|baseline|risk-model|trends)(\.js)?$)/;
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const importsOf = (file: string): string[] =>
      [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

    // Act: follow the relative imports of the history module through the project's own files
    const seen = new Set<string>();
    const specifiers: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const specifier of importsOf(file)) {
        specifiers.push(specifier);
        if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
      }
    };
    visit(resolve(root, 'cli/backtest/history.ts'));

    // Assess
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => forbidden.test(s))).toEqual([]);
  });
});

describe('runBacktest end to end', () => {
  it('replays a small market and reports every metric within its range', () => {
    // Prepare
    const small = generateHistory({ ...OPTIONS, locations: 300 });

    // Act
    const report = runBacktest(small);

    // Assess
    expect(report.modelVersion).toBe(riskModel().version);
    expect(report.generator).toMatchObject({ seed: OPTIONS.seed, locations: 300, from: '2021-01-01', to: '2024-12-31' });
    expect(report.parameters.scoringDates).toBe(48);
    expect(report.counts.evaluatedWithPrecursor + report.counts.evaluatedWithoutPrecursor).toBe(report.counts.evaluatedFailures);
    expect(report.counts.withheldSignals).toBeGreaterThan(0);
    const shares: (number | null)[] = [report.auc.value];
    for (const band of [report.bands.Red, report.bands['Amber+']]) {
      shares.push(band.recall.recall, band.withPrecursor.recall, band.withoutPrecursor.recall, band.precision.precision);
      expect(band.falseAlarms.per1000LocationMonths).toBeGreaterThanOrEqual(0);
      expect(band.falseAlarms.per1000LocationMonths).toBeLessThanOrEqual(1000);
      if (band.leadTimeDays.median !== null) expect(band.leadTimeDays.median).toBeGreaterThan(0);
    }
    for (const share of shares.filter((s): s is number => s !== null)) {
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
    }
    expect(report.bands['Amber+'].recall.warned).toBeGreaterThanOrEqual(report.bands.Red.recall.warned);
    for (const ceiling of [report.ceilings.recall, report.ceilings.auc]) expect(ceiling === null || (ceiling >= 0 && ceiling <= 1)).toBe(true);
    expect(report.targets.map((t) => t.target)).toHaveLength(4);
    expect(report.targets.every((t) => typeof t.met === 'boolean')).toBe(true);
  });
});
