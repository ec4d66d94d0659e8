package dev.longvqa.audio;

/**
 * A speech recogniser giving timed words. Implementations are chosen by configuration
 * ({@link SpeechToTexts#fromSpec}); each must be safe to call with any track, including silence.
 */
public interface SpeechToText {
    /** Engine and model identity: part of the transcript cache key. */
    String id();

    /**
     * @throws TranscriptionException when the engine fails; callers skip the transcript with a
     *                                warning, never the job
     */
    Transcript transcribe(AudioTrack track);

    final class TranscriptionException extends RuntimeException {
        public TranscriptionException(String message) {
            super(message);
        }

        public TranscriptionException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
