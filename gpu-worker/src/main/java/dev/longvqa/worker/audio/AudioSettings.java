package dev.longvqa.worker.audio;

import dev.longvqa.contract.TranscriptSource;
import dev.longvqa.contract.WorkerEnv;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The worker's transcript settings, from its configuration ({@link WorkerEnv#TRANSCRIPT},
 * {@link WorkerEnv#ASR}); unset, the worker has no transcripts at all and behaves as it did before
 * audio support. BEATs ({@link WorkerEnv#BEATS}) is resolved by {@link #beats}, next to the TDC
 * directory it belongs to.
 *
 * @param transcripts where the passes' transcript comes from
 * @param asrSpec     the local recogniser for {@link TranscriptSource#WORKER} ({@code auto}, {@code pocketsphinx[:DIR]}, {@code whisper:MODEL[#LANG]}, {@code off})
 */
public record AudioSettings(TranscriptSource transcripts, String asrSpec) {
    public static final AudioSettings OFF = new AudioSettings(TranscriptSource.OFF, "off");

    public AudioSettings {
        Objects.requireNonNull(transcripts, "transcripts");
        asrSpec = asrSpec == null || asrSpec.isBlank() ? "auto" : asrSpec.strip();
    }

    /**
     * The BEATs weights for audio tokens in the TDC context, or null: {@code LONGVQA_BEATS} when
     * set ({@code off}: none), else {@code tdcDir/audio/beats.safetensors} when present, as
     * {@code longvqa ask --tdc DIR} finds it. Null without a TDC directory.
     */
    public static Path beats(Optional<String> beatsValue, Path tdcDir) {
        if (tdcDir == null) return null;
        String given = beatsValue.map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
        if (given != null) return given.equals("off") ? null : Path.of(given);
        Path inTdc = tdcDir.resolve("audio").resolve("beats.safetensors");
        return Files.isRegularFile(inTdc) ? inTdc : null;
    }
}
