package dev.longvqa.runtime.llm;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The tiny reference checkpoints written by tools/golden/llm_golden.py, and their goldens. */
final class GoldenModels {
    private GoldenModels() {
    }

    static Path dir(String name) {
        try {
            return Path.of(GoldenModels.class.getResource("/golden/llm/" + name + "/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode golden(String name) throws IOException {
        return Json.mapper().readTree(dir(name).resolve("golden.json").toFile());
    }

    static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asLong();
        return out;
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).asDouble();
        return out;
    }

    static float[][] matrix(JsonNode rows) {
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < out.length; i++) out[i] = floats(rows.get(i));
        return out;
    }
}
