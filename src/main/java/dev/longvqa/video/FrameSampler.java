package dev.longvqa.video;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVPixFmtDescriptor;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;
import java.util.Objects;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

/**
 * Decodes a video front to back and hands the sampled frames to a {@link FrameSink}, one at a time:
 * memory stays flat whatever the length. Every frame is decoded (seeking per sample is ~4x slower;
 * the per-frame change signal that places cuts needs them all), unless {@link Builder#skipUnsampled}
 * lets non-reference frames between samples be dropped ({@link #exactChanges} then recovers the
 * change signal exactly where a consumer reads it); only sampled frames are converted to RGB,
 * scaled straight to the size the consumer wants. Files of a few minutes and more are decoded as
 * key-frame-aligned time ranges in parallel ({@link Builder#parallelRanges}), merged in order into
 * exactly what one pass delivers.
 *
 * <pre>{@code
 * FrameSampler sampler = FrameSampler.builder().strategy(SamplingStrategy.uniform(1)).maxSide(224).build();
 * SamplingSummary s = sampler.sample(VideoSource.of(path), frame -> embed(frame));
 * }</pre>
 */
public final class FrameSampler {
    /** Receives sampled frames in order. May throw to stop early. */
    @FunctionalInterface
    public interface FrameSink {
        void accept(SampledFrame frame);
    }

    /** Observes decoding progress (seconds of video decoded), e.g. for a progress bar. */
    @FunctionalInterface
    public interface ProgressListener {
        void decodedUpTo(double timeSec);
    }

    private static final System.Logger LOG = System.getLogger(FrameSampler.class.getName());
    private static final int HEAD_BYTES = 1 << 16;
    private static final int GRID = 16;
    private static final int FRAME_FLAG_KEY = 1 << 1; // AV_FRAME_FLAG_KEY, unmapped by the presets
    private static final double SKIP_MARGIN_SEC = 0.05;
    /** Stretches to re-decode closer than this are decoded as one (GOPs are typically 2-10 s). */
    private static final double MERGE_SEC = 8;
    /** Around sampled frames and wanted gaps, every frame is decoded: absorbs packet-pts vs frame-time differences. */
    private static final double DECODE_MARGIN_SEC = 0.05;
    /** How far before a stretch to seek: further each time a seek lands after its first sampled frame. */
    private static final double[] SEEK_BACK_SEC = {0.5, 10, 60, Double.POSITIVE_INFINITY};
    /** Longest range of a parallel decode: bounds the frames a decoded range holds until it is merged. */
    private static final double MAX_RANGE_SEC = 60;
    private static final int RANGES_PER_WORKER = 3;
    /**
     * A video shorter than this many minimum ranges is decoded in one pass: each range costs an open,
     * a seek and a cold decoder, and on 2-minute inputs one pass was as cheap in CPU and faster in
     * wall time (H.264 2 min, load 13-15: 2.47/2.92 s CPU, 3.6/5.4 s wall vs 2.57/2.81 s, 4.3/6.4 s
     * with 3 workers).
     */
    private static final int MIN_RANGES = 4;

    private final SamplingStrategy strategy;
    private final int maxSide;
    private final VideoLimits limits;
    private final double startSec;
    private final double endSec;
    private final ProgressListener progress;
    private final Path spoolDir;
    private final boolean skipUnsampled;
    private final BooleanSupplier skipWhile;
    private final int workers;
    private final double minRangeSec;

    private FrameSampler(Builder b) {
        this.strategy = b.strategy;
        this.maxSide = b.maxSide;
        this.limits = b.limits;
        this.startSec = b.startSec;
        this.endSec = b.endSec;
        this.progress = b.progress;
        this.spoolDir = b.spoolDir;
        this.skipUnsampled = b.skipUnsampled;
        this.skipWhile = b.skipWhile;
        this.workers = b.workers;
        this.minRangeSec = b.minRangeSec;
    }

    public static Builder builder() {
        return new Builder();
    }

    public SamplingStrategy strategy() {
        return strategy;
    }

    /** Opens the source, checks limits and stream layout, and closes it again. */
    public VideoInfo probe(VideoSource source) {
        try (Opened opened = open(source)) {
            return opened.input.info();
        }
    }

    /** Decodes the source (or the configured time range) and passes each sampled frame to {@code sink}. */
    public SamplingSummary sample(VideoSource source, FrameSink sink) {
        Objects.requireNonNull(sink, "sink");
        if (source instanceof VideoSource.FileSource file) {
            RangePlan plan = planRanges(file);
            if (!plan.starts().isEmpty()) return decodeRanges(file, plan, sink);
        }
        try (Opened opened = open(source)) {
            SamplingSummary summary = decode(opened.input, sink);
            if (summary.decodedFrames() == 0 && opened.oneShotStream) {
                // Should not happen after sniffing, but a silent empty result is never acceptable.
                throw LongVqaException.badInput(ErrorCode.TRUNCATED, source.name() + " yielded no frames when read as a stream");
            }
            return summary;
        }
    }

    private record Opened(FfmpegInput input, Path spooled, boolean oneShotStream) implements AutoCloseable {
        @Override
        public void close() {
            input.close();
            if (spooled != null) {
                try {
                    Files.deleteIfExists(spooled);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    private Opened open(VideoSource source) {
        return switch (source) {
            case VideoSource.FileSource f -> new Opened(openFile(f.path(), f.path().toString()), null, false);
            case VideoSource.UrlSource u -> new Opened(
                    FfmpegInput.open(u.url(), u.name(), -1, null, limits, strategy.keyFramesOnly()), null, false);
            case VideoSource.StreamSource s -> openStream(s);
        };
    }

    private FfmpegInput openFile(Path path, String name) {
        return openFile(path, name, 0);
    }

    private FfmpegInput openFile(Path path, String name, int threads) {
        long size;
        byte[] head;
        try {
            if (Files.isDirectory(path)) throw LongVqaException.badInput(ErrorCode.NOT_A_VIDEO, name + " is a directory");
            size = Files.size(path);
            try (InputStream in = Files.newInputStream(path)) {
                head = in.readNBytes(HEAD_BYTES);
            }
        } catch (NoSuchFileException e) {
            throw LongVqaException.badInput(ErrorCode.NOT_FOUND, name + " does not exist");
        } catch (IOException e) {
            throw LongVqaException.badInput(ErrorCode.NOT_FOUND, name + " cannot be read: " + e.getMessage());
        }
        checkSize(name, size);
        return FfmpegInput.open(path.toAbsolutePath().toString(), name, size, head, limits, strategy.keyFramesOnly(), threads);
    }

    private void checkSize(String name, long size) {
        if (size == 0) throw LongVqaException.badInput(ErrorCode.EMPTY, name + " is empty (0 bytes)");
        if (size > limits.maxBytes()) {
            throw LongVqaException.badInput(ErrorCode.TOO_LARGE, name + " has " + size + " bytes, over the limit of " + limits.maxBytes());
        }
    }

    /**
     * A stream whose MP4 index (moov) comes after the media cannot be decoded in one pass: FFmpeg
     * returns no frames and no error. Such streams are spooled to a temporary file first.
     */
    private Opened openStream(VideoSource.StreamSource s) {
        InputStream in = null;
        try {
            in = new BufferedInputStream(s.opener().open(), HEAD_BYTES);
            in.mark(HEAD_BYTES);
            byte[] head = in.readNBytes(HEAD_BYTES);
            in.reset();
            if (head.length == 0) throw LongVqaException.badInput(ErrorCode.EMPTY, s.name() + " is empty (0 bytes)");
            if (ContainerSniffer.indexAfterMedia(head)) {
                Path tmp = Files.createTempFile(spoolDir, "longvqa-", ".spool");
                try (InputStream src = in) {
                    long n = copyBounded(src, tmp, s.name());
                    checkSize(s.name(), n);
                    return new Opened(FfmpegInput.open(tmp.toString(), s.name(), n, head, limits, strategy.keyFramesOnly()), tmp, false);
                } catch (RuntimeException | IOException e) {
                    Files.deleteIfExists(tmp);
                    throw e;
                }
            }
            InputStream stream = in;
            FfmpegInput input = FfmpegInput.open(stream, s.name(), head, limits, strategy.keyFramesOnly());
            in = null; // owned by the input's read callback now; closed with the source's opener's stream
            return new Opened(input, null, true);
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.TRANSIENT, "reading " + s.name() + " failed: " + e.getMessage(), e);
        } finally {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    private long copyBounded(InputStream src, Path tmp, String name) throws IOException {
        try (var out = Files.newOutputStream(tmp)) {
            byte[] buf = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = src.read(buf)) > 0) {
                total += n;
                if (total > limits.maxBytes()) checkSize(name, total);
                out.write(buf, 0, n);
            }
            return total;
        }
    }

    private SamplingSummary decode(FfmpegInput input, FrameSink sink) {
        VideoInfo info = input.info();
        AVCodecContext ctx = input.codec();
        boolean skip = skipUnsampled && !strategy.keyFramesOnly();
        try (FrameState state = new FrameState(info); HeldTail tail = skip ? new HeldTail(input, state) : null) {
            if (startSec > 0) {
                int r = av_seek_frame(input.format(), input.streamIndex(), input.toPts(startSec), AVSEEK_FLAG_BACKWARD);
                if (r < 0) throw new LongVqaException(ErrorCode.INTERNAL, "cannot seek to " + startSec + " s in " + info.name());
                avcodec_flush_buffers(ctx);
            }
            LoopEnd d = decodeFrames(input, pkt -> {
                if (strategy.keyFramesOnly() && (pkt.flags() & AV_PKT_FLAG_KEY) == 0) return false;
                if (skip) dropNonReferenceUnlessNeeded(input, pkt, state);
                return true;
            }, frame -> deliver(input, frame, state, sink), tail);
            state.decodeErrors = d.errors();
            if (!d.stopped()) input.requireReadToIndexedEnd();
            return state.summary();
        }
    }

    /** Decides per packet of the video stream whether it is sent to the decoder. */
    private interface PacketFilter {
        boolean send(AVPacket pkt);
    }

    /** Receives each decoded frame in presentation order; returns true to stop. */
    private interface FrameHandler {
        boolean frame(AVFrame frame);
    }

    /** How a decode loop ended: damaged packets, and whether the handler stopped it before the end of the file. */
    private record LoopEnd(int errors, boolean stopped) {}

    /**
     * The decode loop: reads the video stream's packets from the current position, decodes them
     * and hands every frame to {@code handler} until it says stop or the stream ends (then the
     * frames the decoder still holds are flushed out). Damaged packets in the middle are skipped.
     * Returns how many packets or frames failed to decode, and whether the handler stopped the loop
     * (else it read to the end of the file).
     */
    private static LoopEnd decodeFrames(FfmpegInput input, PacketFilter filter, FrameHandler handler) {
        return decodeFrames(input, filter, handler, null);
    }

    /** As above; with a {@link HeldTail}, packets no sample needs wait in it until the next packet says whether they are decoded at all. */
    private static LoopEnd decodeFrames(FfmpegInput input, PacketFilter filter, FrameHandler handler, HeldTail tail) {
        AVCodecContext ctx = input.codec();
        AVPacket pkt = input.newPacket();
        AVFrame frame = input.newFrame();
        int[] errors = {0};
        java.util.function.Predicate<AVPacket> send = p -> {
            if (!filter.send(p)) return false;
            if (avcodec_send_packet(ctx, p) < 0) {
                errors[0]++;
                return false;
            }
            return drain(ctx, frame, handler, errors);
        };
        try {
            boolean done = false;
            int readErrors = 0;
            while (!done) {
                int r = av_read_frame(input.format(), pkt);
                if (r < 0) {
                    if (r == AVERROR_EOF || ++readErrors > 64) break;
                    continue; // a damaged packet in the middle: skip it, keep going
                }
                try {
                    if (pkt.stream_index() != input.streamIndex()) continue;
                    input.noteRead(pkt);
                    if (tail != null && tail.holds(pkt)) continue;
                    if (tail != null) done = tail.releaseBefore(pkt, send);
                    if (!done) done = send.test(pkt);
                } finally {
                    av_packet_unref(pkt);
                }
            }
            if (!done && tail != null) done = tail.releaseBefore(null, send); // the end: what is held is decoded
            if (!done) {
                avcodec_send_packet(ctx, null); // flush frames the decoder still holds
                done = drain(ctx, frame, handler, errors);
            }
            return new LoopEnd(errors[0], done);
        } finally {
            av_packet_free(pkt);
            av_frame_free(frame);
        }
    }

    /**
     * Packets that no sample can be taken from, held back after the last sample until the next
     * packet says whether they are decoded at all: when it is a key frame after which no frame
     * refers back ({@link FfmpegInput#restartsDecoding}: a VP8/VP9 key frame, an H.264 or HEVC
     * IDR), nothing can need them any more and they are dropped unsent — the frames between a
     * GOP's last sample and the next key frame, which dropping non-reference frames cannot touch
     * (VP9 has none: every frame is a reference). Otherwise (a packet a sample may come from, the
     * end of the stream, too many held) they are sent first, in order, so the decoder sees exactly
     * the packets it would have, or those minus a run right before such a key frame: every kept
     * frame decodes bit for bit the same. Each held packet was checked on arrival, against a bound
     * that only grows; a dropped run counts as a gap with frames missing from the change signal,
     * which {@link #exactChanges} re-decodes where it is read, as for dropped non-reference frames.
     */
    private final class HeldTail implements AutoCloseable {
        /** Beyond this many (a sparse sampling rate over a long GOP) the held ones are sent: bounded memory. */
        private static final int MAX_HELD = 512;
        private final FfmpegInput input;
        private final FrameState state;
        private final java.util.ArrayDeque<AVPacket> held = new java.util.ArrayDeque<>();
        private boolean exactTimes;
        private long lastPts = Long.MIN_VALUE;

        HeldTail(FfmpegInput input, FrameState state) {
            this.input = input;
            this.state = state;
            int id = input.codec().codec_id();
            this.exactTimes = id == AV_CODEC_ID_VP9 || id == AV_CODEC_ID_VP8;
        }

        /**
         * Holds a (reference-counted) copy of this packet if no sample can come from it; false:
         * send it. Called for every packet of the stream, in order. VP8/VP9 frames come out in
         * the order their packets come in, each with its packet's pts while those rise (FFmpeg's
         * best-effort time is the pts then): a frame's time is known to the tick, and a key frame
         * on a tick (4-s GOPs at 1 fps) still leaves the frames before it out. Elsewhere (B-frames
         * reorder; pts that do not rise) the margin that {@link #needed} allows for applies.
         */
        boolean holds(AVPacket pkt) {
            long pts = pkt.pts();
            if (pts == AV_NOPTS_VALUE || pts <= lastPts) exactTimes = false;
            lastPts = pts;
            if ((pkt.flags() & AV_PKT_FLAG_KEY) != 0 || pts == AV_NOPTS_VALUE || held.size() >= MAX_HELD || !skipWhile.getAsBoolean()) {
                return false;
            }
            double margin = exactTimes ? 1e-6 : SKIP_MARGIN_SEC;
            if (input.seconds(pts) + margin >= Math.max(startSec, state.decision.keepsFrom())) return false;
            AVPacket copy = av_packet_clone(pkt);
            if (copy == null) return false;
            held.add(copy);
            return true;
        }

        /**
         * Before {@code next} (null: the end) is sent: drops what is held if {@code next} restarts
         * decoding, else sends it through {@code send}. Returns true once the handler says stop.
         */
        boolean releaseBefore(AVPacket next, java.util.function.Predicate<AVPacket> send) {
            if (held.isEmpty()) return false;
            if (next != null && input.restartsDecoding(next)) {
                state.skippedInGap = true;
                int n = held.size();
                LOG.log(System.Logger.Level.TRACE, () -> input.info().name() + ": " + n + " packets before the key frame at "
                        + input.seconds(next.pts()) + " s left undecoded");
                clear();
                return false;
            }
            boolean done = false;
            while (!held.isEmpty()) {
                AVPacket p = held.poll();
                try {
                    if (!done) done = send.test(p);
                } finally {
                    av_packet_free(p);
                }
            }
            return done;
        }

        private void clear() {
            while (!held.isEmpty()) av_packet_free(held.poll());
        }

        @Override
        public void close() {
            clear();
        }
    }

    /** Receives every frame the decoder has ready. Returns true once the handler says stop. */
    private static boolean drain(AVCodecContext ctx, AVFrame frame, FrameHandler handler, int[] errors) {
        while (true) {
            int r = avcodec_receive_frame(ctx, frame);
            if (r == AVERROR_EAGAIN() || r == AVERROR_EOF) return false;
            if (r < 0) {
                errors[0]++;
                return false;
            }
            try {
                if (handler.frame(frame)) return true;
            } finally {
                av_frame_unref(frame);
            }
        }
    }

    /**
     * Whether the frame in this packet could be delivered. One that could not (it lies before the
     * range or before the earliest time the sampling decision can still keep) is decoded only if
     * other frames reference it: the codec's non-reference frames between samples are dropped
     * unparsed. The decision's bound is read in decode order, ahead of the frames it has seen, so
     * it can only be stale-low: that decodes a little more, never less. The margin absorbs the
     * difference between a packet's pts and the frame's best-effort timestamp.
     */
    private boolean needed(FfmpegInput input, AVPacket pkt, FrameState state) {
        long pts = pkt.pts();
        if (pts == AV_NOPTS_VALUE) return true;
        double t = input.seconds(pts);
        return t + SKIP_MARGIN_SEC >= Math.max(startSec, state.decision.keepsFrom());
    }

    /** Sets the decoder to drop this packet's frame if no other frame references it and no sample can use it. */
    private void dropNonReferenceUnlessNeeded(FfmpegInput input, AVPacket pkt, FrameState state) {
        AVCodecContext ctx = input.codec();
        int discard = needed(input, pkt, state) || !skipWhile.getAsBoolean() ? AVDISCARD_DEFAULT : AVDISCARD_NONREF;
        if (discard != ctx.skip_frame()) ctx.skip_frame(discard);
        if (discard == AVDISCARD_NONREF) state.mayBeSkipped.add(pkt.pts()); // needed() saw a pts
    }

    /** A frame's presentation time in seconds from the stream start (never negative). */
    private static double frameTime(FfmpegInput input, AVFrame frame, double lastTime) {
        long ts = frame.best_effort_timestamp();
        if (ts == AV_NOPTS_VALUE) ts = frame.pts();
        double t = ts == AV_NOPTS_VALUE ? lastTime + 1 / 30.0 : input.seconds(ts);
        return Math.max(0, t);
    }

    /** One decoded frame: the change signal, the sampling decision, delivery. Returns true once the range end is passed. */
    private boolean deliver(FfmpegInput input, AVFrame frame, FrameState state, FrameSink sink) {
        double t = frameTime(input, frame, state.lastTime);
        state.passed(frame.best_effort_timestamp());
        if (t + 1e-6 < startSec) {
            state.signature(frame); // keep the change signal continuous across the range start
            return false;
        }
        if (t >= endSec) return true;
        float change = state.signature(frame);
        boolean key = (frame.flags() & FRAME_FLAG_KEY) != 0;
        offer(state, input.info().name(), t, key, change, () -> state.toRgb(frame), () -> state.digest(frame), sink);
        return false;
    }

    /**
     * The part of {@link #deliver} after decoding, shared with the merge of parallel ranges: limits,
     * the change peak, the sampling decision and, for a kept frame, conversion and delivery.
     */
    private void offer(FrameState state, String name, double t, boolean key, float change,
                       java.util.function.Supplier<RgbImage> image, java.util.function.IntSupplier digest, FrameSink sink) {
        if (t > limits.maxDurationSec()) {
            throw LongVqaException.badInput(ErrorCode.TOO_LONG, String.format(Locale.ROOT,
                    "%s runs past %.0f s, the configured limit", name, limits.maxDurationSec()));
        }
        state.decoded++;
        state.lastTime = Math.max(state.lastTime, t);
        if (change > state.peakChange || state.peakTime < 0) {
            state.peakChange = change;
            state.peakTime = t;
        }
        if (state.decision.keep(t, key, state.changeFromKept())) {
            if (state.sampled >= limits.maxFrames()) {
                throw LongVqaException.badInput(ErrorCode.TOO_LONG, name + " yields more than "
                        + limits.maxFrames() + " sampled frames, the configured limit");
            }
            RgbImage rgb = image.get();
            double changeTime = state.sampled == 0 ? t : state.peakTime;
            float changeScore = state.sampled == 0 ? 0f : state.peakChange;
            state.recordSample(t, digest.getAsInt());
            if (state.skippedInGap && state.sampled > 0) state.skippedGaps.set(state.sampled - 1);
            state.skippedInGap = false;
            sink.accept(new SampledFrame(state.sampled, t, rgb, changeTime, changeScore));
            state.sampled++;
            state.keep();
            state.peakChange = 0;
            state.peakTime = -1;
        }
        if (progress != null) progress.decodedUpTo(t);
    }

    // ---- Time-range parallelism ---------------------------------------------------------------

    /** Where a range after the first starts: the key frame's index timestamp (to seek to) and its presentation time. */
    record RangeStart(long seekTs, double timeSec) {}

    /** The ranges after the first, and the file's stream as planning opened it (not opened again to merge). */
    record RangePlan(VideoInfo info, List<RangeStart> starts) {
        static final RangePlan ONE_PASS = new RangePlan(null, List.of());
    }

    /** One decoded frame of a range, as the merge needs it: the converted picture only where it may be kept. */
    private record DecodedFrame(double timeSec, boolean key, float[] signature, boolean droppedBefore, RgbImage image, int digest) {}

    /** A decoded range: its frames in presentation order; whether a frame was dropped just before the next range's first. */
    private record RangeFrames(List<DecodedFrame> frames, boolean droppedAtEnd, int decodeErrors) {}

    /**
     * Key frames to start ranges at, for decoding the file in parallel; empty where it must be
     * decoded in one pass: one worker, a strategy whose decision depends on more than the clock
     * (only {@link SamplingStrategy.UniformRate} can be decided per range exactly), a time range or
     * a short video, a container without a key frame index, or a codec whose key frames do not
     * guarantee that later frames decode the same from them ({@link FfmpegInput#cleanRandomAccess}).
     */
    RangePlan planRanges(VideoSource.FileSource file) {
        if (workers < 2 || !(strategy instanceof SamplingStrategy.UniformRate) || startSec > 0 || endSec != Double.POSITIVE_INFINITY) {
            return RangePlan.ONE_PASS;
        }
        try (FfmpegInput input = openFile(file.path(), file.path().toString(), 1)) {
            double duration = input.info().durationSec();
            if (!(duration >= MIN_RANGES * minRangeSec)) return RangePlan.ONE_PASS;
            // Several ranges per worker even out their speeds; at most MAX_RANGE_SEC each bounds what
            // a decoded range holds until its turn to be merged.
            double length = Math.max(minRangeSec, Math.min(MAX_RANGE_SEC, duration / (workers * RANGES_PER_WORKER)));
            List<RangeStart> starts = new ArrayList<>();
            AVPacket pkt = input.newPacket();
            try {
                // Seeking to a time lands on the key frame at or before it (MP4: the sample index;
                // Matroska/WebM: the cues, or a scan of the clusters): that key frame starts a range
                // if decoding can start there exactly; a GOP longer than a range merges ranges.
                double last = 0;
                for (int k = 1; k * length < duration - minRangeSec / 2; k++) {
                    RangeStart start = checkedStart(input, pkt, input.toPts(k * length));
                    if (start != null && start.timeSec() > last + 1) {
                        starts.add(start);
                        last = start.timeSec();
                    }
                }
            } finally {
                av_packet_free(pkt);
            }
            return new RangePlan(input.info(), List.copyOf(starts));
        } catch (LongVqaException e) {
            return RangePlan.ONE_PASS; // the one-pass decode reports what is wrong with the file
        }
    }

    /** Seeks as planning did and checks that the first packet is the range's key frame (then seeks there again). */
    private static boolean seeksTo(FfmpegInput input, RangeStart from) {
        AVPacket pkt = input.newPacket();
        try {
            RangeStart landed = checkedStart(input, pkt, from.seekTs());
            return landed != null && landed.timeSec() == from.timeSec()
                    && av_seek_frame(input.format(), input.streamIndex(), from.seekTs(), AVSEEK_FLAG_BACKWARD) >= 0;
        } finally {
            av_packet_free(pkt);
        }
    }

    /** Where seeking to {@code seekTs} lands, if decoding can start there exactly, else null. */
    private static RangeStart checkedStart(FfmpegInput input, AVPacket pkt, long seekTs) {
        if (av_seek_frame(input.format(), input.streamIndex(), seekTs, AVSEEK_FLAG_BACKWARD) < 0) return null;
        for (int tries = 0; tries < 64; tries++) {
            if (av_read_frame(input.format(), pkt) < 0) return null;
            try {
                if (pkt.stream_index() != input.streamIndex()) continue;
                boolean ok = pkt.pts() != AV_NOPTS_VALUE && input.cleanRandomAccess(pkt);
                return ok ? new RangeStart(seekTs, input.seconds(pkt.pts())) : null;
            } finally {
                av_packet_unref(pkt);
            }
        }
        return null;
    }

    /**
     * Decodes the ranges between {@code starts} in parallel, each by its own single-threaded
     * decoder, and merges their frames in order through the very steps a one-pass decode takes
     * ({@link #offer}): the same frames, times, change signal and sampled pictures. Exact because
     * (1) each range starts at a clean random access point and owns the frames from its start's
     * presentation time to the next one's, so every frame is decoded from the same references as in
     * one pass; (2) the uniform clock's decision for a frame depends only on the frame before it, so
     * a range converts every frame the merge could keep (its first, and each that enters a new
     * tick) and the merge decides with the whole video's state; (3) the change signal across a range
     * boundary is computed in the merge from both sides' luma signatures.
     * At most {@code workers + 1} decoded ranges are held at a time.
     */
    private SamplingSummary decodeRanges(VideoSource.FileSource file, RangePlan plan, FrameSink sink) {
        List<RangeStart> starts = plan.starts();
        Path path = file.path();
        String name = path.toString();
        int n = starts.size() + 1;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "longvqa-decode-range");
            t.setDaemon(true);
            return t;
        });
        List<java.util.concurrent.Future<RangeFrames>> ranges = new ArrayList<>();
        java.util.function.IntConsumer submit = r -> ranges.add(pool.submit(() -> decodeRange(path, name,
                r == 0 ? null : starts.get(r - 1), r + 1 < n ? starts.get(r).timeSec() : Double.POSITIVE_INFINITY)));
        VideoInfo info = plan.info();
        try (FrameState state = new FrameState(info)) {
            for (int r = 0; r < Math.min(n, workers + 1); r++) submit.accept(r);
            for (int r = 0; r < n; r++) {
                RangeFrames range = await(ranges.get(r));
                ranges.set(r, null);
                if (r + workers + 1 < n) submit.accept(r + workers + 1);
                state.decodeErrors += range.decodeErrors();
                for (DecodedFrame f : range.frames()) {
                    if (f.droppedBefore()) state.skippedInGap = true;
                    float change = state.adopt(f.signature());
                    offer(state, info.name(), f.timeSec(), f.key(), change, () -> {
                        if (f.image() == null) {
                            throw new LongVqaException(ErrorCode.INTERNAL, "range decoding kept a frame it had not converted at " + f.timeSec() + " s");
                        }
                        return f.image();
                    }, f::digest, sink);
                }
                if (range.droppedAtEnd()) state.skippedInGap = true;
            }
            return state.summary();
        } finally {
            pool.shutdownNow(); // a failed merge leaves workers that finish their (bounded) range and exit
        }
    }

    private static RangeFrames await(java.util.concurrent.Future<RangeFrames> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LongVqaException(ErrorCode.TRANSIENT, "interrupted while decoding", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new LongVqaException(ErrorCode.INTERNAL, "decoding a range failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Decodes the frames with {@code from.timeSec() <= t < toSec} (from the start for a null
     * {@code from}) with one decoder thread, keeping each frame's luma signature and converting
     * those the uniform clock could keep. Non-reference frames are dropped as in one pass, by a
     * decision that has seen only this range: before its first frame it keeps everything (it
     * drops nothing), after it, it is the whole video's.
     */
    private RangeFrames decodeRange(Path path, String name, RangeStart from, double toSec) {
        SamplingStrategy.UniformRate clock = (SamplingStrategy.UniformRate) strategy;
        double fromSec = from == null ? Double.NEGATIVE_INFINITY : from.timeSec();
        try (FfmpegInput input = openFile(path, name, 1); FrameState state = new FrameState(input.info());
             HeldTail tail = skipUnsampled ? new HeldTail(input, state) : null) {
            AVCodecContext ctx = input.codec();
            if (from != null && !seeksTo(input, from)) {
                // Not where planning landed (not expected: same file, same seek): decoding from the
                // start, dropping what lies before the range, is exact by construction.
                LOG.log(System.Logger.Level.WARNING, "{0}: seeking to the range at {1} s landed elsewhere; decoding from the start",
                        name, from.timeSec());
                av_seek_frame(input.format(), input.streamIndex(), input.toPts(0), AVSEEK_FLAG_BACKWARD);
            }
            avcodec_flush_buffers(ctx);
            List<DecodedFrame> frames = new ArrayList<>();
            boolean[] droppedAtEnd = {false};
            double[] prev = {Double.NaN};
            LoopEnd d = decodeFrames(input, pkt -> {
                if (skipUnsampled) dropNonReferenceUnlessNeeded(input, pkt, state);
                return true;
            }, frame -> {
                double t = frameTime(input, frame, state.lastTime);
                state.passed(frame.best_effort_timestamp());
                if (t >= toSec) {
                    droppedAtEnd[0] = state.skippedInGap;
                    return true;
                }
                if (t < fromSec) return false; // a leading picture of the key frame: the previous range's
                state.lastTime = Math.max(state.lastTime, t);
                state.signature(frame);
                boolean key = (frame.flags() & FRAME_FLAG_KEY) != 0;
                boolean candidate = Double.isNaN(prev[0]) || clock.mayKeep(prev[0], t);
                frames.add(new DecodedFrame(t, key, state.lastSignature(), state.skippedInGap,
                        candidate ? state.toRgb(frame) : null, candidate ? state.digest(frame) : 0));
                state.skippedInGap = false;
                state.decision.keep(t, key, 0f); // this range's clock: how far non-reference frames may be dropped
                prev[0] = t;
                return false;
            }, tail);
            // A range the file ends in (the last, or any of a file cut short) read to the end.
            if (!d.stopped()) input.requireReadToIndexedEnd();
            return new RangeFrames(frames, droppedAtEnd[0], d.errors());
        }
    }

    /** The change signal a pass decoding every frame gives a sampled frame: {@link SampledFrame#changeTimeSec}, {@link SampledFrame#changeScore}. */
    public record ChangePeak(double timeSec, float score) {}

    /**
     * The change signal that a pass decoding every frame would have given the sampled frame after
     * each of {@code gaps} (gap g lies between sampled frames g and g+1), computed by decoding only
     * the stretches around them, each from the key frame before it. For a pass run with
     * {@link Builder#skipUnsampled}, whose own signal compared consecutive <em>decoded</em> frames:
     * a consumer that reads the signal only at a few gaps (the cut rule) gets exactly what decoding
     * every frame gives, for a fraction of the work.
     *
     * <p>Exact, not approximate: a stretch starts at a sampled frame that must reappear at its time
     * with the same decoded luma (its digest in {@code pass}), and so must every sampled frame in it.
     * Where that fails (a seek that lands late, a stream that does not decode the same from a key
     * frame), the stretches are decoded again from the start, without seeking.
     */
    public Map<Integer, ChangePeak> exactChanges(VideoSource source, SamplingSummary pass, BitSet gaps) {
        double[] times = pass.sampleTimes();
        int[] digests = pass.sampleDigests();
        List<int[]> runs = new ArrayList<>();
        for (int g = gaps.nextSetBit(0); g >= 0 && g + 1 < times.length; g = gaps.nextSetBit(g + 1)) {
            int[] last = runs.isEmpty() ? null : runs.getLast();
            // Decoding on through a short stretch is cheaper than seeking back to a key frame.
            if (last != null && times[g] - times[last[1] + 1] < MERGE_SEC) last[1] = g;
            else runs.add(new int[] {g, g});
        }
        Map<Integer, ChangePeak> out = new TreeMap<>();
        if (runs.isEmpty()) return out;
        try (Opened opened = open(source)) {
            boolean exact = true;
            for (int i = 0; i < runs.size() && exact; i++) {
                exact = refineFromKeyFrame(opened.input, runs.get(i)[0], runs.get(i)[1], times, digests, gaps, out);
            }
            if (exact) {
                out.keySet().retainAll(gaps.stream().boxed().toList());
                return out;
            }
        }
        out.clear();
        LOG.log(System.Logger.Level.WARNING, "{0}: a stretch did not decode the same after seeking; decoding from the start",
                source.name());
        try (Opened opened = open(source)) { // from the start, as the pass itself decoded: exact by construction
            refine(opened.input, runs.getFirst()[0], runs.getLast()[1], times, null, gaps, out);
        }
        out.keySet().retainAll(gaps.stream().boxed().toList());
        return out;
    }

    private enum Refined { EXACT, LATE, DIFFERENT }

    /** Whether a frame at {@code t} must be decoded in a stretch: near one of its sampled frames, or in a wanted gap. */
    private static boolean mustDecode(double t, int g0, int g1, double[] times, BitSet wanted) {
        int k = Arrays.binarySearch(times, g0, g1 + 2, t);
        if (k >= 0) return true;
        int after = -k - 1; // first sampled frame later than t
        if (after > g0 && t - times[after - 1] <= DECODE_MARGIN_SEC) return true;
        if (after <= g1 + 1 && times[after] - t <= DECODE_MARGIN_SEC) return true;
        // in gap (after - 1): between sampled frames after - 1 and after
        return after > g0 && after <= g1 + 1 && wanted.get(after - 1);
    }

    /** Seeks further back each time the seek lands after the stretch's first sampled frame. */
    private boolean refineFromKeyFrame(FfmpegInput input, int g0, int g1, double[] times, int[] digests, BitSet wanted,
                                       Map<Integer, ChangePeak> out) {
        for (double back : SEEK_BACK_SEC) {
            double target = Math.max(0, times[g0] - back);
            if (av_seek_frame(input.format(), input.streamIndex(), input.toPts(target), AVSEEK_FLAG_BACKWARD) < 0) return false;
            avcodec_flush_buffers(input.codec());
            Refined r = refine(input, g0, g1, times, digests, wanted, out);
            LOG.log(System.Logger.Level.DEBUG, "{0}: gaps {1}..{2} from {3} s before: {4}", input.info().name(), g0, g1, back, r);
            if (r != Refined.LATE) return r == Refined.EXACT;
            if (target == 0) return false;
        }
        return false;
    }

    /**
     * Decodes every frame from the current position through sampled frame {@code g1 + 1}, putting
     * into {@code out} the peak frame change of each gap {@code g0..g1} as {@link #deliver} computes
     * it (exact for the {@code wanted} gaps: elsewhere, the lead-in from the key frame included,
     * non-reference frames are dropped as in the pass). With {@code digests}, checks that each
     * sampled frame from {@code g0} on is the pass's.
     */
    private Refined refine(FfmpegInput input, int g0, int g1, double[] times, int[] digests, BitSet wanted,
                           Map<Integer, ChangePeak> out) {
        AVCodecContext ctx = input.codec();
        Refined[] result = {Refined.DIFFERENT}; // the stream ended first
        try (FrameState state = new FrameState(input.info())) {
            boolean skip = digests != null; // decoding from the start (no digests to check against) decodes every frame
            PacketFilter filter = pkt -> {
                long pts = pkt.pts();
                int discard = !skip || pts == AV_NOPTS_VALUE || mustDecode(input.seconds(pts), g0, g1, times, wanted)
                        ? AVDISCARD_DEFAULT : AVDISCARD_NONREF;
                if (discard != ctx.skip_frame()) ctx.skip_frame(discard);
                if (discard == AVDISCARD_NONREF) state.mayBeSkipped.add(pts);
                return true;
            };
            int[] gap = {g0 - 1}; // -1 before the first sampled frame (the anchor) is seen
            decodeFrames(input, filter, frame -> {
                double t = frameTime(input, frame, state.lastTime);
                state.lastTime = Math.max(state.lastTime, t);
                state.passed(frame.best_effort_timestamp());
                float change = state.signature(frame);
                if (t >= endSec) return true;
                if (state.skippedInGap && gap[0] >= g0 && wanted.get(gap[0])) {
                    return true; // a frame of a wanted gap was dropped after all (its packet's pts lied): DIFFERENT
                }
                int next = gap[0] + 1; // the sampled frame this one leads up to
                if (gap[0] < g0 && t < times[g0]) return false; // before the anchor: only its signature counts
                if (gap[0] >= g0) {
                    if (change > state.peakChange || state.peakTime < 0) {
                        state.peakChange = change;
                        state.peakTime = t;
                    }
                }
                if (t < times[next]) return false;
                if (t != times[next] || digests != null && state.digest(frame) != digests[next]) {
                    // At the anchor, a seek landed late or on a key frame the stretch does not decode the
                    // same from (open GOP): seeking further back may help. Later, nothing will.
                    result[0] = gap[0] < g0 ? Refined.LATE : Refined.DIFFERENT;
                    return true;
                }
                if (gap[0] >= g0) out.put(gap[0], new ChangePeak(state.peakTime, state.peakChange));
                state.skippedInGap = false;
                state.peakChange = 0;
                state.peakTime = -1;
                gap[0] = next;
                if (gap[0] > g1) {
                    result[0] = Refined.EXACT;
                    return true;
                }
                return false;
            });
        }
        return result[0];
    }


    /** Per-pass state: the sampling decision, luma signatures, the RGB converter. */
    private final class FrameState implements AutoCloseable {
        final SamplingStrategy.Decision decision = strategy.start();
        final VideoInfo info;
        long decoded;
        int sampled;
        int decodeErrors;
        double lastTime;
        float peakChange;
        double peakTime = -1;
        private float[] prevSig;
        private float[] curSig = new float[GRID * GRID];
        private float[] keptSig;
        private byte[] row = new byte[0];
        /** Pts of packets sent while non-reference frames were dropped, not yet seen as a frame. */
        final PriorityQueue<Long> mayBeSkipped = new PriorityQueue<>();
        /** Gaps (between sampled frames g and g+1) with a frame the decoder dropped: their change signal is not every frame's. */
        final BitSet skippedGaps = new BitSet();
        boolean skippedInGap;
        private double[] sampleTimes = new double[64];
        private int[] sampleDigests = new int[64];
        private SwsContext sws;
        private BytePointer rgb;
        private int rgbCapacity;

        FrameState(VideoInfo info) {
            this.info = info;
        }

        /**
         * A coarse 16x16 grid of luma means from 16 rows of the first plane, and its mean absolute
         * difference to the previous frame's grid (0..1). Cheap: 16 row copies per frame.
         */
        float signature(AVFrame f) {
            int w = f.width(), h = f.height();
            AVPixFmtDescriptor desc = av_pix_fmt_desc_get(f.format());
            int step = desc == null ? 1 : Math.max(1, desc.comp(0).step());
            int bytesPerSample = desc != null && desc.comp(0).depth() > 8 ? 2 : 1;
            int rowBytes = Math.min(Math.abs(f.linesize(0)), w * step);
            if (row.length < rowBytes) row = new byte[rowBytes];
            BytePointer plane = f.data(0);
            float max = bytesPerSample == 2 ? (1 << desc.comp(0).depth()) - 1 : 255f;
            for (int gy = 0; gy < GRID; gy++) {
                int y = Math.min(h - 1, (int) ((gy + 0.5) * h / GRID));
                plane.position((long) y * f.linesize(0)).get(row, 0, rowBytes);
                int samples = rowBytes / step;
                for (int gx = 0; gx < GRID; gx++) {
                    int x0 = gx * samples / GRID, x1 = Math.max(x0 + 1, (gx + 1) * samples / GRID);
                    long sum = 0;
                    for (int x = x0; x < x1; x++) {
                        int o = x * step;
                        sum += bytesPerSample == 2 ? ((row[o] & 0xff) | (row[o + 1] & 0xff) << 8) : row[o] & 0xff;
                    }
                    curSig[gy * GRID + gx] = sum / (float) (x1 - x0) / max;
                }
            }
            plane.position(0);
            float change = prevSig == null ? 0 : meanAbsDiff(prevSig, curSig);
            float[] t = prevSig == null ? new float[GRID * GRID] : prevSig;
            prevSig = curSig;
            curSig = t;
            return change;
        }

        /**
         * A frame with timestamp {@code ts} came out (frames come in presentation order): a packet
         * sent before it with an earlier pts that never became a frame was dropped by the decoder.
         */
        void passed(long ts) {
            while (!mayBeSkipped.isEmpty() && (ts == AV_NOPTS_VALUE || mayBeSkipped.peek() <= ts)) {
                if (mayBeSkipped.poll() != ts) skippedInGap = true;
            }
        }

        /** A CRC-32C of the frame's luma plane (visible width, every row). */
        int digest(AVFrame f) {
            AVPixFmtDescriptor desc = av_pix_fmt_desc_get(f.format());
            int bytes = desc != null && desc.comp(0).depth() > 8 ? 2 : 1;
            int step = desc == null ? bytes : Math.max(bytes, desc.comp(0).step());
            int rowBytes = Math.min(Math.abs(f.linesize(0)), f.width() * step);
            if (row.length < rowBytes) row = new byte[rowBytes];
            BytePointer plane = f.data(0);
            CRC32C crc = new CRC32C();
            for (int y = 0; y < f.height(); y++) {
                plane.position((long) y * f.linesize(0)).get(row, 0, rowBytes);
                crc.update(row, 0, rowBytes);
            }
            plane.position(0);
            return (int) crc.getValue();
        }

        void recordSample(double t, int digest) {
            if (sampled == sampleTimes.length) {
                sampleTimes = Arrays.copyOf(sampleTimes, sampled * 2);
                sampleDigests = Arrays.copyOf(sampleDigests, sampled * 2);
            }
            sampleTimes[sampled] = t;
            sampleDigests[sampled] = digest;
        }

        /** What the pass gave; a pass without a single decodable frame is a truncated input. */
        SamplingSummary summary() {
            if (decoded == 0) {
                throw LongVqaException.badInput(ErrorCode.TRUNCATED, info.name() + " contains no decodable video frame"
                        + (decodeErrors > 0 ? " (" + decodeErrors + " damaged packets)" : ""));
            }
            return new SamplingSummary(info, decoded, sampled, lastTime, decodeErrors,
                    Arrays.copyOf(sampleTimes, sampled), Arrays.copyOf(sampleDigests, sampled), skippedGaps);
        }

        /** A copy of the last frame's signature (the one {@link #signature} computed). */
        float[] lastSignature() {
            return prevSig.clone();
        }

        /** Takes a signature computed elsewhere as the current frame's; returns its change from the previous one. */
        float adopt(float[] sig) {
            float change = prevSig == null ? 0 : meanAbsDiff(prevSig, sig);
            prevSig = sig;
            return change;
        }

        float changeFromKept() {
            return keptSig == null ? 1f : meanAbsDiff(keptSig, prevSig);
        }

        void keep() {
            if (keptSig == null) keptSig = new float[GRID * GRID];
            System.arraycopy(prevSig, 0, keptSig, 0, keptSig.length);
        }

        RgbImage toRgb(AVFrame f) {
            int w = f.width(), h = f.height();
            int dispW = info.rotationDeg() % 180 == 0 ? info.displayWidth() : info.displayHeight();
            double scale = Math.min(1.0, maxSide / (double) Math.max(dispW, h));
            int ow = Math.max(1, (int) Math.round(dispW * scale));
            int oh = Math.max(1, (int) Math.round(h * scale));
            sws = sws_getCachedContext(sws, w, h, f.format(), ow, oh, AV_PIX_FMT_RGB24, SWS_AREA, null, null, (DoublePointer) null);
            if (sws == null) throw new LongVqaException(ErrorCode.INTERNAL, "cannot convert pixel format " + f.format());
            int need = ow * oh * 3;
            if (rgbCapacity < need) {
                if (rgb != null) rgb.close();
                rgb = new BytePointer(need + 64L);
                rgbCapacity = need;
            }
            // sws_scale reads four plane pointers and strides whatever the format: pass four.
            try (PointerPointer<BytePointer> dst = new PointerPointer<BytePointer>(4);
                 IntPointer dstStride = new IntPointer(4)) {
                dst.put(0, rgb);
                dstStride.put(0, ow * 3);
                sws_scale(sws, f.data(), f.linesize(), 0, h, dst, dstStride);
            }
            byte[] pixels = new byte[need];
            rgb.position(0).get(pixels, 0, need);
            RgbImage img = new RgbImage(ow, oh, pixels);
            return info.rotationDeg() == 0 ? img : Images.rotate(img, info.rotationDeg());
        }

        @Override
        public void close() {
            if (sws != null) sws_freeContext(sws);
            if (rgb != null) rgb.close();
        }
    }

    static float meanAbsDiff(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
        return s / a.length;
    }

    public static final class Builder {
        private SamplingStrategy strategy = SamplingStrategy.uniform(1.0);
        private int maxSide = 224;
        private VideoLimits limits = VideoLimits.DEFAULT;
        private double startSec = 0;
        private double endSec = Double.POSITIVE_INFINITY;
        private ProgressListener progress;
        private Path spoolDir = Path.of(System.getProperty("java.io.tmpdir"));
        // Off by default: see skipUnsampled(). -Dlongvqa.decode.skipUnsampled=true turns it on for
        // a whole process (the decode benchmark's fast row).
        private boolean skipUnsampled = Boolean.getBoolean("longvqa.decode.skipUnsampled");
        private BooleanSupplier skipWhile = () -> true;
        // One more decoder than cores, as FFmpeg's automatic thread count (cores + 1): a core never
        // idles while a range's decoder waits for its turn to be merged, and on a shared machine the
        // process is not outweighed by others' threads (2 vs 3 workers, 10-min H.264 at load 15 on
        // 2 cores: the same CPU time, wall 17.5-31.6 vs 17.0-18.0 s).
        // -Dlongvqa.decode.workers=1 decodes in one pass with the decoder's own threads (the
        // benchmark's "before" row).
        private int workers = Integer.getInteger("longvqa.decode.workers", Runtime.getRuntime().availableProcessors() + 1);
        // With MIN_RANGES: videos of 80 s and more are decoded in ranges. 20 s, not the 60 s chosen
        // on a loaded machine: idle, a 2-min H.264 takes 1.25-1.29 s of wall in 20-s ranges vs
        // 1.71-1.79 s in one pass (ffmpeg 1.22-1.26 s), with less CPU; HEVC 2 min and VP9 3 min
        // likewise (docs/BENCH.md). -Dlongvqa.decode.minRangeSec overrides it.
        private double minRangeSec = Double.parseDouble(System.getProperty("longvqa.decode.minRangeSec", "20"));

        public Builder strategy(SamplingStrategy strategy) {
            this.strategy = Objects.requireNonNull(strategy);
            return this;
        }

        public Builder fps(double fps) {
            return strategy(SamplingStrategy.uniform(fps));
        }

        /** Longest side of delivered frames; smaller videos are not upscaled. */
        public Builder maxSide(int pixels) {
            if (pixels < 8) throw new IllegalArgumentException("maxSide too small: " + pixels);
            this.maxSide = pixels;
            return this;
        }

        public Builder limits(VideoLimits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        /** Decode only frames with {@code start <= t < end} (seconds); used to fan decoding out. */
        public Builder range(double startSec, double endSec) {
            if (startSec < 0 || !(endSec > startSec)) throw new IllegalArgumentException("bad range " + startSec + ".." + endSec);
            this.startSec = startSec;
            this.endSec = endSec;
            return this;
        }

        public Builder progress(ProgressListener listener) {
            this.progress = listener;
            return this;
        }

        /** Where one-pass streams that cannot be decoded in order are spooled (Lambda: /tmp). */
        public Builder spoolDir(Path dir) {
            this.spoolDir = Objects.requireNonNull(dir);
            return this;
        }

        /**
         * Whether non-reference frames that no sample can use are dropped before decoding (default
         * off). Delivered frames and their times are bit-identical either way, and H.264/HEVC
         * decode in about half the time (x264/x265 streams: ~40% of frames are non-reference
         * B-frames). But the frame change signal ({@link SampledFrame#changeScore}, the cut gate
         * and cut times) then compares consecutive <em>decoded</em> frames: measured on the cut
         * benchmark, one of 150 cuts was lost and HEVC cut times moved by a frame. So only
         * consumers that do not use that signal should turn it on, or those that re-decode where
         * they read it with {@link FrameSampler#exactChanges} (the scene detector does).
         */
        public Builder skipUnsampled(boolean on) {
            this.skipUnsampled = on;
            return this;
        }

        /**
         * With {@link #skipUnsampled}: frames are dropped only while {@code allowed} answers true
         * (asked per packet, a few frames ahead of delivery), e.g. while no cut is near.
         */
        public Builder skipUnsampledWhile(BooleanSupplier allowed) {
            this.skipWhile = Objects.requireNonNull(allowed);
            return this;
        }

        /**
         * Decode a file in up to {@code workers} key-frame-aligned time ranges at once, each range by
         * its own single-threaded decoder, the frames merged in order (default: cores + 1 workers;
         * 1: one pass, the decoder's own frame and slice threads). Delivered frames, times and change
         * signal are exactly those of one pass; it applies only to files sampled on a uniform clock
         * whose codec has clean random access points (H.264 IDR, HEVC IRAP, VP8/VP9 key frames), of at
         * least four ranges of {@code minRangeSec} (default 20 s); everything else is decoded in one pass. Why: on two
         * cores, frame threading spends a quarter more CPU than one thread (synchronisation), and
         * independent decoders have nothing to wait for.
         */
        public Builder parallelRanges(int workers, double minRangeSec) {
            if (workers < 1 || !(minRangeSec > 0)) throw new IllegalArgumentException("need workers >= 1 and minRangeSec > 0");
            this.workers = workers;
            this.minRangeSec = minRangeSec;
            return this;
        }

        public FrameSampler build() {
            return new FrameSampler(this);
        }
    }

    /**
     * Loads FFmpeg's natives now (this class's initialisation), so that a command line can do it on
     * another thread while it parses its arguments; a later use waits for it (class initialisation is
     * locked) and a failure is reported where the sampler is used, as without the preload.
     */
    public static void loadNatives() {
        // Empty: calling it initialises the class, whose static block does the loading.
    }

    static {
        // Fail at class load with a clear message if the natives are missing for this platform.
        FfmpegNatives.load();
    }
}
