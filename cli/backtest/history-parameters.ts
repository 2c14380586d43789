// The parameters of the generated market history (history.ts), each tied to a published figure or marked an
// assumption. Like the generator, they know nothing of how risk is scored: no range here is drawn to fall on
// either side of a model's cut-off, and healthy and failing services share every indicator's range.
import type { ServiceKind } from '../../shared/domain/model.js';
import { SAMPLE_PARAMETERS } from '../sample/generate.js';
import { RE_REGISTRATION_PARAMETERS } from './ownership-changes.js';

const S = SAMPLE_PARAMETERS;

/** The generator's parameters, each with its published source or marked as an assumption. */
export const HISTORY_PARAMETERS = {
  /**
   * Shares of locations by kind. England has about 455,000 care home places (King's Fund, Social care 360,
   * 2022/23), 49% of them in nursing homes (Nuffield Trust QualityWatch, December 2023), in homes of 29.5 beds
   * on average (SCIE): roughly 4,500 nursing and 10,500 residential homes. CQC registered about 12,600
   * community social care locations in June 2024 (Homecare Association analysis of CQC data). Other
   * community services (Shared Lives, extra care without home care): an assumption.
   */
  serviceKinds: { 'nursing-home': 0.15, 'residential-home': 0.35, 'home-care': 0.44, 'community-other': 0.06 },
  /** About 50 beds in a nursing home and 22 in a residential home, from the figures above; the spreads are assumptions. */
  beds: {
    'nursing-home': { mean: 50, sd: 18, min: 15, max: 120 },
    'residential-home': { mean: 22, sd: 10, min: 3, max: 60 },
  },
  /** England's regulated adult social care locations, to scale national chains down to this market. From the counts above. */
  englandLocations: 30_000,
  /**
   * Shares of locations by their provider's number of locations, from the bundled CQC register rows
   * (data/cqc, 2025): 42% single-location, 26% with 2-5, 13% with 6-20 and 19% with more (national chains,
   * scaled down by this market's share of England).
   */
  providerSizes: [
    { share: 0.42, min: 1, max: 1, national: false },
    { share: 0.26, min: 2, max: 5, national: false },
    { share: 0.13, min: 6, max: 20, national: false },
    { share: 0.19, min: 21, max: 500, national: true },
  ],
  /** A provider's locations are mostly of one kind, and a chain's mostly in its home region. Assumptions. */
  sameKindShare: 0.85,
  homeRegionShare: 0.7,
  /**
   * Brands: 27% of the bundled register's locations carry one, nearly all in multi-location providers. Which
   * providers join a brand, and up to three providers a brand, are assumptions sized to match.
   */
  brandChance: { fromSixLocations: 0.8, twoToFive: 0.15 },
  providersPerBrand: { min: 1, max: 3 },
  /** 6.7% of the bundled register's locations belong to a provider with no company number (individuals, partnerships). */
  noCompanyShare: 0.067,
  /**
   * Councils weighted by population: ONS mid-year estimates put a county council at about 800,000 residents
   * on average and the other councils (unitary, metropolitan, London) at about 250,000-300,000.
   */
  countyCouncilWeight: 3,
  /**
   * Specialisms ("service users supported") of care homes and of community services, shares from the bundled
   * register rows.
   */
  specialisms: {
    careHome: { 'Caring for adults under 65 yrs': 0.69, 'Caring for adults over 65 yrs': 0.52, 'Learning Disabilities or autistic spectrum disorder': 0.62, 'Physical disabilities': 0.34, Dementia: 0.27, 'Mental health conditions': 0.27, 'Sensory impairment': 0.17 },
    community: { 'Caring for adults under 65 yrs': 0.87, 'Caring for adults over 65 yrs': 0.85, 'Physical disabilities': 0.77, Dementia: 0.69, 'Sensory impairment': 0.54, 'Mental health conditions': 0.54, 'Learning Disabilities or autistic spectrum disorder': 0.5 },
  },

  // Outcomes ---------------------------------------------------------------------------------------------

  /**
   * Closures a year. Care homes: 1,221 homes for older people closed from January 2015 to September 2019, about
   * 260 a year of some 11,000 (CSI Market Intelligence in Care Management Matters, "Staying alive"): about 2%.
   * Community services, from the real rating history (shared/data/cqc-history/community-services-ratings.csv,
   * home care, supported living, extra care and similar alike): 2,668 deregistrations dated 2016-2023 over
   * 36,605 registered location-years (each location from its registration, or 2016, to its deregistration, or
   * 2024), 7.3% a year, less the 2% a year that are re-registrations (changes of owner and moves,
   * RE_REGISTRATION_PARAMETERS.perYear): 5.3%. The file holds rated services only, so an agency that closed
   * before its first inspection is missing from it. (Allan's one agency in seven a year, NIHR ASCRU on CQC
   * data 2015-17, counts every deregistration of a younger market.)
   */
  closurePerYear: { 'nursing-home': 0.02, 'residential-home': 0.02, 'home-care': 0.053, 'community-other': 0.053 } satisfies Record<ServiceKind, number>,
  /**
   * Newly rated Inadequate a year. About 1-2% of care homes are rated Inadequate at a time (DHSC answer to PQ
   * 146902: 1.2-1.7% of residential homes, 2021-23; CQC: about 1% of adult social care locations); an
   * Inadequate service is re-inspected within six months and stays so for about a year (an assumption), so
   * the yearly flow is about the stock.
   */
  inadequatePerYear: 0.015,
  /**
   * Insolvency per provider company a year: 75 care home businesses in 2016 (Insolvency Service figures via FRP
   * Advisory) and 148 in 2017/18 (Moore Stephens), among some 5,500 care home providers (CMA, Care homes market
   * study, 2017): about 1.5-2.5%. Larger providers fail less often: an assumption.
   */
  insolvencyPerYear: { small: 0.015, fromSixLocations: 0.005 },
  /** Share of administrations among insolvencies, as in the sample generator. An assumption. */
  administrationShare: 0.7,

  // New registrations ------------------------------------------------------------------------------------

  /**
   * Services opened a year, as a share of the market's starting count of each kind. England's count of
   * registered adult social care locations was roughly stable over 2021-2024 (care homes a little down,
   * community services up; this history holds each kind level, an assumption), so openings match what leaves
   * the scored market: care homes 2% closures + 1.5% Inadequate + about 1.1% insolvencies (1.5% for the
   * companies of up to five locations, 0.5% for the rest, 93% of providers with a company) = 4.6%; community
   * services 5.3% + 1.5% + about 1.3% (more of them in small providers) = 8.1%.
   */
  openingsPerYear: { 'nursing-home': 0.046, 'residential-home': 0.046, 'home-care': 0.081, 'community-other': 0.081 } satisfies Record<ServiceKind, number>,
  /** Share of openings by a new single-location provider; the rest by an existing one, in proportion to its size. An assumption. */
  openedByNewProviderShare: 0.5,
  /**
   * CQC aimed to inspect a newly registered service within 12 months of its registration: the first
   * inspection of a new service falls 3-15 months after it (an assumption around that aim). Until then it has
   * no rating.
   */
  firstInspectionMonths: { min: 3, max: 15 },
  /** A new care home fills from 30-60% of its beds to its usual occupancy over 12-24 months. An assumption. */
  newHomeFill: { startMin: 0.3, startMax: 0.6, monthsMin: 12, monthsMax: 24 },

  // Precursors -------------------------------------------------------------------------------------------

  /**
   * Failures with warning signs, by kind; the rest are sudden (a whistleblower's tip met by an inspection, an
   * owner's retirement, a parent company's collapse). Assumptions, leaving about three in ten failures with
   * no precursor at all.
   */
  precursorShare: { inadequate: 0.75, closure: 0.7, insolvency: 0.8 },
  /** First signs 3-18 months before the event (project brief). */
  leadMonths: { min: 3, max: 18 },
  /** How far a failing service's indicators travel toward their stressed values, 0-1. An assumption. */
  severity: { min: 0.6, max: 1 },
  /** Later channels start within the first half of the run-up. An assumption. */
  laterChannelStartWithin: 0.5,
  /**
   * Chance that a failing service shows each kind of precursor, by outcome. Assumptions shaped by published
   * associations: lower quality ratings make home care closure likelier (Allan, above); below about 80%
   * occupancy a care home often loses money (Alvarez & Marsal); companies in Company Watch's warning area
   * needed a financial rescue more often (below); councils embargo placements at services in trouble.
   */
  channelChance: {
    inadequate: { concerns: 0.6, rating: 0.35, manager: 0.4, embargo: 0.3, staffing: 0.4, occupancy: 0.25, financial: 0.2 },
    closure: { occupancy: 0.7, financial: 0.5, manager: 0.35, concerns: 0.3, rating: 0.3, embargo: 0.1, staffing: 0.3 },
    insolvency: { financial: 1, occupancy: 0.6, staffing: 0.3, concerns: 0.2, embargo: 0.15, manager: 0.2, rating: 0.15 },
  },

  // Safeguarding -----------------------------------------------------------------------------------------

  /**
   * Safeguarding concerns a year per bed of a care home. England's councils received 541,535 concerns in
   * 2021-22 (NHS Digital, Safeguarding Adults Collection). Where their location is published (concluded s.42
   * enquiries) residential homes were the location of risk in 23% (36,010) and care homes of both kinds in
   * 34% (2018-19, cited by NICE NG189), so nursing homes in about 11%; taking the same shares of concerns (an
   * assumption) over England's beds (455,000, 49% nursing): residential 541,535 x 23% / 232,000 = 0.54,
   * nursing 541,535 x 11% / 223,000 = 0.27. Every concern whose location is a care home is assumed returned
   * against that home.
   */
  concernsPerBedYear: { 'nursing-home': 0.27, 'residential-home': 0.54 },
  /**
   * Concerns a year per community service. The person's own home was the location of risk in 48% of concluded
   * s.42 enquiries in 2021-22 (75,490), and a service provider the source of risk in about a third (33.7% in
   * 2017-18); most own-home risks come from people the adult knows. Assumed: one in eight own-home concerns
   * names a home-care service, 541,535 x 48% / 8 = 32,500 over England's some 13,200 home-care services
   * (44% of 30,000) = 2.5; other community services half that, an assumption. Together with the care homes'
   * (about 186,000), a market of N locations receives about N / 30,000 x 221,000 concerns a year: 41% of
   * England's, the rest being about people no regulated service looks after.
   */
  concernsPerServiceYear: { 'home-care': 2.5, 'community-other': 1.2 },
  /**
   * Share of concerns that lead to a s.42 enquiry: 161,952 of 541,535 in 2021-22 (NHS Digital), 30%. Those at a
   * service in trouble are more serious and go further more often: an assumption.
   */
  section42Share: { usual: 0.3, stressed: 0.45 },
  /**
   * Services differ in what they report (a home that raises every fall against one that raises few): each
   * service's own rate is its kind's times a factor drawn once, mean 1. An assumption.
   */
  concernReportingFactor: { min: 0.4, max: 1.6 },
  /** At full stress a service's concerns rise by 0.5 to 3 times its own usual rate (drawn once). An assumption. */
  stressedConcernLift: { min: 0.5, max: 3 },
  /**
   * Neglect and acts of omission is the most common type in NHS England's Safeguarding Adults Collection, about
   * a third of concerns; the other types are drawn evenly, a simplification (the model does not read the type).
   */
  usualNeglectShare: 0.32,
  /** Most concerns at a service in trouble are about neglect or organisational abuse (the sample's cluster mix). An assumption. */
  stressedConcernTypes: ['neglect-and-acts-of-omission', 'organisational'] as const,

  // Care homes' returns ----------------------------------------------------------------------------------

  /**
   * Each home's usual occupancy: about 87.5% on average (LaingBuisson and Knight Frank put the sector at 84-88%
   * outside the pandemic years), homes spread more widely than in the sample (sd 5 points, 60-99%): an
   * assumption, so some healthy homes sit below 80% for years.
   */
  occupancy: { mean: 0.875, sd: 0.05, min: 0.6, max: 0.99 },
  /**
   * How far occupancy falls at full stress: 4-25 points, drawn once. Below about 80% a home often loses money
   * (Alvarez & Marsal), but a home can fail with its beds full: an assumption.
   */
  stressedOccupancyDrop: { min: 0.04, max: 0.25 },
  /**
   * A home's usual share of hours worked by agency staff, drawn once: most homes use little, some rely on it
   * for years (a band of 8-20% and one of 20-35%). Monthly returns vary by half either way. Assumptions.
   */
  agencyHoursPct: [
    { share: 0.7, min: 0, max: 8 },
    { share: 0.25, min: 8, max: 20 },
    { share: 0.05, min: 20, max: 35 },
  ],
  agencyMonthlyFactor: { min: 0.5, max: 1.5 },
  /** At full stress agency use rises by 3-20 points, drawn once: some homes in trouble stay low. An assumption. */
  stressedAgencyRise: { min: 3, max: 20 },
  /** A home's usual staff absence, 2.5-6.5% (drawn once; the sample's monthly spread), rising by 1-5 points at full stress. Assumptions. */
  staffAbsencePct: { usualMin: 2.5, usualMax: 6.5, sd: S.staffAbsencePct.sd, stressedRiseMin: 1, stressedRiseMax: 5 },
  /**
   * A home with vacancies closes to admissions now and then (an outbreak, a refurbishment): 3% of returns, as in
   * the sample. A home near the bottom of its slide stops admitting more often: an assumption.
   */
  notAcceptingChance: 0.03,
  notAcceptingAtFullStress: 0.3,

  // Ratings ----------------------------------------------------------------------------------------------

  /**
   * Ratings at the start: residential care homes in 2021 were 4.0% Outstanding, 80.8% Good, 14.0% Requires
   * improvement and 1.2% Inadequate (DHSC answer to PQ 146902); about 20% of adult social care locations
   * Requires improvement (project brief). Inadequate services start out of the market (they are under special
   * measures): their flow is an outcome here.
   */
  ratingsAtStart: { Outstanding: 0.04, Good: 0.79, 'Requires improvement': 0.17 },
  /** 23% of community social care locations had never been inspected in 2024 (Homecare Association); fewer in 2021, an assumption. */
  unratedCommunityShare: 0.15,
  /** Initial ratings were published in the four years before the history. An assumption. */
  initialRatingYears: 4,
  /**
   * Monthly chance of an inspection: Good services about every four years, Requires improvement every 18 months,
   * unrated services within two years. CQC's policy (Good within 30 months, Requires improvement within 12)
   * slipped after 2020: 36.8% of community ratings were 4 to 8+ years old in 2025 (Homecare Association).
   */
  inspectionPerMonth: { Outstanding: 1 / 48, Good: 1 / 48, 'Requires improvement': 1 / 18, unrated: 1 / 24 },
  /** Rating at a routine inspection given the current one; keeps about a fifth Requires improvement. Assumption. */
  transitions: {
    Outstanding: { Outstanding: 0.7, Good: 0.3 },
    Good: { Outstanding: 0.03, Good: 0.75, 'Requires improvement': 0.22 },
    'Requires improvement': { Good: 0.4, 'Requires improvement': 0.6 },
  },
  /** A service under stress is rated Requires improvement more often at a routine inspection. An assumption. */
  stressedRequiresImprovementChance: 0.6,
  /** A service whose quality slips is inspected within a month of the first signs (CQC inspects on risk). An assumption. */
  slippingInspectedWithinDays: 30,

  // Noise and passing dips -------------------------------------------------------------------------------

  /**
   * Registered managers: turnover about 23% a year and about 11% of posts vacant (Skills for Care); a gap of
   * 2-10 months (5.7 on average) gives that vacancy rate.
   */
  managerTurnoverPerYear: 0.23,
  managerGapMonths: { min: 2, max: 10 },
  managerVacantShare: 0.11,
  /**
   * Late accounts: Companies House imposed about 205,000 late filing penalties in 2016/17 among some 4 million
   * companies: about 5% a year, most within three months (TaxCalc, from Companies House statistics).
   */
  lateFilingPerYear: 0.05,
  lateFilingDays: { min: 5, max: 150 },
  /**
   * How long an overdue confirmation statement stays overdue: an assumption. How often one is overdue, and how
   * often a new charge is registered, follow the sample's healthy and stressed chances.
   */
  confirmationOverdueDays: { min: 14, max: 120 },
  /**
   * Credit scores on Company Watch's H-Score scale (0-100). Of 5,037 UK care home companies, 1,185 (23.5%) had
   * an H-Score in its warning area, 25 or less, and the sector's average was 52 (Company Watch, reported by
   * Care Home Management, "Sector strengthens, but one in four businesses still financially vulnerable"); few
   * of them fail in any one year. So a company's usual score is drawn from two groups: 28% weak (3-32) and the
   * rest about 60 (sd 15, 10-100), which puts about 22% of companies at 25 or less and the average near 48.
   * Companies in the warning area had a one in four chance of needing a financial rescue over 15 years: a weak
   * company's insolvency rate is twice the others' (an assumption), the average rate unchanged. A failing
   * company's score slides toward 5-40 (an assumption: not every failing company reaches the warning area).
   */
  credit: {
    weakShare: 0.28,
    weak: { min: 3, max: 32 },
    usual: { mean: 60, sd: 15, min: 10, max: 100 },
    weakInsolvencyFactor: 2,
    slideTo: { min: 5, max: 40 },
  },
  /** A company's credit score wobbles by a few points a month and dips for a few months now and then. Assumptions. */
  creditDip: { perYear: 0.04, depthMin: 15, depthMax: 35, monthsMin: 2, monthsMax: 4 },
  creditNoiseSd: 3,
  /** An embargo or suspension at a healthy service is lifted after one to three months, as in the sample. */
  healthyActionLiftedAfterDays: { min: 30, max: 90 },
  /**
   * CQC enforcement (a warning notice, conditions) at a service that is not failing: 1% of services a year, an
   * assumption (CQC takes action at services that then improve). Placement embargoes at healthy services follow
   * the sample's chance (2% over 24 months), lifted as above.
   */
  healthyEnforcementPerYear: 0.01,
  /** Occupancy dips: the sample's one healthy home in ten a year, 6-12 points for 2-3 months. */
  occupancyDipMonths: { min: 2, max: 3 },
  /** Missed Capacity Tracker returns: the sample's 3% a month, three times as often at a home in trouble. */
  missedReturnStressFactor: 3,

  // Timing of receipt ------------------------------------------------------------------------------------

  /**
   * Days from the date a fact describes to its receipt. Capacity Tracker: updated from the 8th to the 14th
   * (DHSC mandate), landed after the window closes. The rest are assumptions: the CQC API polled weekly, the
   * register extract monthly, councils' safeguarding returns monthly, Companies House and credit checks
   * pulled at the end of each month (and a status change within two weeks, as the Gazette notice appears),
   * commissioner actions within two weeks.
   */
  lagDays: {
    capacity: { min: 1, max: 3 },
    rating: { min: 0, max: 7 },
    register: { min: 3, max: 35 },
    safeguarding: { min: 7, max: 42 },
    financial: { min: 1, max: 3 },
    insolvencyNotice: { min: 1, max: 14 },
    commissioner: { min: 0, max: 14 },
  },
  /** Companies House snapshots are taken on this day of each month. An assumption. */
  financialSnapshotDay: 25,

  /** Changes of owner and moves: a new registration, not a failure (ownership-changes.ts). */
  reRegistrations: RE_REGISTRATION_PARAMETERS,
} as const;
