package dev.longvqa.scenes;

import java.util.List;

/**
 * Precision, recall and F1 of detected cuts against ground truth, matching each true cut to at
 * most one detection within a tolerance (greedy in time order, both lists sorted).
 */
public record CutScore(int truePositives, int falsePositives, int falseNegatives) {

    public static CutScore of(List<Double> truth, List<Double> detected, double toleranceSec) {
        boolean[] used = new boolean[detected.size()];
        int tp = 0;
        for (double t : truth) {
            int best = -1;
            for (int j = 0; j < detected.size(); j++) {
                if (used[j] || Math.abs(detected.get(j) - t) > toleranceSec) continue;
                if (best < 0 || Math.abs(detected.get(j) - t) < Math.abs(detected.get(best) - t)) best = j;
            }
            if (best >= 0) {
                used[best] = true;
                tp++;
            }
        }
        return new CutScore(tp, detected.size() - tp, truth.size() - tp);
    }

    public CutScore plus(CutScore o) {
        return new CutScore(truePositives + o.truePositives, falsePositives + o.falsePositives, falseNegatives + o.falseNegatives);
    }

    public double precision() {
        return truePositives + falsePositives == 0 ? 1 : truePositives / (double) (truePositives + falsePositives);
    }

    public double recall() {
        return truePositives + falseNegatives == 0 ? 1 : truePositives / (double) (truePositives + falseNegatives);
    }

    /** F1; 1.0 when there was nothing to find and nothing was found. */
    public double f1() {
        double p = precision(), r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
}
