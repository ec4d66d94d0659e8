package dev.longvqa.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of every module. Jackson's defaults, configured once here; a caller that
 * needs a variant (pretty printing, a stricter reader) derives an {@code ObjectWriter} or
 * {@code ObjectReader} from it ({@code mapper().writerWithDefaultPrettyPrinter()},
 * {@code mapper().reader().with(...)}) and never reconfigures the shared instance, which is
 * thread-safe only as long as nobody does.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
