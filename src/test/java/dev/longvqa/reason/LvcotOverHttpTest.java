package dev.longvqa.reason;

import dev.longvqa.contract.JobQuestion;
import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.reason.backend.BackendOptions;
import dev.longvqa.reason.backend.LanguageModels;
import dev.longvqa.reason.backend.RetryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** LVCoT end to end against a local OpenAI-compatible server that checks the wire format. */
class LvcotOverHttpTest {
    private static final Pattern SEGMENT = Pattern.compile("Video segment (\\d) of \\d");
    private FakeLlmServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeLlmServer(r -> {
            String text = allText(r.json());
            Matcher m = SEGMENT.matcher(text);
            if (m.find()) return FakeLlmServer.Reply.ok(FakeLlmServer.chat("  a dog runs in part " + m.group(1) + "\n", 900, 40));
            return FakeLlmServer.Reply.ok(FakeLlmServer.chat("The dog jumps into the lake at 705s.", 2500, 12));
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Lvcot lvcot(SegmentCache cache) {
        var model = LanguageModels.fromSpec("openai:" + server.base(),
                BackendOptions.builder().model("tdc-qwen").retry(RetryPolicy.none()).requestTimeout(Duration.ofSeconds(10)).build());
        return new Lvcot(model, cache, LvcotSettings.defaults());
    }

    @Test
    void threeSegmentPassesThenOneFinalPassWithTimestampsImagesAndThink() throws Exception {
        AtomicInteger provided = new AtomicInteger();
        VideoContext video = TestVideos.video("v1", 1000, provided);

        LvcotResult result = lvcot(SegmentCache.inMemory()).answer(video, List.of(new JobQuestion("q1", "What does the dog do?")));

        List<FakeLlmServer.Request> chats = server.requests("/v1/chat/completions");
        assertThat(server.requests()).hasSize(4); // no /models: the name was given
        assertThat(chats).hasSize(4);
        for (FakeLlmServer.Request r : chats) {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.contentType()).isEqualTo("application/json");
        }

        // segment pass 1: header with range and scenes, frames labelled with times, the reference prompt
        JsonNode first = chats.get(0).json();
        assertThat(fieldNames(first)).containsExactly("model", "messages", "max_tokens", "temperature");
        assertThat(first.get("model").asText()).isEqualTo("tdc-qwen");
        assertThat(first.get("max_tokens").asInt()).isEqualTo(128);
        assertThat(first.get("temperature").asDouble()).isEqualTo(0.0);
        JsonNode messages = first.get("messages");
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).get("role").asText()).isEqualTo("user");
        JsonNode content = messages.get(0).get("content");
        // text, image, text, image, ... , text: 4 frames (5s, 105s, 205s, 305s)
        assertThat(content).hasSize(9);
        assertThat(content.get(0).get("type").asText()).isEqualTo("text");
        assertThat(content.get(0).get("text").asText()).isEqualTo(
                "Video segment 1 of 3, from 0s to 333.3s. Scenes: 0s–100s, 100s–200s, 200s–300s, 300s–333.3s.\n[5s] ");
        assertThat(content.get(2).get("text").asText()).isEqualTo("[105s] ");
        assertThat(content.get(8).get("text").asText()).isEqualTo("\nDescribe the video segment in detail.");
        for (int i = 1; i < 8; i += 2) {
            JsonNode img = content.get(i);
            assertThat(fieldNames(img)).containsExactly("type", "image_url");
            assertThat(img.get("type").asText()).isEqualTo("image_url");
            String url = img.get("image_url").get("url").asText();
            assertThat(url).startsWith("data:image/jpeg;base64,");
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1))));
            assertThat(decoded.getWidth()).isEqualTo(8);
            int rgb = decoded.getRGB(4, 3);
            int expectedRed = (int) ((i / 2) * 100 + 0) % 256; // frame t = 100*k + 5 was coloured by its segment start 100*k
            assertThat((rgb >> 16) & 0xff).isCloseTo(expectedRed, org.assertj.core.data.Offset.offset(12));
            assertThat(rgb & 0xff).isCloseTo(200, org.assertj.core.data.Offset.offset(12));
        }
        assertThat(allText(chats.get(1).json())).startsWith("Video segment 2 of 3, from 333.3s to 666.7s. Scenes: 333.3s–400s, ");
        assertThat(allText(chats.get(2).json())).startsWith("Video segment 3 of 3, from 666.7s to 1000s.");

        // final pass: the whole video, then the summaries in <think> with their ranges, then the question
        JsonNode fin = chats.get(3).json();
        assertThat(fin.get("max_tokens").asInt()).isEqualTo(512);
        JsonNode finalContent = fin.get("messages").get(0).get("content");
        assertThat(finalContent.get(0).get("text").asText()).startsWith("Video from 0s to 1000s. Scenes: 0s–100s, ");
        assertThat(countImages(finalContent)).isEqualTo(10);
        assertThat(finalContent.get(finalContent.size() - 1).get("text").asText()).isEqualTo(
                "\n<think>From 0s to 333.3s: a dog runs in part 1 From 333.3s to 666.7s: a dog runs in part 2 "
                        + "From 666.7s to 1000s: a dog runs in part 3</think>What does the dog do?");

        // what comes back is exactly what the server said last, with usage per pass
        assertThat(result.answers()).singleElement().satisfies(a -> {
            assertThat(a.answer()).isEqualTo("The dog jumps into the lake at 705s.");
            assertThat(a.questionId()).isEqualTo("q1");
            assertThat(a.promptTokens()).isEqualTo(2500);
            assertThat(a.completionTokens()).isEqualTo(12);
            assertThat(a.finishReason()).isEqualTo("stop");
        });
        assertThat(result.segments()).extracting(SegmentOutput::summary)
                .containsExactly("a dog runs in part 1", "a dog runs in part 2", "a dog runs in part 3");
        assertThat(result.segments().get(1).startSec()).isEqualTo(1000.0 / 3);
        assertThat(result.requests()).isEqualTo(4);
        assertThat(result.promptTokens()).isEqualTo(3 * 900 + 2500);
        assertThat(result.completionTokens()).isEqualTo(3 * 40 + 12);
        assertThat(result.passes()).extracting(PassRecord::kind).containsExactly("segment", "segment", "segment", "answer");
        assertThat(provided.get()).isEqualTo(4);

        AskReport report = AskReport.of(result);
        JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsString(report));
        assertThat(json.get("answer").asText()).isEqualTo("The dog jumps into the lake at 705s.");
        assertThat(json.get("segments")).hasSize(3);
        assertThat(json.get("segments").get(2).get("endSec").asDouble()).isEqualTo(1000.0);
        assertThat(json.get("tokens").get("prompt").asInt()).isEqualTo(5200);
        assertThat(json.get("passes").get(3).get("completionTokens").asInt()).isEqualTo(12);
        assertThat(json.has("timings")).isTrue();
        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsString(report), AskReport.class)).isEqualTo(report);
    }

    @Test
    void aSecondQuestionOnTheSameVideoCostsExactlyOneRequest(@TempDir Path dir) {
        AtomicInteger provided = new AtomicInteger();
        VideoContext video = TestVideos.video("v2", 700, provided); // 700 frames → 2 segments
        lvcot(SegmentCache.directory(dir)).answer(video, List.of(new JobQuestion("q1", "Where is the dog?")));
        assertThat(server.requests()).hasSize(3);

        // a new Lvcot (as a new process would be) over the same cache directory
        LvcotResult second = lvcot(SegmentCache.directory(dir)).answer(video, List.of(new JobQuestion("q2", "What colour is the dog?")));

        assertThat(server.requests()).hasSize(4);
        assertThat(second.requests()).isEqualTo(1);
        assertThat(second.passes()).extracting(PassRecord::cached).containsExactly(true, true, false);
        assertThat(second.promptTokens()).isEqualTo(2500); // cached passes cost nothing now
        assertThat(allText(server.requests().get(3).json())).contains("<think>From 0s to 350s: a dog runs in part 1 From 350s to 700s: a dog runs in part 2</think>What colour is the dog?");
        assertThat(provided.get()).isEqualTo(2 + 1 + 1); // segments were not rebuilt
    }

    @Test
    void shortVideoGoesStraightToTheAnswerAsInTheReference() {
        VideoContext video = TestVideos.video("v3", 300, new AtomicInteger()); // < 600 frames
        LvcotResult r = lvcot(SegmentCache.inMemory()).answer(video, List.of(new JobQuestion("q0", "What happens?")));
        assertThat(server.requests()).hasSize(1);
        assertThat(r.segments()).isEmpty();
        assertThat(allText(server.requests().getFirst().json())).doesNotContain("<think>").endsWith("What happens?");
    }

    @Test
    void severalQuestionsShareTheSegmentPasses() {
        VideoContext video = TestVideos.video("v4", 950, new AtomicInteger());
        LvcotResult r = lvcot(SegmentCache.none()).answer(video, List.of(new JobQuestion("a", "One?"), new JobQuestion("b", "Two?")));
        assertThat(server.requests()).hasSize(3 + 2);
        assertThat(r.answers()).extracting(AnswerOutput::questionId).containsExactly("a", "b");
    }

    @Test
    void parallelSegmentPassesOverlapAndKeepTheirOrder() throws Exception {
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();
        server.respond(r -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
            Matcher m = SEGMENT.matcher(allText(r.json()));
            return FakeLlmServer.Reply.ok(FakeLlmServer.chat(m.find() ? "part " + m.group(1) : "answer", 1, 1));
        });
        var model = LanguageModels.fromSpec("openai:" + server.base(), BackendOptions.builder().model("m").build());
        LvcotResult r = new Lvcot(model, SegmentCache.inMemory(), LvcotSettings.builder().segmentParallelism(3).build())
                .answer(TestVideos.video("par", 1000, new AtomicInteger()), List.of(new JobQuestion("q0", "q?")));
        assertThat(maxInFlight.get()).isEqualTo(3);
        assertThat(r.segments()).extracting(SegmentOutput::summary).containsExactly("part 1", "part 2", "part 3");
        assertThat(r.passes()).extracting(PassRecord::index).containsExactly(0, 1, 2, 0);
        assertThat(r.answers().getFirst().answer()).isEqualTo("answer");
    }

    static String allText(JsonNode body) {
        StringBuilder b = new StringBuilder();
        for (JsonNode m : body.get("messages")) {
            JsonNode c = m.get("content");
            if (c.isTextual()) b.append(c.asText());
            else for (JsonNode item : c) if (item.has("text")) b.append(item.get("text").asText());
        }
        return b.toString();
    }

    static int countImages(JsonNode content) {
        int n = 0;
        for (JsonNode item : content) if (item.get("type").asText().equals("image_url")) n++;
        return n;
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
