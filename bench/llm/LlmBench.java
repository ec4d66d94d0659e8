import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import dev.longvqa.runtime.llm.CausalLm;
import dev.longvqa.runtime.llm.Generation;
import dev.longvqa.runtime.llm.GenerationConfig;
import dev.longvqa.runtime.llm.LlmConfig;
import dev.longvqa.runtime.llm.PromptPart;
import dev.longvqa.runtime.llm.RandomWeights;
import dev.longvqa.runtime.llm.WeightNames;
import dev.longvqa.runtime.vlm.SiglipVisionBlock;
import dev.longvqa.runtime.vlm.VisionConfig;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Prefill and decode throughput of the Java decoder runtime on the CPU, for the tiny golden shape
 * and SmolVLM-256M's text decoder, and SmolVLM's vision tower per frame (random weights made in
 * memory: no files needed).
 *
 *   bench/llm/run.sh [runs]
 *
 * Prints one line per shape and phase; the median of the runs after one warm-up.
 */
public final class LlmBench {
    record Shape(String name, LlmConfig config, int promptTokens, int embeddingRows, int newTokens) {
    }

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        boolean smallOnly = args.length > 1 && args[1].equals("tiny");
        Engine.getInstance().setRandomSeed(1);
        List<Shape> shapes = List.of(
                new Shape("tiny (golden llama shape)", LlmConfig.builder(LlmConfig.Family.LLAMA).vocabSize(64).hiddenSize(32)
                        .intermediateSize(64).layers(2).heads(4).kvHeads(2).headDim(8).ropeTheta(500000).build(), 64, 0, 64),
                new Shape("SmolVLM-256M text decoder", LlmConfig.builder(LlmConfig.Family.LLAMA).vocabSize(49280).hiddenSize(576)
                        .intermediateSize(1536).layers(30).heads(9).kvHeads(3).headDim(64).ropeTheta(100000).build(), 256, 0, 32),
                new Shape("SmolVLM-256M, 512 spliced embedding rows + 32 text", LlmConfig.builder(LlmConfig.Family.LLAMA)
                        .vocabSize(49280).hiddenSize(576).intermediateSize(1536).layers(30).heads(9).kvHeads(3).headDim(64)
                        .ropeTheta(100000).build(), 32, 512, 16));
        System.out.printf("engine %s %s, %d cores, OMP_NUM_THREADS=%s, device cpu, float32%n", Engine.getInstance().getEngineName(),
                Engine.getInstance().getVersion(), Runtime.getRuntime().availableProcessors(), System.getenv("OMP_NUM_THREADS"));
        for (Shape s : smallOnly ? shapes.subList(0, 1) : shapes) {
            LlmConfig c = s.config();
            try (CausalLm lm = CausalLm.create(c, WeightNames.standard(c), new RandomWeights(0.02f), null, null, Set.of(),
                    Device.cpu(), DataType.FLOAT32)) {
                List<PromptPart> prompt = prompt(c, s);
                GenerationConfig gen = GenerationConfig.greedy(s.newTokens());
                lm.generate(prompt, gen); // warm-up: first-touch allocation, kernel selection, rope tables
                double[] prefill = new double[runs], decode = new double[runs], prefillCpu = new double[runs], decodeCpu = new double[runs];
                int promptLen = 0;
                for (int r = 0; r < runs; r++) {
                    // Thread CPU time as well as wall time: on a shared machine the wall clock
                    // mostly measures the neighbours. With OMP_NUM_THREADS=1 the engine computes on
                    // this thread, so its CPU time is the work done.
                    long c0 = CPU.getCurrentThreadCpuTime();
                    lm.generate(prompt, GenerationConfig.greedy(1));
                    long c1 = CPU.getCurrentThreadCpuTime();
                    Generation g = lm.generate(prompt, gen);
                    long c2 = CPU.getCurrentThreadCpuTime();
                    promptLen = g.promptTokens();
                    prefill[r] = g.promptTokens() / (g.prefillNanos() / 1e9);
                    decode[r] = (g.completionTokens() - 1) / (g.decodeNanos() / 1e9);
                    prefillCpu[r] = g.promptTokens() / ((c1 - c0) / 1e9);
                    decodeCpu[r] = (g.completionTokens() - 1) / (((c2 - c1) - (c1 - c0)) / 1e9);
                }
                System.out.printf("%-52s params %6.1fM  prefill %5d tok: %9.1f tok/s (cpu %9.1f)   decode %3d tok: %7.1f tok/s (cpu %7.1f)%n",
                        s.name(), c.parameterCount() / 1e6, promptLen, median(prefill), median(prefillCpu),
                        s.newTokens() - 1, median(decode), median(decodeCpu));
            }
        }
        if (!smallOnly) vision(Math.max(1, runs - 1));
    }

    /** SmolVLM-256M's SigLIP tower + connector on one 512 px frame (random weights). */
    private static void vision(int runs) {
        VisionConfig vc = new VisionConfig(768, 3072, 12, 12, 512, 16, 1e-6, 4);
        try (Model model = Model.newInstance("vision", Device.cpu(), "PyTorch")) {
            SiglipVisionBlock block = new SiglipVisionBlock(vc, 576);
            block.load(new RandomWeights(0.02f), model.getNDManager(), DataType.FLOAT32);
            double[] wall = new double[runs], cpu = new double[runs];
            for (int r = -1; r < runs; r++) {
                long t0 = System.nanoTime(), c0 = CPU.getCurrentThreadCpuTime();
                try (NDManager m = model.getNDManager().newSubManager(); NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    block.imageTokens(m.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(3, 512, 512))).toFloatArray();
                }
                if (r >= 0) {
                    wall[r] = (System.nanoTime() - t0) / 1e6;
                    cpu[r] = (CPU.getCurrentThreadCpuTime() - c0) / 1e6;
                }
            }
            System.out.printf("%-52s 1024 patches -> %d tokens: %8.0f ms/frame (cpu %8.0f ms)%n",
                    "SmolVLM-256M vision tower + connector, 512 px", vc.tokensPerImage(), median(wall), median(cpu));
        }
    }

    private static List<PromptPart> prompt(LlmConfig c, Shape s) {
        Random rnd = new Random(5);
        List<PromptPart> parts = new ArrayList<>();
        if (s.embeddingRows() > 0) {
            float[] block = new float[s.embeddingRows() * c.hiddenSize()];
            for (int i = 0; i < block.length; i++) block[i] = (float) rnd.nextGaussian() * 0.02f;
            parts.add(PromptPart.embeddings(block, c.hiddenSize()));
        }
        long[] ids = new long[s.promptTokens()];
        for (int i = 0; i < ids.length; i++) ids[i] = rnd.nextInt(c.vocabSize());
        parts.add(PromptPart.tokens(ids));
        return parts;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
