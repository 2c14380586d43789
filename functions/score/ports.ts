// The storage ports the score use cases share: the full scoring, the incremental one and the replay.
import type { AssessmentStore, BaselineStore, QuarantineStore, ReferenceStore, SignalStore } from '../../shared/ports/stores.js';

/** What the score use cases read and write. */
export interface ScorePorts {
  reference: ReferenceStore;
  signals: SignalStore;
  assessments: AssessmentStore;
  baselines: BaselineStore;
  quarantine: QuarantineStore;
}
