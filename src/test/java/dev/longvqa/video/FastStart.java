package dev.longvqa.video;

import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

/** Writes an MP4 with its index in front (movflags=faststart), as web uploads usually are. */
final class FastStart {
    private FastStart() {}

    static Path write(Path path, int seconds) throws Exception {
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(path.toFile(), 160, 90, 0);
             Java2DFrameConverter conv = new Java2DFrameConverter()) {
            rec.setFormat("mp4");
            rec.setVideoCodecName("mpeg4");
            rec.setFrameRate(25);
            rec.setPixelFormat(AV_PIX_FMT_YUV420P);
            rec.setOption("movflags", "faststart");
            rec.start();
            BufferedImage img = new BufferedImage(160, 90, BufferedImage.TYPE_3BYTE_BGR);
            for (int i = 0; i < seconds * 25; i++) {
                Graphics2D g = img.createGraphics();
                g.setColor(Color.getHSBColor(i / 100f, 0.8f, 0.8f));
                g.fillRect(0, 0, 160, 90);
                g.setColor(Color.WHITE);
                g.fillOval(i % 160, 30, 20, 20);
                g.dispose();
                Frame f = conv.convert(img);
                rec.record(f);
            }
            rec.stop();
        }
        return path;
    }
}
