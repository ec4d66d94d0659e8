package dev.longvqa.audio.whisper;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.runtime.hub.ModelStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whisper speech recognition over 16 kHz samples (the transcript path wraps it as
 * {@code dev.longvqa.audio.WhisperSpeech}): the checkpoint is a Hugging Face Whisper directory
 * ({@code openai/whisper-tiny|base|small|medium|large-v3}, or any fine-tune in that layout) named
 * by a hub id, pulled on first use into the model cache like the LLM ({@link ModelStore}: same
 * cache, same offline switch, same typed {@code MODEL_UNAVAILABLE}), or a local directory.
 *
 * <p>Long-form audio as openai/whisper's {@code transcribe.py} does it, greedy and without
 * conditioning on the previous window's text: a 30 s window from {@code seek}, decoded with
 * timestamps; each pair of consecutive timestamp tokens closes a segment; the next window starts
 * at the last closed timestamp (or after the window when it ends on a lone timestamp or has
 * none). Only the current window is read from the spooled track, so memory does not grow with
 * the audio's length. Times are per segment (a phrase of a few seconds), not per word; a random
 * or confused model's timestamps past the window's audio are clamped to it.
 */
public final class WhisperRecognizer {
    private static final System.Logger LOG = System.getLogger(WhisperRecognizer.class.getName());
    /** 20 ms per timestamp step; 2 mel frames. */
    static final double TIME_PRECISION = 0.02;

    private final String model;
    private final String language;
    private final ModelStore store;
    private Loaded loaded;

    /** One decoded stretch of speech: seconds in track time and the tokens (text and timestamps) it came from. */
    public record Segment(double startSec, double endSec, List<Integer> tokens, String text) {
        public Segment {
            tokens = List.copyOf(tokens);
        }
    }

    /**
     * @param model    a hub id ({@code openai/whisper-base}, {@code @revision} allowed) or a local
     *                 checkpoint directory (absolute, or starting with {@code .})
     * @param language the spoken language's code for multilingual checkpoints ({@code en})
     */
    public WhisperRecognizer(String model, String language, ModelStore store) {
        if (model == null || model.isBlank()) throw new IllegalArgumentException("whisper needs a model: whisper:openai/whisper-base or whisper:/path/to/checkpoint");
        this.model = model.strip();
        this.language = language == null || language.isBlank() ? "en" : language.strip();
        this.store = store;
    }

    /** Engine and checkpoint identity (a transcript cache key): the hub id, or the directory's name. */
    public String id() {
        String name = Files.isDirectory(Path.of(model)) ? Path.of(model).toAbsolutePath().normalize().getFileName().toString() : model;
        return "whisper:" + name + (language.equals("en") ? "" : "#" + language);
    }

    /** Reads {@code count} samples in [-1, 1) from {@code from}; past the end reads as 0. */
    @FunctionalInterface
    public interface Samples {
        float[] read(long from, int count);
    }

    /**
     * Loads the model now (pulling it when needed) instead of at the first window.
     *
     * @throws LongVqaException MODEL_UNAVAILABLE: not cached and not downloadable, or not a
     *                          loadable Whisper checkpoint
     */
    public synchronized void ensureLoaded() {
        load();
    }

    /** The long-form loop over {@code totalSamples} samples of 16 kHz audio. */
    public synchronized List<Segment> segments(long totalSamples, Samples track) {
        Loaded m = load();
        int tb = m.tokenizer.timestampBegin;
        long totalFrames = totalSamples / LogMel.HOP;
        List<Segment> out = new ArrayList<>();
        long seek = 0;
        while (seek < totalFrames) {
            int size = (int) Math.min(LogMel.FRAMES, totalFrames - seek);
            double offset = seek * LogMel.HOP / (double) LogMel.SAMPLE_RATE;
            double limit = offset + size * LogMel.HOP / (double) LogMel.SAMPLE_RATE;
            float[] samples = track.read(seek * LogMel.HOP, (int) Math.min(LogMel.WINDOW_SAMPLES, totalSamples - seek * LogMel.HOP));
            List<Integer> toks;
            long t0 = System.nanoTime(), t1, t2;
            try (NDManager w = m.manager.newSubManager()) {
                NDArray mel = m.logMel.compute(samples, w);
                t1 = System.nanoTime();
                NDArray encoded = m.model.encode(mel, w);
                t2 = System.nanoTime();
                toks = m.decoder.decode(encoded);
            }
            LOG.log(System.Logger.Level.DEBUG, () -> String.format(java.util.Locale.ROOT, "whisper window at %.1f s: features %d ms, encoder %d ms, %d tokens in %d ms",
                    offset, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, toks.size(), (System.nanoTime() - t2) / 1_000_000));
            int n = toks.size();
            boolean singleEnding = n >= 2 && toks.get(n - 2) < tb && toks.get(n - 1) >= tb;
            List<Integer> cuts = new ArrayList<>();
            for (int i = 0; i + 1 < n; i++) if (toks.get(i) >= tb && toks.get(i + 1) >= tb) cuts.add(i + 1);
            long advance;
            if (!cuts.isEmpty()) {
                if (singleEnding) cuts.add(n);
                int last = 0;
                for (int cut : cuts) {
                    List<Integer> part = toks.subList(last, cut);
                    out.add(segment(m, part, Math.min(offset + (part.getFirst() - tb) * TIME_PRECISION, limit),
                            Math.min(offset + (part.getLast() - tb) * TIME_PRECISION, limit)));
                    last = cut;
                }
                advance = singleEnding ? size : (long) (toks.get(last - 1) - tb) * 2;
            } else {
                double duration = size * LogMel.HOP / (double) LogMel.SAMPLE_RATE;
                int lastStamp = -1;
                for (int t : toks) if (t >= tb) lastStamp = t;
                if (lastStamp >= 0 && lastStamp != tb) duration = (lastStamp - tb) * TIME_PRECISION;
                out.add(segment(m, toks, offset, Math.min(offset + duration, limit)));
                advance = size;
            }
            // a window that does not move on is skipped whole: no endless loop on a confused model
            seek += advance > 0 ? advance : size;
        }
        return out;
    }

    private static Segment segment(Loaded m, List<Integer> tokens, double start, double end) {
        long[] text = tokens.stream().filter(t -> t < m.tokenizer.endOfText).mapToLong(Integer::longValue).toArray();
        return new Segment(start, end, tokens, m.tokenizer.decode(text));
    }

    /** The checkpoint, resolved (pulled on first use) and loaded once. */
    private Loaded load() {
        if (loaded != null) return loaded;
        Path dir;
        try {
            // as runtime:MODEL resolves the LLM: a directory as it is, else the hub cache (pulled when missing)
            dir = Files.isDirectory(Path.of(model)) ? Path.of(model) : store.resolve(model);
        } catch (IllegalArgumentException e) {
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "whisper:" + model
                    + " is neither a checkpoint directory nor a hub id (owner/name): " + e.getMessage(), e);
        }
        long t0 = System.nanoTime();
        NDManager manager = NDManager.newBaseManager("PyTorch");
        WhisperTokenizer tokenizer = null;
        try {
            WhisperConfig cfg = WhisperConfig.read(dir);
            tokenizer = WhisperTokenizer.load(dir);
            WhisperModel m = WhisperModel.load(dir, cfg.arch(), manager);
            loaded = new Loaded(manager, m, tokenizer, new LogMel(cfg.arch().melBins()), new GreedyDecoder(m, tokenizer, cfg, language));
            LOG.log(System.Logger.Level.INFO, "whisper: loaded " + dir + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            return loaded;
        } catch (IOException | RuntimeException e) {
            if (tokenizer != null) tokenizer.close();
            manager.close();
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "cannot load the Whisper checkpoint in " + dir + ": " + e.getMessage(), e);
        }
    }

    private record Loaded(NDManager manager, WhisperModel model, WhisperTokenizer tokenizer, LogMel logMel, GreedyDecoder decoder) {
    }
}
