package dev.longvqa.audio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CMU PocketSphinx through its command-line recogniser ({@code pocketsphinx_continuous}, Debian
 * packages {@code pocketsphinx} + {@code pocketsphinx-en-us}): offline, small, modest accuracy.
 * The CLI is the one interface every packaging of 5prealpha ships (the Python binding and the
 * library's API differ between versions); it reads the spooled 16 kHz raw PCM as is and prints
 * one {@code word start end probability} line per word with {@code -time yes}.
 *
 * <p>Robust by construction: a bounded wait (a multiple of the audio's length), stdout read to
 * the end on a separate thread, stderr (its log) to a file, the process killed on timeout.
 */
public final class PocketSphinx implements SpeechToText {
    public static final String DEFAULT_BINARY = "pocketsphinx_continuous";
    /** {@code word start end prob}; fillers like {@code <s>}, {@code <sil>}, {@code [NOISE]} are dropped. */
    private static final Pattern WORD_LINE = Pattern.compile("^(\\S+)\\s+(\\d+(?:\\.\\d+)?)\\s+(\\d+(?:\\.\\d+)?)\\s+(-?\\d+(?:\\.\\d+)?)\\s*$");

    private final String binary;
    private final Path modelDir;

    /** @param modelDir a directory with {@code en-us/}, {@code en-us.lm.bin}, {@code cmudict-en-us.dict}; null for the package's */
    public PocketSphinx(String binary, Path modelDir) {
        this.binary = binary == null || binary.isBlank() ? DEFAULT_BINARY : binary;
        this.modelDir = modelDir;
    }

    public PocketSphinx() {
        this(DEFAULT_BINARY, null);
    }

    /** Whether the binary can be started here (it is on PATH or an existing file). */
    public boolean available() {
        Path p = Path.of(binary);
        if (p.isAbsolute() || binary.contains("/")) return Files.isExecutable(p);
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) return true;
        }
        return false;
    }

    @Override
    public String id() {
        return "pocketsphinx" + (modelDir == null ? "" : ":" + modelDir.getFileName());
    }

    @Override
    public Transcript transcribe(AudioTrack track) {
        if (track.samples() == 0) return new Transcript(id(), List.of());
        List<String> cmd = new ArrayList<>(List.of(binary, "-infile", track.pcmFile().toString(),
                "-samprate", Integer.toString(AudioTrack.SAMPLE_RATE), "-time", "yes"));
        if (modelDir != null) {
            cmd.addAll(List.of("-hmm", modelDir.resolve("en-us").toString(),
                    "-lm", modelDir.resolve("en-us.lm.bin").toString(),
                    "-dict", modelDir.resolve("cmudict-en-us.dict").toString()));
        }
        Path log = null;
        Process proc = null;
        try {
            log = Files.createTempFile("longvqa-pocketsphinx", ".log");
            proc = new ProcessBuilder(cmd).redirectErrorStream(false)
                    .redirectError(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            Process p = proc;
            var stdout = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            }, Thread.ofVirtual()::start);
            // pocketsphinx runs several times faster than real time on one core; 4x + 60 s is generous
            long waitSec = 60 + (long) Math.ceil(track.durationSec() * 4);
            if (!proc.waitFor(waitSec, TimeUnit.SECONDS)) {
                throw new TranscriptionException("pocketsphinx did not finish within " + waitSec + " s");
            }
            String out = stdout.get(30, TimeUnit.SECONDS);
            if (proc.exitValue() != 0) {
                throw new TranscriptionException("pocketsphinx exited with " + proc.exitValue() + ": " + lastLine(log));
            }
            return new Transcript(id(), parse(out));
        } catch (IOException e) {
            throw new TranscriptionException("cannot run " + binary + " (install Debian's pocketsphinx and pocketsphinx-en-us): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranscriptionException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new TranscriptionException("cannot read pocketsphinx output: " + e, e);
        } finally {
            if (proc != null && proc.isAlive()) proc.destroyForcibly();
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // temp file
                }
            }
        }
    }

    /** Timed words from the CLI's output; fillers, silences and alternate-pronunciation marks removed. */
    static List<TimedWord> parse(String out) {
        List<TimedWord> words = new ArrayList<>();
        for (String line : out.split("\\R")) {
            Matcher m = WORD_LINE.matcher(line.strip());
            if (!m.matches()) continue;
            String w = m.group(1);
            if (w.startsWith("<") || w.startsWith("[") || w.startsWith("+")) continue;
            w = w.replaceAll("\\(\\d+\\)$", "").toLowerCase(Locale.ROOT);
            double s = Double.parseDouble(m.group(2)), e = Double.parseDouble(m.group(3));
            if (w.isEmpty() || e < s) continue;
            words.add(new TimedWord(s, e, w));
        }
        return words;
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) if (!lines.get(i).isBlank()) return lines.get(i).strip();
        } catch (IOException ignored) {
            // best effort
        }
        return "(no log)";
    }
}
