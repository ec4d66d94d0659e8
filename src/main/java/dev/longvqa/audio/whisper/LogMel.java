package dev.longvqa.audio.whisper;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Whisper's input features for one 30 s window, as openai/whisper's {@code log_mel_spectrogram}
 * computes them: 16 kHz, 400-point STFT every 160 samples with a periodic Hann window and
 * reflect padding ({@code torch.stft(center=True)}), power spectrum with the last frame dropped,
 * Slaney-normalised mel filters (librosa's {@code filters.mel(sr=16000, n_fft=400, n_mels=N)}),
 * {@code log10(max(x, 1e-10))}, floored at the maximum minus 8, then {@code (x + 4) / 4}.
 *
 * <p>The window is padded with zeros to 30 s and normalised on its own, as transformers'
 * {@code WhisperFeatureExtractor} does per input (openai's long-form loop takes the maximum over
 * the whole file instead, which would need the whole file in memory). The DFT is a float64 matmul
 * on the engine: exact to well below the 1e-4 parity bound and a few milliseconds per window.
 */
final class LogMel {
    public static final int SAMPLE_RATE = 16_000;
    public static final int N_FFT = 400;
    public static final int HOP = 160;
    public static final int WINDOW_SAMPLES = SAMPLE_RATE * 30;
    public static final int FRAMES = WINDOW_SAMPLES / HOP; // 3000
    private static final int BINS = N_FFT / 2 + 1; // 201

    private final int melBins;
    private final double[] filters; // [melBins][BINS]
    private final double[] basis; // [N_FFT][2 * BINS]: Hann-windowed cos | -sin

    public LogMel(int melBins) {
        if (melBins <= 0) throw new IllegalArgumentException("melBins must be positive");
        this.melBins = melBins;
        this.filters = slaneyFilters(melBins);
        this.basis = new double[N_FFT * 2 * BINS];
        for (int n = 0; n < N_FFT; n++) {
            double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / N_FFT); // periodic
            for (int k = 0; k < BINS; k++) {
                double a = 2 * Math.PI * (long) n * k / N_FFT;
                basis[n * 2 * BINS + k] = hann * Math.cos(a);
                basis[n * 2 * BINS + BINS + k] = -hann * Math.sin(a);
            }
        }
    }

    public int melBins() {
        return melBins;
    }

    /**
     * Features (melBins, 3000) of up to 30 s of samples in [-1, 1) (shorter windows are padded
     * with zeros), as float32 on {@code manager}.
     */
    public NDArray compute(float[] samples, NDManager manager) {
        if (samples.length > WINDOW_SAMPLES) throw new IllegalArgumentException("more than 30 s: " + samples.length);
        int pad = N_FFT / 2;
        double[] x = new double[WINDOW_SAMPLES + 2 * pad];
        for (int i = 0; i < samples.length; i++) x[pad + i] = samples[i];
        // reflect padding, the edge sample not repeated
        for (int i = 0; i < pad; i++) {
            x[pad - 1 - i] = x[pad + 1 + i];
            x[pad + WINDOW_SAMPLES + i] = x[pad + WINDOW_SAMPLES - 2 - i];
        }
        double[] frames = new double[FRAMES * N_FFT];
        for (int t = 0; t < FRAMES; t++) System.arraycopy(x, t * HOP, frames, t * N_FFT, N_FFT);
        try (NDManager m = manager.newSubManager()) {
            NDArray spec = m.create(frames, new Shape(FRAMES, N_FFT)).matMul(m.create(basis, new Shape(N_FFT, 2L * BINS)));
            NDArray re = spec.get(":, :" + BINS), im = spec.get(":, " + BINS + ":");
            NDArray power = re.square().add(im.square()); // (FRAMES, BINS)
            NDArray mel = m.create(filters, new Shape(melBins, BINS)).matMul(power.transpose()); // (melBins, FRAMES)
            NDArray log = mel.maximum(1e-10).log10();
            log = log.maximum(log.max().getDouble() - 8.0).add(4.0).div(4.0);
            NDArray out = log.toType(DataType.FLOAT32, false);
            out.attach(manager);
            return out;
        }
    }

    /** librosa.filters.mel(sr=16000, n_fft=400, n_mels), htk=False, norm='slaney', fmin 0, fmax 8 kHz. */
    static double[] slaneyFilters(int nMels) {
        double[] fftFreqs = new double[BINS];
        for (int k = 0; k < BINS; k++) fftFreqs[k] = (SAMPLE_RATE / 2.0) * k / (BINS - 1);
        double lo = hzToMel(0), hi = hzToMel(SAMPLE_RATE / 2.0);
        double[] melF = new double[nMels + 2];
        for (int i = 0; i < nMels + 2; i++) melF[i] = melToHz(lo + (hi - lo) * i / (nMels + 1));
        double[] w = new double[nMels * BINS];
        for (int i = 0; i < nMels; i++) {
            double enorm = 2.0 / (melF[i + 2] - melF[i]);
            for (int k = 0; k < BINS; k++) {
                double lower = (fftFreqs[k] - melF[i]) / (melF[i + 1] - melF[i]);
                double upper = (melF[i + 2] - fftFreqs[k]) / (melF[i + 2] - melF[i + 1]);
                // librosa's filters are float32
                w[i * BINS + k] = (float) (Math.max(0, Math.min(lower, upper)) * enorm);
            }
        }
        return w;
    }

    private static final double F_SP = 200.0 / 3, MIN_LOG_HZ = 1000, MIN_LOG_MEL = MIN_LOG_HZ / F_SP, LOG_STEP = Math.log(6.4) / 27;

    static double hzToMel(double f) {
        return f >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(f / MIN_LOG_HZ) / LOG_STEP : f / F_SP;
    }

    static double melToHz(double m) {
        return m >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (m - MIN_LOG_MEL)) : F_SP * m;
    }
}
