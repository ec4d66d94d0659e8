package dev.longvqa.audio.whisper;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.longvqa.contract.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the engine reads from a Hugging Face Whisper checkpoint: the architecture from
 * {@code config.json} and the decoding settings from {@code generation_config.json} (where
 * present; older exports keep {@code suppress_tokens}/{@code begin_suppress_tokens} in config.json).
 */
record WhisperConfig(Architecture arch, SuppressionRules generation) {

    /** config.json's fields for {@code WhisperForConditionalGeneration}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Architecture(@JsonProperty("vocab_size") int vocabSize, @JsonProperty("num_mel_bins") int melBins,
                               @JsonProperty("d_model") int dModel,
                               @JsonProperty("encoder_layers") int encoderLayers,
                               @JsonProperty("encoder_attention_heads") int encoderHeads,
                               @JsonProperty("decoder_layers") int decoderLayers,
                               @JsonProperty("decoder_attention_heads") int decoderHeads,
                               @JsonProperty("encoder_ffn_dim") int encoderFfn, @JsonProperty("decoder_ffn_dim") int decoderFfn,
                               @JsonProperty("max_source_positions") int sourcePositions,
                               @JsonProperty("max_target_positions") int targetPositions,
                               @JsonProperty("activation_function") String activation,
                               @JsonProperty("scale_embedding") boolean scaleEmbedding,
                               @JsonProperty("suppress_tokens") List<Integer> suppressTokens,
                               @JsonProperty("begin_suppress_tokens") List<Integer> beginSuppressTokens) {
        public Architecture {
            if (melBins <= 0) melBins = 80;
            if (sourcePositions <= 0) sourcePositions = 1500;
            if (targetPositions <= 0) targetPositions = 448;
            if (activation == null) activation = "gelu";
            suppressTokens = suppressTokens == null ? List.of() : List.copyOf(suppressTokens);
            beginSuppressTokens = beginSuppressTokens == null ? List.of() : List.copyOf(beginSuppressTokens);
        }

        void validate(Path dir) {
            if (vocabSize <= 0 || dModel <= 0 || encoderLayers <= 0 || decoderLayers <= 0 || encoderHeads <= 0 || decoderHeads <= 0
                    || dModel % encoderHeads != 0 || dModel % decoderHeads != 0 || encoderFfn <= 0 || decoderFfn <= 0) {
                throw new IllegalArgumentException(dir.resolve("config.json") + " is not a Whisper config (vocab_size, d_model, layers, heads, ffn dims)");
            }
            if (!activation.equals("gelu")) throw new IllegalArgumentException("activation " + activation + " is not supported (Whisper uses gelu)");
            if (scaleEmbedding) throw new IllegalArgumentException("scale_embedding is not supported (no released Whisper uses it)");
            // 30 s windows: 3000 mel frames halved by the second convolution
            if (sourcePositions != 1500) throw new IllegalArgumentException("max_source_positions " + sourcePositions + " is not 1500 (30 s windows)");
        }
    }

    /** generation_config.json's decoding fields (all optional). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SuppressionRules(@JsonProperty("suppress_tokens") List<Integer> suppressTokens,
                             @JsonProperty("begin_suppress_tokens") List<Integer> beginSuppressTokens,
                             @JsonProperty("max_initial_timestamp_index") Integer maxInitialTimestampIndex,
                             @JsonProperty("is_multilingual") Boolean multilingual) {
    }

    public static WhisperConfig read(Path dir) throws IOException {
        Architecture arch = Json.mapper().readValue(dir.resolve("config.json").toFile(), Architecture.class);
        arch.validate(dir);
        Path gen = dir.resolve("generation_config.json");
        SuppressionRules g = Files.isRegularFile(gen) ? Json.mapper().readValue(gen.toFile(), SuppressionRules.class) : new SuppressionRules(null, null, null, null);
        return new WhisperConfig(arch, g);
    }

    public List<Integer> suppressTokens() {
        return generation.suppressTokens() != null ? generation.suppressTokens() : arch.suppressTokens();
    }

    public List<Integer> beginSuppressTokens() {
        return generation.beginSuppressTokens() != null ? generation.beginSuppressTokens() : arch.beginSuppressTokens();
    }

    /** openai/whisper's default: the first timestamp is at most 1 s (50 steps of 20 ms). */
    public int maxInitialTimestampIndex() {
        return generation.maxInitialTimestampIndex() != null ? generation.maxInitialTimestampIndex() : 50;
    }

    /** Multilingual checkpoints take language and task tokens; the {@code .en} ones only the start token. */
    public boolean multilingual() {
        return generation.multilingual() != null ? generation.multilingual() : arch.vocabSize() >= 51865;
    }
}
