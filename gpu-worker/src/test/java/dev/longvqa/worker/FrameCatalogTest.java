package dev.longvqa.worker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FrameCatalogTest {

    @Test
    void readsKeysOrIndicesFromTheEmbeddingsFiles(@TempDir Path dir) {
        FileBlobStore store = new FileBlobStore(dir);
        store.put("jobs/j/embeddings/1.json", "{\"frames\":[{\"time\":60.0,\"index\":0},{\"time\":61.0,\"index\":1}]}"
                .getBytes(StandardCharsets.UTF_8), "application/json");
        store.put("jobs/j/embeddings/0.json", "[{\"timeSec\":0.0,\"key\":\"custom/a.jpg\"},{\"nothing\":1}]"
                .getBytes(StandardCharsets.UTF_8), "application/json");
        FrameCatalog c = FrameCatalog.load(store, "j", 0);
        assertThat(c.entries()).containsExactly(new FrameCatalog.Entry(0.0, "custom/a.jpg"),
                new FrameCatalog.Entry(60.0, "jobs/j/frames/1/0.jpg"), new FrameCatalog.Entry(61.0, "jobs/j/frames/1/1.jpg"));
    }

    @Test
    void withoutEmbeddingsSpreadsListedFramesOverTheVideo(@TempDir Path dir) {
        FileBlobStore store = new FileBlobStore(dir);
        for (String k : List.of("jobs/j/frames/1/0.jpg", "jobs/j/frames/0/10.jpg", "jobs/j/frames/0/2.jpg", "jobs/j/frames/0/notes.txt")) {
            store.put(k, new byte[]{1}, "image/jpeg");
        }
        FrameCatalog c = FrameCatalog.load(store, "j", 30.0);
        // numeric order within and across ranges, not lexical
        assertThat(c.entries()).extracting(FrameCatalog.Entry::key)
                .containsExactly("jobs/j/frames/0/2.jpg", "jobs/j/frames/0/10.jpg", "jobs/j/frames/1/0.jpg");
        assertThat(c.entries()).extracting(FrameCatalog.Entry::timeSec).containsExactly(0.0, 10.0, 20.0);
    }

    @Test
    void picksTheFrameNearestEachTargetInsideTheSegment() {
        var entries = new java.util.ArrayList<FrameCatalog.Entry>();
        for (int t = 0; t < 30; t++) entries.add(new FrameCatalog.Entry(t, "f" + t));
        FrameCatalog c = new FrameCatalog(entries);
        assertThat(c.pick(10, 20, List.of(12.4, 17.6), 8)).extracting(FrameCatalog.Entry::key).containsExactly("f12", "f18");
        // more targets than the budget: thinned evenly
        assertThat(c.pick(0, 29, List.of(1.0, 5.0, 9.0, 13.0), 2)).extracting(FrameCatalog.Entry::key).containsExactly("f1", "f9");
        // no scenes: evenly spaced over the segment
        assertThat(c.pick(0, 12, List.of(), 2)).extracting(FrameCatalog.Entry::key).containsExactly("f3", "f9");
        assertThat(c.pick(40, 50, List.of(45.0), 4)).isEmpty();
        assertThat(c.pick(0, 10, List.of(5.0), 0)).isEmpty();
    }

    @Test
    void spreadsFramesOverARangeAsTheCoreFrameStoreDoes() {
        var entries = new java.util.ArrayList<FrameCatalog.Entry>();
        for (int t = 0; t < 30; t++) entries.add(new FrameCatalog.Entry(t, "f" + t));
        FrameCatalog c = new FrameCatalog(entries);
        // (k + 0.5) * n / max of the frames inside, as dev.longvqa.pipeline.FrameStore.spread picks
        assertThat(c.spread(0, 30, 8)).extracting(FrameCatalog.Entry::key)
                .containsExactly("f1", "f5", "f9", "f13", "f16", "f20", "f24", "f28");
        assertThat(c.spread(10, 13, 8)).extracting(FrameCatalog.Entry::key).containsExactly("f10", "f11", "f12");
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
