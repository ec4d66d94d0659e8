package dev.longvqa.audio;

import dev.longvqa.RequiredTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Real recognition of real (synthetic) speech: espeak-ng says words at known times into the sound
 * track of a moving video; PocketSphinx must find them within a second of when they were said.
 * PocketSphinx's accuracy on espeak's formant voice is modest, so the words are ones it hears
 * reliably ("three" is the one it gets from espeak's voice every time; most others come out as
 * other words); the point is the plumbing and the clock, not the recogniser's quality.
 */
class PocketSphinxTest {
    @TempDir
    static Path tmp;
    static Path video;

    static final List<SoundVideos.Say> SAID = List.of(new SoundVideos.Say(3.0, "three"), new SoundVideos.Say(11.0, "three"));

    @BeforeAll
    static void generate() throws Exception {
        RequiredTool.require(SoundVideos.espeakAvailable(), "espeak-ng");
        RequiredTool.require(new PocketSphinx().available(), "pocketsphinx with pocketsphinx-en-us");
        video = SoundVideos.write(tmp.resolve("speech.mp4"), 15, SoundVideos.speech(15, SAID, tmp));
    }

    @Test
    void wordsAreHeardAtTheRightTime() {
        try (AudioResult audio = new AudioDecoder().decode(video)) {
            Transcript t = new PocketSphinx().transcribe(audio.track());
            assertEquals("pocketsphinx", t.engine());
            for (SoundVideos.Say s : SAID) {
                assertTrue(t.words().stream().anyMatch(x -> x.text().equals(s.text()) && Math.abs(x.startSec() - s.atSec()) <= 1.0),
                        "'" + s.text() + "' said at " + s.atSec() + " s, heard " + t.words());
            }
            // nothing is heard where nothing was said
            assertTrue(t.wordsIn(5.5, 10.5).isEmpty(), t.words().toString());
            assertTrue(t.render(0, 15).matches(".*\\[(2|3)s\\] three.*\\[1[01]s\\] three.*"), t.render(0, 15));
        }
    }

    @Test
    void silenceGivesNoWordsAndAMissingBinaryIsATypedFailure() throws Exception {
        Path quiet = SoundVideos.write(tmp.resolve("quiet.mp4"), 3, new float[3 * SoundVideos.RATE]);
        try (AudioResult audio = new AudioDecoder().decode(quiet)) {
            assertTrue(new PocketSphinx().transcribe(audio.track()).isEmpty());
            var missing = new PocketSphinx("/nonexistent/pocketsphinx_continuous", null);
            assertFalse(missing.available());
            assertThrows(SpeechToText.TranscriptionException.class, () -> missing.transcribe(audio.track()));
        }
    }

    @Test
    void parsesTimedWordsAndDropsFillers() {
        String out = "are you\n<s> 1.890 2.510 0.998900\nare 2.520 2.690 0.674796\n<sil> 2.920 3.350 0.9\n"
                + "[NOISE] 3.4 3.5 0.1\nreally(2) 3.930 4.230 0.010581\n</s> 4.460 4.770 1.000000\nINFO: x 1 2 3\n";
        List<TimedWord> w = PocketSphinx.parse(out);
        assertEquals(List.of(new TimedWord(2.52, 2.69, "are"), new TimedWord(3.93, 4.23, "really")), w);
    }

    @Test
    void analysisCachesTheTranscriptPerVideoAndEngine() throws Exception {
        Path cacheDir = Files.createDirectories(tmp.resolve("cache"));
        CountingSpeechToText counting = new CountingSpeechToText(new PocketSphinx());
        AudioAnalysis analysis = new AudioAnalysis(new AudioDecoder(), counting, TranscriptCache.directory(cacheDir));
        try (AudioAnalysis.Result first = analysis.analyse(video, "hash1");
             AudioAnalysis.Result second = analysis.analyse(video, "hash1")) {
            assertFalse(first.transcriptCached());
            assertTrue(second.transcriptCached());
            assertEquals(first.transcript(), second.transcript());
            assertEquals(1, counting.calls);
            assertTrue(first.warnings().isEmpty());
        }
    }
}
