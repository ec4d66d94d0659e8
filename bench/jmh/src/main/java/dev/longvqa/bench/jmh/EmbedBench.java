package dev.longvqa.bench.jmh;

import dev.longvqa.scenes.SignatureEmbedder;
import dev.longvqa.video.RgbImage;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@link SignatureEmbedder#embed} on one sampled frame at the size the sampler hands it (160×90),
 * next to {@code onePixelPass}: a single read of the same bytes, the floor any embedder pays.
 * The ratio of the two is what bench/run reports.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx512m"})
public class EmbedBench {
    RgbImage frame;
    SignatureEmbedder embedder;

    @Setup
    public void setup() {
        frame = Frames.structured(160, 90, new Random(42));
        embedder = new SignatureEmbedder();
    }

    @Benchmark
    public float[] signatureEmbed() {
        return embedder.embed(frame);
    }

    @Benchmark
    public long onePixelPass() {
        byte[] p = frame.pixels();
        long s = 0;
        for (byte b : p) s += b & 0xff;
        return s;
    }
}
