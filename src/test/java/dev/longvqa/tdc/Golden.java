package dev.longvqa.tdc;

import dev.longvqa.runtime.Safetensors;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the committed goldens made by tools/golden/tdc_golden.py. */
final class Golden {
    private Golden() {}

    static Path path(String name) {
        try {
            return Path.of(Golden.class.getResource("/golden/tdc/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing golden " + name + " (run tools/golden/tdc_golden.py)", e);
        }
    }

    static Safetensors open(String name) throws IOException {
        return Safetensors.open(path(name));
    }
}
