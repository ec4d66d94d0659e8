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

    @Option(names = "--data", paramLabel = "DIR", description = "state directory (default: $LONGVQA_LOCAL_DIR or ~/.longvqa/local)")
    Path data;

    @Option(names = "--llm", paramLabel = "SPEC", description = "the worker's model: openai:URL | runtime:MODEL | gguf:PATH (default: $LONGVQA_LLM)")
    String llm;

    @Option(names = "--tdc", paramLabel = "DIR", description = "TDC checkpoint directory (longvqa ask --tdc's layout): the worker "
            + "sends the TDC visual context as input embeddings; needs --llm runtime:DIR or openai-embeds:URL (default: $LONGVQA_TDC)")
    Path tdc;

    @Option(names = "--budget", defaultValue = "8K", description = "TDC context budget in tokens with --tdc (default: ${DEFAULT-VALUE})")
    String budget;

    @Option(names = "--template", paramLabel = "FILE", description = "a synthesized CloudFormation template to deploy "
            + "(default: synthesize the stack as ./longvqa infra synth does, into DIR/cdk.out)")
    Path template;

    @Option(names = "--s3mock-jar", paramLabel = "JAR", description = "S3Mock exec jar (default: local/target/s3mock/s3mock-exec.jar)")
    Path s3mockJar;

    private Path tdcDir() {
        if (tdc != null) return tdc;
        String env = System.getenv("LONGVQA_TDC");
        return env == null || env.isBlank() ? null : Path.of(env);
    }

    private int tdcBudget() {
        return dev.longvqa.cli.BudgetOption.settings(budget).budget();
    }

    @Override
    public Integer call() throws Exception {
        Path dir = data != null ? data : CloudCommands.defaultDataDir();
        String model = llm != null ? llm : System.getenv("LONGVQA_LLM");
        PrintWriter out = spec.commandLine().getOut();
        if (model == null || model.isBlank()) {
            spec.commandLine().getErr().println("warning: no --llm or LONGVQA_LLM: uploads will decode and segment, then FAILED with MODEL_UNAVAILABLE at the reasoning step");
        }
        LocalCloud.Builder b = LocalCloud.builder().dataDir(dir)
                .handlers(LocalWiring.functions(dir.resolve("tmp")))
                .worker(LocalWiring.worker(model, tdcDir(), tdcBudget()));
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
        out.println("  model     " + (model == null ? "(none)" : model));
        out.println("  state     " + dir.resolve("endpoints.json"));
        out.println("try: ./longvqa local upload VIDEO --question \"What happens?\" --wait --json");
        out.flush();
        stopped.await();
        return 0;
    }
}
