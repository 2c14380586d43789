// What the dashboard reads beyond the other ports: a subject's stored assessments over time.
import type { RiskAssessment, Subject } from '../domain/model.js';

export interface DashboardReads {
  /** Every stored assessment of the subject under one model version, oldest first. */
  assessmentHistory(subject: Subject, modelVersion: string): Promise<RiskAssessment[]>;
}
