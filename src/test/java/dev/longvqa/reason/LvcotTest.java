package dev.longvqa.reason;

import dev.longvqa.contract.JobQuestion;
import dev.longvqa.scenes.Scene;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Planning and prompt layout that do not need a server. */
class LvcotTest {
    /** An in-process model that records prompts; the LLM is outside the product. */
    static final class RecordingModel implements LanguageModel {
        final List<Prompt> prompts = Collections.synchronizedList(new ArrayList<>());
        final Capabilities caps;

        RecordingModel(Capabilities caps) {
            this.caps = caps;
        }

        @Override
        public String id() {
            return "recording";
        }

        @Override
        public String cacheId() {
            return "recording-v1";
        }

        @Override
        public Capabilities capabilities() {
            return caps;
        }

        @Override
        public Completion complete(Prompt prompt, DecodingSettings generation) {
            prompts.add(prompt);
            try {
                Thread.sleep(20); // widen the race window in the concurrency test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Completion("out" + prompts.size(), "r", 10, 5, "stop");
        }
    }

    @Test
    void referenceRuleAndParsing() {
        SegmentRule r = SegmentRule.REFERENCE;
        assertThat(r.segmentsFor(1800)).isEqualTo(3);
        assertThat(r.segmentsFor(900)).isEqualTo(3);
        assertThat(r.segmentsFor(899)).isEqualTo(2);
        assertThat(r.segmentsFor(600)).isEqualTo(2);
        assertThat(r.segmentsFor(599)).isEqualTo(1);
        assertThat(SegmentRule.parse("600:2, 900:3")).isEqualTo(r);
        assertThat(SegmentRule.parse("1200:4,else:2").segmentsFor(10)).isEqualTo(2);
        assertThat(SegmentRule.parse("5").segmentsFor(1)).isEqualTo(5);
        assertThat(SegmentRule.parse(r.toString())).isEqualTo(r);
    }

    @Test
    void planSplitsTimeEquallyAndEndsExactlyAtTheEnd() {
        Lvcot l = new Lvcot(new RecordingModel(Capabilities.TEXT_ONLY), SegmentCache.none(), LvcotSettings.defaults());
        var plan = l.plan(TestVideos.video("h", 1001.5, new AtomicInteger()));
        assertThat(plan).hasSize(3);
        assertThat(plan.get(0).startSec()).isZero();
        assertThat(plan.get(1).startSec()).isEqualTo(plan.get(0).endSec());
        assertThat(plan.get(2).endSec()).isEqualTo(1001.5);
        assertThat(l.plan(TestVideos.video("h", 100, new AtomicInteger()))).isEmpty();
    }

    @Test
    void textOnlyModelsGetTimesAndNotesInsteadOfImages() {
        RecordingModel m = new RecordingModel(Capabilities.TEXT_ONLY);
        VideoContext v = new VideoContext("h", 1200, 1200, List.of(new Scene(0, 0, 1200)), (s, e) ->
                new SegmentInput(s, e, List.of(), List.of(new TimedFrame(s + 1, TestVideos.solid(1, 2, 3))), null,
                        "Subtitles: hello at " + Timestamps.seconds(s + 2)));
        LvcotResult r = new Lvcot(m, SegmentCache.none(), LvcotSettings.builder().answerSuffix("\nAnswer briefly.").build())
                .answer(v, List.of(new JobQuestion("q0", "Who speaks?")));
        assertThat(m.prompts).hasSize(4).allSatisfy(p -> assertThat(p.imageCount()).isZero());
        assertThat(m.prompts.get(1).text()).isEqualTo("Video segment 2 of 3, from 400s to 800s. Scenes: 400s–800s.\n"
                + "Frames sampled at: 401s.\nSubtitles: hello at 402s\nDescribe the video segment in detail.");
        assertThat(m.prompts.get(3).text()).isEqualTo("Video from 0s to 1200s. Scenes: 0s–1200s.\nFrames sampled at: 1s.\n"
                + "Subtitles: hello at 2s\n<think>From 0s to 400s: out1 From 400s to 800s: out2 From 800s to 1200s: out3</think>"
                + "Who speaks?\nAnswer briefly.");
        assertThat(r.answers().getFirst().answer()).isEqualTo("out4");
    }

    /** Records the text each range was asked with; its block's single value tells passes apart. */
    static final class ConditionedProvider implements SegmentContextProvider {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final boolean conditioned;

        ConditionedProvider(boolean conditioned) {
            this.conditioned = conditioned;
        }

        @Override
        public SegmentInput range(double startSec, double endSec) {
            return range(startSec, endSec, null);
        }

        @Override
        public SegmentInput range(double startSec, double endSec, String conditioning) {
            calls.add(Timestamps.range(startSec, endSec) + " " + conditioning);
            float v = conditioning == null ? -1 : conditioning.length();
            return new SegmentInput(startSec, endSec, List.of(), List.of(), new EmbeddingBlock(1, 2, new float[]{v, v}), "");
        }

        @Override
        public boolean textConditioned() {
            return conditioned;
        }
    }

    @Test
    void segmentPassesAreConditionedOnTheSegmentPromptAndFinalPassesOnTheirQuestion() {
        RecordingModel m = new RecordingModel(Capabilities.embeddingsOnly());
        ConditionedProvider p = new ConditionedProvider(true);
        VideoContext v = new VideoContext("h", 1200, 1200, List.of(new Scene(0, 0, 1200)), p);
        new Lvcot(m, SegmentCache.none(), LvcotSettings.builder().segmentPrompt("Summarise.").build())
                .answer(v, List.of(new JobQuestion("q0", "Who?"), new JobQuestion("q0", "Where is it?")));
        assertThat(p.calls).containsExactly("0s to 400s Summarise.", "400s to 800s Summarise.", "800s to 1200s Summarise.",
                "0s to 1200s Who?", "0s to 1200s Where is it?");
        assertThat(m.prompts).hasSize(5);
        assertThat(embeddingValue(m.prompts.get(3))).isEqualTo(4f);
        assertThat(embeddingValue(m.prompts.get(4))).isEqualTo(12f);

        // a provider that does not read the text builds the whole-video input once for all questions
        ConditionedProvider plain = new ConditionedProvider(false);
        new Lvcot(new RecordingModel(Capabilities.embeddingsOnly()), SegmentCache.none(), LvcotSettings.defaults())
                .answer(new VideoContext("h", 100, 100, List.of(), plain), List.of(new JobQuestion("q0", "Who?"), new JobQuestion("q0", "Where?")));
        assertThat(plain.calls).containsExactly("0s to 100s null");
    }

    private static float embeddingValue(Prompt p) {
        return p.parts().stream().filter(x -> x instanceof Part.Embeddings).map(x -> ((Part.Embeddings) x).block().values()[0])
                .findFirst().orElseThrow();
    }

    @Test
    void imagesAreThinnedEvenlyToTheLimit() {
        assertThat(Lvcot.thin(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 4)).containsExactly(0, 3, 6, 9);
        assertThat(Lvcot.thin(List.of(0, 1, 2), 5)).containsExactly(0, 1, 2);
        assertThat(Lvcot.thin(List.of(0, 1, 2), 1)).containsExactly(1);
        RecordingModel m = new RecordingModel(Capabilities.images(4));
        VideoContext v = TestVideos.video("h", 500, new AtomicInteger()); // 5 frames, no segments
        new Lvcot(m, SegmentCache.none(), LvcotSettings.defaults()).answer(v, List.of(new JobQuestion("q0", "q")));
        assertThat(m.prompts.getFirst().imageCount()).isEqualTo(4);
        assertThat(m.prompts.getFirst().text()).contains("[5s] [105s] [305s] [405s] "); // indices 0, 1, 3, 4 of 5
    }

    @Test
    void racingQuestionsOnAFreshVideoPayForEachSegmentOnce() throws Exception {
        RecordingModel m = new RecordingModel(Capabilities.TEXT_ONLY);
        Lvcot l = new Lvcot(m, SegmentCache.inMemory(), LvcotSettings.defaults());
        VideoContext v = TestVideos.video("race", 1000, new AtomicInteger());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<LvcotResult>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int q = i;
                fs.add(pool.submit(() -> l.answer(v, List.of(new JobQuestion("q" + q, "JobQuestion " + q + "?")))));
            }
            for (Future<LvcotResult> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
        long segmentPasses = m.prompts.stream().filter(p -> p.text().contains("Describe the video segment")).count();
        assertThat(segmentPasses).isEqualTo(3);
        assertThat(m.prompts).hasSize(3 + 4);
    }

    @Test
    void timestampsFormat() {
        assertThat(Timestamps.seconds(75)).isEqualTo("75s");
        assertThat(Timestamps.seconds(12.5)).isEqualTo("12.5s");
        assertThat(Timestamps.seconds(333.3333)).isEqualTo("333.3s");
        assertThat(Timestamps.seconds(599.96)).isEqualTo("600s");
    }
}
