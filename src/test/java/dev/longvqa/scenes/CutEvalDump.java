package dev.longvqa.scenes;

import dev.longvqa.video.FrameSampler;
import dev.longvqa.video.VideoSource;
import dev.longvqa.video.synthetic.SyntheticVideo;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Diagnostics for tuning: per-gap block similarities and truth, one CSV per video. Not a test. */
public final class CutEvalDump {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/eval");
        Files.createDirectories(dir);
        String[][] codecs = {{"mpeg4", "mp4"}, {"libvpx", "webm"}, {"libopenh264", "mkv"}, {"mpeg4", "avi"}};
        SignatureEmbedder emb = new SignatureEmbedder();
        int[] off = SignatureEmbedder.blockOffsets();
        for (int i = 0; i < 8; i++) {
            String[] c = codecs[i % codecs.length];
            Path video = dir.resolve("random" + i + "." + c[1]);
            SyntheticVideo.Generated g = SyntheticVideo.builder().codec(c[0], c[1]).seed(i).noise(i % 3 == 2 ? 25 : 0)
                    .fps(i % 2 == 0 ? 25 : 30).shots(SyntheticVideo.randomShots(4 + i * 2, 40 + i * 15, 100 + i)).build().write(video);
            List<float[]> e = new ArrayList<>();
            List<double[]> t = new ArrayList<>();
            FrameSampler.builder().maxSide(160).build().sample(VideoSource.of(video), f -> {
                e.add(emb.embed(f.image()));
                t.add(new double[]{f.timeSec(), f.changeTimeSec(), f.changeScore()});
            });
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dir.resolve("random" + i + ".csv")))) {
                w.println("# cuts " + g.cutsSec());
                w.println("gap,t0,t1,changeT,changeScore,colour,layout,chroma");
                for (int k = 0; k + 1 < e.size(); k++) {
                    StringBuilder sb = new StringBuilder();
                    sb.append(k).append(',').append(t.get(k)[0]).append(',').append(t.get(k + 1)[0]).append(',')
                            .append(t.get(k + 1)[1]).append(',').append(t.get(k + 1)[2]);
                    for (int b = 0; b + 1 < off.length; b++) sb.append(',').append(cos(e.get(k), e.get(k + 1), off[b], off[b + 1]));
                    w.println(sb);
                }
            }
            System.out.println("wrote " + video);
        }
    }

    static float cos(float[] a, float[] b, int from, int to) {
        double d = 0, na = 0, nb = 0;
        for (int i = from; i < to; i++) {
            d += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return (float) (d / Math.sqrt(na * nb + 1e-12));
    }
}
