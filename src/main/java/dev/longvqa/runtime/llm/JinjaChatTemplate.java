package dev.longvqa.runtime.llm;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The checkpoint's own chat template ({@code chat_template} of {@code tokenizer_config.json},
 * {@code chat_template.json} or {@code chat_template.jinja}) rendered with Jinjava the way
 * transformers' {@code apply_chat_template} renders it: {@code trim_blocks} and
 * {@code lstrip_blocks} on, {@code messages}, {@code add_generation_prompt}, {@code bos_token},
 * {@code eos_token}, {@code tools = none}, and the functions {@code raise_exception} and
 * {@code strftime_now} (transformers ≥ 4.43 defines it; the reference pinned 4.46). So each
 * checkpoint gets its own system turn, date line and special tokens.
 *
 * <p>Message content is a string, as these templates expect: an embedding block (a TDC context,
 * an image) rides through as a private-use marker that no tokenizer or template produces, and the
 * rendered text is split at the markers again.
 */
public final class JinjaChatTemplate implements ChatFormat {
    private static final char OPEN = '\uE000', CLOSE = '\uE001';
    private static final ObjectMapper JSON = Json.mapper();
    private static final ThreadLocal<String> RAISED = new ThreadLocal<>();

    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final String endOfTurn;
    private final Jinjava jinjava;
    private final String id;

    public JinjaChatTemplate(String source, String bosToken, String eosToken, String endOfTurn) {
        this.source = Objects.requireNonNull(source, "source");
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        this.endOfTurn = endOfTurn;
        // Python Jinja2 semantics where Jinjava's defaults differ: {{- and {#- trim, operator
        // precedence, whitespace control, map iteration and Python-like output of values
        LegacyOverrides jinja2 = LegacyOverrides.newBuilder().withUseTrimmingForNotesAndExpressions(true)
                .withParseWhitespaceControlStrictly(true).withUseNaturalOperatorPrecedence(true)
                .withEvaluateMapKeys(true).withIterateOverMapKeys(true).withUsePyishObjectMapper(true)
                .withKeepNullableLoopValues(true).build();
        JinjavaConfig config = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withLegacyOverrides(jinja2).build();
        this.jinjava = new Jinjava(config);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                JinjaChatTemplate.class, "raiseException", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                JinjaChatTemplate.class, "strftimeNow", String.class));
        this.id = "jinja-" + sha(source);
    }

    /**
     * The template in {@code dir}, if it has one whose messages take string content (Qwen2,
     * Llama 3.x, …). Templates that iterate over typed content items (Idefics3/SmolVLM) keep the
     * family format.
     */
    public static Optional<JinjaChatTemplate> fromCheckpoint(Path dir, String endOfTurn) {
        String source = null;
        Path jinjaFile = dir.resolve("chat_template.jinja");
        try {
            if (Files.isRegularFile(jinjaFile)) source = Files.readString(jinjaFile);
            JsonNode tokConfig = read(dir.resolve("tokenizer_config.json"));
            if (source == null) source = templateOf(read(dir.resolve("chat_template.json")));
            if (source == null) source = templateOf(tokConfig);
            if (source == null || source.isBlank()) return Optional.empty();
            if (source.contains("['type']") || source.contains(".type ==") || source.contains("<end_of_utterance>")) return Optional.empty();
            return Optional.of(new JinjaChatTemplate(source, token(tokConfig, "bos_token"), token(tokConfig, "eos_token"), endOfTurn));
        } catch (IOException e) {
            return Optional.empty(); // an unreadable side file: the family format still applies
        }
    }

    private static JsonNode read(Path p) throws IOException {
        return Files.isRegularFile(p) ? JSON.readTree(p.toFile()) : JSON.missingNode();
    }

    /** A string, or the "default" entry of a list of named templates. */
    private static String templateOf(JsonNode config) {
        JsonNode t = config.path("chat_template");
        if (t.isTextual()) return t.asText();
        if (t.isArray()) {
            for (JsonNode named : t) if ("default".equals(named.path("name").asText())) return named.path("template").asText();
            return t.isEmpty() ? null : t.get(0).path("template").asText(null);
        }
        return null;
    }

    /** A special token given as a string or as an AddedToken object ({@code {"content": …}}). */
    private static String token(JsonNode config, String name) {
        JsonNode t = config.path(name);
        if (t.isTextual()) return t.asText();
        if (t.isObject()) return t.path("content").asText(null);
        return null;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String endOfTurn() {
        return endOfTurn;
    }

    public String source() {
        return source;
    }

    /** The rendered text with every embedding block shown as {@code <image>} (diagnostics, tests). */
    public String renderText(List<ChatMessage> messages, boolean generationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (PromptPart p : apply(messages, generationPrompt)) sb.append(p instanceof PromptPart.Untokenized t ? t.text() : "<image>");
        return sb.toString();
    }

    @Override
    public List<PromptPart> apply(List<ChatMessage> messages, boolean generationPrompt) {
        List<PromptPart> blocks = new ArrayList<>();
        List<Map<String, Object>> msgs = new ArrayList<>();
        for (ChatMessage m : messages) {
            StringBuilder content = new StringBuilder();
            for (PromptPart p : m.content()) {
                if (p instanceof PromptPart.Untokenized t) {
                    if (t.text().indexOf(OPEN) >= 0 || t.text().indexOf(CLOSE) >= 0) {
                        throw new IllegalArgumentException("prompt text contains a reserved character (U+E000/U+E001)");
                    }
                    content.append(t.text());
                } else {
                    content.append(OPEN).append(blocks.size()).append(CLOSE);
                    blocks.add(p);
                }
            }
            Map<String, Object> msg = new LinkedHashMap<>();
            msg.put("role", m.role().id());
            msg.put("content", content.toString());
            msgs.add(msg);
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("messages", msgs);
        vars.put("add_generation_prompt", generationPrompt);
        vars.put("bos_token", bosToken);
        vars.put("eos_token", eosToken);
        vars.put("tools", null);
        // Jinjava's functions are not variables: without this `strftime_now is defined` is false
        // and Llama 3.x templates would print their fallback date instead of today's
        vars.put("strftime_now", true);
        RAISED.remove();
        RenderResult result = jinjava.renderForResult(source, vars);
        for (TemplateError e : result.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                String raised = RAISED.get();
                RAISED.remove();
                throw new IllegalArgumentException("chat template: " + (raised != null ? raised : e.getMessage()));
            }
        }
        return split(result.getOutput(), blocks);
    }

    /** The rendered text cut at the markers, each block back in its place exactly once. */
    private static List<PromptPart> split(String rendered, List<PromptPart> blocks) {
        List<PromptPart> out = new ArrayList<>();
        boolean[] seen = new boolean[blocks.size()];
        int from = 0;
        while (true) {
            int open = rendered.indexOf(OPEN, from);
            if (open < 0) break;
            int close = rendered.indexOf(CLOSE, open);
            int index = Integer.parseInt(rendered.substring(open + 1, close));
            if (seen[index]) throw new IllegalArgumentException("the chat template repeats a message's content");
            seen[index] = true;
            if (open > from) out.add(PromptPart.text(rendered.substring(from, open)));
            out.add(blocks.get(index));
            from = close + 1;
        }
        if (from < rendered.length()) out.add(PromptPart.text(rendered.substring(from)));
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) throw new IllegalArgumentException("the chat template dropped an embedding block of a message");
        }
        return List.copyOf(out);
    }

    /** {@code raise_exception(msg)}: the template refuses the conversation. */
    public static String raiseException(String message) {
        RAISED.set(message); // Jinjava reports only "Error invoking function": keep the template's words
        throw new IllegalArgumentException("chat template: " + message);
    }

    /** {@code strftime_now(fmt)}: now, formatted with Python's strftime directives (the common ones). */
    public static String strftimeNow(String format) {
        return strftime(LocalDateTime.now(), format);
    }

    static String strftime(LocalDateTime t, String format) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                sb.append(c);
                continue;
            }
            char d = format.charAt(++i);
            String pattern = switch (d) {
                case 'd' -> "dd";
                case 'b' -> "MMM";
                case 'B' -> "MMMM";
                case 'm' -> "MM";
                case 'Y' -> "yyyy";
                case 'y' -> "yy";
                case 'H' -> "HH";
                case 'M' -> "mm";
                case 'S' -> "ss";
                case 'a' -> "EEE";
                case 'A' -> "EEEE";
                case '%' -> null;
                default -> throw new IllegalArgumentException("strftime_now: unsupported directive %" + d);
            };
            sb.append(pattern == null ? "%" : t.format(DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH)));
        }
        return sb.toString();
    }

    private static String sha(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
