package dev.longvqa.local.web;

import dev.longvqa.local.cloud.TestClouds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.RequiredTool;
import dev.longvqa.cli.FakeOpenAiServer;
import dev.longvqa.local.cloud.LocalCloud;
import dev.longvqa.local.cloud.stack.SynthesizedStack;
import dev.longvqa.reason.LvcotSettings;
import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page as a user meets it: {@code longvqa local up} in its own JVM (the launcher's main class)
 * with a stand-in OpenAI server as its model, the page loaded from the URL it serves, a generated
 * video picked in the page's file input. The job runs the real workflow (decode, scenes, segment
 * passes, answers) to SUCCEEDED on the page; a follow-up typed in the question box is answered by
 * the answer-only workflow — one more model call per question, no segment pass — and shows up.
 */
@Timeout(900)
class WebPageLocalUpTest {
    @TempDir
    static Path dir;
    static FakeOpenAiServer llm;
    static Process up;
    static Path log;
    static String pageUrl;
    static DevToolsBrowser browser;
    static SyntheticVideo.Generated video;

    @BeforeAll
    static void start() throws Exception {
        RequiredTool.require(DevToolsBrowser.available(), "headless chromium");
        llm = new FakeOpenAiServer();
        video = SyntheticVideo.builder().size(160, 90).fps(10).shot(SyntheticVideo.ShotType.SHAPES, 8)
                .shot(SyntheticVideo.ShotType.PAN, 8).shot(SyntheticVideo.ShotType.ZOOM, 8).build().write(dir.resolve("three shots.mp4"));
        Path root = TestClouds.repoRoot();
        Path data = dir.resolve("state");
        log = dir.resolve("up.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        up = new ProcessBuilder(java, "-Xmx1g", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.longvqa.local.LocalCli", "up", "--data", data.toString(), "--template", SynthesizedStack.template().toString(),
                "--s3mock-jar", TestClouds.s3MockJar().toString(), "--llm", "openai:" + llm.base(),
                "--port", "0")
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path endpoints = data.resolve("endpoints.json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (!(Files.isRegularFile(endpoints) && Files.readString(log).contains("is up")) && System.nanoTime() < deadline) {
            assertThat(up.isAlive()).as(Files.readString(log)).isTrue();
            Thread.sleep(250);
        }
        assertThat(Files.readString(log)).as("local up did not come up").contains("is up");
        // The page is where local up says its API is: GET / of it.
        pageUrl = LocalCloud.Endpoints.read(endpoints).api() + "/";
        assertThat(pageUrl).startsWith("http://127.0.0.1:");
        browser = DevToolsBrowser.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.close();
        if (up != null) {
            new ProcessBuilder("kill", "-INT", Long.toString(up.pid())).start().waitFor();
            if (!up.waitFor(60, TimeUnit.SECONDS)) {
                up.descendants().forEach(ProcessHandle::destroyForcibly);
                up.destroyForcibly();
            }
        }
        if (llm != null) llm.close();
    }

    private static long segmentPasses() {
        String prompt = LvcotSettings.builder().build().segmentPrompt();
        return llm.chats.stream().filter(c -> c.toString().contains(prompt)).count();
    }

    @Test
    void uploadWatchTheJobAskAFollowUpAndReadTheAnswerAtDesktopAndPhoneWidths() throws Exception {
        WebPageFlow flow = new WebPageFlow(browser, pageUrl, "local");
        WebPageFlow.Upload upload = flow.upload(video.path(), List.of("What moves first?"));
        upload.assertProgressWentUpToFull();

        assertThat(flow.awaitTerminal(Duration.ofSeconds(480))).as(Files.readString(log)).isEqualTo("SUCCEEDED");
        flow.assertStagesAllDone(upload.jobId());
        JsonNode detail = flow.assertReportPiecesMatchTheApi(upload.jobId());
        assertThat(detail.get("scenes").size()).as("the video's three shots").isEqualTo(3);
        assertThat(detail.get("segments").size()).as("LVCoT segment summaries").isGreaterThan(0);
        long segmentPasses = segmentPasses();
        assertThat(segmentPasses).isGreaterThan(0);
        // The upload's question was answered by the model the workflow called, and the page shows that answer.
        JsonNode first = flow.api("jobs/" + upload.jobId()).get("questions").get(0);
        assertThat(first.get("state").asText()).isEqualTo("ANSWERED");
        assertThat(llm.replies).contains(first.get("answer").asText());
        browser.waitFor("[...document.querySelectorAll('#answers article.qa .answer')].some(a => a.textContent === "
                + WebPageFlow.js(first.get("answer").asText()) + ")", Duration.ofSeconds(10));

        int calls = llm.chats.size();
        JsonNode answer = flow.ask(upload.jobId(), "What colour is the ring?", Duration.ofSeconds(300));
        assertThat(llm.replies).as("the answer is the model's reply").contains(answer.get("answer").asText());
        assertThat(llm.chats.size()).as("one answer pass for one follow-up").isEqualTo(calls + 1);
        assertThat(segmentPasses()).as("no segment pass for a follow-up").isEqualTo(segmentPasses);
        assertThat(llm.chats.getLast().toString()).contains("What colour is the ring?");

        flow.submitQuestion("   ");
        assertThat(flow.errorShown()).contains("cannot be asked").doesNotContain("{");
        flow.go("#/jobs/0123456789abcdef0123456789abcdef");
        assertThat(flow.errorShown()).contains("no such job");

        flow.go("#/jobs/" + upload.jobId());
        flow.awaitTerminal(Duration.ofSeconds(30));
        flow.assertReportPiecesMatchTheApi(upload.jobId());
        for (int w : new int[]{WebPageFlow.DESKTOP, WebPageFlow.PHONE}) {
            flow.assertLayout("job", w, WebPageFlow.JOB_VISIBLE, WebPageFlow.JOB_APART);
        }
        flow.go("#/");
        browser.waitFor("document.querySelectorAll('#job-list li.job').length === 1", Duration.ofSeconds(20));
        for (int w : new int[]{WebPageFlow.DESKTOP, WebPageFlow.PHONE}) {
            flow.assertLayout("home", w, WebPageFlow.HOME_VISIBLE, WebPageFlow.HOME_APART);
        }
        // A file that is not a video: the job ends FAILED and the page says why, in words.
        Path notAVideo = Files.writeString(dir.resolve("notes.mp4"), "this is not a video\n".repeat(50));
        WebPageFlow.Upload bad = flow.upload(notAVideo, List.of());
        assertThat(flow.awaitTerminal(Duration.ofSeconds(240))).isEqualTo("FAILED");
        assertThat(browser.eval("document.getElementById('job-failure').innerText").asText())
                .startsWith("Processing failed: the file is not a video this service can read.");
        assertThat(browser.eval("document.querySelectorAll('#job-stages li.stage[data-state=FAILED]').length").asInt()).isEqualTo(1);
        assertThat(browser.eval("document.getElementById('ask-button').disabled").asBoolean()).isTrue();
        assertThat(flow.api("jobs/" + bad.jobId()).at("/error/type").asText()).isEqualTo("NOT_A_VIDEO");
        flow.assertNothingFetchedButTheApiAndStorage();
        assertThat(browser.pageErrors()).isEmpty();
    }
}
