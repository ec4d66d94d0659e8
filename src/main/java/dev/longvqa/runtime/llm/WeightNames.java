package dev.longvqa.runtime.llm;

import dev.longvqa.runtime.HfCheckpoint;

/**
 * Where a checkpoint keeps the decoder's tensors. Text-only Llama/Qwen2 and LLaVA-style
 * checkpoints (TDC) use {@code model.}; Idefics3/SmolVLM nests the decoder under
 * {@code model.text_model.}; newer transformers versions save VLMs under {@code model.language_model.}.
 *
 * @param prefix        prefix of {@code embed_tokens}, {@code layers.N.*}, {@code norm}
 * @param lmHead        the output projection's tensor name
 * @param untiedHead    true when the checkpoint has its own head even though the config ties
 * @param attentionBias q/k/v projections carry biases (Qwen2)
 */
public record WeightNames(String prefix, String lmHead, boolean untiedHead, boolean attentionBias) {

    private static final String[] PREFIXES = {"model.text_model.", "model.language_model.", "model.", ""};

    /** Reads the layout off the tensor names present. */
    public static WeightNames detect(HfCheckpoint checkpoint) {
        for (String prefix : PREFIXES) {
            if (checkpoint.contains(prefix + "embed_tokens.weight")) {
                boolean bias = checkpoint.contains(prefix + "layers.0.self_attn.q_proj.bias");
                return new WeightNames(prefix, "lm_head.weight", checkpoint.contains("lm_head.weight"), bias);
            }
        }
        throw new IllegalArgumentException(checkpoint.dir() + ": no decoder embedding table found (looked for "
                + String.join(", ", java.util.Arrays.stream(PREFIXES).map(p -> p + "embed_tokens.weight").toList()) + ")");
    }

    /** The standard layout for a family: Qwen2 has q/k/v biases, Llama does not. */
    public static WeightNames standard(LlmConfig config) {
        return new WeightNames("model.", "lm_head.weight", !config.tieWordEmbeddings(),
                config.family() == LlmConfig.Family.QWEN2);
    }
}
