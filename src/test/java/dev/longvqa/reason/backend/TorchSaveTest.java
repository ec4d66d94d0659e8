package dev.longvqa.reason.backend;

import dev.longvqa.contract.Json;
import dev.longvqa.RequiredTool;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The torch.save writer/reader against files PyTorch wrote (committed, so this runs without
 * torch), and against PyTorch itself when it is installed.
 */
class TorchSaveTest {
    private static final ObjectMapper JSON = Json.mapper();

    static byte[] golden(String name) throws IOException {
        try (InputStream in = TorchSaveTest.class.getResourceAsStream("/golden/reason/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    static JsonNode goldenMeta(String name) throws IOException {
        return JSON.readTree(golden("golden.json")).get(name);
    }

    static float[] floats(JsonNode values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) values.get(i).asDouble();
        return f;
    }

    /** Records via the JDK's own zip reader (a file-backed ZipFile copes with torch's layout). */
    static Map<String, byte[]> records(byte[] zip) throws IOException {
        Path tmp = Files.createTempFile("torchsave", ".zip");
        try {
            Files.write(tmp, zip);
            Map<String, byte[]> out = new HashMap<>();
            try (ZipFile z = new ZipFile(tmp.toFile())) {
                for (ZipEntry e : java.util.Collections.list(z.entries())) {
                    String n = e.getName();
                    out.put(n.substring(n.indexOf('/') + 1), z.getInputStream(e).readAllBytes());
                }
            }
            return out;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Test
    void readsWhatPytorchWrote() throws IOException {
        for (String name : new String[]{"float32_2x3", "bfloat16_3x4", "float32_transposed_3x2"}) {
            JsonNode meta = goldenMeta(name);
            TorchSave.Tensor t = TorchSave.read(golden(name + ".pt"));
            assertThat(t.dtype().name().toLowerCase()).as(name).isEqualTo(meta.get("dtype").asText());
            assertThat(t.shape()).as(name).containsExactly(meta.get("shape").get(0).asLong(), meta.get("shape").get(1).asLong());
            assertThat(t.values()).as(name).containsExactly(floats(meta.get("values")));
        }
    }

    @Test
    void writesThePicklePytorchWritesByteForByte() throws IOException {
        for (String name : new String[]{"float32_2x3", "bfloat16_3x4"}) {
            JsonNode meta = goldenMeta(name);
            TorchSave.ElementType dtype = name.startsWith("bfloat16") ? TorchSave.ElementType.BFLOAT16 : TorchSave.ElementType.FLOAT32;
            long[] shape = {meta.get("shape").get(0).asLong(), meta.get("shape").get(1).asLong()};
            byte[] ours = TorchSave.write(floats(meta.get("values")), shape, dtype);
            Map<String, byte[]> mine = records(ours);
            Map<String, byte[]> theirs = records(golden(name + ".pt"));
            assertThat(mine.get("data.pkl")).as(name + " data.pkl").isEqualTo(theirs.get("data.pkl"));
            assertThat(mine.get("data/0")).as(name + " storage bytes").isEqualTo(theirs.get("data/0"));
            assertThat(mine.get("version")).isEqualTo(theirs.get("version"));
            assertThat(mine.get("byteorder")).asString().isEqualTo("little");
            assertThat(TorchSave.read(ours).values()).containsExactly(floats(meta.get("values")));
        }
    }

    @Test
    void bfloat16RoundsToNearestEvenLikeTorch() throws IOException {
        // torch.linspace(-3.3, 7.7, 12).to(torch.bfloat16) is in the golden file
        float[] src = new float[12];
        float step = (7.7f - -3.3f) / 11;
        for (int i = 0; i < 12; i++) src[i] = -3.3f + i * step;
        TorchSave.Tensor t = TorchSave.read(TorchSave.write(src, new long[]{3, 4}, TorchSave.ElementType.BFLOAT16));
        assertThat(t.values()).containsExactly(floats(goldenMeta("bfloat16_3x4").get("values")));
        assertThat(TorchSave.fromBfloat16(TorchSave.toBfloat16(1.00390625f))).isEqualTo(1.0f); // tie → even
        assertThat(TorchSave.fromBfloat16(TorchSave.toBfloat16(1.01171875f))).isEqualTo(1.015625f); // tie → even (up)
    }

    @Test
    void recordsAreStoredUncompressedAnd64ByteAligned() throws IOException {
        byte[] file = TorchSave.write(new float[4096 * 3], new long[]{4096, 3}, TorchSave.ElementType.FLOAT32);
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        int seen = 0;
        while (b.getInt(pos) == 0x04034b50) { // local file header
            assertThat(b.getShort(pos + 8)).as("method STORED").isEqualTo((short) 0);
            int size = b.getInt(pos + 18);
            int nameLen = b.getShort(pos + 26);
            int extraLen = b.getShort(pos + 28);
            int dataStart = pos + 30 + nameLen + extraLen;
            assertThat(dataStart % 64).as("data alignment of entry " + seen).isZero();
            pos = dataStart + size;
            seen++;
        }
        assertThat(seen).isEqualTo(4);
    }

    @Test
    void largeShapesUseWiderIntegers() throws IOException {
        float[] v = new float[70_000 * 2];
        v[v.length - 1] = 3.5f;
        TorchSave.Tensor t = TorchSave.read(TorchSave.write(v, new long[]{70_000, 2}, TorchSave.ElementType.FLOAT32));
        assertThat(t.shape()).containsExactly(70_000, 2);
        assertThat(t.values()[v.length - 1]).isEqualTo(3.5f);
    }

    @Test
    void pytorchLoadsWhatWeWriteWithWeightsOnly(@TempDir Path dir) throws Exception {
        RequiredTool.require(PythonTorch.available(), "python3 with torch (Debian python3-torch)");
        float[] v = {0.25f, -1.5f, 3f, 1e-3f, 65504f, -2.75f};
        Path f32 = dir.resolve("f32.pt");
        Files.write(f32, TorchSave.write(v, new long[]{3, 2}, TorchSave.ElementType.FLOAT32));
        Path bf = dir.resolve("bf16.pt");
        Files.write(bf, TorchSave.write(v, new long[]{2, 3}, TorchSave.ElementType.BFLOAT16));
        var results = PythonTorch.check(false, f32, bf);

        JsonNode out = results.get(0);
        assertThat(out.get("dtype").asText()).isEqualTo("float32");
        assertThat(out.get("shape").toString()).isEqualTo("[3,2]");
        assertThat(floats(out.get("values"))).containsExactly(v);
        JsonNode outBf = results.get(1);
        assertThat(outBf.get("dtype").asText()).isEqualTo("bfloat16");
        assertThat(outBf.get("shape").toString()).isEqualTo("[2,3]");
        assertThat(floats(outBf.get("values"))).containsExactly(TorchSave.read(Files.readAllBytes(bf)).values());
    }
}
