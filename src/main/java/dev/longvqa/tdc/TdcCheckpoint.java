package dev.longvqa.tdc;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.runtime.Safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the loader and the identity read of a TDC checkpoint without loading it: its safetensors
 * files, their headers, and a cheap stamp of each file.
 */
final class TdcCheckpoint {
    private TdcCheckpoint() {}

    /** Width of {@code model.image_newline} (or {@code model.vision_proj.bias}) in the checkpoint's headers. */
    static int outputWidth(Path checkpoint) {
        if (checkpoint == null || !Files.exists(checkpoint)) {
            throw LongVqaException.badInput(ErrorCode.NOT_FOUND, "TDC checkpoint " + checkpoint + " does not exist");
        }
        for (Path file : safetensors(checkpoint)) {
            try (Safetensors st = Safetensors.open(file)) {
                for (String name : new String[]{"model.image_newline", "model.vision_proj.bias"}) {
                    if (st.contains(name)) return (int) st.info(name).shape()[0];
                }
            } catch (IOException e) {
                throw new LongVqaException(ErrorCode.BAD_REQUEST, "cannot read TDC checkpoint " + file + ": " + e.getMessage(), e);
            }
        }
        throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, checkpoint + " is not a TDC checkpoint: no model.image_newline tensor");
    }

    /** The checkpoint itself when it is a file, else its {@code .safetensors} files in name order. */
    static List<Path> safetensors(Path checkpoint) {
        if (!Files.isDirectory(checkpoint)) return List.of(checkpoint);
        try (Stream<Path> s = Files.list(checkpoint)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.BAD_REQUEST, "cannot list " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    /** Name, size and mtime: hashing a multi-GB checkpoint on every start would cost more than the cache saves. */
    static String stamp(Path p) {
        try {
            return p.getFileName() + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            throw LongVqaException.badInput(ErrorCode.NOT_FOUND, "cannot read " + p + ": " + e.getMessage());
        }
    }
}
