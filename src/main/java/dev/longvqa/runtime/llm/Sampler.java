package dev.longvqa.runtime.llm;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token from logits: argmax, or seeded temperature + nucleus (top-p) sampling. */
final class Sampler {
    private final GenerationConfig config;
    private final SplittableRandom random;

    Sampler(GenerationConfig config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
    }

    int next(float[] logits) {
        return config.isGreedy() ? argmax(logits) : sample(logits);
    }

    /** The first index of the largest logit, like torch.argmax. */
    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    private int sample(float[] logits) {
        int n = logits.length;
        double inv = 1.0 / config.temperature();
        float max = logits[argmax(logits)];
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((logits[i] - max) * inv);
            sum += p[i];
        }
        // Sort by probability, descending: pack (float bits, index) so one primitive sort does it
        // (a positive float's bits order like the float).
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            float prob = (float) (p[i] / sum);
            order[i] = ((long) Float.floatToRawIntBits(prob) << 32) | i;
        }
        Arrays.sort(order);
        double kept = 0;
        int cut = n - 1;
        for (int j = n - 1; j >= 0; j--) {
            kept += p[(int) order[j]] / sum;
            cut = j;
            if (kept >= config.topP()) break;
        }
        double r = random.nextDouble() * kept;
        double acc = 0;
        for (int j = n - 1; j >= cut; j--) {
            int idx = (int) order[j];
            acc += p[idx] / sum;
            if (r < acc) return idx;
        }
        return (int) order[cut];
    }
}
