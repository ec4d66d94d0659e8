package dev.longvqa.audio;

import dev.longvqa.runtime.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * A random-weight {@code audio_proj} (BEATs width → LLM width) as one more checkpoint shard, the
 * tensors a stage-3 (audio-trained) TDC checkpoint holds: for the tiny TDC of the core's and the
 * worker's audio tests.
 */
public final class AudioProjectionShard {
    private AudioProjectionShard() {}

    /** Writes {@code model.audio_proj.weight} ({@code hidden × beatsWidth}) and {@code .bias} to {@code shard}. */
    public static Path write(Path shard, int hidden, int beatsWidth, long seed) throws IOException {
        Random r = new Random(seed);
        float[] w = new float[hidden * beatsWidth], b = new float[hidden];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian() * 0.2f;
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian() * 0.1f;
        new SafetensorsWriter().put("model.audio_proj.weight", new long[]{hidden, beatsWidth}, w)
                .put("model.audio_proj.bias", new long[]{hidden}, b).write(shard);
        return shard;
    }
}
