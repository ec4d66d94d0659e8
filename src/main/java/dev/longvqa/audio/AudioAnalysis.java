package dev.longvqa.audio;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The audio half of a job: decode the sound track, transcribe it (or take the cached
 * transcript). Nothing here fails a job: every problem becomes a warning in the {@link Result}.
 */
public final class AudioAnalysis {
    private final AudioDecoder decoder;
    private final SpeechToText asr; // null: no transcripts
    private final TranscriptCache cache;

    public AudioAnalysis(AudioDecoder decoder, SpeechToText asr, TranscriptCache cache) {
        this.decoder = Objects.requireNonNull(decoder);
        this.asr = asr;
        this.cache = Objects.requireNonNull(cache);
    }

    public Optional<SpeechToText> asr() {
        return Optional.ofNullable(asr);
    }

    /**
     * What the audio gave one video. Close it to delete the spooled samples.
     *
     * @param audio      the decoded track's outcome (holds the samples when decoded)
     * @param transcript null when none was made (no recogniser, no audio, or it failed)
     * @param warnings   user-facing, for the job row and the report
     */
    public record Result(AudioResult audio, Transcript transcript, List<String> warnings, long decodeMillis,
                         long transcribeMillis, boolean transcriptCached) implements AutoCloseable {
        public Result {
            warnings = List.copyOf(warnings);
        }

        /** The transcript text for a range ("" when there is none). */
        public String notes(double startSec, double endSec) {
            return transcript == null ? "" : transcript.render(startSec, endSec);
        }

        /** The id of what produced the notes, for cache keys of summaries made from them. */
        public String transcriptId() {
            return transcript == null ? "none" : transcript.engine();
        }

        @Override
        public void close() {
            audio.close();
        }

        public static Result off() {
            return new Result(new AudioResult.Off(), null, List.of(), 0, 0, false);
        }
    }

    /** @param videoHash content hash of the video (the transcript cache key) */
    public Result analyse(Path video, String videoHash) {
        return analyse(video.toString(), videoHash);
    }

    /**
     * The same for a file path or an http(s) URL, e.g. the GPU worker's presigned GET of a job's
     * video ({@link AudioDecoder#decode(String)}).
     */
    public Result analyse(String video, String videoHash) {
        List<String> warnings = new ArrayList<>();
        long t0 = System.nanoTime();
        AudioResult audio = decoder.decode(video);
        long decodeMs = (System.nanoTime() - t0) / 1_000_000;
        if (audio.warning() != null) warnings.add(audio.warning());
        if (asr == null || audio.track() == null) return new Result(audio, null, warnings, decodeMs, 0, false);
        String key = TranscriptCache.key(videoHash, asr.id());
        Optional<Transcript> hit = cache.get(key);
        if (hit.isPresent()) return new Result(audio, hit.get(), warnings, decodeMs, 0, true);
        long t1 = System.nanoTime();
        Transcript transcript;
        if (audio.track().silent()) {
            // nothing to recognise: an hour of silence costs no recogniser time
            transcript = new Transcript(asr.id(), List.of());
        } else {
            try {
                transcript = asr.transcribe(audio.track());
            } catch (SpeechToText.TranscriptionException e) {
                warnings.add("transcript skipped: " + e.getMessage());
                return new Result(audio, null, warnings, decodeMs, (System.nanoTime() - t1) / 1_000_000, false);
            }
        }
        cache.put(key, transcript);
        return new Result(audio, transcript, warnings, decodeMs, (System.nanoTime() - t1) / 1_000_000, false);
    }
}
