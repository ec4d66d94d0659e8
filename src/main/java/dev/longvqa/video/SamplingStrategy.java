package dev.longvqa.video;

/**
 * Which decoded frames to keep. A strategy is an immutable description; {@link #start()} gives the
 * stateful decision for one pass over a video.
 */
public sealed interface SamplingStrategy {

    /** Decides, frame by frame in presentation order, which frames to keep. */
    interface Decision {
        /**
         * @param timeSec          presentation time of this decoded frame
         * @param keyFrame         whether it is a key frame
         * @param changeFromLastKept mean absolute luma difference to the last kept frame (0..1)
         */
        boolean keep(double timeSec, boolean keyFrame, float changeFromLastKept);

        /**
         * The earliest presentation time this decision could still keep, as of now (it only ever
         * grows). The decoder may skip frames before it that no other frame references: their
         * pixels could never be delivered. Negative infinity: every frame may be kept.
         */
        default double keepsFrom() {
            return Double.NEGATIVE_INFINITY;
        }
    }

    Decision start();

    /** Whether the decoder may skip everything but key frames (much faster, coarse). */
    default boolean keyFramesOnly() {
        return false;
    }

    /** A short, stable description used in cache keys and reports. */
    String id();

    static SamplingStrategy uniform(double fps) {
        return new UniformRate(fps);
    }

    /**
     * Frames on a fixed clock: the first decoded frame at or after each tick {@code k / fps}. Ticks
     * are anchored at time zero, so decoding a time range alone picks the same frames as decoding
     * the whole video. Gaps in variable-frame-rate video are not filled with duplicates.
     */
    record UniformRate(double fps) implements SamplingStrategy {
        public UniformRate {
            if (!(fps > 0) || fps > 120) throw new IllegalArgumentException("fps must be in (0, 120], got " + fps);
        }

        @Override
        public Decision start() {
            return new Decision() {
                // Tolerance of 1 ms absorbs timestamp rounding in containers with coarse time bases.
                private long nextTick = 0;

                @Override
                public boolean keep(double t, boolean key, float change) {
                    if (t + 1e-3 < nextTick / fps) return false;
                    nextTick = (long) Math.floor((t + 1e-3) * fps) + 1;
                    return true;
                }

                @Override
                public double keepsFrom() {
                    return nextTick / fps - 1e-3;
                }
            };
        }

        /**
         * Whether a frame at {@code t} can be kept when the frame before it (in presentation order)
         * was at {@code prev}, whatever was kept earlier: only if it lies on a later tick. (The last
         * kept frame is on {@code prev}'s tick or an earlier one, so {@link Decision#keep} asks at
         * least this much; the 1e-6 margins absorb rounding in the tick arithmetic.) Lets a time range
         * decoded on its own know which frames to convert before the whole video's decision is known.
         */
        public boolean mayKeep(double prev, double t) {
            return t <= prev || Math.floor((t + 1e-3) * fps + 1e-6) > Math.floor((prev + 1e-3) * fps - 1e-6);
        }

        @Override
        public String id() {
            return "uniform:" + fps;
        }
    }

    /** Key frames only: a fast preview whose density is whatever the encoder chose. */
    record KeyFramesOnly() implements SamplingStrategy {
        @Override
        public Decision start() {
            return (t, key, change) -> key;
        }

        @Override
        public boolean keyFramesOnly() {
            return true;
        }

        @Override
        public String id() {
            return "keyframes";
        }
    }

    /**
     * At least {@code minFps}; more, up to {@code maxFps}, wherever the picture has changed by more
     * than {@code threshold} since the last kept frame: dense in action, sparse in still shots.
     */
    record ChangeAdaptive(double minFps, double maxFps, float threshold) implements SamplingStrategy {
        public ChangeAdaptive {
            if (!(minFps > 0) || maxFps < minFps) throw new IllegalArgumentException("need 0 < minFps <= maxFps");
            if (!(threshold > 0)) throw new IllegalArgumentException("threshold must be positive");
        }

        @Override
        public Decision start() {
            return new Decision() {
                private double last = Double.NEGATIVE_INFINITY;

                @Override
                public boolean keep(double t, boolean key, float change) {
                    double since = t - last;
                    boolean due = since + 1e-3 >= 1 / minFps;
                    boolean changed = since + 1e-3 >= 1 / maxFps && change > threshold;
                    if (due || changed) {
                        last = t;
                        return true;
                    }
                    return false;
                }

                @Override
                public double keepsFrom() {
                    return last + 1 / maxFps - 1e-3; // sooner than that, not even a change is kept
                }
            };
        }

        @Override
        public String id() {
            return "adaptive:" + minFps + ":" + maxFps + ":" + threshold;
        }
    }
}
