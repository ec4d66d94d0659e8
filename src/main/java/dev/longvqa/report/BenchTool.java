package dev.longvqa.report;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.scenes.CutScore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The small pieces of {@code bench/run} that are easier in Java than in bash:
 * <pre>
 *   chart IN.tsv OUT.png TITLE YLABEL [REFERENCE [REFERENCE_LABEL]]
 *        TSV: a header "label&lt;TAB&gt;series…", then one row per group; empty cells are skipped
 *   cuts SCENES.json        the cut times of a {@code longvqa scenes --json} document, one per line
 *   score TRUTH DETECTED [TOLERANCE_SEC]
 *        files of one time per line; prints "tp fp fn precision recall f1" tab-separated,
 *        matched as in the cut-accuracy tests ({@link CutScore}, default ±1 s)
 * </pre>
 */
public final class BenchTool {
    private BenchTool() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0) usage();
        switch (args[0]) {
            case "chart" -> {
                if (args.length < 5) usage();
                chart(Path.of(args[1]), args[3], args[4], args.length > 5 ? Double.valueOf(args[5]) : null,
                        args.length > 6 ? args[6] : null).writePng(Path.of(args[2]));
            }
            case "cuts" -> {
                if (args.length != 2) usage();
                for (double c : cuts(Path.of(args[1]))) System.out.println(String.format(Locale.ROOT, "%.3f", c));
            }
            case "score" -> {
                if (args.length < 3) usage();
                CutScore s = CutScore.of(times(Path.of(args[1])), times(Path.of(args[2])), args.length > 3 ? Double.parseDouble(args[3]) : 1.0);
                System.out.printf(Locale.ROOT, "%d\t%d\t%d\t%.4f\t%.4f\t%.4f%n", s.truePositives(), s.falsePositives(),
                        s.falseNegatives(), s.precision(), s.recall(), s.f1());
            }
            default -> usage();
        }
    }

    static BarChart chart(Path tsv, String title, String yLabel, Double reference, String referenceLabel) throws IOException {
        List<String> lines = Files.readAllLines(tsv).stream().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) throw new IOException("empty table " + tsv);
        List<String> header = Arrays.asList(lines.getFirst().split("\t", -1));
        List<BarChart.Row> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] cells = l.split("\t", -1);
            List<Double> values = new ArrayList<>();
            for (int i = 1; i < header.size(); i++) {
                values.add(i < cells.length && !cells[i].isBlank() ? Double.valueOf(cells[i].trim()) : null);
            }
            rows.add(new BarChart.Row(cells[0], values));
        }
        return new BarChart(title, yLabel, header.subList(1, header.size()), rows, reference, referenceLabel);
    }

    /** The cut times of a {@code scenes --json} document; fails on anything else rather than reporting no cuts. */
    static List<Double> cuts(Path json) throws IOException {
        JsonNode cuts = Json.mapper().readTree(json.toFile()).get("cutsSec");
        if (cuts == null || !cuts.isArray()) throw new IOException("no cutsSec array in " + json);
        List<Double> out = new ArrayList<>();
        for (JsonNode c : cuts) out.add(c.asDouble());
        return out;
    }

    static List<Double> times(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::trim).filter(s -> !s.isEmpty() && !s.startsWith("#"))
                .map(Double::valueOf).sorted().toList();
    }

    private static void usage() {
        System.err.println("usage: BenchTool chart IN.tsv OUT.png TITLE YLABEL [REF [REF_LABEL]] | cuts SCENES.json | score TRUTH DETECTED [TOL]");
        System.exit(2);
    }
}
