/** What a worker is asked to train: the same for every system but the step counts. */
export interface TrainSettings {
  seed: number;
  batchSize: number;
  warmupSteps: number;
  steps: number;
  /** Test pairs in the measured validation pass (10,000 in a full run). */
  valPairs: number;
}
