package dev.longvqa.local.cloud;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.contract.S3Layout;
import dev.longvqa.pipeline.JobId;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code local upload|status|answer}: talk to a running {@code local up} through its endpoints file. */
public final class CloudCommands {
    private static final ObjectMapper JSON = Json.mapper();

    private CloudCommands() {}

    static LocalCloud.EmulatorClients connect(Path dataDir) throws Exception {
        Path file = dataDir.resolve("endpoints.json");
        if (!Files.isRegularFile(file)) {
            throw new CommandLine.ParameterException(new CommandLine(new Object()),
                    "the local cloud is not running (no " + file + "): start it with ./longvqa local up");
        }
        return LocalCloud.EmulatorClients.of(LocalCloud.Endpoints.read(file));
    }

    /** Shared options. */
    static class Common {
        @Option(names = "--data", paramLabel = "DIR", descriptionKey = "local.dir", description = "local cloud state directory (default: ${DEFAULT-VALUE})")
        Path data;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        Path dataDir() {
            return data;
        }
    }

    @Command(name = "upload", mixinStandardHelpOptions = true,
            description = "Upload a video (and its questions) to the local bucket; the upload starts the workflow.")
    public static final class Upload extends Common implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "VIDEO")
        Path video;

        @Option(names = "--question", paramLabel = "Q", description = "a question (repeatable); default: describe the video")
        List<String> questions = new ArrayList<>();

        @Option(names = "--key", description = "object key (default: the upload rule's key prefix + the file name)")
        String key;

        @Option(names = "--wait", description = "wait until the job SUCCEEDED or FAILED and print it")
        boolean await;

        @Option(names = "--timeout", descriptionKey = "local.upload-timeout", description = "seconds to wait (default: ${DEFAULT-VALUE})")
        long timeoutSec;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(video)) throw new CommandLine.ParameterException(spec.commandLine(), video + " is not a file");
            try (LocalCloud.EmulatorClients c = connect(dataDir())) {
                String objectKey = key != null ? key : c.endpoints().uploadPrefix() + video.getFileName();
                String bucket = c.endpoints().bucket();
                if (!questions.isEmpty() && !S3Layout.isVideoUpload(objectKey)) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--question needs a video key under " + S3Layout.VIDEOS_PREFIX + ", not " + objectKey);
                }
                if (S3Layout.isVideoUpload(objectKey)) {
                    // The sidecar goes first (outside the upload prefix: it starts nothing itself);
                    // the video's event reads it at registration. It names the local API's caller as
                    // the owner, so the job is on the page and `local ask` can ask about it.
                    List<String> texts = questions.isEmpty() ? List.of(dev.longvqa.functions.QuestionSource.DEFAULT) : questions;
                    c.s3().putObject(r -> r.bucket(bucket).key(S3Layout.sidecar(objectKey)).contentType("application/json"),
                            RequestBody.fromBytes(JSON.writeValueAsBytes(new dev.longvqa.contract.api.UploadSidecar(texts, null,
                                    LocalApiServer.LOCAL_CALLER))));
                }
                String etag = c.s3().putObject(r -> r.bucket(bucket).key(objectKey), RequestBody.fromFile(video)).eTag();
                String jobId = JobId.of(bucket, objectKey, null, etag).value();
                PrintWriter out = spec.commandLine().getOut();
                if (!await) {
                    if (json) out.println(JSON.createObjectNode().put("jobId", jobId).put("bucket", bucket).put("key", objectKey));
                    else out.println("uploaded s3://" + bucket + "/" + objectKey + " job " + jobId);
                    return 0;
                }
                Map<String, AttributeValue> row = waitFor(c, jobId, Duration.ofSeconds(timeoutSec));
                return print(out, c, row, json);
            }
        }
    }

    /** A command about one existing job: finds its row or says there is none (exit 2). */
    abstract static class JobCommand extends Common implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "JOB")
        String jobId;

        @Override
        public final Integer call() throws Exception {
            try (LocalCloud.EmulatorClients c = connect(dataDir())) {
                Optional<Map<String, AttributeValue>> row = StatusView.row(c, jobId);
                if (row.isEmpty()) {
                    spec.commandLine().getErr().println("error: no job " + jobId);
                    return 2;
                }
                return show(spec.commandLine().getOut(), c, row.get());
            }
        }

        abstract int show(PrintWriter out, LocalCloud.EmulatorClients c, Map<String, AttributeValue> row) throws Exception;
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Print a job's row.")
    public static final class Status extends JobCommand {
        @Override
        int show(PrintWriter out, LocalCloud.EmulatorClients c, Map<String, AttributeValue> row) throws Exception {
            return print(out, c, row, json);
        }
    }

    @Command(name = "answer", mixinStandardHelpOptions = true, description = "Print a job's answers.")
    public static final class Answer extends JobCommand {
        @Override
        int show(PrintWriter out, LocalCloud.EmulatorClients c, Map<String, AttributeValue> row) {
            ObjectNode view = StatusView.render(c, row);
            String status = StatusView.status(row);
            if (json) {
                out.println(JSON.createObjectNode().put("jobId", jobId).put("status", status).set("answers", view.path("answers")));
            } else if (view.path("answers").isArray() && !view.path("answers").isEmpty()) {
                view.path("answers").forEach(a -> out.println(a.path("question").asText() + "\n  " + a.path("answer").asText()));
            } else {
                out.println("no answer yet (status " + status + ")");
            }
            return status.equals("SUCCEEDED") ? 0 : 1;
        }
    }

    static Map<String, AttributeValue> waitFor(LocalCloud.EmulatorClients c, String jobId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, AttributeValue> last = null;
        while (System.nanoTime() < deadline) {
            Optional<Map<String, AttributeValue>> row = StatusView.row(c, jobId);
            if (row.isPresent()) {
                last = row.get();
                if (StatusView.terminal(last)) return last;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("job " + jobId + " did not finish within " + timeout.toSeconds() + " s (status "
                + (last == null ? "not registered" : StatusView.status(last)) + ")");
    }

    static int print(PrintWriter out, LocalCloud.EmulatorClients c, Map<String, AttributeValue> row, boolean json) throws Exception {
        ObjectNode view = StatusView.render(c, row);
        String status = StatusView.status(row);
        if (json) {
            out.println(JSON.writeValueAsString(view));
        } else {
            out.println("job " + view.path("jobId").asText() + ": " + status);
            if (status.equals("FAILED")) out.println("  " + view.path("errorType").asText() + ": " + view.path("errorMessage").asText());
            if (view.path("scenes").isArray()) out.println("  " + view.path("scenes").size() + " scenes");
            view.path("answers").forEach(a -> out.println("  Q: " + a.path("question").asText() + "\n  A: " + a.path("answer").asText()));
        }
        if (status.equals("SUCCEEDED")) return 0;
        String type = view.path("errorType").asText("");
        return dev.longvqa.error.ErrorCode.fromName(type).kind().exitCode();
    }
}
