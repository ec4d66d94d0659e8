package dev.longvqa.local;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.local.asl.AslExecutor;
import dev.longvqa.local.asl.Execution;
import dev.longvqa.local.asl.ExecutionResult;
import dev.longvqa.local.asl.ExecutionStatus;
import dev.longvqa.local.asl.HistoryEvent;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./longvqa local ...}: the local cloud's commands. */
@Command(name = "longvqa local", mixinStandardHelpOptions = true,
        description = "The workflow on this machine: ASL executor, Step Functions API, emulators.",
        subcommands = {dev.longvqa.local.cloud.UpCommand.class, dev.longvqa.local.cloud.CloudCommands.Upload.class,
                dev.longvqa.local.cloud.CloudCommands.Status.class, dev.longvqa.local.cloud.CloudCommands.Answer.class,
                dev.longvqa.local.cloud.LocalAskCommand.class, dev.longvqa.local.web.WebCommand.class, LocalCli.RunAsl.class})
public final class LocalCli implements Runnable {
    static final ObjectMapper JSON = Json.mapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        CommandLine cmd;
        try {
            cmd = configured();
        } catch (RuntimeException e) { // a configured value that does not convert, an unknown key in the user file
            System.err.println("error: " + dev.longvqa.error.ErrorCode.BAD_REQUEST.name() + ": configuration: " + e.getMessage().replace('\n', ' '));
            System.exit(dev.longvqa.error.ErrorCode.Kind.BAD_INPUT.exitCode());
            return;
        }
        System.exit(cmd.execute(args));
    }

    /**
     * The command line as {@code main} configures it, with the emulators' stand-in credentials and
     * region already set (in-process tests build SDK clients for the emulators before running a command).
     */
    public static CommandLine commandLineForTests() {
        emulatorCredentials();
        return configured();
    }

    private static CommandLine configured() {
        // The function services bring the URL-connection HTTP client, the SDK modules Apache HttpClient 5 (SDK >= 2.3x): pick one.
        System.setProperty("software.amazon.awssdk.http.service.impl", "software.amazon.awssdk.http.apache5.Apache5SdkHttpService");
        return commandLine().setExecutionStrategy(parsed -> {
            // `local web` signs for the real AWS account with the caller's own credentials: no stand-ins there
            if (!(parsed.asCommandLineList().getLast().getCommand() instanceof dev.longvqa.local.web.WebCommand)) emulatorCredentials();
            return new CommandLine.RunLast().execute(parsed);
        });
    }

    /**
     * Every other service here is an emulator: the in-process worker's default credential chain and
     * region must resolve without an AWS account.
     */
    private static void emulatorCredentials() {
        if (System.getProperty("aws.accessKeyId") == null) {
            System.setProperty("aws.accessKeyId", "local");
            System.setProperty("aws.secretAccessKey", "local");
        }
        if (System.getProperty("aws.region") == null) System.setProperty("aws.region", "us-east-1");
    }

    static CommandLine commandLine() {
        return commandLine(System.getenv(), System.getProperties());
    }

    /**
     * The command line as a process with this environment and these system properties has it: the
     * options' defaults from {@link LocalConfig} and {@code longvqa}'s own configuration, read the one way.
     */
    static CommandLine commandLine(Map<String, String> env, java.util.Properties system) {
        dev.longvqa.cli.Configuration config = dev.longvqa.cli.Configuration.load(env, system, LocalConfig.class);
        // "--input @file.json" is ours to read: picocli would otherwise expand it as an argument file
        return new CommandLine(new LocalCli()).setExpandAtFiles(false).setDefaultValueProvider(config.optionDefaults());
    }

    /**
     * Executes a definition with no task handlers: Pass/Choice/Wait/Map/Succeed/Fail run as
     * written, and a Task state fails the run with States.Runtime naming the missing resource.
     */
    @Command(name = "run-asl", mixinStandardHelpOptions = true,
            description = "Run an ASL definition locally (no task handlers: Task states fail clearly) and print the result as JSON.")
    static final class RunAsl implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "the state machine definition (JSON)")
        Path file;

        @Option(names = "--input", paramLabel = "JSON", description = "execution input (default {}); @FILE reads a file")
        String input = "{}";

        @Option(names = {"-s", "--substitution"}, paramLabel = "KEY=VALUE", description = "a DefinitionSubstitution, repeatable")
        Map<String, String> substitutions = new LinkedHashMap<>();

        @Option(names = "--time-scale", paramLabel = "FACTOR", description = "multiplies Wait and Retry delays (default ${DEFAULT-VALUE})")
        double timeScale = 1.0;

        @Option(names = "--timeout-scale", paramLabel = "FACTOR",
                description = "multiplies TimeoutSeconds and HeartbeatSeconds (default ${DEFAULT-VALUE})")
        double timeoutScale = 1.0;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "give up waiting after this long (default ${DEFAULT-VALUE})")
        long timeoutSeconds = 600;

        @Option(names = "--history", description = "also print the execution history")
        boolean history;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            AslExecutor executor;
            com.fasterxml.jackson.databind.JsonNode inputJson;
            try {
                executor = AslExecutor.builder().definition(Files.readString(file)).substitutions(substitutions)
                        .timeScale(timeScale).timeoutScale(timeoutScale).build();
                inputJson = JSON.readTree(input.startsWith("@") ? Files.readString(Path.of(input.substring(1))) : input);
            } catch (java.io.IOException | IllegalArgumentException e) { // unreadable file, bad JSON, invalid definition
                err.println("error: " + e.getMessage());
                return 2;
            }
            try (executor) {
                Execution execution = executor.start(null, inputJson);
                ExecutionResult r;
                try {
                    r = execution.await(Duration.ofSeconds(timeoutSeconds));
                } catch (TimeoutException e) {
                    execution.stop("Local.CliTimeout", "gave up after " + timeoutSeconds + " s");
                    r = execution.describe();
                }
                ObjectNode result = JSON.createObjectNode().put("status", r.status().name());
                if (r.output() != null) result.set("output", r.output());
                if (r.error() != null) result.put("error", r.error());
                if (r.cause() != null) result.put("cause", r.cause());
                if (history) {
                    var events = result.putArray("history");
                    for (HistoryEvent h : execution.history()) {
                        events.addObject().put("id", h.id()).put("type", h.type()).set("details", h.details());
                    }
                }
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
                out.flush();
                return r.status() == ExecutionStatus.SUCCEEDED ? 0 : 1;
            }
        }
    }
}
