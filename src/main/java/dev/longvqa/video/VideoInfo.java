package dev.longvqa.video;

/**
 * What probing a video tells before decoding it.
 *
 * @param durationSec declared duration, or {@code NaN} when the container does not say
 * @param rotationDeg clockwise rotation to apply for display (0, 90, 180, 270)
 * @param displayWidth width after pixel aspect ratio and rotation
 */
public record VideoInfo(String name, String container, String codec, int width, int height,
                        int displayWidth, int displayHeight, int rotationDeg, double durationSec,
                        double frameRate, boolean hasAudio, long sizeBytes) {
}
