package dev.longvqa.tdc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A hand-written 14-word WordPiece tokenizer.json stands in for bert-base-uncased. */
class QuestionTokenizerTest {
    @Test
    void lowercasesSplitsWordPiecesAndAddsClsSep() throws Exception {
        try (QuestionTokenizer t = QuestionTokenizer.open(Golden.path("bert_tiny_tokenizer.json"))) {
            assertThat(t.ids("What is the MAN doing?")).containsExactly(2, 4, 5, 6, 7, 8, 9, 3);
            // greedy longest-prefix WordPiece: "runing" = run + ##ing; "running" has no split (##ning unknown)
            assertThat(t.ids("Runing dog.")).containsExactly(2, 12, 10, 1, 13, 3);
            assertThat(t.ids("running")).containsExactly(2, 1, 3);
        }
    }

    @Test
    void truncatesAt256KeepingSep() throws Exception {
        try (QuestionTokenizer t = QuestionTokenizer.open(Golden.path("bert_tiny_tokenizer.json"))) {
            long[] ids = t.ids("the man ".repeat(300));
            assertThat(ids).hasSize(256);
            assertThat(ids[0]).isEqualTo(2);
            assertThat(ids[255]).isEqualTo(3);
            assertThat(ids[254]).isEqualTo(7);
        }
    }
}
