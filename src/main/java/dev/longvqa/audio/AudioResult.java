package dev.longvqa.audio;

/**
 * What decoding a video's sound gave. Only {@link Decoded} carries samples; the others say why
 * there are none. None of them is an error: a video with good pictures and bad sound is still a
 * good video (the audio part is skipped and the warning travels to the result and the report).
 */
public sealed interface AudioResult extends AutoCloseable {
    /** A one-line, user-facing description (for reports and job rows). */
    String describe();

    /** The track, or null. */
    default AudioTrack track() {
        return null;
    }

    /** The warning to surface, or null when there is nothing to warn about. */
    default String warning() {
        return null;
    }

    @Override
    default void close() {
        if (track() != null) track().close();
    }

    record Decoded(AudioTrack track, String codec) implements AudioResult {
        @Override
        public String describe() {
            return String.format(java.util.Locale.ROOT, "%s, %.1f s at 16 kHz mono%s", codec, track.durationSec(),
                    track.silent() ? " (silent)" : "");
        }
    }

    /** The container has no audio stream: exactly the behaviour of a video before audio support. */
    record NoAudio() implements AudioResult {
        @Override
        public String describe() {
            return "no audio stream";
        }
    }

    /** An audio stream exists but could not be used (codec missing, corrupt data, ...). */
    record Skipped(String reason) implements AudioResult {
        @Override
        public String describe() {
            return "audio skipped: " + reason;
        }

        @Override
        public String warning() {
            return "audio skipped: " + reason;
        }
    }

    /** Switched off by configuration. */
    record Off() implements AudioResult {
        @Override
        public String describe() {
            return "audio off";
        }
    }
}
