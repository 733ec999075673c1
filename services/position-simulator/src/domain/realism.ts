/**
 * The imperfections of real GPS feeds, each off by default except light noise. Probabilities are
 * per fix (per vehicle), so their effect scales with FIX_INTERVAL_MS.
 */
export interface RealismOptions {
  /** Standard deviation of the position error, metres per axis (0 = exact positions). */
  noiseM: number;
  /** Chance, at each fix, that the vehicle pulls over and parks for a while. */
  stopProbability: number;
  /** Chance, at each fix, that the device goes silent for a while (tunnel, dead zone). */
  dropoutProbability: number;
  /** Chance that a fix is sent twice. */
  duplicateProbability: number;
  /** Chance that a fix is held back and sent after the vehicle's next one. */
  outOfOrderProbability: number;
  /** A dropout lasts between these (simulated seconds). */
  dropoutDurationS: readonly [number, number];
}

export const DEFAULT_REALISM: RealismOptions = {
  noiseM: 3,
  stopProbability: 0,
  dropoutProbability: 0,
  duplicateProbability: 0,
  outOfOrderProbability: 0,
  dropoutDurationS: [20, 120],
};

/** Reported accuracy for a noise level: the ~68 % radius of a 2-D normal error is ≈ 1.5 σ. */
export const reportedAccuracyM = (noiseM: number): number =>
  Math.round(15 * Math.max(noiseM, 1)) / 10;
