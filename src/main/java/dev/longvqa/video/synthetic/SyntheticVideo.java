package dev.longvqa.video.synthetic;

import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

/**
 * Renders videos with known shot cuts: moving shapes, camera pans over a texture, noisy scenes,
 * zooms, and brightness fades that are not cuts. Used by the tests, the benchmarks and
 * {@code longvqa synth}, so that cut detection is measured against ground truth on any machine.
 *
 * <p>JavaCV's FFmpeg has no libx264: use {@code mpeg4}, {@code libopenh264} (H.264), {@code libvpx}
 * (VP8) or {@code libvpx-vp9}.
 */
public final class SyntheticVideo {
    /** What a shot shows. */
    public enum ShotType { SHAPES, PAN, NOISE, ZOOM, FADE }

    /** One shot: its kind and length. */
    public record Shot(ShotType kind, double seconds) {
        public Shot {
            Objects.requireNonNull(kind);
            if (!(seconds > 0)) throw new IllegalArgumentException("shot length must be positive");
        }
    }

    /** The written file and where its cuts are (time of each new shot's first frame). */
    public record Generated(Path path, double durationSec, List<Double> cutsSec) {}

    private final int width, height;
    private final double fps;
    private final String codec, format;
    private final List<Shot> shots;
    private final long seed;
    private final int noise;
    private final int rotation;
    private final boolean variableFrameRate;
    private final int gop;
    private final int bFrames;

    private SyntheticVideo(Builder b) {
        this.width = b.width;
        this.height = b.height;
        this.fps = b.fps;
        this.codec = b.codec;
        this.format = b.format;
        this.shots = List.copyOf(b.shots);
        this.seed = b.seed;
        this.noise = b.noise;
        this.rotation = b.rotation;
        this.variableFrameRate = b.variableFrameRate;
        this.gop = b.gop;
        this.bFrames = b.bFrames;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A random shot list: {@code cuts} cuts over about {@code seconds}, kinds drawn at random. */
    public static List<Shot> randomShots(int cuts, double seconds, long seed) {
        Random rnd = new Random(seed);
        double[] w = new double[cuts + 1];
        double sum = 0;
        for (int i = 0; i <= cuts; i++) sum += w[i] = 0.5 + rnd.nextDouble();
        List<Shot> out = new ArrayList<>();
        ShotType[] kinds = ShotType.values();
        for (int i = 0; i <= cuts; i++) {
            out.add(new Shot(kinds[rnd.nextInt(kinds.length)], Math.max(2.0, seconds * w[i] / sum)));
        }
        return out;
    }

    public Generated write(Path path) {
        try {
            if (path.getParent() != null) Files.createDirectories(path.getParent());
            return render(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static {
        // av_dump_format and encoder notices would otherwise fill stderr
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    }

    private Generated render(Path path) throws IOException {
        List<Double> cuts = new ArrayList<>();
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(path.toFile(), width, height, 0);
             Java2DFrameConverter conv = new Java2DFrameConverter()) {
            rec.setFormat(format);
            rec.setVideoCodecName(codec);
            rec.setFrameRate(fps);
            rec.setPixelFormat(AV_PIX_FMT_YUV420P);
            rec.setGopSize(gop);
            if (bFrames > 0) rec.setMaxBFrames(bFrames);
            if (codec.startsWith("libvpx")) {
                rec.setVideoQuality(20); // a CRF; the other encoders here take the default bitrate
                rec.setVideoOption("deadline", "realtime");
                rec.setVideoOption("cpu-used", "8");
            }
            if (rotation != 0) rec.setDisplayRotation(-rotation); // FFmpeg's matrix is counter-clockwise
            rec.start();
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            Random jitter = new Random(seed ^ 0x5DEECE66DL);
            double t0 = 0;
            long frameNo = 0;
            for (int s = 0; s < shots.size(); s++) {
                Shot shot = shots.get(s);
                if (s > 0) cuts.add(frameNo / fps);
                ShotRenderer r = new ShotRenderer(shot.kind(), width, height, new Random(seed * 31 + s * 7919L), s);
                long frames = Math.max(1, Math.round(shot.seconds() * fps));
                for (long k = 0; k < frames; k++, frameNo++) {
                    if (variableFrameRate && k > 0 && k < frames - 1 && jitter.nextInt(4) == 0) continue; // drop: VFR gap
                    r.draw(img, k / fps, shot.seconds());
                    if (noise > 0) addNoise(img, noise, jitter);
                    if (variableFrameRate) rec.setTimestamp(Math.round(frameNo / fps * 1_000_000));
                    Frame f = conv.convert(img);
                    rec.record(f);
                }
                t0 += frames / fps;
            }
            rec.stop();
            return new Generated(path, frameNo / fps, List.copyOf(cuts));
        } catch (FFmpegFrameRecorder.Exception e) {
            throw new IOException("cannot encode " + path + " with " + codec + "/" + format + ": " + e.getMessage(), e);
        }
    }

    private static void addNoise(BufferedImage img, int amplitude, Random rnd) {
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            int v = (px[i] & 0xff) + (int) ((rnd.nextFloat() - 0.5f) * 2 * amplitude);
            px[i] = (byte) Math.max(0, Math.min(255, v));
        }
    }

    /** Draws one shot's frames; every shot gets its own palette and layout from its random seed. */
    private static final class ShotRenderer {
        private final ShotType kind;
        private final int w, h;
        private final Color bg;
        private final Color[] palette;
        private final double[][] shapes; // x, y, vx, vy, size, colour index, type
        private final BufferedImage texture;

        ShotRenderer(ShotType kind, int w, int h, Random rnd, int shotIndex) {
            this.kind = kind;
            this.w = w;
            this.h = h;
            float baseHue = (shotIndex * 0.381966f + rnd.nextFloat() * 0.2f) % 1f; // golden-ratio hue walk
            this.bg = Color.getHSBColor(baseHue, 0.35f + rnd.nextFloat() * 0.5f, 0.25f + rnd.nextFloat() * 0.6f);
            this.palette = new Color[5];
            for (int i = 0; i < palette.length; i++) {
                palette[i] = Color.getHSBColor((baseHue + 0.15f + rnd.nextFloat() * 0.7f) % 1f,
                        0.4f + rnd.nextFloat() * 0.6f, 0.4f + rnd.nextFloat() * 0.6f);
            }
            this.shapes = new double[5 + rnd.nextInt(6)][];
            for (int i = 0; i < shapes.length; i++) {
                double speed = (kind == ShotType.SHAPES ? 0.5 : 0.15) * Math.min(w, h);
                shapes[i] = new double[]{rnd.nextDouble() * w, rnd.nextDouble() * h, (rnd.nextDouble() - 0.5) * 2 * speed,
                        (rnd.nextDouble() - 0.5) * 2 * speed, (0.08 + rnd.nextDouble() * 0.25) * Math.min(w, h),
                        rnd.nextInt(palette.length), rnd.nextInt(3)};
            }
            this.texture = kind == ShotType.PAN ? texture(w * 2, h * 2, rnd) : null;
        }

        private BufferedImage texture(int tw, int th, Random rnd) {
            BufferedImage t = new BufferedImage(tw, th, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = t.createGraphics();
            g.setColor(bg);
            g.fillRect(0, 0, tw, th);
            for (int i = 0; i < 60; i++) {
                g.setColor(palette[rnd.nextInt(palette.length)]);
                int s = (int) ((0.05 + rnd.nextDouble() * 0.2) * Math.min(tw, th));
                int x = rnd.nextInt(tw), y = rnd.nextInt(th);
                if (rnd.nextBoolean()) g.fillOval(x, y, s, s);
                else g.fillRect(x, y, s, s / 2 + 1);
            }
            g.dispose();
            return t;
        }

        void draw(BufferedImage img, double t, double length) {
            Graphics2D g = img.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            switch (kind) {
                case SHAPES, NOISE -> {
                    g.setColor(bg);
                    g.fillRect(0, 0, w, h);
                    shapes(g, t);
                }
                case PAN -> {
                    double u = 0.5 - 0.5 * Math.cos(Math.PI * t / Math.max(length, 1e-3));
                    int x = (int) (u * (texture.getWidth() - w)), y = (int) (u * 0.6 * (texture.getHeight() - h));
                    g.drawImage(texture, -x, -y, null);
                }
                case ZOOM -> {
                    g.setColor(bg);
                    g.fillRect(0, 0, w, h);
                    double scale = 1 + 0.6 * Math.sin(t * 1.3);
                    for (int i = 12; i >= 1; i--) {
                        g.setColor(palette[i % palette.length]);
                        int r = (int) (i * Math.max(w, h) / 14.0 * scale);
                        g.fillOval(w / 2 - r, h / 2 - r, 2 * r, 2 * r);
                    }
                }
                case FADE -> {
                    g.setColor(bg);
                    g.fillRect(0, 0, w, h);
                    shapes(g, t * 0.2);
                }
            }
            g.dispose();
            if (kind == ShotType.NOISE) addNoise(img, 60, new Random(Double.doubleToLongBits(t)));
            if (kind == ShotType.FADE) {
                // Brightness falls to 35 % and comes back: a lighting change inside one shot.
                double k = 0.35 + 0.65 * (0.5 + 0.5 * Math.cos(2 * Math.PI * t / Math.max(length, 1e-3)));
                byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                for (int i = 0; i < px.length; i++) px[i] = (byte) ((px[i] & 0xff) * k);
            }
        }

        private void shapes(Graphics2D g, double t) {
            for (double[] s : shapes) {
                double x = bounce(s[0] + s[2] * t, w), y = bounce(s[1] + s[3] * t, h);
                int size = (int) s[4];
                g.setColor(palette[(int) s[5]]);
                switch ((int) s[6]) {
                    case 0 -> g.fillOval((int) x - size / 2, (int) y - size / 2, size, size);
                    case 1 -> g.fillRect((int) x - size / 2, (int) y - size / 4, size, size / 2);
                    default -> g.fillPolygon(new int[]{(int) x, (int) x + size / 2, (int) x - size / 2},
                            new int[]{(int) y - size / 2, (int) y + size / 2, (int) y + size / 2}, 3);
                }
            }
        }

        private static double bounce(double v, int max) {
            double period = 2.0 * max;
            double m = ((v % period) + period) % period;
            return m <= max ? m : period - m;
        }
    }

    public static final class Builder {
        private int width = 320, height = 180;
        private double fps = 25;
        private String codec = "mpeg4", format = "mp4";
        private final List<Shot> shots = new ArrayList<>();
        private long seed = 1;
        private int noise;
        private int rotation;
        private boolean variableFrameRate;
        private int gop = 50;
        private int bFrames;

        public Builder size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder fps(double fps) {
            this.fps = fps;
            return this;
        }

        /** FFmpeg encoder and container names, e.g. ("libvpx-vp9", "webm"), ("mpeg4", "avi"). */
        public Builder codec(String codec, String format) {
            this.codec = codec;
            this.format = format;
            return this;
        }

        public Builder shot(ShotType kind, double seconds) {
            shots.add(new Shot(kind, seconds));
            return this;
        }

        public Builder shots(List<Shot> list) {
            shots.addAll(list);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Per-pixel noise amplitude (0..255) added to every frame. */
        public Builder noise(int amplitude) {
            this.noise = amplitude;
            return this;
        }

        /** Clockwise display rotation stored as metadata (0, 90, 180, 270). */
        public Builder rotation(int degrees) {
            this.rotation = degrees;
            return this;
        }

        /** Drops about a quarter of the frames inside each shot, keeping timestamps: variable frame rate. */
        public Builder variableFrameRate(boolean vfr) {
            this.variableFrameRate = vfr;
            return this;
        }

        public Builder gop(int frames) {
            this.gop = frames;
            return this;
        }

        /** B-frames between reference frames (mpeg4 takes them; 0 = the encoder's default). */
        public Builder bFrames(int frames) {
            this.bFrames = frames;
            return this;
        }

        public SyntheticVideo build() {
            if (shots.isEmpty()) throw new IllegalStateException("no shots");
            return new SyntheticVideo(this);
        }
    }
}
