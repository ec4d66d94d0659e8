package dev.longvqa.local.cloud;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** One `longvqa local ...` command against a cloud's data directory, as the launcher would run it. */
record CliRun(int exit, String out, String err) {
    static CliRun of(Path data, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = dev.longvqa.local.LocalCli.commandLineForTests();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data";
        all[args.length + 1] = data.toString();
        return new CliRun(cmd.execute(all), out.toString(), err.toString());
    }
}
