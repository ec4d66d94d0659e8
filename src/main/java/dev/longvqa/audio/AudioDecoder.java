package dev.longvqa.audio;

import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.Buffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;

/**
 * Decodes the sound of a video to 16 kHz mono (FFmpeg's resampler, through JavaCV's grabber: any
 * container and codec FFmpeg reads), streamed to an {@link AudioTrack} spool file with bounded
 * memory. Video packets are demuxed and dropped undecoded, so this pass costs a fraction of the
 * picture decode.
 *
 * <p>Alignment: sample 0 is the video stream's first timestamp (the time base of
 * {@code SampledFrame.timeSec()}); an audio stream that starts later is preceded by silence, one
 * that starts earlier loses its head. Channels are down-mixed by FFmpeg (the reference reads the
 * left channel of a separate WAV; for speech and most mixes the difference is small).
 *
 * <p>Never throws for bad audio: every failure becomes {@link AudioResult.Skipped}.
 */
public final class AudioDecoder {
    private static final System.Logger LOG = System.getLogger(AudioDecoder.class.getName());

    private final double maxSeconds;

    /** @param maxSeconds audio past this is not decoded (the video's limit, say) */
    public AudioDecoder(double maxSeconds) {
        if (!(maxSeconds > 0)) throw new IllegalArgumentException("maxSeconds must be positive");
        this.maxSeconds = maxSeconds;
    }

    public AudioDecoder() {
        this(6 * 3600);
    }

    public AudioResult decode(Path video) {
        return decode(video.toString());
    }

    /**
     * A file path or an http(s) URL (e.g. an S3 presigned GET, which FFmpeg reads with ranged
     * requests): what the GPU worker would call for a job's video.
     */
    public AudioResult decode(String video) {
        Path spool = null;
        try {
            FFmpegFrameGrabber.tryLoad();
        } catch (FFmpegFrameGrabber.Exception e) {
            return new AudioResult.Skipped("FFmpeg is not loadable here: " + e.getMessage());
        }
        // JavaCV raises FFmpeg's log level when it loads; its per-packet chatter about a corrupt
        // stream would flood the console (the warning in the result says what matters)
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_PANIC);
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video)) {
            g.setSampleFormat(AV_SAMPLE_FMT_S16);
            g.setSampleMode(FFmpegFrameGrabber.SampleMode.SHORT);
            // no pixel format, and rate/channels only after start: set before, the grabber also
            // hands them to the demuxer as options, which rejects them with a line on stderr
            g.setPixelFormat(-1);
            Probe probe;
            try {
                g.start(false);
                // the resampler reads these per frame: 16 kHz mono whatever the stream has
                g.setSampleRate(AudioTrack.SAMPLE_RATE);
                g.setAudioChannels(1);
                probe = probe(g.getFormatContext());
            } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
                // the grabber refuses the whole file when the audio decoder is missing; the video
                // path opens it on its own and decides whether the picture is good
                String codec = probeCodecQuietly(video);
                if (codec == null) return new AudioResult.NoAudio();
                return new AudioResult.Skipped("cannot decode the " + codec + " audio stream (" + e.getMessage() + ")");
            }
            if (probe.audioIndex < 0) return new AudioResult.NoAudio();
            if (g.getAudioChannels() <= 0 || g.getSampleRate() <= 0) {
                return new AudioResult.Skipped("the " + probe.codec + " audio stream declares no channels or sample rate");
            }
            spool = Files.createTempFile("longvqa-audio", ".s16");
            long maxSamples = (long) (maxSeconds * AudioTrack.SAMPLE_RATE);
            long written = 0;
            double sumSq = 0;
            // a positive offset is silence to prepend; a negative one, samples to drop
            long skip = Math.round(-probe.offsetSec * AudioTrack.SAMPLE_RATE);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16)) {
                byte[] buf = new byte[8192];
                if (skip < 0) {
                    long pad = Math.min(-skip, maxSamples);
                    for (long i = 0; i < pad; i++) {
                        out.write(0);
                        out.write(0);
                    }
                    written = pad;
                    skip = 0;
                }
                Frame f;
                while (written < maxSamples && (f = grab(g)) != null) {
                    if (f.samples == null || f.samples.length == 0) continue;
                    Buffer b = f.samples[0];
                    if (!(b instanceof ShortBuffer sb)) {
                        return skipped(spool, "unexpected sample buffer " + b.getClass().getSimpleName());
                    }
                    sb.rewind();
                    while (sb.hasRemaining() && written < maxSamples) {
                        int n = 0;
                        while (n < buf.length && sb.hasRemaining() && written < maxSamples) {
                            short s = sb.get();
                            if (skip > 0) {
                                skip--;
                                continue;
                            }
                            buf[n++] = (byte) s;
                            buf[n++] = (byte) (s >> 8);
                            double v = s / 32768.0;
                            sumSq += v * v;
                            written++;
                        }
                        out.write(buf, 0, n);
                    }
                }
            }
            if (written == 0) return skipped(spool, "the " + probe.codec + " audio stream has no decodable samples");
            AudioTrack track = new AudioTrack(spool, written, Math.sqrt(sumSq / written));
            return new AudioResult.Decoded(track, probe.codec);
        } catch (CorruptAudio e) {
            return skipped(spool, e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "audio decode failed", e);
            return skipped(spool, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static AudioResult skipped(Path spool, String why) {
        if (spool != null) {
            try {
                Files.deleteIfExists(spool);
            } catch (IOException ignored) {
                // temp file; harmless
            }
        }
        return new AudioResult.Skipped(why);
    }

    /** The grabber's frame, with its checked exception turned into ours. */
    private static Frame grab(FFmpegFrameGrabber g) {
        try {
            return g.grabSamples();
        } catch (FFmpegFrameGrabber.Exception e) {
            throw new CorruptAudio("corrupt audio data: " + e.getMessage());
        }
    }

    private static final class CorruptAudio extends RuntimeException {
        CorruptAudio(String message) {
            super(message);
        }
    }

    private record Probe(int audioIndex, String codec, double offsetSec) {}

    /** The audio stream the grabber chose and its start relative to the video stream's. */
    private static Probe probe(AVFormatContext fmt) {
        int audio = -1, video = -1;
        for (int i = 0; i < fmt.nb_streams(); i++) {
            int type = fmt.streams(i).codecpar().codec_type();
            if (type == AVMEDIA_TYPE_AUDIO && audio < 0) audio = i;
            if (type == AVMEDIA_TYPE_VIDEO && video < 0) video = i;
        }
        if (audio < 0) return new Probe(-1, null, 0);
        AVStream a = fmt.streams(audio);
        String codec = avcodec_get_name(a.codecpar().codec_id()).getString();
        double offset = video < 0 ? 0 : startSec(a) - startSec(fmt.streams(video));
        return new Probe(audio, codec, offset);
    }

    private static double startSec(AVStream s) {
        long st = s.start_time();
        if (st == AV_NOPTS_VALUE) return 0;
        AVRational tb = s.time_base();
        return st * tb.num() / (double) tb.den();
    }

    /** The audio codec's name when the file has an audio stream, else null; never throws. */
    private static String probeCodecQuietly(String video) {
        AVFormatContext fmt = org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context();
        try {
            if (org.bytedeco.ffmpeg.global.avformat.avformat_open_input(fmt, video, null, null) < 0) return null;
            try {
                org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info(fmt, (org.bytedeco.javacpp.PointerPointer<?>) null);
                for (int i = 0; i < fmt.nb_streams(); i++) {
                    var par = fmt.streams(i).codecpar();
                    if (par.codec_type() == AVMEDIA_TYPE_AUDIO) {
                        String name = avcodec_get_name(par.codec_id()).getString();
                        return avcodec_find_decoder(par.codec_id()) == null ? name + " (no decoder in this FFmpeg build)" : name;
                    }
                }
                return null;
            } finally {
                org.bytedeco.ffmpeg.global.avformat.avformat_close_input(fmt);
            }
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "AudioDecoder[max %.0f s]", maxSeconds);
    }
}
