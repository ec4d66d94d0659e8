package dev.longvqa.local.cloud;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code local up}: start the local cloud in the foreground until Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start S3 (S3Mock), DynamoDB (dynalite), SQS (ElasticMQ), the workflow executor and the GPU worker (CPU) on this machine.")
public final class UpCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // No defaultValue here: each default is a property (LocalConfig, or longvqa's own for --llm, --budget, --asr).
    @Option(names = "--data", paramLabel = "DIR", descriptionKey = "local.dir", description = "state directory (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--llm", paramLabel = "SPEC", description = "the worker's model: openai:URL | runtime:MODEL | gguf:PATH "
            + "(default: ${DEFAULT-VALUE}, as ./longvqa ask)")
    String llm;

    @Option(names = "--tdc", paramLabel = "DIR", descriptionKey = "local.tdc", description = "TDC checkpoint directory (longvqa ask --tdc's layout): the worker "
            + "sends the TDC visual context as input embeddings; needs --llm runtime:DIR or openai-embeds:URL (default: longvqa.local.tdc; unset: frames as images)")
    Path tdc;

    @Option(names = "--budget", description = "TDC context budget in tokens with --tdc (default: ${DEFAULT-VALUE})")
    String budget;

    @Option(names = "--asr", paramLabel = "SPEC", description = "the worker's speech recogniser, as ./longvqa ask --asr (default: ${DEFAULT-VALUE})")
    String asr;

    @Option(names = "--port", descriptionKey = "local.port", description = "the API and the web page on http://127.0.0.1:PORT "
            + "(0: any free port; default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--template", paramLabel = "FILE", description = "a synthesized CloudFormation template to deploy "
            + "(default: synthesize the stack as ./longvqa infra synth does, into DIR/cdk.out)")
    Path template;

    @Option(names = "--s3mock-jar", paramLabel = "JAR", description = "S3Mock exec jar (default: local/target/s3mock/s3mock-exec.jar)")
    Path s3mockJar;

    @Override
    public Integer call() throws Exception {
        Path dir = data;
        String model = llm;
        // the embedded default `ask` uses: found in the model cache, or pulled on first use
        boolean embedded = model.equals(dev.longvqa.cli.AskCommand.defaultSpec());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LocalCloud.Builder b = LocalCloud.builder().dataDir(dir)
                .handlers(LocalWiring.functions(dir.resolve("tmp")))
                .api(port)
                .worker(LocalWiring.worker(model, tdc, dev.longvqa.cli.BudgetOption.settings(budget).budget(), asr, reason -> {
                    // said once, at start: what the worker needs and how to provide it
                    err.println("warning: the worker's model " + model + " cannot be used: " + reason);
                    err.println("  uploads will decode and segment, then end FAILED with MODEL_UNAVAILABLE. Provide it with "
                            + (embedded ? "./longvqa models pull " + dev.longvqa.cli.AskCommand.DEFAULT_MODEL + " (needs a network once), or " : "")
                            + "--llm openai:http://HOST:PORT/v1 (vLLM, llama.cpp server, Ollama), gguf:PATH or runtime:DIR");
                    err.flush();
                }));
        b.template(template);
        PrintWriter progressOut = spec.commandLine().getOut();
        b.progress(line -> {
            synchronized (progressOut) {
                progressOut.println(line);
                progressOut.flush();
            }
        });
        if (s3mockJar != null) b.s3MockJar(s3mockJar);
        Files.deleteIfExists(dir.resolve("endpoints.json"));
        LocalCloud cloud = b.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cloud.close();
            try {
                Files.deleteIfExists(dir.resolve("endpoints.json"));
            } catch (java.io.IOException ignored) {
                // a stale file only makes the next upload say the cloud is not running
            }
            stopped.countDown();
        }, "local-cloud-stop"));
        LocalCloud.Endpoints e = cloud.endpoints();
        out.println("longvqa local cloud is up (Ctrl-C stops it)");
        out.println("  S3        " + e.s3() + "   bucket " + e.bucket() + " (uploads under " + e.uploadPrefix() + " start the workflow)");
        out.println("  DynamoDB  " + e.dynamodb() + "   table " + e.table());
        out.println("  SQS       " + e.sqs() + "   queue " + e.queueUrl());
        out.println("  StepFns   " + e.sfn());
        out.print("from the template:\n" + cloud.deployment().describe());
        out.println("  model     " + model + (embedded ? "  (the embedded default, as ./longvqa ask uses)" : ""));
        out.println("  state     " + dir.resolve("endpoints.json"));
        out.println("  API       " + e.api() + "   loopback only, no authorization: every request acts as " + LocalApiServer.LOCAL_CALLER);
        out.println("open " + e.api() + "/ for the page (upload, jobs, questions), or: ./longvqa local upload VIDEO --question \"What happens?\" --wait");
        out.println("  then: ./longvqa local ask JOB_ID \"QUESTION\"   (the API: curl " + e.api() + "/jobs)");
        out.flush();
        stopped.await();
        return 0;
    }
}
