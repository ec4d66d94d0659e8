package dev.longvqa.audio;

/**
 * Kaldi-compatible log mel filterbank, as {@code torchaudio.compliance.kaldi.fbank} computes it
 * with BEATs' arguments (16 kHz, 25 ms frames every 10 ms, 128 mel bins, and the defaults: Povey
 * window, pre-emphasis 0.97, DC offset removed, power spectrum over a 512-point FFT, mel bins from
 * 20 Hz to Nyquist, {@code snip_edges}: only whole frames, no dither), then BEATs' normalisation
 * {@code (fbank - mean) / (2 * std)}. Plain Java: it costs little next to the encoder and needs no
 * engine. Parity with torchaudio is checked by a golden file.
 */
final class KaldiFbank {
    /** BEATs' {@code extract_features} defaults; the checkpoint does not store them. */
    public static final float BEATS_MEAN = 15.41663f;
    public static final float BEATS_STD = 6.55582f;
    public static final int MEL_BINS = 128;

    private static final int RATE = AudioTrack.SAMPLE_RATE;
    private static final int WINDOW = RATE * 25 / 1000; // 400
    private static final int SHIFT = RATE * 10 / 1000; // 160
    private static final int FFT = 512; // next power of two
    private static final double PREEMPHASIS = 0.97;
    private static final double LOW_HZ = 20;
    /** torch.finfo(float32).eps: the floor before the log. */
    private static final double EPSILON = 1.1920928955078125e-07;

    private static final double[] WINDOW_FN = new double[WINDOW];
    private static final double[][] MEL = new double[MEL_BINS][FFT / 2];

    static {
        for (int i = 0; i < WINDOW; i++) WINDOW_FN[i] = Math.pow(0.5 - 0.5 * Math.cos(2 * Math.PI * i / (WINDOW - 1)), 0.85);
        double nyquist = RATE / 2.0;
        double melLow = mel(LOW_HZ), melHigh = mel(nyquist);
        double delta = (melHigh - melLow) / (MEL_BINS + 1);
        double binWidth = RATE / (double) FFT;
        for (int b = 0; b < MEL_BINS; b++) {
            double left = melLow + b * delta, center = melLow + (b + 1) * delta, right = melLow + (b + 2) * delta;
            for (int k = 0; k < FFT / 2; k++) {
                double m = mel(binWidth * k);
                double up = (m - left) / (center - left), down = (right - m) / (right - center);
                MEL[b][k] = Math.max(0, Math.min(up, down));
            }
        }
    }

    private KaldiFbank() {}

    private static double mel(double hz) {
        return 1127.0 * Math.log(1.0 + hz / 700.0);
    }

    /** Frames {@code 1 + (n - 400) / 160} for {@code n >= 400} samples, else 0. */
    public static int frames(int samples) {
        return samples < WINDOW ? 0 : 1 + (samples - WINDOW) / SHIFT;
    }

    /**
     * @param wave samples in [-1, 1) (scaled by 2^15 here, as BEATs does)
     * @return {@code [frames][128]}, normalised with BEATs' mean and std
     */
    public static float[][] beats(float[] wave) {
        float[][] f = fbank(wave, 32768f);
        for (float[] row : f) for (int j = 0; j < row.length; j++) row[j] = (row[j] - BEATS_MEAN) / (2 * BEATS_STD);
        return f;
    }

    /** The raw log mel energies of {@code wave * scale}, {@code [frames][128]}. */
    public static float[][] fbank(float[] wave, float scale) {
        int m = frames(wave.length);
        float[][] out = new float[m][MEL_BINS];
        double[] re = new double[FFT], im = new double[FFT], frame = new double[WINDOW];
        for (int t = 0; t < m; t++) {
            int off = t * SHIFT;
            double mean = 0;
            for (int i = 0; i < WINDOW; i++) {
                // torch multiplies in float32 before anything else
                frame[i] = (float) (wave[off + i] * scale);
                mean += frame[i];
            }
            mean /= WINDOW;
            for (int i = 0; i < WINDOW; i++) frame[i] -= mean;
            // pre-emphasis with the first sample replicated (x[-1] = x[0]), back to front
            for (int i = WINDOW - 1; i > 0; i--) frame[i] -= PREEMPHASIS * frame[i - 1];
            frame[0] -= PREEMPHASIS * frame[0];
            java.util.Arrays.fill(re, 0);
            java.util.Arrays.fill(im, 0);
            for (int i = 0; i < WINDOW; i++) re[i] = frame[i] * WINDOW_FN[i];
            fft(re, im);
            for (int b = 0; b < MEL_BINS; b++) {
                double e = 0;
                double[] w = MEL[b];
                // the Nyquist bin has weight 0 (torchaudio pads the bank with a zero column)
                for (int k = 0; k < FFT / 2; k++) if (w[k] != 0) e += w[k] * (re[k] * re[k] + im[k] * im[k]);
                out[t][b] = (float) Math.log(Math.max(e, EPSILON));
            }
        }
        return out;
    }

    /** In-place iterative radix-2 FFT. */
    private static void fft(double[] re, double[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j) {
                double tr = re[i]; re[i] = re[j]; re[j] = tr;
                double ti = im[i]; im[i] = im[j]; im[j] = ti;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double ang = -2 * Math.PI / len;
            double wr = Math.cos(ang), wi = Math.sin(ang);
            for (int i = 0; i < n; i += len) {
                double cr = 1, ci = 0;
                for (int k = 0; k < len / 2; k++) {
                    int a = i + k, b = i + k + len / 2;
                    double xr = re[b] * cr - im[b] * ci, xi = re[b] * ci + im[b] * cr;
                    re[b] = re[a] - xr; im[b] = im[a] - xi;
                    re[a] += xr; im[a] += xi;
                    double ncr = cr * wr - ci * wi;
                    ci = cr * wi + ci * wr;
                    cr = ncr;
                }
            }
        }
    }
}
