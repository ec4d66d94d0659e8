package dev.longvqa.local.cloud.stack;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The CloudFormation template the local cloud deploys: the one {@code ./longvqa infra synth}
 * writes (synthesized here by the infra module's own command), or a given file.
 */
public final class StackTemplate {
    private StackTemplate() {}

    public static JsonNode read(Path file) throws IOException {
        return Deployment.readTree(Files.readString(file));
    }

    /**
     * Runs {@code infra synth --out outDir --transcripts worker} in this JVM and returns the template
     * it wrote. No Transcribe emulator exists, so the local stack has its transcripts made by the
     * worker's own recogniser (PocketSphinx offline): the workflow's transcript Choice runs and goes
     * straight on, the worker gets {@code LONGVQA_TRANSCRIPT=worker} from the template.
     */
    public static Path synthesize(Path outDir) throws IOException {
        Files.createDirectories(outDir);
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new dev.longvqa.infra.InfraCli());
        cli.setOut(new PrintWriter(out)).setErr(new PrintWriter(out));
        int rc = cli.execute("synth", "--out", outDir.toAbsolutePath().toString(),
                "--transcripts", dev.longvqa.contract.TranscriptSource.WORKER.value());
        if (rc != 0) throw new IOException("infra synth failed (exit " + rc + "):\n" + out);
        try (Stream<Path> files = Files.list(outDir)) {
            List<Path> templates = files.filter(p -> p.getFileName().toString().endsWith(".template.json")).toList();
            if (templates.size() != 1) throw new IOException("expected one *.template.json in " + outDir + ", found " + templates);
            return templates.getFirst();
        }
    }
}
