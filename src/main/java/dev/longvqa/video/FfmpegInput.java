package dev.longvqa.video;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * One opened input: the demuxer, the chosen video stream and its decoder. Classifies every way an
 * input can be wrong into an {@link ErrorCode} before any frame is decoded.
 *
 * <p>Not thread-safe; one pass at a time. Always close it: it owns native memory.
 */
final class FfmpegInput implements AutoCloseable {
    static {
        av_log_set_level(AV_LOG_PANIC); // FFmpeg's own chatter would interleave with our output
    }

    // Constants the presets do not map (values from libavformat/libavcodec headers).
    private static final int FLAG_CUSTOM_IO = 0x0080;
    private static final int THREAD_FRAME = 1;
    private static final int THREAD_SLICE = 2;

    /** Formats FFmpeg opens that are still pictures, not videos. */
    private static boolean isImageFormat(String container) {
        return container.equals("image2") || container.endsWith("_pipe") || container.equals("apng")
                || container.equals("webp") || container.equals("ico");
    }

    private final String name;
    private final AVFormatContext fmt;
    private final AVIOContext customIo;
    private final Read_packet_Pointer_BytePointer_int readCallback;
    private final int streamIndex;
    private final AVStream stream;
    private final AVCodecContext codec;
    private final VideoInfo info;
    private final double timeBase;
    private final long startPts;

    private FfmpegInput(String name, AVFormatContext fmt, AVIOContext customIo,
                        Read_packet_Pointer_BytePointer_int readCallback, int streamIndex,
                        AVCodecContext codec, VideoInfo info) {
        this.name = name;
        this.fmt = fmt;
        this.customIo = customIo;
        this.readCallback = readCallback;
        this.streamIndex = streamIndex;
        this.stream = fmt.streams(streamIndex);
        this.codec = codec;
        this.info = info;
        AVRational tb = stream.time_base();
        this.timeBase = tb.num() / (double) tb.den();
        long st = stream.start_time();
        this.startPts = st == AV_NOPTS_VALUE ? 0 : st;
    }

    VideoInfo info() {
        return info;
    }

    /** Where the video stream's packets read so far end (presentation time plus duration), in seconds; NaN before any. */
    private double readUpToSec = Double.NaN;

    /** Notes a packet of the video stream as read, sent to the decoder or not. */
    void noteRead(AVPacket pkt) {
        long ts = pkt.pts() != AV_NOPTS_VALUE ? pkt.pts() : pkt.dts();
        if (ts == AV_NOPTS_VALUE) return;
        double end = seconds(ts + Math.max(0, pkt.duration()));
        if (!(end <= readUpToSec)) readUpToSec = end; // NaN at first
    }

    /**
     * After reading to the end of the file: throws TRUNCATED where the video stream stops well short
     * of the length its container's sample index states. An MP4/MOV with its index in front
     * ("faststart") that was cut off still opens and decodes the frames it holds; without this it
     * would pass for the whole video. Only the MOV family is held to it: there the index lists every
     * sample, while other containers state a length in a header (or estimate one) that a complete
     * file may not reach exactly.
     */
    void requireReadToIndexedEnd() {
        if (!info.container().startsWith("mov") || stream.duration() == AV_NOPTS_VALUE || stream.duration() <= 0 || Double.isNaN(readUpToSec)) {
            return; // nothing read at all is reported by the decode ("no decodable video frame")
        }
        double declared = stream.duration() * timeBase;
        if (readUpToSec < declared - Math.max(TRUNCATION_SLACK_SEC, declared * TRUNCATION_SLACK_SHARE)) {
            throw LongVqaException.badInput(ErrorCode.TRUNCATED, String.format(Locale.ROOT,
                    "%s ends at %.1f s of the %.1f s its index declares: the file is probably truncated", name, readUpToSec, declared));
        }
    }

    /** How far short of the indexed length the data may end before it counts as cut off (edit lists, rounding). */
    static final double TRUNCATION_SLACK_SEC = 1.0, TRUNCATION_SLACK_SHARE = 0.02;

    AVFormatContext format() {
        return fmt;
    }

    AVCodecContext codec() {
        return codec;
    }

    int streamIndex() {
        return streamIndex;
    }

    /** Seconds since the stream's start for a timestamp in stream time base. */
    double seconds(long pts) {
        return (pts - startPts) * timeBase;
    }

    long toPts(double seconds) {
        return startPts + Math.round(seconds / timeBase);
    }

    /**
     * Opens a file path or URL. {@code sizeBytes} is what the caller knows of the size (-1 if not).
     */
    static FfmpegInput open(String url, String name, long sizeBytes, byte[] head, VideoLimits limits, boolean keyFramesOnly) {
        return open(url, name, sizeBytes, head, limits, keyFramesOnly, 0);
    }

    /** As above with a decoder of {@code threads} threads (0: as many as cores). */
    static FfmpegInput open(String url, String name, long sizeBytes, byte[] head, VideoLimits limits, boolean keyFramesOnly,
                            int threads) {
        AVFormatContext fmt = avformat_alloc_context();
        return openWith(fmt, url, name, sizeBytes, head, null, null, limits, keyFramesOnly, threads);
    }

    /** Opens a one-pass stream through a custom AVIO context (no seeking). */
    static FfmpegInput open(InputStream in, String name, byte[] head, VideoLimits limits, boolean keyFramesOnly) {
        int bufSize = 1 << 16;
        Read_packet_Pointer_BytePointer_int read = new Read_packet_Pointer_BytePointer_int() {
            private final byte[] buf = new byte[bufSize];

            @Override
            public int call(Pointer opaque, BytePointer dst, int size) {
                try {
                    int n = in.read(buf, 0, Math.min(size, buf.length));
                    if (n <= 0) return AVERROR_EOF;
                    dst.put(buf, 0, n);
                    return n;
                } catch (IOException e) {
                    return AVERROR_EOF;
                }
            }
        };
        BytePointer ioBuf = new BytePointer(av_malloc(bufSize));
        AVIOContext io = avio_alloc_context(ioBuf, bufSize, 0, null, read, null, null);
        AVFormatContext fmt = avformat_alloc_context();
        fmt.pb(io);
        fmt.flags(fmt.flags() | FLAG_CUSTOM_IO);
        return openWith(fmt, null, name, -1, head, io, read, limits, keyFramesOnly, 0);
    }

    private static FfmpegInput openWith(AVFormatContext fmt, String url, String name, long sizeBytes, byte[] head,
                                        AVIOContext io, Read_packet_Pointer_BytePointer_int read,
                                        VideoLimits limits, boolean keyFramesOnly, int threads) {
        AVCodecContext ctx = null;
        boolean opened = false;
        try {
            int r = url == null
                    ? avformat_open_input(fmt, (String) null, null, (AVDictionary) null)
                    : avformat_open_input(fmt, url, null, (AVDictionary) null);
            if (r < 0) {
                fmt.close(); // avformat_open_input frees the context on failure; drop our handle
                throw unreadable(name, head, "FFmpeg cannot open it: " + errorText(r));
            }
            opened = true;
            r = avformat_find_stream_info(fmt, (PointerPointer<?>) null);
            if (r < 0) throw unreadable(name, head, "FFmpeg cannot read its streams: " + errorText(r));
            String container = fmt.iformat().name().getString();
            if (isImageFormat(container)) {
                throw LongVqaException.badInput(ErrorCode.NOT_A_VIDEO, name + " is a still image (" + container + "), not a video");
            }
            int vs = -1;
            boolean hasAudio = false;
            for (int i = 0; i < fmt.nb_streams(); i++) {
                AVStream s = fmt.streams(i);
                int type = s.codecpar().codec_type();
                if (type == AVMEDIA_TYPE_AUDIO) hasAudio = true;
                boolean coverArt = (s.disposition() & AV_DISPOSITION_ATTACHED_PIC) != 0;
                if (type == AVMEDIA_TYPE_VIDEO && !coverArt && vs < 0) vs = i;
            }
            if (vs < 0) {
                throw LongVqaException.badInput(ErrorCode.NO_VIDEO_STREAM,
                        name + " has no video stream" + (hasAudio ? " (audio only)" : ""));
            }
            int best = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, (PointerPointer<?>) null, 0);
            if (best >= 0 && (fmt.streams(best).disposition() & AV_DISPOSITION_ATTACHED_PIC) == 0) vs = best;
            AVStream stream = fmt.streams(vs);
            AVCodecParameters par = stream.codecpar();
            int w = par.width(), h = par.height();
            if (w <= 0 || h <= 0) throw unreadable(name, head, "its video stream declares no picture size");
            if ((long) w * h > limits.maxPixels()) {
                throw LongVqaException.badInput(ErrorCode.TOO_LARGE, name + " declares " + w + "x" + h
                        + " pixels per frame, over the limit of " + limits.maxPixels());
            }
            AVCodec decoder = avcodec_find_decoder(par.codec_id());
            if (decoder == null) {
                throw LongVqaException.badInput(ErrorCode.NOT_A_VIDEO, name + " uses a video codec this build cannot decode ("
                        + avcodec_get_name(par.codec_id()).getString() + ")");
            }
            double duration = durationSec(fmt, stream);
            if (duration > limits.maxDurationSec()) {
                throw LongVqaException.badInput(ErrorCode.TOO_LONG, String.format(Locale.ROOT,
                        "%s lasts %.0f s, over the limit of %.0f s", name, duration, limits.maxDurationSec()));
            }
            ctx = avcodec_alloc_context3(decoder);
            if (avcodec_parameters_to_context(ctx, par) < 0) throw new LongVqaException(ErrorCode.INTERNAL, "cannot configure the decoder");
            ctx.thread_count(threads); // 0: auto, as many threads as cores, like the ffmpeg CLI
            ctx.thread_type(THREAD_FRAME | THREAD_SLICE);
            ctx.pkt_timebase(stream.time_base());
            if (keyFramesOnly) ctx.skip_frame(AVDISCARD_NONKEY);
            r = avcodec_open2(ctx, decoder, (AVDictionary) null);
            if (r < 0) throw unreadable(name, head, "its decoder cannot start: " + errorText(r));

            int rotation = rotationOf(par);
            AVRational sar = par.sample_aspect_ratio();
            int dispW = w;
            if (sar.num() > 0 && sar.den() > 0 && sar.num() != sar.den()) {
                dispW = (int) Math.max(1, Math.round(w * (double) sar.num() / sar.den()));
            }
            boolean swap = rotation == 90 || rotation == 270;
            AVRational fr = stream.avg_frame_rate().num() > 0 ? stream.avg_frame_rate() : stream.r_frame_rate();
            double fps = fr.den() > 0 && fr.num() > 0 ? fr.num() / (double) fr.den() : Double.NaN;
            VideoInfo info = new VideoInfo(name, container, avcodec_get_name(par.codec_id()).getString(), w, h,
                    swap ? h : dispW, swap ? dispW : h, rotation, duration, fps, hasAudio, sizeBytes);
            FfmpegInput input = new FfmpegInput(name, fmt, io, read, vs, ctx, info);
            ctx = null;
            return input;
        } catch (RuntimeException e) {
            if (ctx != null) avcodec_free_context(ctx);
            if (opened) avformat_close_input(fmt);
            if (io != null) {
                av_free(io.buffer());
                avio_context_free(io);
            }
            if (read != null) read.close();
            throw e;
        }
    }

    private static double durationSec(AVFormatContext fmt, AVStream stream) {
        if (stream.duration() != AV_NOPTS_VALUE && stream.duration() > 0) {
            AVRational tb = stream.time_base();
            return stream.duration() * tb.num() / (double) tb.den();
        }
        if (fmt.duration() != AV_NOPTS_VALUE && fmt.duration() > 0) return fmt.duration() / (double) AV_TIME_BASE;
        return Double.NaN;
    }

    /** Clockwise degrees from the display matrix, rounded to a multiple of 90. */
    private static int rotationOf(AVCodecParameters par) {
        AVPacketSideData sd = av_packet_side_data_get(par.coded_side_data(), par.nb_coded_side_data(), AV_PKT_DATA_DISPLAYMATRIX);
        if (sd == null || sd.isNull() || sd.data() == null || sd.size() < 36) return 0;
        double ccw = av_display_rotation_get(new IntPointer(sd.data()));
        if (Double.isNaN(ccw)) return 0;
        int cw = (int) Math.round(-ccw / 90.0) * 90;
        return ((cw % 360) + 360) % 360;
    }

    /** A failed open is TRUNCATED when the bytes start like an MP4/MOV (its index is missing), else NOT_A_VIDEO. */
    private static LongVqaException unreadable(String name, byte[] head, String why) {
        if (ContainerSniffer.looksLikeIsoBmff(head)) {
            return LongVqaException.badInput(ErrorCode.TRUNCATED, name
                    + " looks like an MP4/MOV but cannot be read; it is probably truncated or was never finalised (" + why + ")");
        }
        if (ContainerSniffer.looksLikeMatroska(head)) {
            return LongVqaException.badInput(ErrorCode.TRUNCATED, name + " looks like an MKV/WebM but cannot be read; it is probably truncated (" + why + ")");
        }
        return LongVqaException.badInput(ErrorCode.NOT_A_VIDEO, name + " is not a video FFmpeg can read (" + why + ")");
    }

    static String errorText(int err) {
        byte[] buf = new byte[256];
        av_strerror(err, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) n++;
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Whether decoding may start at this packet and give every later frame (in presentation order)
     * exactly as decoding from the start does: no frame at or after it references one before it.
     * True only where the codec guarantees it: an H.264 IDR picture (it empties the reference
     * buffer), an HEVC IRAP picture (IDR, CRA, BLA: trailing pictures may not reference anything
     * before it; its leading pictures come before it in presentation order), a VP8/VP9 key frame
     * (it refreshes every reference slot). Other codecs, and H.264 I-frames that are not IDR
     * (open GOP), answer false.
     */
    boolean cleanRandomAccess(AVPacket pkt) {
        return keyFrame(pkt, type -> type >= 16 && type <= 21);
    }

    /**
     * Whether no frame after this packet in decoding order references one before it, so the
     * packets before it may go unsent without changing any later frame: a VP8/VP9 key frame, an
     * H.264 IDR, an HEVC IDR. Stricter than {@link #cleanRandomAccess}: an HEVC CRA's leading
     * pictures follow it in decoding order and reference what came before.
     */
    boolean restartsDecoding(AVPacket pkt) {
        return keyFrame(pkt, type -> type == 19 || type == 20);
    }

    /** A key packet of VP8/VP9 (any), H.264 (with an IDR NAL unit) or HEVC (with a NAL unit of one of {@code hevcTypes}). */
    private boolean keyFrame(AVPacket pkt, java.util.function.IntPredicate hevcTypes) {
        if ((pkt.flags() & AV_PKT_FLAG_KEY) == 0 || pkt.size() <= 0) return false;
        int id = codec.codec_id();
        if (id == AV_CODEC_ID_VP9 || id == AV_CODEC_ID_VP8) return true;
        if (id != AV_CODEC_ID_H264 && id != AV_CODEC_ID_HEVC) return false;
        boolean hevc = id == AV_CODEC_ID_HEVC;
        for (int type : nalTypes(pkt, hevc)) {
            if (hevc ? hevcTypes.test(type) : type == 5) return true;
        }
        return false;
    }

    private java.util.List<Integer> nalTypes(AVPacket pkt, boolean hevc) {
        byte[] data = new byte[pkt.size()];
        pkt.data().position(0).get(data);
        int lengthSize = nalLengthSize(hevc);
        return lengthSize > 0 ? lengthPrefixedNalTypes(data, lengthSize, hevc) : annexBNalTypes(data, hevc);
    }

    /** NAL length field size of avcC/hvcC extradata (MP4, MKV), 0 for Annex B start codes. */
    private int nalLengthSize(boolean hevc) {
        int n = codec.extradata_size();
        if (n <= 0 || codec.extradata() == null) return 0;
        byte[] ex = new byte[n];
        codec.extradata().position(0).get(ex);
        if (!hevc && n >= 5 && ex[0] == 1) return (ex[4] & 3) + 1;
        if (hevc && n >= 23 && ex[0] == 1) return (ex[21] & 3) + 1;
        return 0;
    }

    private static java.util.List<Integer> lengthPrefixedNalTypes(byte[] d, int lengthSize, boolean hevc) {
        java.util.List<Integer> types = new java.util.ArrayList<>();
        int i = 0;
        while (i + lengthSize < d.length) {
            long len = 0;
            for (int k = 0; k < lengthSize; k++) len = len << 8 | (d[i + k] & 0xff);
            i += lengthSize;
            if (len <= 0 || i + len > d.length) break;
            types.add(nalType(d[i], hevc));
            i += (int) len;
        }
        return types;
    }

    private static java.util.List<Integer> annexBNalTypes(byte[] d, boolean hevc) {
        java.util.List<Integer> types = new java.util.ArrayList<>();
        for (int i = 0; i + 3 < d.length; i++) {
            if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1) {
                types.add(nalType(d[i + 3], hevc));
                i += 2;
            }
        }
        return types;
    }

    private static int nalType(byte header, boolean hevc) {
        return hevc ? (header >> 1) & 0x3f : header & 0x1f;
    }

    AVPacket newPacket() {
        return av_packet_alloc();
    }

    AVFrame newFrame() {
        return av_frame_alloc();
    }

    @Override
    public void close() {
        AVCodecContext c = codec;
        avcodec_free_context(c);
        AVFormatContext f = fmt;
        avformat_close_input(f);
        if (customIo != null) {
            av_free(customIo.buffer());
            avio_context_free(customIo);
        }
        if (readCallback != null) readCallback.close();
    }

    @Override
    public String toString() {
        return "FfmpegInput[" + name + "]";
    }
}
