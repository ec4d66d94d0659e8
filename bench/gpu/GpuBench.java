import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longvqa.runtime.HfCheckpoint;
import dev.longvqa.runtime.llm.CausalLm;
import dev.longvqa.runtime.llm.Generation;
import dev.longvqa.runtime.llm.GenerationConfig;
import dev.longvqa.runtime.llm.LlmConfig;
import dev.longvqa.runtime.llm.PromptPart;
import dev.longvqa.runtime.llm.WeightNames;
import dev.longvqa.runtime.vision.ImagePreprocessor;
import dev.longvqa.tdc.QFormerCompressor;
import dev.longvqa.tdc.SvaProjector;
import dev.longvqa.tdc.TdcWeights;
import dev.longvqa.runtime.vision.VisionEncoder;
import dev.longvqa.video.RgbImage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Java side of bench/gpu/run.sh: the same files torch_side.py wrote (tower TorchScript, TDC
 * projector + Q-Former safetensors, Qwen2-style decoder) through the project's own classes, timed
 * the way the PyTorch side times them. Prints one JSON object.
 *
 *   java ... bench/gpu/GpuBench.java WORK SHAPES DEVICE
 */
public final class GpuBench {
    public static void main(String[] a) throws Exception {
        Path work = Path.of(a[0]);
        boolean full = a[1].equals("full");
        Device device = VisionEncoder.device(a[2]);
        // shapes as torch_side.py: tower size, TDC side/qside/k/text/heads, towers' widths, width, batch, prompt, new
        int size = full ? 384 : 32, side = full ? 24 : 4, qside = full ? 12 : 2, k = full ? 16 : 3, text = full ? 8 : 5;
        int heads = full ? 12 : 4, width = full ? 3584 : 24, batch = full ? 8 : 4, prompt = full ? 1024 : 32, fresh = full ? 64 : 8;
        int[] towerDims = full ? new int[]{1152, 1024} : new int[]{16, 16};
        int reps = full ? 3 : 2, bertVocab = full ? 30522 : 40;
        StringBuilder json = new StringBuilder();
        json.append(String.format(Locale.ROOT, "{\"engine\":\"%s %s\",\"device\":\"%s\",\"shapes\":\"%s\",\"frames_per_batch\":%d",
                Engine.getEngine("PyTorch").getEngineName(), Engine.getEngine("PyTorch").getVersion(), device, a[1], batch));
        List<String[]> types = new ArrayList<>();
        types.add(new String[]{"fp32", "tower.pt"});
        if (device.isGpu()) types.add(new String[]{"fp16", "tower-half.pt"});
        // bf16 (the worker's GPU default, TdcPrecision.AUTO) on the CPU too, so the CI fallback runs it.
        types.add(new String[]{"bf16", "tower-bf16.pt"});
        for (String[] t : types) {
            DataType dt = switch (t[0]) {
                case "fp16" -> DataType.FLOAT16;
                case "bf16" -> DataType.BFLOAT16;
                default -> DataType.FLOAT32;
            };
            ImagePreprocessor pre = new ImagePreprocessor(size, new float[]{0.5f, 0.5f, 0.5f}, new float[]{0.5f, 0.5f, 0.5f}, false);
            List<RgbImage> frames = new ArrayList<>();
            java.util.Random rnd = new java.util.Random(3);
            for (int i = 0; i < batch; i++) {
                byte[] px = new byte[size * size * 3];
                rnd.nextBytes(px);
                frames.add(new RgbImage(size, size, px));
            }
            double towerMs, projMs, qMs;
            try (VisionEncoder tower = VisionEncoder.open(work.resolve(t[1]), pre, device.isGpu() ? "gpu" : "cpu")) {
                towerMs = time(reps, () -> tower.encode(frames)) / batch;
            }
            try (NDManager m = NDManager.newBaseManager(device, "PyTorch"); TdcWeights w = TdcWeights.open(work.resolve("tdc.safetensors"))) {
                SvaProjector proj = SvaProjector.load(w, "model.", qside, m, dt);
                QFormerCompressor comp = QFormerCompressor.load(w, "model.", k, heads, m, dt);
                NDList towers = new NDList();
                for (int d : towerDims) towers.add(m.randomNormal(new Shape(batch, (long) side * side, d)));
                projMs = time(reps, () -> {
                    try (NDManager s = m.newSubManager()) {
                        towers.forEach(x -> x.tempAttach(s));
                        proj.forward(towers, null).toType(DataType.FLOAT32, false).toFloatArray();
                    }
                }) / batch;
                long tokens = (long) qside * (qside + 1);
                NDArray fr = m.randomNormal(new Shape(batch, tokens, width));
                NDArray st = fr.get(0).expandDims(0).repeat(0, batch);
                long[] idv = new long[text];
                for (int i = 0; i < text; i++) idv[i] = (i == 0 ? 101 : i == text - 1 ? 102 : 3 + (i * 37L) % 120) % bertVocab;
                NDArray ids = m.create(idv, new Shape(1, text));
                qMs = time(reps, () -> comp.compress(st, fr, ids).toFloatArray()) / batch;
            }
            if (dt == DataType.BFLOAT16) {
                // The runtime's CausalLm would hand DJL's JNI a bf16 cast (HfCheckpoint.widenBf16 ->
                // toType), which aborts the JVM (see tdc.Bfloat16): its decoder is timed in fp16/fp32 only.
                json.append(String.format(Locale.ROOT, ",\"%s\":{\"tower_ms_per_frame\":%.4f,\"projector_ms_per_frame\":%.4f,"
                        + "\"qformer_ms_per_frame\":%.4f,\"llm\":\"not run: CausalLm cannot compute in bf16 through DJL 0.35\"}",
                        t[0], towerMs, projMs, qMs));
                continue;
            }
            // The decoder: bf16 checkpoint widened, computed in dt.
            double[] tok;
            try (HfCheckpoint ck = HfCheckpoint.open(work.resolve("llm"));
                 CausalLm lm = CausalLm.create(LlmConfig.read(work.resolve("llm/config.json")), WeightNames.detect(ck), ck,
                         null, null, Set.of(), device, dt)) {
                long[] ids = new long[prompt];
                int vocab = LlmConfig.read(work.resolve("llm/config.json")).vocabSize();
                for (int i = 0; i < prompt; i++) ids[i] = i % vocab;
                List<PromptPart> p = List.of(PromptPart.tokens(ids));
                lm.generate(p, GenerationConfig.greedy(fresh)); // warm-up
                Generation g = lm.generate(p, GenerationConfig.greedy(fresh));
                tok = new double[]{g.promptTokens() / (g.prefillNanos() / 1e9), (g.completionTokens() - 1) / (g.decodeNanos() / 1e9)};
            }
            json.append(String.format(Locale.ROOT, ",\"%s\":{\"tower_ms_per_frame\":%.4f,\"projector_ms_per_frame\":%.4f,"
                    + "\"qformer_ms_per_frame\":%.4f,\"prefill_tok_s\":%.2f,\"decode_tok_s\":%.2f}", t[0], towerMs, projMs, qMs, tok[0], tok[1]));
        }
        System.out.println(json.append('}'));
    }

    private static double time(int reps, Runnable r) {
        r.run();
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) r.run();
        return (System.nanoTime() - t0) / 1e6 / reps;
    }
}
