package dev.longvqa.reason.backend;

import dev.longvqa.reason.EmbeddingBlock;
import dev.longvqa.runtime.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class HfTokenEmbedderTest {
    /** A word-level tokenizer with ChatML special tokens, in tokenizer.json's own format. */
    static final String TOKENIZER = """
            {"version":"1.0","truncation":null,"padding":null,
             "added_tokens":[
               {"id":5,"content":"<|im_start|>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
               {"id":6,"content":"<|im_end|>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
             "normalizer":null,
             "pre_tokenizer":{"type":"Whitespace"},
             "post_processor":null,"decoder":null,
             "model":{"type":"WordLevel","vocab":{"[UNK]":0,"user":1,"hello":2,"world":3,"dog":4,"<|im_start|>":5,"<|im_end|>":6},"unk_token":"[UNK]"}}
            """;

    @Test
    void looksUpRowsOfTheEmbeddingTableForEachToken(@TempDir Path dir) throws Exception {
        Path tok = dir.resolve("tokenizer.json");
        Files.writeString(tok, TOKENIZER);
        int vocab = 7, hidden = 3;
        float[] table = new float[vocab * hidden];
        for (int i = 0; i < table.length; i++) table[i] = (i / hidden) * 10 + (i % hidden); // row r = (10r, 10r+1, 10r+2)
        Path shard = dir.resolve("model.safetensors");
        new SafetensorsWriter().put(HfTokenEmbedder.DEFAULT_TENSOR, new long[]{vocab, hidden}, table).write(shard);

        try (HfTokenEmbedder e = new HfTokenEmbedder(tok, shard, HfTokenEmbedder.DEFAULT_TENSOR)) {
            assertThat(e.hidden()).isEqualTo(3);
            assertThat(e.ids("<|im_start|>user hello world<|im_end|>")).containsExactly(5, 1, 2, 3, 6);
            EmbeddingBlock b = e.embed("<|im_start|>user dog cat");
            assertThat(b.tokens()).isEqualTo(4);
            assertThat(b.values()).containsExactly(50, 51, 52, 10, 11, 12, 40, 41, 42, 0, 1, 2);
            assertThat(e.id()).isEqualTo("hf:model.safetensors:model.embed_tokens.weight:7x3");
        }
    }
}
