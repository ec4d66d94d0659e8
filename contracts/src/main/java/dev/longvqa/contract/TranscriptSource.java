package dev.longvqa.contract;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Who makes a job's timed transcript: one choice of the stack ({@code InfraConfig}), given to the
 * workflow as the {@link AslSubstitution#TRANSCRIPT_SOURCE} substitution (its Choice runs Amazon
 * Transcribe only for {@link #TRANSCRIBE}) and to the worker as {@link WorkerEnv#TRANSCRIPT}.
 * Either way the transcript ends up at {@code S3Layout.transcript(jobId)}.
 */
public enum TranscriptSource {
    /** Amazon Transcribe, a state of the workflow before the segment passes; the worker converts its output. */
    TRANSCRIBE,
    /** The worker decodes the video's sound and runs its local recogniser ({@link WorkerEnv#ASR}, PocketSphinx offline). */
    WORKER,
    /** No transcript: the passes see what they saw before audio support. */
    OFF;

    /** The spelling in configuration, the ASL substitution and the environment: {@code transcribe}, {@code worker}, {@code off}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TranscriptSource parse(String s) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("no transcript source given; one of " + choices());
        return Arrays.stream(values()).filter(v -> v.value().equals(s.strip().toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown transcript source '" + s + "'; one of " + choices()));
    }

    public static String choices() {
        return Arrays.stream(values()).map(TranscriptSource::value).collect(Collectors.joining(", "));
    }
}
