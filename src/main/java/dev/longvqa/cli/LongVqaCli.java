package dev.longvqa.cli;

import dev.longvqa.error.ErrorCode;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.SmallRyeConfig;
import picocli.CommandLine;

import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;

/** The {@code longvqa} command line: one subcommand per job. */
@Command(name = "longvqa", mixinStandardHelpOptions = true, version = "longvqa 0.1.0",
        description = "Long-video question answering: scenes, TDC context plans, LVCoT answers.",
        subcommands = {ScenesCommand.class, PlanCommand.class, AskCommand.class, ModelsCommand.class, SynthCommand.class, CommandLine.HelpCommand.class})
public final class LongVqaCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(run(System.getenv(), System.getProperties(), System.err, args));
    }

    /** Runs one command with this configuration; a configured value that does not convert is bad input (exit 2). */
    static int run(Map<String, String> env, Properties system, java.io.PrintStream err, String... args) {
        CommandLine cmd;
        try {
            cmd = commandLine(env, system);
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
        SmallRyeConfig config = CliConfig.config(env, system);
        return new CommandLine(new LongVqaCli())
                .setDefaultValueProvider(new ConfigDefaults(config))
                .setExecutionExceptionHandler(new Errors(config.getConfigMapping(CliConfig.class).debugEnabled()));
    }
}
