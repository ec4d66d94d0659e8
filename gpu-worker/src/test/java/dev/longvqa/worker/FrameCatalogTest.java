package dev.longvqa.worker;

import dev.longvqa.worker.store.FileBlobStore;

import dev.longvqa.contract.EmbeddingsDocument;
import dev.longvqa.contract.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FrameCatalogTest {

    @Test
    void readsKeysOrIndicesFromTheEmbeddingsDocumentsDecodeRangeWrites(@TempDir Path dir) throws Exception {
        FileBlobStore store = new FileBlobStore(dir);
        // the record decode-range writes (contract.EmbeddingsDocument), with the one mapper
        var range1 = new EmbeddingsDocument("j", 1, 60, 62, "fps=1", "signature", null, 2, 5, List.of(
                new EmbeddingsDocument.Frame(0, 60.0, 60.0, 0f, null, new float[]{1}),
                new EmbeddingsDocument.Frame(1, 61.0, 61.0, 0f, null, new float[]{1})));
        var range0 = new EmbeddingsDocument("j", 0, 0, 60, "fps=1", "signature", null, 1, 5, List.of(
                new EmbeddingsDocument.Frame(0, 0.0, 0.0, 0f, "custom/a.jpg", new float[]{1})));
        store.put("jobs/j/embeddings/1.json", Json.mapper().writeValueAsBytes(range1), "application/json");
        store.put("jobs/j/embeddings/0.json", Json.mapper().writeValueAsBytes(range0), "application/json");
        // a document of another shape is skipped with a warning, not guessed at
        store.put("jobs/j/embeddings/2.json", "[{\"time\":5}]".getBytes(StandardCharsets.UTF_8), "application/json");
        FrameCatalog c = FrameCatalog.load(store, "j", 0);
        assertThat(c.entries()).containsExactly(new FrameCatalog.FrameKey(0.0, "custom/a.jpg"),
                new FrameCatalog.FrameKey(60.0, "jobs/j/frames/1/0.jpg"), new FrameCatalog.FrameKey(61.0, "jobs/j/frames/1/1.jpg"));
    }

    @Test
    void withoutEmbeddingsSpreadsListedFramesOverTheVideo(@TempDir Path dir) {
        FileBlobStore store = new FileBlobStore(dir);
        for (String k : List.of("jobs/j/frames/1/0.jpg", "jobs/j/frames/0/10.jpg", "jobs/j/frames/0/2.jpg", "jobs/j/frames/0/notes.txt")) {
            store.put(k, new byte[]{1}, "image/jpeg");
        }
        FrameCatalog c = FrameCatalog.load(store, "j", 30.0);
        // numeric order within and across ranges, not lexical
        assertThat(c.entries()).extracting(FrameCatalog.FrameKey::key)
                .containsExactly("jobs/j/frames/0/2.jpg", "jobs/j/frames/0/10.jpg", "jobs/j/frames/1/0.jpg");
        assertThat(c.entries()).extracting(FrameCatalog.FrameKey::timeSec).containsExactly(0.0, 10.0, 20.0);
    }

    @Test
    void picksTheFrameNearestEachTargetInsideTheSegment() {
        var entries = new java.util.ArrayList<FrameCatalog.FrameKey>();
        for (int t = 0; t < 30; t++) entries.add(new FrameCatalog.FrameKey(t, "f" + t));
        FrameCatalog c = new FrameCatalog(entries);
        assertThat(c.pick(10, 20, List.of(12.4, 17.6), 8)).extracting(FrameCatalog.FrameKey::key).containsExactly("f12", "f18");
        // more targets than the budget: thinned evenly
        assertThat(c.pick(0, 29, List.of(1.0, 5.0, 9.0, 13.0), 2)).extracting(FrameCatalog.FrameKey::key).containsExactly("f1", "f9");
        // no scenes: evenly spaced over the segment
        assertThat(c.pick(0, 12, List.of(), 2)).extracting(FrameCatalog.FrameKey::key).containsExactly("f3", "f9");
        assertThat(c.pick(40, 50, List.of(45.0), 4)).isEmpty();
        assertThat(c.pick(0, 10, List.of(5.0), 0)).isEmpty();
    }

    @Test
    void spreadsFramesOverARangeAsTheCoreFrameStoreDoes() {
        var entries = new java.util.ArrayList<FrameCatalog.FrameKey>();
        for (int t = 0; t < 30; t++) entries.add(new FrameCatalog.FrameKey(t, "f" + t));
        FrameCatalog c = new FrameCatalog(entries);
        // (k + 0.5) * n / max of the frames inside, as dev.longvqa.pipeline.FrameStore.spread picks
        assertThat(c.spread(0, 30, 8)).extracting(FrameCatalog.FrameKey::key)
                .containsExactly("f1", "f5", "f9", "f13", "f16", "f20", "f24", "f28");
        assertThat(c.spread(10, 13, 8)).extracting(FrameCatalog.FrameKey::key).containsExactly("f10", "f11", "f12");
        assertThat(c.spread(0, 30, 0)).isEmpty();
        assertThat(c.spread(40, 50, 4)).isEmpty();
        // the same rule, checked against the core's own implementation
        try (var store = dev.longvqa.pipeline.FrameStore.createTemp()) {
            var black = new dev.longvqa.video.RgbImage(2, 2, new byte[12]);
            for (int t = 0; t < 30; t++) store.add(new dev.longvqa.video.SampledFrame(t, t, black, t, 0f));
            assertThat(c.spread(3, 27, 5)).extracting(e -> (int) e.timeSec())
                    .containsExactlyElementsOf(store.spread(3, 27, 5).stream().map(i -> (int) store.timeOf(i)).toList());
        }
    }
}
