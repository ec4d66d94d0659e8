package dev.longvqa.cli;

import dev.longvqa.error.ErrorCode;
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
        CommandLine cmd;
        try {
            cmd = commandLine();
        } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
            // a configured value that does not convert (SmallRye names the property and its source)
            System.err.println("error: " + ErrorCode.BAD_REQUEST.name() + ": configuration: " + e.getMessage().replace('\n', ' '));
            System.exit(ErrorCode.Kind.BAD_INPUT.exitCode());
            return;
        }
        System.exit(cmd.execute(args));
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
