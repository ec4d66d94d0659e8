package dev.longvqa.audio;

import dev.longvqa.runtime.hub.ModelStore;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The recogniser named by configuration ({@code --asr}, {@code LONGVQA_ASR}):
 * <ul>
 *   <li>{@code auto} (default): PocketSphinx when its CLI is installed, else none;</li>
 *   <li>{@code pocketsphinx} or {@code pocketsphinx:MODEL_DIR}: required (a missing binary is a
 *       warning on each job, not a silent fallback);</li>
 *   <li>{@code whisper:MODEL[#LANG]}: Whisper on DJL ({@link WhisperSpeech}), MODEL a Hugging Face id
 *       ({@code openai/whisper-base}) pulled into the model cache on first use like the LLM, or a
 *       local checkpoint directory; LANG the spoken language of multilingual models (default
 *       {@code en}). Far better than PocketSphinx where its weights can be had;</li>
 *   <li>{@code off}: no transcripts.</li>
 * </ul>
 */
public final class SpeechToTexts {
    public static final String HELP = "auto (pocketsphinx when installed), pocketsphinx[:MODEL_DIR], whisper:MODEL[#LANG] "
            + "(hub id such as openai/whisper-base, pulled on first use, or a checkpoint directory), off";

    private SpeechToTexts() {}

    /** The recogniser, or empty for none. */
    public static Optional<SpeechToText> fromSpec(String spec) {
        return fromSpec(spec, ModelStore.fromEnvironment());
    }

    /** The same with the model cache Whisper checkpoints are resolved in. */
    public static Optional<SpeechToText> fromSpec(String spec, ModelStore models) {
        String s = spec == null || spec.isBlank() ? "auto" : spec.strip();
        if (s.equals("off") || s.equals("none")) return Optional.empty();
        if (s.equals("auto")) {
            PocketSphinx ps = new PocketSphinx();
            return ps.available() ? Optional.of(ps) : Optional.empty();
        }
        if (s.equals("pocketsphinx")) return Optional.of(new PocketSphinx());
        if (s.startsWith("pocketsphinx:")) return Optional.of(new PocketSphinx(null, Path.of(s.substring("pocketsphinx:".length()))));
        if (s.startsWith("whisper:")) {
            String model = s.substring("whisper:".length());
            int hash = model.lastIndexOf('#');
            return Optional.of(hash < 0 ? new WhisperSpeech(model, "en", models) : new WhisperSpeech(model.substring(0, hash), model.substring(hash + 1), models));
        }
        throw new IllegalArgumentException("unknown speech recogniser '" + spec + "': use " + HELP);
    }
}
