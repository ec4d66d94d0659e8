package dev.longvqa.bench.jmh;

import dev.longvqa.scenes.FrameSignal;
import dev.longvqa.scenes.SceneSegmentation;
import dev.longvqa.scenes.SceneSegmenter;
import dev.longvqa.scenes.SegmenterSettings;
import dev.longvqa.scenes.SignatureEmbedder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@link SceneSegmenter#segment} on a 3000-point curve (a 50-minute video at 1 fps): real
 * embeddings of generated frames, 60 shots of random length, so cuts have to be found.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx512m"})
public class SegmentBench {
    static final int POINTS = 3000;
    List<FrameSignal> signals;
    SceneSegmenter segmenter;

    @Setup
    public void setup() {
        Random rnd = new Random(7);
        SignatureEmbedder e = new SignatureEmbedder();
        signals = new ArrayList<>(POINTS);
        long shotSeed = 0;
        int left = 0;
        for (int i = 0; i < POINTS; i++) {
            boolean cut = left-- <= 0;
            if (cut) {
                shotSeed = rnd.nextLong();
                left = 10 + rnd.nextInt(90);
            }
            // Same layout within a shot, drifting a little each second; a new layout at a cut.
            Random frameRnd = new Random(shotSeed);
            var img = Frames.structured(160, 90, frameRnd, i % 100, rnd);
            signals.add(new FrameSignal(i, e.embed(img), cut ? i - 0.5 : i, cut ? 0.4f : 0.02f));
        }
        segmenter = new SceneSegmenter(SegmenterSettings.DEFAULT);
    }

    @Benchmark
    public SceneSegmentation segment3000() {
        return segmenter.segment(signals, POINTS);
    }
}
