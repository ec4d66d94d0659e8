package dev.longvqa.tdc;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Q-Former's text side: bert-base-uncased's tokenizer ({@code tokenizer.json}), with
 * [CLS]/[SEP] and right truncation at 256 tokens, as the reference calls it
 * ({@code bert_tokenizer(prompt, truncation=True, max_length=256)}). The prompt it sees is the
 * bare instruction/question, not the chat template.
 */
final class QuestionTokenizer implements AutoCloseable {
    public static final int MAX_LENGTH = 256;
    private final HuggingFaceTokenizer tokenizer;

    private QuestionTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public static QuestionTokenizer open(Path tokenizerJson) throws IOException {
        return new QuestionTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                "addSpecialTokens", "true", "truncation", "true", "padding", "false",
                "maxLength", String.valueOf(MAX_LENGTH))));
    }

    public long[] ids(String question) {
        Encoding e = tokenizer.encode(question);
        return e.getIds();
    }

    /** (1, L) int64, the shape {@link QFormer} takes. */
    public NDArray idsArray(NDManager manager, String question) {
        long[] ids = ids(question);
        return manager.create(ids, new Shape(1, ids.length));
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
