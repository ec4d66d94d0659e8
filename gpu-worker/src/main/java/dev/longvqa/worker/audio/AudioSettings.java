package dev.longvqa.worker.audio;

import dev.longvqa.contract.TranscriptSource;
import dev.longvqa.contract.WorkerEnv;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;

/**
 * The worker's audio settings, read from the same environment as the rest of its configuration
 * ({@link WorkerEnv#TRANSCRIPT}, {@link WorkerEnv#ASR}, {@link WorkerEnv#BEATS}; a system property
 * of {@link WorkerEnv#property()}'s name wins). Unset, the worker has no audio at all: a container
 * started without these variables behaves as it did before audio support.
 *
 * @param transcripts where the passes' transcript comes from
 * @param asrSpec     the local recogniser for {@link TranscriptSource#WORKER} ({@code auto}, {@code pocketsphinx[:DIR]}, {@code off})
 * @param beats       BEATs weights for audio tokens in the TDC context; null: none (also without TDC)
 */
public record AudioSettings(TranscriptSource transcripts, String asrSpec, Path beats) {
    public static final AudioSettings OFF = new AudioSettings(TranscriptSource.OFF, "off", null);

    public AudioSettings {
        Objects.requireNonNull(transcripts, "transcripts");
        asrSpec = asrSpec == null || asrSpec.isBlank() ? "auto" : asrSpec.strip();
    }

    /** A container with exactly this environment (the local cloud starts the worker with the stack's). */
    public static AudioSettings fromEnvironment(Map<String, String> env, Path tdcDir) {
        return from(v -> env.get(v.variable()), tdcDir);
    }

    /** The running process: system properties, then the environment. */
    public static AudioSettings fromProcess(Path tdcDir) {
        Properties props = System.getProperties();
        Map<String, String> env = System.getenv();
        return from(v -> props.getProperty(v.property(), env.get(v.variable())), tdcDir);
    }

    static AudioSettings from(Function<WorkerEnv, String> get, Path tdcDir) {
        String source = get.apply(WorkerEnv.TRANSCRIPT);
        TranscriptSource transcripts = source == null || source.isBlank() ? TranscriptSource.OFF : TranscriptSource.parse(source);
        String beats = get.apply(WorkerEnv.BEATS);
        Path beatsFile;
        if (beats != null && !beats.isBlank()) {
            beatsFile = beats.strip().equals("off") ? null : Path.of(beats.strip());
        } else {
            // as `longvqa ask --tdc DIR` does: the TDC directory's own BEATs file when it has one
            Path inTdc = tdcDir == null ? null : tdcDir.resolve("audio").resolve("beats.safetensors");
            beatsFile = inTdc != null && Files.isRegularFile(inTdc) ? inTdc : null;
        }
        return new AudioSettings(transcripts, get.apply(WorkerEnv.ASR), beatsFile);
    }

    public AudioSettings withTranscripts(TranscriptSource v) {
        return new AudioSettings(v, asrSpec, beats);
    }

    public AudioSettings withAsr(String v) {
        return new AudioSettings(transcripts, v, beats);
    }

    public AudioSettings withBeats(Path v) {
        return new AudioSettings(transcripts, asrSpec, v);
    }
}
