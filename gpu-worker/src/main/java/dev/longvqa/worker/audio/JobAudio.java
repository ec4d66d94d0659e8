package dev.longvqa.worker.audio;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longvqa.audio.AudioAnalysis;
import dev.longvqa.audio.AudioDecoder;
import dev.longvqa.audio.AudioResult;
import dev.longvqa.audio.AwsTranscribeJson;
import dev.longvqa.audio.SpeechToText;
import dev.longvqa.audio.SpeechToTexts;
import dev.longvqa.audio.Transcript;
import dev.longvqa.audio.TranscriptCache;
import dev.longvqa.contract.Json;
import dev.longvqa.contract.S3Layout;
import dev.longvqa.contract.TranscriptSource;
import dev.longvqa.worker.store.BlobStore;
import dev.longvqa.contract.VideoRef;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The worker's audio side, one per worker: gives each task its job's timed transcript and, for a
 * TDC context with BEATs, the decoded sound track. Never fails a task: corrupt or missing sound,
 * a missing codec, silence, or a recogniser that fails become warnings in the job row
 * ({@code audioWarnings}) and the passes simply get no transcript.
 *
 * <p>The transcript is made once per job and stored at {@code S3Layout.transcript(jobId)}; every
 * later task of the job (the other segments, the answer) reads it. Where it comes from is the
 * stack's {@link TranscriptSource}: the workflow's Amazon Transcribe state (converted here from
 * {@code S3Layout.transcribeOutput}), or the local recogniser over the video's sound, cached per
 * video and engine under {@code S3Layout.cachedTranscript}, so a second job on the same object is
 * not transcribed again. Concurrent segment tasks of one job on this worker share one
 * recognition; two workers may both recognise the same job, and write the same result.
 */
public final class JobAudio {
    private static final System.Logger LOG = System.getLogger(JobAudio.class.getName());
    /** One job's sound, read through a presigned GET: an hour of audio is ~10 s of FFmpeg reads. */
    public static final java.time.Duration URL_VALIDITY = java.time.Duration.ofHours(2);

    /** Where the job row's audio warnings go. */
    @FunctionalInterface
    public interface Warnings {
        void add(String jobId, List<String> warnings);

        Warnings NONE = (jobId, w) -> {};
    }

    private final AudioSettings settings;
    private final SpeechToText asr; // null: no local recogniser
    private final VideoLocator locator;
    private final Warnings warnings;
    private final AudioDecoder decoder = new AudioDecoder();
    private final ObjectMapper json = Json.mapper();
    private final ConcurrentHashMap<String, CompletableFuture<TaskAudio>> making = new ConcurrentHashMap<>();

    public JobAudio(AudioSettings settings, VideoLocator locator, Warnings warnings) {
        this.settings = settings;
        this.asr = settings.transcripts() == TranscriptSource.WORKER ? SpeechToTexts.fromSpec(settings.asrSpec()).orElse(null) : null;
        this.locator = locator;
        this.warnings = warnings == null ? Warnings.NONE : warnings;
        if (settings.transcripts() == TranscriptSource.WORKER) {
            LOG.log(System.Logger.Level.INFO, asr == null
                    ? "transcripts: no local recogniser for '" + settings.asrSpec() + "' (" + SpeechToTexts.HELP + "); passes get none"
                    : "transcripts: local recogniser " + asr.id());
        } else {
            LOG.log(System.Logger.Level.INFO, "transcripts: " + settings.transcripts().value());
        }
    }

    /** No audio at all: every task gets {@link TaskAudio#NONE}. */
    public static JobAudio off() {
        return new JobAudio(AudioSettings.OFF, (b, k) -> {
            throw new IllegalStateException("audio is off");
        }, Warnings.NONE);
    }

    public AudioSettings settings() {
        return settings;
    }

    /**
     * The job's transcript for a task on {@code video} (null for an answer task sent without one:
     * then only an already stored transcript is used).
     */
    public TaskAudio transcript(BlobStore store, String jobId, VideoRef video) throws InterruptedException {
        if (settings.transcripts() == TranscriptSource.OFF) return TaskAudio.NONE;
        Optional<Transcript> stored = read(store, S3Layout.transcript(jobId), false);
        if (stored.isPresent()) return new TaskAudio(stored.get(), AudioCost.NONE);
        return switch (settings.transcripts()) {
            case TRANSCRIBE -> fromTranscribe(store, jobId);
            case WORKER -> video == null || asr == null ? TaskAudio.NONE : shared(store, jobId, video);
            case OFF -> TaskAudio.NONE;
        };
    }

    /**
     * Amazon Transcribe's output, converted once into the job's transcript. None there: the
     * workflow skipped the audio (and its Transcribe branch put the reason into the job row).
     */
    private TaskAudio fromTranscribe(BlobStore store, String jobId) {
        Optional<byte[]> out = store.get(S3Layout.transcribeOutput(jobId));
        if (out.isEmpty()) return TaskAudio.NONE;
        Transcript t;
        try {
            t = AwsTranscribeJson.parse(new String(out.get(), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            warnings.add(jobId, List.of("transcript skipped: Amazon Transcribe's output is unreadable (" + e.getMessage() + ")"));
            return TaskAudio.NONE;
        }
        write(store, S3Layout.transcript(jobId), t);
        return new TaskAudio(t, AudioCost.NONE);
    }

    /** One recognition per job on this worker, whichever of its concurrent tasks asks first. */
    private TaskAudio shared(BlobStore store, String jobId, VideoRef video) throws InterruptedException {
        CompletableFuture<TaskAudio> mine = new CompletableFuture<>();
        CompletableFuture<TaskAudio> running = making.putIfAbsent(jobId, mine);
        if (running != null) {
            try {
                // the first task pays (its cost); the others wait and report none
                return new TaskAudio(running.get().transcript(), AudioCost.NONE);
            } catch (ExecutionException e) {
                return TaskAudio.NONE; // the first one's failure is already a warning
            }
        }
        try {
            TaskAudio made = recognise(store, jobId, video);
            mine.complete(made);
            return made;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            making.remove(jobId, mine); // the stored transcript serves every later task
        }
    }

    private TaskAudio recognise(BlobStore store, String jobId, VideoRef video) throws InterruptedException {
        String cacheKey = S3Layout.cachedTranscript(TranscriptCache.key(video.identity(), asr.id()));
        Optional<Transcript> cached = read(store, cacheKey, true);
        if (cached.isPresent()) {
            write(store, S3Layout.transcript(jobId), cached.get());
            return new TaskAudio(cached.get(), AudioCost.NONE);
        }
        if (Thread.interrupted()) throw new InterruptedException();
        String location = locator.locate(video.bucket(), video.key());
        AudioAnalysis analysis = new AudioAnalysis(decoder, asr, TranscriptCache.none());
        try (AudioAnalysis.Result r = analysis.analyse(location, video.identity())) {
            List<String> found = new ArrayList<>(r.warnings());
            if (r.audio().track() != null && r.audio().track().silent()) {
                found.add("the sound track is silent: no transcript");
            }
            LOG.log(System.Logger.Level.INFO, "job " + jobId + " audio: " + r.audio().describe() + ", decode " + r.decodeMillis()
                    + " ms, " + asr.id() + " " + r.transcribeMillis() + " ms, "
                    + (r.transcript() == null ? "no transcript" : r.transcript().words().size() + " word(s)"));
            if (!found.isEmpty()) warnings.add(jobId, found);
            if (r.transcript() != null) {
                write(store, cacheKey, r.transcript());
                write(store, S3Layout.transcript(jobId), r.transcript());
            } else {
                // no sound, or none usable: the job's other tasks read "nothing was said" instead of
                // decoding again (the video cache is left alone: a read that failed may work next job)
                write(store, S3Layout.transcript(jobId), new Transcript(asr.id(), List.of()));
            }
            return new TaskAudio(r.transcript(), new AudioCost(0, r.decodeMillis(), r.transcribeMillis()));
        }
    }

    /**
     * The job's decoded sound for audio tokens (BEATs; handlers ask only when their pass puts them
     * into its context), or {@link AudioResult.Off} when the task has no video. The caller closes
     * it (the spooled samples).
     */
    public AudioResult track(VideoRef video, String jobId) {
        if (video == null) return new AudioResult.Off();
        AudioResult r = decoder.decode(locator.locate(video.bucket(), video.key()));
        if (r.warning() != null) warnings.add(jobId, List.of(r.warning()));
        return r;
    }

    private Optional<Transcript> read(BlobStore store, String key, boolean quiet) {
        Optional<byte[]> b = store.get(key);
        if (b.isEmpty()) return Optional.empty();
        try {
            return Optional.of(json.readValue(b.get(), Transcript.class));
        } catch (IOException | RuntimeException e) {
            // a torn or foreign object is a miss: the transcript can always be made again
            if (!quiet) LOG.log(System.Logger.Level.WARNING, "transcript " + key + " is unreadable (" + e + "); making it again");
            return Optional.empty();
        }
    }

    private void write(BlobStore store, String key, Transcript t) {
        try {
            store.put(key, json.writeValueAsBytes(t), "application/json");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
