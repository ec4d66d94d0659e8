package dev.longvqa.scenes;

import dev.longvqa.video.FrameSampler;
import dev.longvqa.video.VideoSource;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Diagnostics for tuning the cut rule, not a test: for every {@code VIDEO} with a {@code VIDEO.truth}
 * file (cut times, one per line; bench/lib/gen-cuts-video.sh writes them) in a directory, one CSV of
 * per-gap block similarities and decoder change signals.
 * Run: {@code java -cp ... dev.longvqa.scenes.CutEvalDump DIR OUT}.
 */
public final class CutEvalDump {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]), out = Path.of(args[1]);
        Files.createDirectories(out);
        SignatureEmbedder emb = new SignatureEmbedder();
        int[] off = SignatureEmbedder.blockOffsets();
        List<Path> truths;
        try (Stream<Path> s = Files.list(dir)) {
            truths = s.filter(p -> p.toString().endsWith(".truth")).sorted().toList();
        }
        for (Path truth : truths) {
            Path video = Path.of(truth.toString().replaceFirst("\\.truth$", ""));
            List<float[]> e = new ArrayList<>();
            List<double[]> t = new ArrayList<>();
            FrameSampler.builder().maxSide(emb.preferredInputSize()).build().sample(VideoSource.of(video), f -> {
                e.add(emb.embed(f.image()));
                t.add(new double[]{f.timeSec(), f.changeTimeSec(), f.changeScore()});
            });
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve(video.getFileName() + ".csv")))) {
                w.println("# cuts " + String.join(",", Files.readAllLines(truth).stream().filter(l -> !l.isBlank()).toList()));
                w.println("gap,t0,t1,changeT,change,colour,layout,chroma,texture");
                for (int k = 0; k + 1 < e.size(); k++) {
                    StringBuilder sb = new StringBuilder();
                    double[] a = t.get(k), b = t.get(k + 1);
                    sb.append(k).append(',').append(a[0]).append(',').append(b[0]).append(',').append(b[1]).append(',')
                            .append(b[2]);
                    for (int blk = 0; blk + 1 < off.length; blk++) sb.append(',').append(cos(e.get(k), e.get(k + 1), off[blk], off[blk + 1]));
                    w.println(sb);
                }
            }
            System.out.println("wrote " + video.getFileName());
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
