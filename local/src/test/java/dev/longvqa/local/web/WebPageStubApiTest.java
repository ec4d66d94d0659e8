package dev.longvqa.local.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.RequiredTool;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page against the stand-in API ({@link StubApiServer}): the multipart upload path (the
 * threshold set below the video's size, so the page PUTs every part to its own URL on another
 * origin and completes the upload), the rendering of the report's pieces, questions, errors in
 * plain words and the layout at desktop and phone widths. {@link WebPageLocalUpTest} runs the same
 * flow against {@code local up}.
 */
@Timeout(300)
class WebPageStubApiTest {
    @TempDir
    static Path dir;
    static StubApiServer api;
    static DevToolsBrowser browser;
    static SyntheticVideo.Generated video;

    @BeforeAll
    static void start() throws Exception {
        RequiredTool.require(DevToolsBrowser.available(), "headless chromium");
        video = SyntheticVideo.builder().size(160, 90).fps(10).shot(SyntheticVideo.ShotType.SHAPES, 4)
                .shot(SyntheticVideo.ShotType.PAN, 4).build().write(dir.resolve("two shots <b>&.mp4"));
        long size = Files.size(video.path());
        // At least three parts, the last one short.
        api = new StubApiServer(size / 4, size / 3, 300);
        browser = DevToolsBrowser.start(dir);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (api != null) api.close();
    }

    @Test
    void uploadInPartsWatchTheJobAskAndReadTheAnswerAtDesktopAndPhoneWidths() throws Exception {
        WebPageFlow flow = new WebPageFlow(browser, api.url(), "stub");
        WebPageFlow.Upload up = flow.upload(video.path(), List.of("What moves first?"));
        up.assertProgressWentUpToFull();
        StubApiServer.Job job = api.jobs.get(up.jobId());
        assertThat(job.parts).hasSizeGreaterThanOrEqualTo(3);
        assertThat(job.object).as("the parts reassemble to the file").isEqualTo(Files.readAllBytes(video.path()));
        assertThat(api.calls).contains("POST /videos/" + up.jobId() + "/complete");

        assertThat(flow.awaitTerminal(Duration.ofSeconds(60))).isEqualTo("SUCCEEDED");
        flow.assertStagesAllDone(up.jobId());
        flow.assertReportPiecesMatchTheApi(up.jobId());
        assertThat(browser.eval("document.getElementById('job-title').textContent").asText()).isEqualTo(job.fileName);
        assertThat(browser.eval("document.querySelector('#answers article.qa .question').textContent").asText()).isEqualTo("What moves first?");

        JsonNode answer = flow.ask(up.jobId(), "And <i>then</i>?", Duration.ofSeconds(30));
        assertThat(answer.get("answer").asText()).isEqualTo("stub answer to: And <i>then</i>?");
        assertThat(browser.eval("document.querySelectorAll('#answers .answer *').length").asInt()).as("answers are text").isZero();

        // Errors from the API reach the user in plain words.
        flow.submitQuestion("   ");
        assertThat(flow.errorShown()).contains("cannot be asked").contains("2000 characters").doesNotContain("{");
        flow.go("#/jobs/0123456789abcdef0123456789abcdef");
        assertThat(flow.errorShown()).contains("no such job");

        flow.go("#/jobs/" + up.jobId());
        flow.awaitTerminal(Duration.ofSeconds(10));
        flow.assertReportPiecesMatchTheApi(up.jobId());
        for (int w : new int[]{WebPageFlow.DESKTOP, WebPageFlow.PHONE}) {
            flow.assertLayout("job", w, WebPageFlow.JOB_VISIBLE, WebPageFlow.JOB_APART);
        }
        flow.go("#/");
        browser.waitFor("document.querySelectorAll('#job-list li.job').length === 1", Duration.ofSeconds(10));
        for (int w : new int[]{WebPageFlow.DESKTOP, WebPageFlow.PHONE}) {
            flow.assertLayout("home", w, WebPageFlow.HOME_VISIBLE, WebPageFlow.HOME_APART);
        }
        flow.assertNothingFetchedButTheApiAndStorage();
        assertThat(browser.pageErrors()).isEmpty();
    }
}
