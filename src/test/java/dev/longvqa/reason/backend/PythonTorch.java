package dev.longvqa.reason.backend;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs tools/golden/prompt_embeds_check.py with Debian's python3 + torch, when present. */
final class PythonTorch {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static Boolean available;

    private PythonTorch() {}

    static Path script() {
        // surefire runs in src/; the tool lives at the repository root
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path s = p.resolve("tools/golden/prompt_embeds_check.py");
            if (Files.exists(s)) return s;
        }
        throw new IllegalStateException("tools/golden/prompt_embeds_check.py not found");
    }

    static synchronized boolean available() {
        if (available == null) {
            try {
                available = Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import torch")).exit == 0;
            } catch (Exception e) {
                available = false;
            }
        }
        return available;
    }

    /** One JSON description per file, in order (one python start for all of them). */
    static List<JsonNode> check(boolean base64, Path... files) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script().toString()));
        if (base64) cmd.add("--base64");
        for (Path f : files) cmd.add(f.toString());
        Result r = run(cmd);
        if (r.exit != 0) throw new AssertionError("prompt_embeds_check.py failed (" + r.exit + "): " + r.output);
        List<JsonNode> out = new ArrayList<>();
        ObjectMapper json = Json.mapper();
        for (String line : r.output.strip().split("\n")) {
            if (line.startsWith("{\"dtype\"")) out.add(json.readTree(line)); // skip torch's warnings
        }
        if (out.size() != files.length) throw new AssertionError("expected " + files.length + " results: " + r.output);
        return out;
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("python timed out");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
