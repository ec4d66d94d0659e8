package dev.longvqa.reason.backend;

import java.util.List;
import java.util.Objects;

/**
 * The one Amazon Bedrock call LVCoT needs (Converse), shaped like the API but free of the AWS
 * SDK so the core stays cloud-free. The cloud modules implement it over
 * {@code BedrockRuntimeClient.converse} and map SDK exceptions to {@link Fault.Category}
 * (ThrottlingException → THROTTLED; ServiceUnavailable/ModelNotReady/InternalServer/timeouts →
 * TRANSIENT; ResourceNotFound/AccessDenied → UNAVAILABLE; Validation → REJECTED).
 */
public interface ConverseTransport {
    Reply converse(Request call) throws Fault;

    /** One user turn: {@code system} may be null; content blocks in order. */
    record Request(String modelId, String system, List<Block> content, int maxTokens, double temperature) {
        public Request {
            content = List.copyOf(content);
        }
    }

    sealed interface Block {}

    record TextBlock(String text) implements Block {}

    /** {@code format} is Converse's image format name, e.g. "jpeg". */
    record ImageBlock(String format, byte[] bytes) implements Block {}

    /** {@code stopReason} e.g. end_turn, max_tokens. */
    record Reply(String text, int inputTokens, int outputTokens, String stopReason) {}

    final class Fault extends Exception {
        public enum Category { THROTTLED, TRANSIENT, UNAVAILABLE, REJECTED }

        private final Category kind;

        public Fault(Category kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = Objects.requireNonNull(kind);
        }

        public Category kind() {
            return kind;
        }
    }
}
