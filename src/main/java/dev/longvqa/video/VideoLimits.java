package dev.longvqa.video;

/**
 * Limits checked before any expensive work: on the file size, then on what the container declares,
 * then while decoding (a stream may not declare its duration).
 */
public record VideoLimits(long maxBytes, double maxDurationSec, long maxPixels, int maxFrames) {
    /** 20 GiB, 4 hours, 8K UHD (7680x4320), 100 000 sampled frames. */
    /** The limits every unit shares (dev.longvqa.contract.Limits). */
    public static final VideoLimits DEFAULT = new VideoLimits(dev.longvqa.contract.Limits.MAX_VIDEO_BYTES,
            dev.longvqa.contract.Limits.MAX_VIDEO_SECONDS, dev.longvqa.contract.Limits.MAX_VIDEO_PIXELS,
            dev.longvqa.contract.Limits.MAX_SAMPLED_FRAMES);

    public VideoLimits {
        if (maxBytes <= 0 || maxDurationSec <= 0 || maxPixels <= 0 || maxFrames <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public VideoLimits withMaxDurationSec(double seconds) {
        return new VideoLimits(maxBytes, seconds, maxPixels, maxFrames);
    }

    public VideoLimits withMaxBytes(long bytes) {
        return new VideoLimits(bytes, maxDurationSec, maxPixels, maxFrames);
    }

    public VideoLimits withMaxFrames(int frames) {
        return new VideoLimits(maxBytes, maxDurationSec, maxPixels, frames);
    }
}
