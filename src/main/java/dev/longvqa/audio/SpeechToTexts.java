package dev.longvqa.audio;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The recogniser named by configuration ({@code --asr}, {@code LONGVQA_ASR}):
 * <ul>
 *   <li>{@code auto} (default): PocketSphinx when its CLI is installed, else none;</li>
 *   <li>{@code pocketsphinx} or {@code pocketsphinx:MODEL_DIR}: required (a missing binary is a
 *       warning on each job, not a silent fallback);</li>
 *   <li>{@code off}: no transcripts.</li>
 * </ul>
 */
public final class SpeechToTexts {
    public static final String HELP = "auto (pocketsphinx when installed), pocketsphinx[:MODEL_DIR], off";

    private SpeechToTexts() {}

    /** The recogniser, or empty for none. */
    public static Optional<SpeechToText> fromSpec(String spec) {
        String s = spec == null || spec.isBlank() ? "auto" : spec.strip();
        if (s.equals("off") || s.equals("none")) return Optional.empty();
        if (s.equals("auto")) {
            PocketSphinx ps = new PocketSphinx();
            return ps.available() ? Optional.of(ps) : Optional.empty();
        }
        if (s.equals("pocketsphinx")) return Optional.of(new PocketSphinx());
        if (s.startsWith("pocketsphinx:")) return Optional.of(new PocketSphinx(null, Path.of(s.substring("pocketsphinx:".length()))));
        throw new IllegalArgumentException("unknown speech recogniser '" + spec + "': use " + HELP);
    }
}
