package dev.longvqa.infra.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resolves a template value the way CloudFormation would, with the emulators standing in for the
 * resources: {@code Ref} of a bucket, table or queue becomes the emulator's name or URL, and
 * {@code AWS::Region} the test region. Anything else is an error: a value the test cannot resolve
 * is a value it cannot vouch for.
 */
final class Intrinsics {
  private final Map<String, String> refs = new LinkedHashMap<>();

  Intrinsics ref(String logicalIdOrPseudo, String value) {
    refs.put(logicalIdOrPseudo, value);
    return this;
  }

  String resolve(String name, JsonNode value) {
    if (value.isTextual() || value.isNumber() || value.isBoolean()) return value.asText();
    if (value.isObject() && value.size() == 1 && value.has("Ref")) {
      String target = value.get("Ref").asText();
      String v = refs.get(target);
      if (v == null) throw new IllegalStateException(name + ": no emulator stands in for Ref " + target);
      return v;
    }
    throw new IllegalStateException(name + ": cannot resolve " + value);
  }

  Map<String, String> resolveAll(Map<String, JsonNode> env) {
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((k, v) -> out.put(k, resolve(k, v)));
    return out;
  }
}
