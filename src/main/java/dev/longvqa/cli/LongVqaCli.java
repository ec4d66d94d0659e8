package dev.longvqa.cli;

import picocli.CommandLine;
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
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new LongVqaCli()).setExecutionExceptionHandler(new Errors());
    }
}
