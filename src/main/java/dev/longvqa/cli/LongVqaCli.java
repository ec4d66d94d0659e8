package dev.longvqa.cli;

import dev.longvqa.contract.Json;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.video.FrameSampler;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.SmallRyeConfig;
import picocli.CommandLine;

import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;

/** The {@code longvqa} command line: one subcommand per job. */
@Command(name = "longvqa", mixinStandardHelpOptions = true, version = "longvqa 0.1.0",
        description = "Long-video question answering: scenes, TDC context plans, LVCoT answers.")
public final class LongVqaCli implements Runnable {
    /** The subcommands, in the order help lists them. */
    static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(ScenesCommand.class, PlanCommand.class,
            AskCommand.class, ModelsCommand.class, SynthCommand.class, CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** The subcommands that decode video: their start also loads FFmpeg's natives, in parallel. */
    private static final java.util.Set<String> DECODING = java.util.Set.of("scenes", "plan", "ask");

    public static void main(String[] args) {
        // A short video's run is mostly start-up (issue 17: `scenes` on a 2-minute video). Loading
        // FFmpeg's natives (80-110 ms) and building the JSON mapper the result is printed with
        // (30-40 ms) do not depend on the arguments' meaning, only on the command's name: they run
        // on the second core while this thread builds the command line.
        if (args.length > 0 && DECODING.contains(args[0])) {
            Thread.ofPlatform().daemon().name("longvqa-warm-up").start(() -> {
                try {
                    FrameSampler.loadNatives();
                    Json.mapper();
                } catch (Throwable e) {
                    // Not reported here: the command's own first use fails with the cause.
                }
            });
        }
        System.exit(run(System.getenv(), System.getProperties(), System.err, args));
    }

    /** Runs one command with this configuration; a configured value that does not convert is bad input (exit 2). */
    static int run(Map<String, String> env, Properties system, java.io.PrintStream err, String... args) {
        CommandLine cmd;
        try {
            cmd = commandLine(env, system, args.length > 0 ? args[0] : "");
        } catch (RuntimeException e) {
            err.println("error: " + ErrorCode.BAD_REQUEST.name() + ": configuration: " + describe(e));
            return ErrorCode.Kind.BAD_INPUT.exitCode();
        }
        return cmd.execute(args);
    }

    /** SmallRye's own words for each value it could not take (they name the property and the value), one line. */
    private static String describe(RuntimeException e) {
        java.util.List<String> problems = new java.util.ArrayList<>();
        if (e instanceof ConfigValidationException v) {
            for (int i = 0; i < v.getProblemCount(); i++) problems.add(v.getProblem(i).getMessage());
        } else {
            problems.add(String.valueOf(e.getMessage()));
        }
        return problems.stream().map(m -> m.replaceFirst("^[\\w.$]+(Exception|Error): ", "").replaceAll("SRCFG\\d+: ", "").replace('\n', ' '))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    /** The command line with this process's configuration: its environment, system properties and user file. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv(), System.getProperties());
    }

    /** The command line as a process with this environment and these system properties has it. */
    static CommandLine commandLine(Map<String, String> env, Properties system) {
        return commandLine(env, system, "");
    }

    /**
     * As {@link #commandLine(Map, Properties)}, with only the subcommand {@code first} names when it
     * names one (what it parses and prints is the same: a subcommand's options are its own), else all:
     * picocli reads every option of every subcommand it is given, 20-30 ms of a start.
     */
    static CommandLine commandLine(Map<String, String> env, Properties system, String first) {
        // The configuration (SmallRye generates its mapping classes with ASM, ~80 ms) and picocli's
        // model of the commands (~130 ms; ~70 ms with picocli's classes in the launcher's AOT cache,
        // tools/aot) are independent until the defaults are wired: each on its own core.
        java.util.concurrent.FutureTask<SmallRyeConfig> configured = new java.util.concurrent.FutureTask<>(() -> CliConfig.config(env, system));
        Thread.ofPlatform().daemon().name("longvqa-config").start(configured);
        CommandLine cmd = new CommandLine(new LongVqaCli());
        java.util.List<Class<?>> subcommands = SUBCOMMANDS.stream()
                .filter(c -> c != CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(first)).toList();
        for (Class<?> c : subcommands.isEmpty() ? SUBCOMMANDS : subcommands) cmd.addSubcommand(c);
        SmallRyeConfig config = join(configured);
        return cmd.setDefaultValueProvider(new ConfigDefaults(config))
                .setExecutionExceptionHandler(new Errors(config.getConfigMapping(CliConfig.class).debugEnabled()));
    }

    /** The task's value, or its own exception as the caller would have seen it. */
    private static <T> T join(java.util.concurrent.FutureTask<T> task) {
        try {
            return task.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the configuration", e);
        }
    }
}
