// What reports need beyond one day's assessments: each subject's stored bands and its open episode.
import type { BandOn } from '../domain/band-history.js';
import type { IsoDate, Subject } from '../domain/model.js';

export interface SubjectHistory {
  /** Stored bands up to the date under one model version, oldest first. */
  bands: BandOn[];
  /** The subject's escalation episode if it is open. */
  openEpisodeId: string | null;
}

export const subjectKey = (subject: Subject): string => `${subject.type}#${subject.id}`;

export interface AssessmentHistoryStore {
  /** Keyed by subjectKey. */
  historyOf(subjects: readonly Subject[], upTo: IsoDate, modelVersion: string): Promise<Map<string, SubjectHistory>>;
}
