package dev.longvqa.audio.whisper;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.longvqa.contract.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whisper's byte-level BPE (the Hugging Face tokenizers library through DJL, as the LLM runtime
 * uses it) and the special token ids decoding needs, looked up by their text
 * ({@code <|startoftranscript|>}, {@code <|en|>}, {@code <|transcribe|>}, {@code <|notimestamps|>},
 * {@code <|0.00|>} ...), so checkpoints whose ids differ (large-v3 adds a language) need no table.
 *
 * <p>A checkpoint with {@code vocab.json} + {@code merges.txt} (+ {@code added_tokens.json}) and
 * no {@code tokenizer.json} gets the equivalent tokenizer.json written beside the engine's temp
 * files: the same BPE the library would build from those files.
 */
final class WhisperTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> specials;

    public final int endOfText;
    public final int startOfTranscript;
    public final int noTimestamps;
    public final int timestampBegin;
    /** Tokens openai/whisper always suppresses: task, start and no-speech markers. */
    public final List<Integer> alwaysSuppressed;

    private WhisperTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Integer> specials) {
        this.tokenizer = tokenizer;
        this.specials = specials;
        endOfText = require("<|endoftext|>");
        startOfTranscript = require("<|startoftranscript|>");
        noTimestamps = require("<|notimestamps|>");
        timestampBegin = require("<|0.00|>");
        List<Integer> s = new ArrayList<>();
        for (String t : List.of("<|translate|>", "<|transcribe|>", "<|startoftranscript|>", "<|startofprev|>", "<|startoflm|>",
                "<|nospeech|>", "<|nocaptions|>")) {
            Integer id = specials.get(t);
            if (id != null) s.add(id);
        }
        alwaysSuppressed = List.copyOf(s);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record AddedToken(@JsonProperty("id") int id, @JsonProperty("content") String content) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record TokenizerFile(@JsonProperty("added_tokens") List<AddedToken> addedTokens) {
    }

    public static WhisperTokenizer load(Path dir) throws IOException {
        Path json = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) json = fromVocabAndMerges(dir);
        TokenizerFile file = Json.mapper().readValue(json.toFile(), TokenizerFile.class);
        Map<String, Integer> specials = new HashMap<>();
        if (file.addedTokens() != null) for (AddedToken t : file.addedTokens()) specials.put(t.content(), t.id());
        HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(json, Map.of("addSpecialTokens", "false"));
        try {
            return new WhisperTokenizer(hf, specials);
        } catch (RuntimeException e) {
            hf.close();
            throw e;
        }
    }

    /** The tokenizer.json for GPT-2-style {@code vocab.json} + {@code merges.txt} (+ {@code added_tokens.json}). */
    static Path fromVocabAndMerges(Path dir) throws IOException {
        Path vocab = dir.resolve("vocab.json"), merges = dir.resolve("merges.txt");
        if (!Files.isRegularFile(vocab) || !Files.isRegularFile(merges)) {
            throw new IOException(dir + " has neither tokenizer.json nor vocab.json + merges.txt");
        }
        Map<String, Integer> v = Json.mapper().readValue(vocab.toFile(), new TypeReference<LinkedHashMap<String, Integer>>() {});
        List<String> m = new ArrayList<>();
        for (String line : Files.readAllLines(merges)) {
            if (!line.isBlank() && !line.startsWith("#version")) m.add(line);
        }
        Map<String, Integer> added = new LinkedHashMap<>();
        Path addedFile = dir.resolve("added_tokens.json");
        if (Files.isRegularFile(addedFile)) added = Json.mapper().readValue(addedFile.toFile(), new TypeReference<LinkedHashMap<String, Integer>>() {});
        List<Map<String, Object>> addedTokens = new ArrayList<>();
        added.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> addedTokens.add(Map.of("id", e.getValue(),
                "content", e.getKey(), "single_word", false, "lstrip", false, "rstrip", false, "normalized", false, "special", true)));
        Map<String, Object> byteLevel = Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", true);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("vocab", v);
        model.put("merges", m);
        Map<String, Object> tok = new LinkedHashMap<>();
        tok.put("version", "1.0");
        tok.put("added_tokens", addedTokens);
        tok.put("pre_tokenizer", byteLevel);
        tok.put("decoder", byteLevel);
        tok.put("model", model);
        Path out = Files.createTempFile("longvqa-whisper-tokenizer", ".json");
        out.toFile().deleteOnExit();
        Json.mapper().writeValue(out.toFile(), tok);
        return out;
    }

    private int require(String token) {
        Integer id = specials.get(token);
        if (id == null) throw new IllegalArgumentException("the tokenizer has no " + token + " token: not a Whisper tokenizer");
        return id;
    }

    /** The id of a special token such as {@code <|en|>}, or -1. */
    public int special(String token) {
        return specials.getOrDefault(token, -1);
    }

    /** Ids of the text, no special tokens added. */
    public long[] encode(String text) {
        return tokenizer.encode(text).getIds();
    }

    /** Text of ordinary tokens (special and timestamp tokens skipped). */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
